#!/usr/bin/env bash
# Benchmark: counter redemptions and verifications on PostgreSQL + Redis against pgbench -N on
# the same database, in one run on the same 2 cores. Seeds a large data set first.
#   scripts/bench-counter.sh      (MEMBERS=100000 MERCHANTS=2100 REDEMPTIONS=100000 BENCH_SECONDS=10)
# Needs PostgreSQL on 127.0.0.1:5432, Redis on :6379, pgbench and wrk.
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
# Let the freshly written tables settle (statistics, visibility map, a checkpoint) so autovacuum
# and the first checkpoint after seeding do not land inside a measured run.
psql "$DATABASE_URL" -qc "VACUUM ANALYZE" -qc "CHECKPOINT" >/dev/null
# Prints pgbench's own latency (p50/p99 from its per-transaction log: how steady the machine is
# during this run) to stderr and the tps to stdout.
pgbench_tps() {
  local out
  rm -f "$WORK"/pgb.*
  out=$(cd "$WORK" && pgbench -N -c 16 -j 2 -l --log-prefix=pgb -T "$SECONDS_PER_RUN" "$DATABASE_URL" 2>/dev/null)
  cat "$WORK"/pgb.* | python3 -c "
import sys
lat = sorted(int(line.split()[2]) for line in sys.stdin if line.strip())
pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))] / 1000
print(f'  pgbench latency p50 {pct(0.5):.2f} ms  p99 {pct(0.99):.2f} ms', file=sys.stderr)"
  echo "$out" | awk '/^tps/ {print $3; exit}'
}
# wrk sends requests prepared just before (fresh one-time codes, POS keys, Idempotency-Keys).
# Each run waits for a new 30 s step, so no run meets codes an earlier one spent.
counter() { # mode, cards, connections[, seconds] -> prints wrk's report; sets RATE
  sleep $((30 - $(date +%s) % 30 + 1))
  BENCH_CARDS=$2 ./target/release/bench-counter "$1" "$WORK/$1.tsv"
  local out
  out=$(BENCH_REQUESTS="$WORK/$1.tsv" BENCH_THREADS=2 \
    wrk -t2 -c"$3" -d"${4:-$SECONDS_PER_RUN}s" --latency -s scripts/counter.lua "http://127.0.0.1:$PORT")
  echo "$out" | grep -E "Requests/sec|Latency |50%|99%|Non-2xx|statuses|requests in"
  RATE=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
}
summary() { # connections
  python3 -c "r=$REDEEM; v=$VERIFY; p=float('$PGB'); print(f'-c$1: redemptions = {r/p*100:.1f} % of pgbench -N (goal >= 25 %); verifications = {v/r:.2f}x redemptions (goal >= 3x)')"
}
echo "== warm-up, not counted: 5 s of redemptions (pool connections, PostgreSQL's caches)"
counter redeem first 16 5
PGB=$(pgbench_tps)
echo "pgbench -N -c16 -j2 -T$SECONDS_PER_RUN (same database):  $PGB tps"

# The same 16 concurrent clients as pgbench; then 64 for the throughput under more load.
for CONNS in 16 64; do
  echo "== redemptions, wrk -c$CONNS (POST /merchant/redemptions)"
  counter redeem first "$CONNS"
  REDEEM=$RATE
  echo "== verifications, wrk -c$CONNS (POST /merchant/verifications)"
  counter verify second "$CONNS"
  VERIFY=$RATE
  SUMMARY="${SUMMARY:-}$(summary "$CONNS")
"
done
printf '%s' "$SUMMARY"
# The machine is shared: pgbench again, to show how far the baseline moved during the run.
echo "pgbench -N again after the runs: $(pgbench_tps) tps (ratios above use the first: $PGB)"
