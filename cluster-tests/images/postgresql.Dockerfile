# The chart's in-cluster PostgreSQL for the cluster tier: Debian's PostgreSQL 15, with an
# entrypoint that honours the official image's POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB /
# PGDATA, run as uid 70 (the chart's postgresql.runAsUser).
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN groupadd --system --gid 70 postgres \
 && useradd --system --uid 70 --gid 70 --home-dir /var/lib/postgresql --shell /bin/sh postgres \
 && apt-get update -q \
 && apt-get install -y -q --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/*
COPY postgresql-entrypoint.sh /usr/local/bin/postgresql-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH
USER 70:70
ENTRYPOINT ["/usr/local/bin/postgresql-entrypoint.sh"]
