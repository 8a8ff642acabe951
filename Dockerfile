# syntax=docker/dockerfile:1
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/sslreseller ./cmd/sslreseller

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 sslreseller
COPY --from=build /out/sslreseller /usr/local/bin/sslreseller
USER sslreseller
ENV SSLR_HTTP_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["sslreseller"]
CMD ["serve", "--migrate"]
