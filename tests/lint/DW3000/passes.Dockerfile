FROM alpine:3.20
COPY --from=build-stage /a /b
ENV PATH=/x
