FROM debian:bookworm-slim
RUN curl -fsSLk https://internal.example.com/tool -o /usr/local/bin/tool
RUN wget --no-check-certificate https://internal.example.com/a.tar.gz \
    && apt-get install -y --allow-unauthenticated internal-tools
RUN pip install --trusted-host pypi.internal flask
RUN npm config set strict-ssl false
FROM alpine:3.20
RUN apk add --allow-untrusted /tmp/local.apk && curl --insecure https://example.com
