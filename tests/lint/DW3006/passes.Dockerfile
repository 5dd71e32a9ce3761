FROM alpine:3.20
WORKDIR /app
WORKDIR sub
FROM alpine:3.20
WORKDIR $HOME/app

FROM alpine:3.20 AS a
WORKDIR /app

FROM a AS b
WORKDIR subdir/
