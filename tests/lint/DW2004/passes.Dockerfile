#  a comment, not a directive
FROM alpine:3.20
