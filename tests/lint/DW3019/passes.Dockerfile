FROM alpine:3.20
RUN set -o pipefail && wget -qO- https://example.com/a.tar.gz | tar -xz -C /opt
FROM debian:bookworm-slim
RUN curl -fsSL https://example.com/a.tar.gz | tar -xz -C /opt
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/key | gpg --dearmor > /usr/share/keyrings/example.gpg
SHELL ["/bin/bash", "-c"]
RUN ["/bin/sh", "-c", "curl -fsSL https://example.com/a.tar.gz | tar -xz -C /opt"]
RUN ["bash", "-o", "pipefail", "-c", "curl -fsSL https://example.com/a.tar.gz | tar -xz -C /opt"]
RUN ["tool", "a | b", "|", "c"]
RUN <<EOF
#!/bin/sh
curl -fsSL https://example.com/a.tar.gz | tar -xz -C /opt
EOF
FROM alpine:3.20
RUN ["tool", "a | b", "|", "c"]
RUN ["/bin/ash", "-eo", "pipefail", "-c", "wget -qO- https://example.com/a.tar.gz | tar -xz -C /opt"]
