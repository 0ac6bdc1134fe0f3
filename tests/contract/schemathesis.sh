#!/usr/bin/env bash
# Schemathesis (pinned, in target/contract-venv) against a live server seeded with `seed --demo`,
# once per identity: anonymous, a member, a union admin, a merchant owner and a POS key, plus a
# short pass over the operations that end the caller's own session (each case logs in afresh).
# Every check runs; any failure fails the script. Database: SQLite by default, or PostgreSQL
# and Redis when GGH_TEST_DATABASE_URL / GGH_TEST_REDIS_URL are set (a fresh database is made).
# Usage: tests/contract/schemathesis.sh [max-examples per operation, default 40]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-40}
VENV=target/contract-venv
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r tests/contract/requirements.txt
fi
cargo build --quiet --bin gangonghui
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
export GGH_DATA_DIR="$WORK/data" GGH_BIND="127.0.0.1:$PORT" GGH_SMS_PROVIDER="outbox:$WORK/sms.jsonl"
DROP_DB=""
if [ -n "${GGH_TEST_DATABASE_URL:-}" ]; then
  DB="ggh_contract_$$_$RANDOM"
  psql "$GGH_TEST_DATABASE_URL" -qAtc "CREATE DATABASE $DB" >/dev/null
  DROP_DB="$DB"
  export DATABASE_URL="${GGH_TEST_DATABASE_URL%/*}/$DB"
else
  export DATABASE_URL="sqlite://$WORK/db.sqlite"
fi
if [ -n "${GGH_TEST_REDIS_URL:-}" ]; then
  export REDIS_URL="$GGH_TEST_REDIS_URL" GGH_CACHE_PREFIX="ggh-contract-$$:"
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
eval "$("$VENV/bin/python" tests/contract/identities.py "$BASE")"

SPEC="$BASE/api-docs/openapi.json"
export PYTHONPATH=tests/contract SCHEMATHESIS_HOOKS=hooks GGH_CONTRACT_BASE="$BASE"
ST=("$VENV/bin/schemathesis" run "$SPEC" --checks all --max-examples "$N" --seed 20261202
    --workers 1 --no-color --suppress-health-check too_slow,filter_too_much)
# Operations that end the caller's own session run in their own pass (below).
ENDS_SESSION='^(logout|logout_all|change_password|delete_session)$'
POS_OPS='^(list_offers|list_redemptions|create_redemption|reverse_redemption|get_settlements|list_staff|create_verification)$'
# One line per identity in the summary; the whole log on failure.
FAILED=0
pass() { # name, extra args...
  local name=$1; shift
  echo "-- schemathesis as $name"
  if ! "${ST[@]}" "$@" >"$WORK/st-$name.log" 2>&1; then
    cat "$WORK/st-$name.log"; FAILED=1
  fi
  grep -E '^(Test cases|Summary|  [0-9]+ generated|Operations)' -A0 "$WORK/st-$name.log" || true
  grep -E 'generated, ' "$WORK/st-$name.log" | tail -1 || true
}
pass anonymous --exclude-operation-id-regex "$ENDS_SESSION"
pass member -H "Authorization: Bearer $MEMBER" --exclude-operation-id-regex "$ENDS_SESSION"
pass admin -H "Authorization: Bearer $ADMIN" --exclude-operation-id-regex "$ENDS_SESSION"
pass owner -H "Authorization: Bearer $OWNER" --exclude-operation-id-regex "$ENDS_SESSION"
GGH_CONTRACT_POS_KEY="$POS_KEY" pass pos --include-operation-id-regex "$POS_OPS"
GGH_CONTRACT_FRESH_LOGIN=1 pass ends-session --include-operation-id-regex "$ENDS_SESSION"
if grep -E 'panicked' "$WORK/server.log" >/dev/null; then
  grep -E 'panicked' "$WORK/server.log" | head -20; FAILED=1
fi
[ "$FAILED" = 0 ] || { echo "schemathesis found failures (logs above)" >&2; exit 1; }
echo "schemathesis: 0 failures"
