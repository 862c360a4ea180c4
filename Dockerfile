# syntax=docker/dockerfile:1
# Build: the whole workspace in release mode (SQLite and libpq are compiled in: the runtime
# image needs no database client libraries).
FROM rust:1-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin mini-xdr --bin mini-xdr-agent \
    && install -D -m 0755 target/release/mini-xdr /out/mini-xdr \
    && install -D -m 0755 target/release/mini-xdr-agent /out/downloads/mini-xdr-agent-linux-x86_64

# Runtime: small Debian with only what the binary links (OpenSSL, CA certificates), non-root.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3 curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 mini-xdr \
    && useradd --system --uid 10001 --gid mini-xdr --home-dir /var/lib/mini-xdr --shell /usr/sbin/nologin mini-xdr \
    && install -d -o mini-xdr -g mini-xdr -m 0700 /var/lib/mini-xdr
COPY --from=build /out/mini-xdr /usr/local/bin/mini-xdr
# The Linux agent the install scripts download (GET /downloads/mini-xdr-agent-linux-x86_64).
COPY --from=build /out/downloads /usr/share/mini-xdr/downloads
USER 10001:10001
WORKDIR /var/lib/mini-xdr
ENV MINI_XDR__SERVER__BIND=0.0.0.0:8080 \
    MINI_XDR__SERVER__DATA_DIR=/var/lib/mini-xdr \
    MINI_XDR__LOG__FORMAT=json \
    MINI_XDR__DOWNLOADS__DIRECTORY=/usr/share/mini-xdr/downloads
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["/usr/local/bin/mini-xdr"]
CMD ["serve"]
