#!/usr/bin/env bash
# Validates the OpenAPI document the server serves (not only the committed file) with a pinned
# openapi-spec-validator, installed into a virtualenv under target/. Fails loudly.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=target/contract-venv
if [ ! -x "$VENV/bin/openapi-spec-validator" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r tests/contract/requirements.txt
fi
cargo build --quiet --bin gangonghui
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
GGH_DATA_DIR="$WORK/data" DATABASE_URL="sqlite://$WORK/db.sqlite" GGH_BIND="127.0.0.1:$PORT" \
  GGH_SMS_PROVIDER="outbox:$WORK/sms.jsonl" RUST_LOG=warn target/debug/gangonghui serve >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
curl -fsS "http://127.0.0.1:$PORT/api-docs/openapi.json" -o "$WORK/served.json" \
  || { cat "$WORK/server.log"; echo "the server did not serve its spec" >&2; exit 1; }
"$VENV/bin/openapi-spec-validator" "$WORK/served.json"
"$VENV/bin/openapi-spec-validator" openapi/openapi.json
