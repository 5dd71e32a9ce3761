from alpine:3.20
copy a /a
run true
