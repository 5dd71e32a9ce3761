FROM alpine:3.20
ARG GITHUB_TOKEN
ENV DB_PASSWORD=changeme API_URL=https://example.com
ENV aws_secret value
