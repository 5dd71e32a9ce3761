FROM alpine:3.20
ENV AWS_REGION=eu-west-1
ARG REPO_URL=https://git.example.com/app.git
ARG PROXY=http://user:$PROXY_PASSWORD@proxy:3128
