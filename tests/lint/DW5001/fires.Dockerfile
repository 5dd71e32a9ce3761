FROM alpine:3.20
copy a /a
Run true
