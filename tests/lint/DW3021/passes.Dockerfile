FROM golang:1.22
WORKDIR /src
RUN go build -o /out/app ./cmd/app && cd "$HOME"
