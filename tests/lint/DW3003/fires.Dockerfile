FROM alpine:3.20 AS base
COPY --from=biuld /out /out
COPY --from=base /etc/os-release /x
COPY --from=later /a /a
COPY --from=3 /b /b

FROM alpine:3.20 AS later
