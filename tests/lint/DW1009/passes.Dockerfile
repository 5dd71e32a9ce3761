FROM alpine:3.20
RUN chmod 0755 /usr/local/bin/helper && chmod u+x,g-s /srv/run.sh
RUN chmod -R 775 /srv && chmod +x /entrypoint.sh
