# Sourced by the contract scripts: the pinned Python tools in target/contract-venv, and a live
# server on a random loopback port with its own data directory and database, removed on exit.
# Database: SQLite by default, or a fresh PostgreSQL database (and Redis under its own key prefix)
# when GGH_TEST_DATABASE_URL / GGH_TEST_REDIS_URL are set, as for the Rust suite.
VENV=target/contract-venv

contract_venv() {
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r tests/contract/requirements.txt
}

# start_server [seed]: sets BASE and WORK; with `seed`, runs `seed --demo` first.
start_server() {
  cargo build --quiet --bin gangonghui
  WORK=$(mktemp -d)
  local port=$((20000 + RANDOM % 20000))
  export GGH_DATA_DIR="$WORK/data" GGH_BIND="127.0.0.1:$port" GGH_SMS_PROVIDER="outbox:$WORK/sms.jsonl"
  DROP_DB=""
  if [ -n "${GGH_TEST_DATABASE_URL:-}" ]; then
    DROP_DB="ggh_contract_$$_$RANDOM"
    psql "$GGH_TEST_DATABASE_URL" -qAtc "CREATE DATABASE $DROP_DB" >/dev/null
    export DATABASE_URL="${GGH_TEST_DATABASE_URL%/*}/$DROP_DB"
  else
    export DATABASE_URL="sqlite://$WORK/db.sqlite"
  fi
  if [ -n "${GGH_TEST_REDIS_URL:-}" ]; then
    export REDIS_URL="$GGH_TEST_REDIS_URL" GGH_CACHE_PREFIX="ggh-contract-$$-$RANDOM:"
  fi
  SERVER=""
  trap stop_server EXIT
  if [ "${1:-}" = seed ]; then
    target/debug/gangonghui seed --demo >"$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log"; exit 1; }
  fi
  RUST_LOG=warn target/debug/gangonghui serve >"$WORK/server.log" 2>&1 &
  SERVER=$!
  BASE="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    # Ours must still be running: if the port was taken, another process would answer.
    kill -0 "$SERVER" 2>/dev/null || break
    curl -fs "$BASE/healthz" >/dev/null && return 0
    sleep 0.2
  done
  cat "$WORK/server.log"; echo "the server did not start" >&2; exit 1
}

stop_server() {
  if [ -n "${SERVER:-}" ]; then kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; fi
  if [ -n "${DROP_DB:-}" ]; then
    psql "$GGH_TEST_DATABASE_URL" -qAtc "DROP DATABASE IF EXISTS $DROP_DB WITH (FORCE)" >/dev/null || true
  fi
  rm -rf "$WORK"
}

# A panic is a server fault whatever the client sent.
no_panics() {
  if grep -q 'panicked' "$WORK/server.log"; then
    grep 'panicked' "$WORK/server.log" | head -20; echo "the server panicked" >&2; exit 1
  fi
}
