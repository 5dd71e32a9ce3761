# check=skip=JSONArgsRecommended
FROM alpine:3.20
COPY --chmod=0755 run.sh /usr/local/bin/
COPY --link . /src/
RUN --mount=type=cache,target=/root/.cache --network=none make
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a.tgz /a.tgz
RUN <<EOF
make install
EOF
