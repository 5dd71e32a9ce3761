FROM python:3.12-slim AS base
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*

FROM base
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8000/health || exit 1

FROM alpine:3.20 AS web
HEALTHCHECK CMD ["wget", "-qO-", "http://localhost/"]

FROM example.com/unknown:1 AS other
HEALTHCHECK CMD curl -f http://localhost/
