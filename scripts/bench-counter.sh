#!/usr/bin/env bash
# Benchmark: counter redemptions and verifications on PostgreSQL + Redis against pgbench -N on
# the same database, in one run on the same 2 cores. Seeds a large data set first.
#   scripts/bench-counter.sh      (MEMBERS=100000 MERCHANTS=2100 REDEMPTIONS=100000 BENCH_SECONDS=10)
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${MEMBERS:-100000}
MERCHANTS=${MERCHANTS:-2100}
REDEMPTIONS=${REDEMPTIONS:-100000}
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
REDIS=${REDIS:-redis://127.0.0.1:6379/0}
PORT=${PORT:-18183}
DB=ggh_bench_counter_$$
WORK=$(mktemp -d)
command -v pgbench >/dev/null || { echo "pgbench is not installed (postgresql-contrib)"; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }

cargo build --release -q --bin gangonghui --bin bench-counter
psql "$PG_ADMIN" -qc "CREATE DATABASE $DB" >/dev/null
cleanup() {
  [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null || true
  redis-cli -u "$REDIS" --scan --pattern "ggh_bench_$$:*" | xargs -r redis-cli -u "$REDIS" del >/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

export DATABASE_URL="${PG_ADMIN%/*}/$DB" REDIS_URL="$REDIS" GGH_CACHE_PREFIX="ggh_bench_$$:" GGH_DATA_DIR="$WORK" RUST_LOG=warn
./target/release/gangonghui seed --members "$MEMBERS" --merchants "$MERCHANTS" --redemptions "$REDEMPTIONS"
GGH_BIND="127.0.0.1:$PORT" ./target/release/gangonghui serve >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 50); do curl -fs "127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

pgbench -q -i -s 10 "$DATABASE_URL" >/dev/null 2>&1
PGB=$(pgbench -N -c 16 -j 2 -T "$SECONDS_PER_RUN" "$DATABASE_URL" 2>/dev/null | awk '/^tps/ {print $3; exit}')
echo "pgbench -N -c16 -j2 -T$SECONDS_PER_RUN (same database):  $PGB tps"

# wrk sends requests prepared just before (fresh one-time codes, POS keys, Idempotency-Keys).
counter() { # mode, cards -> prints wrk's report; sets RATE
  BENCH_CARDS=$2 ./target/release/bench-counter "$1" "$WORK/$1.tsv"
  local out
  out=$(BENCH_REQUESTS="$WORK/$1.tsv" BENCH_THREADS=2 \
    wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency -s scripts/counter.lua "http://127.0.0.1:$PORT")
  echo "$out" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|statuses|requests in"
  RATE=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
}
echo "== redemptions (POST /merchant/redemptions)"
counter redeem first
REDEEM=$RATE
echo "== verifications (POST /merchant/verifications)"
counter verify second
VERIFY=$RATE
python3 -c "r=$REDEEM; v=$VERIFY; p=float('$PGB'); print(f'redemptions = {r/p*100:.1f} % of pgbench -N (goal >= 25 %); verifications = {v/r:.2f}x redemptions (goal >= 3x)')"
