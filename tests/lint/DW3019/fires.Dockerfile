FROM alpine:3.20
RUN wget -qO- https://example.com/a.tar.gz | tar -xz -C /opt
FROM debian:bookworm-slim
SHELL ["/bin/bash", "-c"]
RUN curl -fsSL https://example.com/key | gpg --dearmor > /usr/share/keyrings/example.gpg
