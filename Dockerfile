# Release image of the `gangonghui` server. Build: docker build -t gangonghui .
# libpq and OpenSSL are compiled from source into the binary (pq-sys `bundled`, openssl-sys
# `vendored`): the build needs only the Rust image's C compiler, make and perl, and the runtime
# image no libpq or libssl package. SQLite stays compiled in (about 1 MB): the persistence layer
# is one code path over both databases, so it cannot be left out without a second one.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin gangonghui

FROM debian:bookworm-slim
# ca-certificates: TLS to the SMS gateway, WeChat and a remote PostgreSQL; curl: the healthcheck.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app gangonghui \
    && mkdir -p /var/lib/gangonghui/attachments && chown -R gangonghui /var/lib/gangonghui
COPY --from=build /src/target/release/gangonghui /usr/local/bin/gangonghui
USER gangonghui
WORKDIR /app
ENV GGH_ENV=production GGH_BIND=0.0.0.0:8080 GGH_ATTACHMENTS_DIR=/var/lib/gangonghui/attachments
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=2s CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["gangonghui"]
CMD ["serve"]
