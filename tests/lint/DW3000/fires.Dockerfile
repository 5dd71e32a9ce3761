RUN echo before any stage
FROM alpine:3.20
COPY --from build /a /b
FOO bar
ENV PATH
