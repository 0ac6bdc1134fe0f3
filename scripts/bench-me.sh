#!/usr/bin/env bash
# Benchmark: authenticated GET /api/v1/me against the bare JSON handler (/healthz) in the same
# run, on PostgreSQL + Redis, release build, wrk -t2 -c64. Prints both and their ratio.
#   scripts/bench-me.sh            (needs PostgreSQL on 127.0.0.1:5432 and Redis on :6379)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
REDIS=${REDIS:-redis://127.0.0.1:6379/0}
PORT=${PORT:-18181}
DB=ggh_bench_$$
WORK=$(mktemp -d)
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }

cargo build --release -q --bin gangonghui
psql "$PG_ADMIN" -qc "CREATE DATABASE $DB" >/dev/null
cleanup() {
  [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null || true
  redis-cli -u "$REDIS" --scan --pattern "ggh_bench_$$:*" | xargs -r redis-cli -u "$REDIS" del >/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

DATABASE_URL="${PG_ADMIN%/*}/$DB" REDIS_URL="$REDIS" GGH_CACHE_PREFIX="ggh_bench_$$:" GGH_BIND="127.0.0.1:$PORT" \
GGH_SMS_PROVIDER="outbox:$WORK/outbox.jsonl" GGH_DATA_DIR="$WORK" RUST_LOG=warn \
  ./target/release/gangonghui serve >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 50); do curl -fs "127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

BASE="http://127.0.0.1:$PORT/api/v1"
PHONE=13999990000
curl -fs -X POST "$BASE/auth/otp" -H 'content-type: application/json' -d "{\"phone\":\"$PHONE\",\"purpose\":\"register\"}" >/dev/null
CODE=$(python3 -c "import json,sys; print(json.loads(open('$WORK/outbox.jsonl').readlines()[-1])['code'])")
TOKEN=$(curl -fs -X POST "$BASE/auth/register" -H 'content-type: application/json' \
  -d "{\"phone\":\"$PHONE\",\"otp\":\"$CODE\",\"password\":\"bench2026pw\",\"display_name\":\"bench\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["tokens"]["access_token"])')
curl -fs "$BASE/me" -H "authorization: Bearer $TOKEN" >/dev/null

run() { # name, url, extra header
  local out
  if [ -n "${3:-}" ]; then out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$3" "$2"); else out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$2"); fi
  local rps p99 non2xx
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $4}')
  printf '%-28s %10s req/s   p99 %8s   non-2xx %s\n' "$1" "$rps" "$p99" "${non2xx:-0}" >&2
  echo "$rps"
}
echo "wrk -t2 -c$CONNECTIONS -d$DURATION, release build, PostgreSQL + Redis, same 2 cores" >&2
BARE=$(run "GET /healthz (bare JSON)" "http://127.0.0.1:$PORT/healthz")
ME=$(run "GET /api/v1/me (authenticated)" "$BASE/me" "Authorization: Bearer $TOKEN")
python3 -c "print(f'ratio /me : bare = {float($ME)/float($BARE)*100:.1f} %  (goal >= 20 %)')"
