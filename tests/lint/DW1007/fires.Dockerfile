FROM debian:bookworm-slim
RUN curl -fsSL https://get.example.com/install.sh | sh
RUN apt-get install -y wget && wget -qO- https://example.com/setup | sudo bash -s -- --yes
