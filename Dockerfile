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

# Runtime: small Debian with only what the binary links (OpenSSL, CA certificates); no shell
# tools are needed at run time: the health check is the binary itself (`mini-xdr healthcheck`).
FROM debian:bookworm-slim
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="mini-xdr" \
      org.opencontainers.image.description="Mini-XDR: multi-tenant XDR backend (API server and agent downloads)" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 mini-xdr \
    && useradd --system --uid 10001 --gid mini-xdr --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin mini-xdr \
    && install -d -o 10001 -g 10001 -m 0700 /data
COPY --from=build /out/mini-xdr /usr/local/bin/mini-xdr
# The Linux agent the install scripts download (GET /downloads/mini-xdr-agent-linux-x86_64),
# read-only for the server.
COPY --from=build /out/downloads /usr/share/mini-xdr/downloads
# Keys and the SQLite database: mount a volume here (a new named volume takes the directory's
# owner and mode, 10001:10001 0700).
VOLUME ["/data"]
USER 10001:10001
WORKDIR /data
# MIMALLOC_ARENA_EAGER_COMMIT=0: the allocator commits its arenas page by page instead of up
# front; idle RSS 52 -> 35 MB, after a minute of mixed load 165 -> 90 MB, same start time
# (docs/operations.md, "Memory"; docs/benchmarks.md).
ENV MINI_XDR__SERVER__BIND=0.0.0.0:8080 \
    MINI_XDR__SERVER__DATA_DIR=/data \
    MINI_XDR__LOG__FORMAT=json \
    MINI_XDR__DOWNLOADS__DIRECTORY=/usr/share/mini-xdr/downloads \
    MIMALLOC_ARENA_EAGER_COMMIT=0
EXPOSE 8080
# SIGTERM drains: /readyz fails at once, requests in flight get server.shutdown_timeout_seconds
# (10 s) to finish. Give `docker stop` more than that: `docker stop -t 15` (compose:
# stop_grace_period).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/mini-xdr", "healthcheck", "--timeout-ms", "2000"]
ENTRYPOINT ["/usr/local/bin/mini-xdr"]
CMD ["serve"]
