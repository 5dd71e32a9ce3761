# syntax=docker/dockerfile:1
from python:3.12-slim as build
ARG GITHUB_TOKEN
WORKDIR src
RUN pip install --no-cache-dir -r requirements.txt

FROM ghcr.io/acme/runtime:latest
MAINTAINER "Ops <ops@example.com> & friends"
COPY --from=build /src /app
EXPOSE 8000/TCP
CMD python -m app
