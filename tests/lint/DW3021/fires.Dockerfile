FROM golang:1.22
RUN cd /src && go build -o /out/app ./cmd/app
