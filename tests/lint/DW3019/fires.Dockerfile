FROM alpine:3.20
RUN wget -qO- https://example.com/a.tar.gz | tar -xz -C /opt
FROM debian:bookworm-slim
SHELL ["/bin/bash", "-c"]
RUN curl -fsSL https://example.com/key | gpg --dearmor > /usr/share/keyrings/example.gpg
FROM debian:bookworm-slim
RUN ["/bin/bash", "-c", "curl -fsSL https://example.com/a.tar.gz | tar -xz -C /opt"]
FROM alpine:3.20
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN ["/bin/sh", "-c", "wget -qO- https://example.com/a.tar.gz | tar -xz -C /opt"]
FROM debian:bookworm-slim
RUN <<EOF
#!/bin/bash
curl -fsSL https://example.com/a.tar.gz | tar -xz -C /opt
EOF
