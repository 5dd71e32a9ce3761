FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl git=1:2.39.2-1.1 \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir flask gunicorn==22.0.0
RUN npm install -g left-pad @scope/tool@1.2.3 typescript
RUN npm add @types/node@20 lodash@latest
FROM alpine:3.20
RUN apk add --no-cache curl
