#!/usr/bin/env bash
# Chaos runs: the release server under load against its own PostgreSQL and Redis, each stopped
# and started again while the load runs (a: Redis, b: PostgreSQL). Prints a figures table and
# exits non-zero if any requirement failed. See scripts/chaos/README.md.
#   scripts/chaos/run.sh            full: 10 s outages, and c: Redis frozen (about 3 minutes)
#   scripts/chaos/run.sh --short    CI: 4 s outages, a and b only (about 1 minute)
# Never touches the machine's shared PostgreSQL or Redis: it starts private ones on free ports
# in a temporary directory (kept when a run fails, removed otherwise; CHAOS_KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

MODE=full BEFORE=10 OUTAGE=10 AFTER=15
case "${1:-}" in
  --short) MODE=short BEFORE=5 OUTAGE=4 AFTER=8 ;;
  "") ;;
  *) echo "usage: $0 [--short]" >&2; exit 2 ;;
esac
MEMBERS=${CHAOS_MEMBERS:-18000}

fail() { echo "chaos: $*" >&2; exit 1; }
for tool in python3 curl; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done
source scripts/lib/services.sh

# CHAOS_PROFILE=debug runs the debug build instead (already built by `cargo test` in CI: no
# release build from scratch); CHAOS_BIN=DIR runs binaries built elsewhere (e.g. an older build,
# to compare) without building.
case "${CHAOS_PROFILE:-release}" in
  release) PROFILE_FLAG=(--release) BIN=target/release ;;
  debug) PROFILE_FLAG=() BIN=target/debug ;;
  *) fail "CHAOS_PROFILE is release or debug" ;;
esac
BIN=${CHAOS_BIN:-$BIN}
echo "== chaos ($MODE): ${CHAOS_PROFILE:-release} build, pinned Python tools"
[ -n "${CHAOS_BIN:-}" ] || cargo build "${PROFILE_FLAG[@]}" -q --bin gangonghui --bin bench-counter
VENV=target/chaos-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r scripts/chaos/requirements.txt

WORK=$(mktemp -d /tmp/ggh-chaos.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/codes-a" "$WORK/codes-b" "$WORK/codes-c"
API_PORT=$(free_port)
SERVER="" OK=0

cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; fi
  stop_private_services
  if [ "$OK" = 1 ] && [ -z "${CHAOS_KEEP:-}" ]; then rm -rf "$WORK"; else echo "chaos: logs kept in $WORK"; fi
}
trap cleanup EXIT

private_services "$WORK" || fail "private PostgreSQL and Redis did not start"

export DATABASE_URL="$PSQL_URL" REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" GGH_DATA_DIR="$WORK/data" \
  GGH_SMS_PROVIDER="outbox:$WORK/sms.jsonl" RUST_LOG="${RUST_LOG:-warn}"
echo "== seed: demo accounts, $MEMBERS members with cards, 100 merchants with unlimited offers"
$BIN/gangonghui seed --demo >"$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log"; fail "seed --demo failed"; }
$BIN/gangonghui seed --members "$MEMBERS" --merchants 100 --redemptions 500 >>"$WORK/seed.log" 2>&1 \
  || { cat "$WORK/seed.log"; fail "bulk seed failed"; }

GGH_BIND="127.0.0.1:$API_PORT" $BIN/gangonghui serve >"$WORK/server.log" 2>&1 &
SERVER=$!
BASE="http://127.0.0.1:$API_PORT"
for _ in $(seq 1 100); do
  kill -0 "$SERVER" 2>/dev/null || break
  curl -fs "$BASE/healthz" >/dev/null && break
  sleep 0.2
done
curl -fs "$BASE/readyz" >/dev/null || { cat "$WORK/server.log"; fail "the server did not become ready"; }

PY="$ROOT/$VENV/bin/python" SERVER_LOGS="$WORK/server.log"
source scripts/lib/scenario.sh
START=$(date +%s)
scenario redis a "$WORK/redis-stop" "$WORK/redis-start" 13700000101 "1 2"
scenario pg b "$WORK/pg-stop" "$WORK/pg-start" 13700000102 "3 4"
REPORTS=("$WORK/a.json" "$WORK/b.json")
if [ "$MODE" = full ]; then
  scenario redis-freeze c "$WORK/redis-freeze" "$WORK/redis-thaw" 13700000103 "5 6"
  REPORTS+=("$WORK/c.json")
fi

kill -0 "$SERVER" 2>/dev/null || fail "the server exited during the run"
if grep -q panicked "$WORK/server.log"; then grep panicked "$WORK/server.log" | head; fail "the server panicked"; fi
echo
echo "== chaos figures ($MODE mode, ${CHAOS_PROFILE:-release} build: outages of ${OUTAGE} s; scenarios took $(( $(date +%s) - START )) s; one API process throughout)"
if (cd scripts/chaos && PYTHONDONTWRITEBYTECODE=1 "$PY" load.py report "${REPORTS[@]}"); then
  OK=1
else
  exit 1
fi
