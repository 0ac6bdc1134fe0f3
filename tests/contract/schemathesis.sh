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
. tests/contract/server.sh
contract_venv
start_server seed
mkdir "$WORK/sessions"
IDENTITIES=$("$VENV/bin/python" tests/contract/identities.py "$BASE" "$WORK/sessions")
eval "$IDENTITIES"

SPEC="$BASE/api-docs/openapi.json"
export PYTHONPATH=tests/contract SCHEMATHESIS_HOOKS=hooks GGH_CONTRACT_BASE="$BASE" \
  GGH_CONTRACT_SESSIONS="$WORK/sessions"
ST=("$VENV/bin/schemathesis" --config-file tests/contract/schemathesis.toml run "$SPEC" --checks all --max-examples "$N" --seed 20261202
    --workers 1 --no-color --suppress-health-check too_slow,filter_too_much)
# The suppressed health checks are the generator's own (patterns and check characters filter
# many draws; a debug build answers slowly), not checks of the API.
# Operations that end the caller's own session run in their own pass (below).
ENDS_SESSION='^(logout|logout_all|change_password|delete_session)$'
POS_OPS='^(list_offers|list_redemptions|create_redemption|reverse_redemption|get_settlements|list_staff|create_verification)$'
# One line per identity; the whole log on failure.
OFFICER_OPS='legal_aid|stats|^get_me$'
FAILED=0
TOTAL=0
pass() { # name, extra args...
  local name=$1 started=$SECONDS cases; shift
  if ! "${ST[@]}" "$@" >"$WORK/st-$name.log" 2>&1; then
    cat "$WORK/st-$name.log"; FAILED=1
  fi
  cases=$(grep -oE '^  [0-9]+ generated' "$WORK/st-$name.log" | tail -1 | tr -dc 0-9 || true)
  TOTAL=$((TOTAL + ${cases:-0}))
  printf '%-14s %6s cases  %4ss  %s\n' "$name" "${cases:-0}" $((SECONDS - started)) \
    "$(grep -E '^  [0-9]+ generated' "$WORK/st-$name.log" | tail -1 | sed 's/^ *//')"
}
# First: it logs in for every case, which the login failures fuzzed later would lock out for 15
# minutes. No stateful phase: no link joins these operations.
GGH_CONTRACT_FRESH_LOGIN=13800000102 pass ends-session \
  --include-operation-id-regex "$ENDS_SESSION" --phases examples,coverage,fuzzing
pass anonymous --exclude-operation-id-regex "$ENDS_SESSION"
GGH_CONTRACT_IDENTITY=member pass member --exclude-operation-id-regex "$ENDS_SESSION"
GGH_CONTRACT_IDENTITY=admin pass admin --exclude-operation-id-regex "$ENDS_SESSION"
GGH_CONTRACT_IDENTITY=owner pass owner --exclude-operation-id-regex "$ENDS_SESSION"
GGH_CONTRACT_IDENTITY=officer pass officer --include-operation-id-regex "$OFFICER_OPS"
GGH_CONTRACT_POS_KEY="$POS_KEY" pass pos --include-operation-id-regex "$POS_OPS"
no_panics
[ "$FAILED" = 0 ] || { echo "schemathesis found failures (logs above)" >&2; exit 1; }
MIN_CASES=${GGH_CONTRACT_MIN_CASES:-10000}
[ "$TOTAL" -ge "$MIN_CASES" ] || { echo "schemathesis ran only $TOTAL cases (< $MIN_CASES)" >&2; exit 1; }
echo "schemathesis: 0 failures in $TOTAL cases ($DATABASE_URL)"
