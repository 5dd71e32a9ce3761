FROM alpine:3.20
ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
ARG REPO_URL=https://deploy:hunter2@git.example.com/app.git
ENV GH=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB
