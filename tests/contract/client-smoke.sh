#!/usr/bin/env bash
# Generated-client smoke test: proves a client team can generate an SDK from the OpenAPI document
# the server SERVES. openapi-python-client (pinned, in target/contract-venv) must generate the
# whole document with no warning at all (no skipped endpoint, no unsupported schema), and the
# generated package alone must drive a counter redemption end to end against a live server
# seeded with `seed --demo` (tests/contract/client_smoke.py). Database: SQLite by default, or
# PostgreSQL and Redis when GGH_TEST_DATABASE_URL / GGH_TEST_REDIS_URL are set (a fresh database).
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=target/contract-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r tests/contract/requirements.txt
cargo build --quiet --bin gangonghui
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
export GGH_DATA_DIR="$WORK/data" GGH_BIND="127.0.0.1:$PORT" GGH_SMS_PROVIDER="outbox:$WORK/sms.jsonl"
DROP_DB=""
if [ -n "${GGH_TEST_DATABASE_URL:-}" ]; then
  DB="ggh_client_$$_$RANDOM"
  psql "$GGH_TEST_DATABASE_URL" -qAtc "CREATE DATABASE $DB" >/dev/null
  DROP_DB="$DB"
  export DATABASE_URL="${GGH_TEST_DATABASE_URL%/*}/$DB"
else
  export DATABASE_URL="sqlite://$WORK/db.sqlite"
fi
if [ -n "${GGH_TEST_REDIS_URL:-}" ]; then
  export REDIS_URL="$GGH_TEST_REDIS_URL" GGH_CACHE_PREFIX="ggh-client-$$:"
fi
SERVER=""
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  [ -n "$DROP_DB" ] && psql "$GGH_TEST_DATABASE_URL" -qAtc "DROP DATABASE IF EXISTS $DROP_DB" >/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
target/debug/gangonghui seed --demo >"$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log"; exit 1; }
RUST_LOG=warn target/debug/gangonghui serve >"$WORK/server.log" 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.2; done
curl -fs "$BASE/healthz" >/dev/null || { cat "$WORK/server.log"; echo "the server did not start" >&2; exit 1; }
curl -fsS "$BASE/api-docs/openapi.json" -o "$WORK/served.json"

# Generate. The generator says "Generating <path>" and nothing else when every operation and
# schema made it; any other line (a skipped endpoint, an unsupported schema, a failed post-hook)
# fails the test. The venv's bin is on PATH for the generator's ruff post-hook.
mkdir "$WORK/gen"
if ! PATH="$PWD/$VENV/bin:$PATH" "$VENV/bin/openapi-python-client" generate --path "$WORK/served.json" \
    --output-path "$WORK/gen/ggh_client" --meta none >"$WORK/gen.log" 2>&1 \
  || grep -qvxE 'Generating .*|[[:space:]]*' "$WORK/gen.log"; then
  cat "$WORK/gen.log"; echo "openapi-python-client did not generate the whole document" >&2; exit 1
fi
echo "generated: $(find "$WORK/gen/ggh_client/api" -name '*.py' ! -name '__init__.py' | wc -l) operations," \
  "$(find "$WORK/gen/ggh_client/models" -name '*.py' ! -name '__init__.py' | wc -l) models, no warnings"

PYTHONPATH="$WORK/gen" "$VENV/bin/python" tests/contract/client_smoke.py "$BASE" \
  || { tail -20 "$WORK/server.log"; exit 1; }
if grep -E '(panicked|ERROR)' "$WORK/server.log" >/dev/null; then
  grep -E '(panicked|ERROR)' "$WORK/server.log" | head -20; exit 1
fi
