FROM alpine:3.20
ADD app.py requirements.txt /app/
add --chown=1000 conf /etc/app
