FROM alpine:3.20 AS build
RUN make

FROM alpine:3.20
COPY --from=build /out /out
COPY --from=0 /out /out2
COPY --from=nginx:1.27 /etc/nginx /etc/nginx
COPY --from=Build /out /out3
RUN --mount=type=bind,from=build,target=/src ls /src
