FROM alpine:3.20
CMD ["app", "--port", "80"]
RUN [ -f /etc/os-release ] && echo ok
RUN [ "$(id -u)" = "0" ]
RUN [ ! -d /x/.git ]
