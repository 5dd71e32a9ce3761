FROM alpine:3.20 AS build
RUN make

FROM docker.io/library/debian:bookworm-slim
COPY --from=build /out /app

FROM build
FROM scratch
