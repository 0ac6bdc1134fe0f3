#!/usr/bin/env bash
# The benchmark: the API's main routes under wrk at 16 and 64 connections, each against a limit
# of this machine measured in the same run (pgbench, redis-benchmark, argon2), release build on
# PostgreSQL + Redis. Prints one markdown table (bench/README.md says how to read it).
#   bench/run.sh [--quick]
# Settings (environment): BENCH_SECONDS (10, per wrk run), BENCH_DB (reuse or create this
# database and keep it), BENCH_BIN_DIR (binaries from there, no cargo build), MEMBERS, MERCHANTS,
# REDEMPTIONS, CASES (data set size), HISTORY_PAGE (10000), PG_ADMIN, REDIS, PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

QUICK=0
for arg in "$@"; do
  case $arg in
    --quick) QUICK=1 ;;
    *) sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 2 ;;
  esac
done
if [ "$QUICK" = 1 ]; then
  MEMBERS=${MEMBERS:-20000} MERCHANTS=${MERCHANTS:-200} REDEMPTIONS=${REDEMPTIONS:-200000} CASES=${CASES:-500}
else
  MEMBERS=${MEMBERS:-1000000} MERCHANTS=${MERCHANTS:-2100} REDEMPTIONS=${REDEMPTIONS:-10000000} CASES=${CASES:-5000}
fi
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
HISTORY_PAGE=${HISTORY_PAGE:-10000}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
REDIS=${REDIS:-redis://127.0.0.1:6379/0}
PORT=${PORT:-18190}
BENCH_PASSWORD=bench2026pw DEMO_PASSWORD=demo2026pw OPERATOR_PASSWORD=bench2026pw
PROVINCE_ADMIN=13900009001 CITY_ADMIN=13900009002 OFFICER=13600009001
NANCHANG="lat=28.68&lng=115.86"

log() { printf '== %s %s\n' "$(date +%T)" "$*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

check_tools() {
  local tool
  for tool in psql pgbench wrk redis-cli redis-benchmark curl python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed (Debian: apt-get install -y wrk postgresql-contrib redis-tools)"
  done
  psql "$PG_ADMIN" -qtAc 'SELECT 1' >/dev/null || die "PostgreSQL does not answer at $PG_ADMIN"
  redis-cli -u "$REDIS" ping >/dev/null || die "Redis does not answer at $REDIS"
}

binaries() {
  if [ -n "${BENCH_BIN_DIR:-}" ]; then
    BIN=$BENCH_BIN_DIR
  else
    log "cargo build --release"
    cargo build --release -q --bin gangonghui --bin bench-counter
    BIN=$ROOT/target/release
  fi
  [ -x "$BIN/gangonghui" ] && [ -x "$BIN/bench-counter" ] || die "no gangonghui and bench-counter in $BIN"
}

# A fresh database, dropped at exit; or BENCH_DB, created if missing and kept, with its data keys
# under bench/.data/<db> (the seeded secrets are sealed with them).
database() {
  DB=${BENCH_DB:-ggh_bench_$$}
  WORK=$(mktemp -d /tmp/ggh-bench.XXXXXX)
  if [ -n "${BENCH_DB:-}" ]; then
    DATA_DIR=$ROOT/bench/.data/$DB
  else
    DATA_DIR=$WORK/data
  fi
  mkdir -p "$DATA_DIR" "$WORK/runs"
  if [ -z "$(psql "$PG_ADMIN" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
    psql "$PG_ADMIN" -qc "CREATE DATABASE $DB" >/dev/null
    CREATED_DB=1
  fi
  export DATABASE_URL="${PG_ADMIN%/*}/$DB" REDIS_URL="$REDIS" GGH_CACHE_PREFIX="ggh_bench_$$:" \
    GGH_DATA_DIR="$DATA_DIR" RUST_LOG=warn GGH_SMS_PROVIDER="outbox:$WORK/sms.jsonl"
  RESULTS=$WORK/results.tsv
  : >"$RESULTS"
}

cleanup() {
  local status=$?
  set +e
  if [ -n "${SERVER:-}" ]; then kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; fi
  if [ -z "${BENCH_DB:-}" ] && [ -n "${CREATED_DB:-}" ]; then
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
  fi
  redis-cli -u "$REDIS" --scan --pattern "ggh_bench_$$:*" | xargs -r redis-cli -u "$REDIS" del >/dev/null
  if [ -n "${WORK:-}" ]; then
    if [ "$status" = 0 ] && [ -z "${BENCH_KEEP:-}" ]; then
      rm -rf "$WORK"
    else
      [ -s "$WORK/server.log" ] && { echo "--- last lines of the server log:"; tail -n 20 "$WORK/server.log"; } >&2
      echo "bench: logs and raw figures kept in $WORK" >&2
    fi
  fi
  exit "$status"
}

# migrate, the demo accounts, then the large data set (skipped when a reused database has it).
seed() {
  log "migrate; seed --demo"
  "$BIN/gangonghui" migrate >"$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log"; die "migrate failed"; }
  "$BIN/gangonghui" seed --demo >>"$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log"; die "seed --demo failed"; }
  if [ -n "$(psql "$DATABASE_URL" -qtAc "SELECT 1 FROM accounts WHERE phone = '15000000000'")" ]; then
    log "$DB already holds the generated data set: not seeding it again"
    DATA_SET="the data set already in $DB"
  else
    log "seed: $MEMBERS members, $MERCHANTS merchants, $REDEMPTIONS redemptions, $CASES cases"
    "$BIN/gangonghui" seed --members "$MEMBERS" --merchants "$MERCHANTS" --redemptions "$REDEMPTIONS" \
      --cases "$CASES" --seed 42 >>"$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log"; die "seed failed"; }
  fi
  tail -n 1 "$WORK/seed.log" >&2
  log "the operators: province admin $PROVINCE_ADMIN, Nanchang admin $CITY_ADMIN, Nanchang officer $OFFICER"
  operator "$PROVINCE_ADMIN" union_admin 360000
  operator "$CITY_ADMIN" union_admin 360100
  operator "$OFFICER" legal_aid_officer 360100
  log "pgbench's tables (scale 10) in $DB; VACUUM ANALYZE; CHECKPOINT"
  pgbench -q -i -s 10 "$DATABASE_URL" >"$WORK/pgbench-init.log" 2>&1 || { cat "$WORK/pgbench-init.log"; die "pgbench -i failed"; }
  # Settle the freshly written tables (statistics, visibility map, a checkpoint) so autovacuum
  # and the first checkpoint after seeding do not land inside a measured run.
  psql "$DATABASE_URL" -qc "VACUUM ANALYZE" -qc "CHECKPOINT" >/dev/null
}

operator() { # phone, role, division
  "$BIN/gangonghui" admin create --phone "$1" --password "$OPERATOR_PASSWORD" --role "$2" \
    --org-division "$3" >>"$WORK/seed.log" 2>&1 || { tail -n 5 "$WORK/seed.log"; die "admin create $1 failed"; }
}

# Starts the server; cold start = process start to the first 200 on /healthz.
start_server() {
  log "gangonghui serve on 127.0.0.1:$PORT"
  local start
  start=$(date +%s%N)
  GGH_BIND="127.0.0.1:$PORT" "$BIN/gangonghui" serve >"$WORK/server.log" 2>&1 &
  SERVER=$!
  local cold
  cold=$(python3 bench/client.py cold-start "$PORT" "$start") || die "the server did not start (see $WORK/server.log)"
  python3 bench/report.py row cold_start - "$cold" >>"$RESULTS"
  log "cold start: $cold ms"
}

# --- the machine's limits ------------------------------------------------------------------

pgbench_run() { # key, pgbench mode flag
  local dir=$WORK/runs/$1
  mkdir -p "$dir"
  (cd "$dir" && pgbench "$2" -c 16 -j 2 -T "$SECONDS_PER_RUN" -l --log-prefix=pgb "$DATABASE_URL" >"$dir/out.txt" 2>&1) || true
  python3 bench/report.py pgbench "$1" "$dir/out.txt" "$dir" >>"$RESULTS"
  log "$1: $(tail -n 1 "$RESULTS" | cut -f3) tps"
}

redis_run() {
  # GET and SET of one key under this run's prefix (the keys `-t get,set` would leave behind are
  # not ours to delete), 50 clients, 3-byte value: what `redis-benchmark -t get,set` measures.
  local host port db key=${GGH_CACHE_PREFIX}redis-benchmark
  read -r host port db < <(python3 -c 'import sys, urllib.parse as u; r = u.urlparse(sys.argv[1]); print(r.hostname or "127.0.0.1", r.port or 6379, (r.path.strip("/") or "0"))' "$REDIS")
  {
    redis-benchmark -h "$host" -p "$port" --dbnum "$db" -q -n 200000 SET "$key" xxx
    redis-benchmark -h "$host" -p "$port" --dbnum "$db" -q -n 200000 GET "$key"
  } >"$WORK/runs/redis.txt" 2>&1 || true
  python3 bench/report.py redis "$WORK/runs/redis.txt" >>"$RESULTS"
  log "redis-benchmark: $(awk -F'\t' '$1 ~ /^redis_/ {printf "%s %s/s ", $1, $3}' "$RESULTS")"
}

argon2_run() {
  local out rate
  out=$("$BIN/bench-counter" argon2 "$SECONDS_PER_RUN" 2>&1) || true
  rate=$(echo "$out" | awk -F': *' '/^argon2 verifications\/s:/ {print $2; exit}')
  if [ -n "$rate" ]; then
    python3 bench/report.py row argon2 - "$rate" >>"$RESULTS"
  else
    python3 bench/report.py row argon2 - - "bench-counter has no argon2 mode yet: n/a" >>"$RESULTS"
  fi
  log "argon2 verifications/s: ${rate:-n/a}"
}

limits() {
  log "limits: pgbench -S, pgbench -N (-c16 -j2 -T$SECONDS_PER_RUN), redis-benchmark, argon2"
  pgbench_run pgbench_S -S
  pgbench_run pgbench_N -N
  redis_run
  argon2_run
}

# --- the API under wrk ---------------------------------------------------------------------

# wrk with bench/requests.lua over a request list; one row of results.
wrk_run() { # key, connections, request file[, --once]
  local out=$WORK/runs/$1-c$2.txt
  BENCH_REQUESTS="$3" BENCH_THREADS=2 wrk -t2 -c"$2" -d"${SECONDS_PER_RUN}s" --timeout 5s --latency \
    -s bench/requests.lua "http://127.0.0.1:$PORT" >"$out" 2>&1 || true
  kill -0 "$SERVER" 2>/dev/null || die "the server exited during $1 -c$2 (see $WORK/server.log)"
  python3 bench/report.py wrk "$1" "$2" "$out" ${4:-} >>"$RESULTS"
  log "$(tail -n 1 "$RESULTS" | awk -F'\t' '{printf "%s c%s: %s req/s, p99 %s ms, %s errors%s", $1, $2, $3, $5, $6, ($7 == "-" ? "" : " (" $7 ")")}'); server RSS $(rss_mb VmRSS) MB"
}

rss_mb() { # VmRSS or VmHWM of the server, MB
  awk -v field="$1:" '$1 == field {printf "%.0f", $2 / 1024}' "/proc/$SERVER/status"
}

both() { # key, request file: at 16 and at 64 connections
  wrk_run "$1" 16 "$2"
  wrk_run "$1" 64 "$2"
}

skip() { # key, why: rows without figures
  python3 bench/report.py row "$1" 16 - "$2" >>"$RESULTS"
  python3 bench/report.py row "$1" 64 - "$2" >>"$RESULTS"
  log "$1 skipped: $2"
}

# One request line per token: GET path with the bearer token.
bearer_list() { # path, token file -> request lines
  awk -v path="$1" '{print "GET\t" path "\tAuthorization: Bearer " $0 "\t-"}' "$2"
}

# Access tokens of these phones (logged in now: tokens live 15 minutes) into FILE.
tokens() { # file, password, phone...
  local file=$1 password=$2
  shift 2
  python3 bench/client.py tokens "$PORT" "$password" "$@" >"$file" 2>>"$WORK/logins.log" || true
  [ -s "$file" ]
}

# Generated members 15{i:09}; if the seed gave them no password (an older binary), the demo ones.
member_tokens() { # file, how many
  local phones
  phones=$(python3 -c "import sys; print(*(f'15{i:09}' for i in range(min(int(sys.argv[1]), int(sys.argv[2])))))" "$2" "$MEMBERS")
  # One first: each failed login counts towards the per-address limit (100 per 15 minutes).
  # shellcheck disable=SC2086
  tokens "$1" "$BENCH_PASSWORD" 15000000000 && tokens "$1" "$BENCH_PASSWORD" $phones && return 0
  log "generated members refused $BENCH_PASSWORD (see $WORK/logins.log): using demo members 13800000101..103"
  MEMBER_NOTE="demo members 13800000101..103 (generated ones could not log in)"
  tokens "$1" "$DEMO_PASSWORD" 13800000101 13800000102 13800000103
}

# The owner of merchant j=0 (17000000000, the one with most redemptions), else demo owner 13700000101.
owner_token() { # file
  tokens "$1" "$BENCH_PASSWORD" 17000000000 && return 0
  log "owner 17000000000 refused $BENCH_PASSWORD: using demo owner 13700000101"
  OWNER_NOTE="demo owner 13700000101 (17000000000 could not log in)"
  tokens "$1" "$DEMO_PASSWORD" 13700000101
}

note_rows() { # key, note: appended to the key's rows written since the mark
  [ -n "$2" ] || return 0
  python3 - "$RESULTS" "$1" "$2" <<'EOF'
import sys
path, key, note = sys.argv[1:]
rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
for r in rows:
    if r[0] == key:
        r[6] = note if r[6] == "-" else f"{r[6]}; {note}"
open(path, "w").write("".join("\t".join(r) + "\n" for r in rows))
EOF
}

bench_member_routes() {
  printf 'GET\t/healthz\t-\t-\n' >"$WORK/healthz.req"
  both bare "$WORK/healthz.req"
  # 64 members: the load is spread as 64 phones would spread it (one session each).
  if member_tokens "$WORK/members.tok" 64; then
    bearer_list /api/v1/me "$WORK/members.tok" >"$WORK/me.req"
    both me "$WORK/me.req"
    bearer_list /api/v1/me/card/code "$WORK/members.tok" >"$WORK/code.req"
    both card_code "$WORK/code.req"
    note_rows me "${MEMBER_NOTE:-}"
    note_rows card_code "${MEMBER_NOTE:-}"
  else
    skip me "no member could log in"
    skip card_code "no member could log in"
  fi
}

# bench-counter prepares the requests just before each run (fresh one-time codes of this 30 s
# step, POS keys of 64 merchants, fresh Idempotency-Keys); each run waits for a new step, so no
# run meets codes an earlier one spent. Redemptions use the first half of the cards,
# verifications the second, so a verification never meets a code spent by a redemption.
counter_run() { # key, mode, cards, connections[, seconds]
  sleep $((30 - $(date +%s) % 30 + 1))
  BENCH_CARDS=$3 "$BIN/bench-counter" "$2" "$WORK/$2.tsv" 2>>"$WORK/codes.log"
  awk -F'\t' '{h = "X-Api-Key: " $2; if ($3 != "-") h = h "|Idempotency-Key: " $3; print "POST\t" $1 "\t" h "\t" $4}' \
    "$WORK/$2.tsv" >"$WORK/$2.req"
  if [ -n "${5:-}" ]; then
    local saved=$SECONDS_PER_RUN
    SECONDS_PER_RUN=$5
    wrk_run "$1" "$4" "$WORK/$2.req" --once
    SECONDS_PER_RUN=$saved
  else
    wrk_run "$1" "$4" "$WORK/$2.req" --once
  fi
}

bench_counter() {
  log "warm-up, not counted: 5 s of redemptions (pool connections, PostgreSQL's caches)"
  counter_run warmup redeem first 16 5
  sed -i '/^warmup\t/d' "$RESULTS"
  local conns
  for conns in 16 64; do
    counter_run redeem redeem first "$conns"
    counter_run verify verify second "$conns"
  done
}

bench_discovery() {
  printf 'GET\t/api/v1/merchants?%s&radius_m=5000&limit=20\t-\t-\n' "$NANCHANG" >"$WORK/nearby.req"
  both nearby "$WORK/nearby.req"
}

# The merchant j=0's whole history, page 1 and page HISTORY_PAGE (limit 20), and its settlements.
bench_merchant() {
  local path=/api/v1/merchant/redemptions/history walked page cursor month
  owner_token "$WORK/owner.tok" || { skip history_p1 "no owner could log in"; return 0; }
  bearer_list "$path?limit=20" "$WORK/owner.tok" >"$WORK/history1.req"
  log "walking the history to page $HISTORY_PAGE (limit 20)"
  if walked=$(python3 bench/client.py walk "$PORT" "$(head -n 1 "$WORK/owner.tok")" "$path" 20 "$HISTORY_PAGE" 2>"$WORK/walk.log"); then
    IFS=$'\t' read -r page cursor <<<"$walked"
    log "reached page $page"
    both history_p1 "$WORK/history1.req"
    bearer_list "$path?limit=20&cursor=$cursor" "$WORK/owner.tok" >"$WORK/history-deep.req"
    both history_deep "$WORK/history-deep.req"
    note_rows history_deep "page $page"
  else
    skip history_p1 "$(tail -n 1 "$WORK/walk.log")"
    skip history_deep "page $HISTORY_PAGE not reached: $(tail -n 1 "$WORK/walk.log")"
  fi
  note_rows history_p1 "${OWNER_NOTE:-}"
  # The last whole month (Asia/Shanghai): the generated redemptions cover it.
  month=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-01) -1 month" +%Y-%m)
  bearer_list "/api/v1/merchant/settlements?month=$month" "$WORK/owner.tok" >"$WORK/settlements.req"
  both settlements "$WORK/settlements.req"
  note_rows settlements "month $month${OWNER_NOTE:+; $OWNER_NOTE}"
}

bench_operators() {
  local who key
  for who in "$PROVINCE_ADMIN stats_province" "$CITY_ADMIN stats_city" "$OFFICER cases"; do
    key=${who#* }
    if ! tokens "$WORK/$key.tok" "$OPERATOR_PASSWORD" "${who% *}"; then
      skip "$key" "${who% *} could not log in"
      continue
    fi
    case $key in
      cases) bearer_list "/api/v1/legal-aid/requests?limit=20" "$WORK/$key.tok" >"$WORK/$key.req" ;;
      *) bearer_list /api/v1/admin/stats/overview "$WORK/$key.tok" >"$WORK/$key.req" ;;
    esac
    both "$key" "$WORK/$key.req"
  done
}

# Password logins rotating over up to 1,000 generated members: only failed logins count towards
# the per-phone and per-address limits, so successful ones are never refused by them.
bench_login() {
  local n
  n=$(( MEMBERS < 1000 ? MEMBERS : 1000 ))
  python3 - "$n" "$BENCH_PASSWORD" >"$WORK/login.req" <<'EOF'
import json, sys
n, password = int(sys.argv[1]), sys.argv[2]
for i in range(n):
    body = json.dumps({"phone": f"15{i:09}", "password": password, "device": "bench"})
    print(f"POST\t/api/v1/auth/login\t-\t{body}")
EOF
  if [ -n "${MEMBER_NOTE:-}" ]; then
    python3 - "$DEMO_PASSWORD" >"$WORK/login.req" <<'EOF'
import json, sys
for phone in ("13800000101", "13800000102", "13800000103"):
    print(f"POST\t/api/v1/auth/login\t-\t{json.dumps({'phone': phone, 'password': sys.argv[1]})}")
EOF
  fi
  both login "$WORK/login.req"
  note_rows login "${MEMBER_NOTE:-}"
}

finish() {
  log "pgbench -N again (the machine is shared: how far did the baseline move?)"
  pgbench_run pgbench_N_end -N
  python3 bench/report.py row rss - "$(rss_mb VmHWM)" >>"$RESULTS"
  echo
  echo "## $(date +%F) $(git rev-parse --short HEAD 2>/dev/null || echo '?')$([ "$QUICK" = 1 ] && echo ' --quick'): ${DATA_SET:-$MEMBERS members, $MERCHANTS merchants, $REDEMPTIONS redemptions, $CASES cases}; wrk -t2 -d${SECONDS_PER_RUN}s; $(nproc) cores"
  echo
  python3 bench/report.py table "$RESULTS"
  echo
  echo "Server log (RUST_LOG=warn), warnings and errors by kind:"
  { grep -E '^[^ ]+ +(WARN|ERROR) ' "$WORK/server.log" || true; } | sed -E 's/^[^ ]+ +//; s/request_id=[^ ]+//' |
    sort | uniq -c | sort -rn | head -n 10 | sed 's/^/    /'
}

main() {
  check_tools
  binaries
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  database
  seed
  start_server
  limits
  bench_member_routes
  bench_counter
  bench_discovery
  bench_merchant
  bench_operators
  bench_login
  finish
}

main
