FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir -r requirements.txt flask==3.0.0 .
RUN npm ci && npm install -g typescript@5.4.5
FROM alpine:3.20
RUN apk add --no-cache curl=8.9.1-r0
