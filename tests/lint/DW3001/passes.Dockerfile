FROM alpine:3.20 AS base
SHELL ["/bin/ash", "-c"]
CMD app

FROM base
ENTRYPOINT ["/usr/local/bin/app", "--port", "8080"]
CMD app
