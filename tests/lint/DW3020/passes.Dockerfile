FROM debian:bookworm-slim
RUN <<EOF
set -eux
apt-get update
apt-get install -y --no-install-recommends curl
rm -rf /var/lib/apt/lists/*
EOF
RUN <<EOF
echo one command
EOF
SHELL ["/bin/bash", "-e", "-c"]
RUN <<EOF
mkdir -p /a
touch /a/b
EOF
