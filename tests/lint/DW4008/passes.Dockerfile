FROM debian:bookworm-slim
RUN mkdir -p /app && useradd --system app
COPY app /app
RUN chown app /app
RUN --mount=type=cache,target=/root/.cache make
