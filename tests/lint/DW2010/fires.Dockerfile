FROM ghcr.io/acme/base:1.4 AS build
RUN make

FROM quay.io/prometheus/busybox:1.36
COPY --from=build /out /app
USER 65534
