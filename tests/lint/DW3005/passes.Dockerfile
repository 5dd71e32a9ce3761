FROM scratch
FROM alpine:3.20 AS contexts
