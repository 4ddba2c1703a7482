# The JRE base of the API server and operator images in the cluster tier (instead of
# eclipse-temurin:17-jre, which cannot be pulled here): Debian's OpenJDK 17.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*
