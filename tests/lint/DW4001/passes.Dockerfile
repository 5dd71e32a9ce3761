FROM debian:bookworm-slim AS build
RUN apt-get update && apt-get install -y build-essential
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
