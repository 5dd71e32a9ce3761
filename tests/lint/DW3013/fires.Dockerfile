FROM python:3.12-slim
EXPOSE 8000
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8000/health || exit 1

FROM alpine:3.20 AS web
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
