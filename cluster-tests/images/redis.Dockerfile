# The chart's in-cluster Redis for the cluster tier: Debian's redis-server (Redis 7, as the
# per-task ACL users need), uid 999 as the chart's redis.runAsUser expects.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN groupadd --system --gid 999 redis \
 && useradd --system --uid 999 --gid 999 --home-dir /data --no-create-home --shell /usr/sbin/nologin redis \
 && apt-get update -q \
 && apt-get install -y -q --no-install-recommends redis-server redis-tools \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data /run/redis && chown 999:999 /data /run/redis
USER 999:999
CMD ["redis-server"]
