FROM debian:bookworm-slim
ENV DIR=/opt/app
RUN rm -rf $DIR/cache
