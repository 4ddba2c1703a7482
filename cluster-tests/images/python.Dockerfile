# The Python base of the runner image in the cluster tier (instead of python:3.11-slim):
# Debian bookworm's Python 3.11 with venv; `python` as in the official image.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends python3 python3-venv python-is-python3 \
 && rm -rf /var/lib/apt/lists/*
