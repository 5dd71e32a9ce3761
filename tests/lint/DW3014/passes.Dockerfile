FROM alpine:3.20 AS base
EXPOSE 8080
HEALTHCHECK CMD ["wget", "-qO-", "http://127.0.0.1:8080/"]

FROM base
CMD ["app"]

FROM alpine:3.20 AS batch
CMD ["job"]
