FROM debian:bookworm-slim
RUN mkdir -p /app
RUN useradd --system app
# make it theirs
RUN chown app /app
