FROM --platform=linux/amd64 alpine:3.20 AS build-amd64
FROM --platform=$BUILDPLATFORM alpine:3.20 AS tools
