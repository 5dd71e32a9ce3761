FROM alpine:3.20
CMD ['app', '--port', '80']
RUN ["apk", "add", curl]
ENTRYPOINT ["app", "--flag",]
