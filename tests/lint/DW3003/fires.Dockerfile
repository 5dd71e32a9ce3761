FROM alpine:3.20 AS base
COPY --from=biuld /out /out
COPY --from=base /etc/os-release /x
COPY --from=later /a /a
COPY --from=3 /b /b
RUN --mount=type=bind,from=biuld,target=/src make

FROM alpine:3.20 AS later
