FROM golang:1.22 AS build
USER 1000
RUN go build -o /app .

FROM alpine:3.20
COPY --from=build /app /app
USER root
