FROM alpine:3.20
RUN --network=none make
RUN --network=default wget -qO- https://example.com > /a
