FROM alpine:3.20 AS base
EXPOSE 8080

FROM base
CMD ["app"]
