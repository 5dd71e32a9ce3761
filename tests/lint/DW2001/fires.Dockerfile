FROM alpine
RUN true

FROM debian AS app
