FROM --platform=$BULIDPLATFORM alpine:3.20
ARG TAG=3.20
FROM alpine:${TAG}
