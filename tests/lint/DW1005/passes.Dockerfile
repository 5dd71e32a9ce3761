FROM alpine:3.20
RUN --security=sandbox true
