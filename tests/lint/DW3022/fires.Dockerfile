FROM alpine:3.20
COPY --chmod=u+x run.sh /usr/local/bin/
COPY --exclude=*.md . /src/
RUN --security=insecure make
