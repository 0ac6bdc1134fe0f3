#!/usr/bin/env bash
# Two API replicas on one PostgreSQL and one Redis, nginx (deploy/nginx/nginx.conf) in front, on
# loopback: what one replica records holds on the other (directly and through nginx), then one
# replica stopped under load through nginx - SIGTERM (nothing may fail), then SIGKILL (the
# failover window is printed; every redemption answered 201 is in the database exactly once).
#   scripts/replicas/run.sh            release build
#   REPLICAS_PROFILE=debug scripts/replicas/run.sh    (CI: the debug build cargo test made)
# Private PostgreSQL and Redis on free ports (scripts/lib/services.sh); nginx from Debian's
# packages. Logs are kept in the printed directory when a run fails (REPLICAS_KEEP=1 keeps them).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BEFORE=5 OUTAGE=4 AFTER=8
MEMBERS=${REPLICAS_MEMBERS:-6000}

fail() { echo "replicas: $*" >&2; exit 1; }
for tool in nginx python3 curl; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done
source scripts/lib/services.sh

case "${REPLICAS_PROFILE:-release}" in
  release) PROFILE_FLAG=(--release) BIN=target/release ;;
  debug) PROFILE_FLAG=() BIN=target/debug ;;
  *) fail "REPLICAS_PROFILE is release or debug" ;;
esac
echo "== replicas: ${REPLICAS_PROFILE:-release} build, pinned Python tools"
cargo build "${PROFILE_FLAG[@]}" -q --bin gangonghui --bin bench-counter
VENV=target/chaos-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r scripts/chaos/requirements.txt
PY="$ROOT/$VENV/bin/python"

WORK=$(mktemp -d /tmp/ggh-replicas.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/nginx" "$WORK/codes-r1" "$WORK/codes-r2" "$WORK/attachments"
OK=0
cleanup() {
  for r in a b; do [ -s "$WORK/$r.pid" ] && kill -9 "$(cat "$WORK/$r.pid")" 2>/dev/null; done
  [ -s "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
  stop_private_services
  if [ "$OK" = 1 ] && [ -z "${REPLICAS_KEEP:-}" ]; then rm -rf "$WORK"; else echo "replicas: logs kept in $WORK"; fi
}
trap cleanup EXIT
private_services "$WORK" || fail "private PostgreSQL and Redis did not start"

# Production settings, one set for both replicas (as docker-compose.yml's x-api-env).
export GGH_ENV=production DATABASE_URL="$PSQL_URL" REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
  GGH_JWT_SECRET=$(python3 -c "import secrets; print(secrets.token_hex(32))") GGH_DATA_KEY=$(python3 -c "import secrets; print(secrets.token_hex(32))") \
  GGH_SMS_PROVIDER="outbox:$WORK/sms.jsonl" GGH_TRUSTED_PROXIES=127.0.0.1 \
  GGH_ATTACHMENTS_DIR="$WORK/attachments" GGH_DATA_DIR="$WORK/data" RUST_LOG="${RUST_LOG:-warn}"
echo "== gangonghui migrate (once, before any replica), then seed: demo accounts and $MEMBERS members"
$BIN/gangonghui migrate >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log"; fail "migrate failed"; }
GGH_ENV=development $BIN/gangonghui seed --demo >"$WORK/seed.log" 2>&1 || { cat "$WORK/seed.log"; fail "seed failed"; }
GGH_ENV=development $BIN/gangonghui seed --members "$MEMBERS" --merchants 40 >>"$WORK/seed.log" 2>&1 \
  || { cat "$WORK/seed.log"; fail "bulk seed failed"; }

A_PORT=$(free_port) B_PORT=$(free_port) LB_PORT=$(free_port)
for r in a b; do
  port=$([ $r = a ] && echo "$A_PORT" || echo "$B_PORT")
  cat >"$WORK/$r-start" <<EOS
#!/usr/bin/env bash
GGH_BIND=127.0.0.1:$port $ROOT/$BIN/gangonghui serve >>$WORK/$r.log 2>&1 &
echo \$! >$WORK/$r.pid
for _ in \$(seq 1 100); do curl -fs http://127.0.0.1:$port/readyz >/dev/null && exit 0; sleep 0.1; done
exit 1
EOS
  # SIGTERM waits for the graceful exit; SIGKILL does not.
  cat >"$WORK/$r-term" <<EOS
#!/usr/bin/env bash
pid=\$(cat $WORK/$r.pid); kill -TERM \$pid
while kill -0 \$pid 2>/dev/null; do sleep 0.05; done
EOS
  cat >"$WORK/$r-kill" <<EOS
#!/usr/bin/env bash
kill -KILL \$(cat $WORK/$r.pid)
EOS
  chmod +x "$WORK/$r-start" "$WORK/$r-term" "$WORK/$r-kill"
  "$WORK/$r-start" || { cat "$WORK/$r.log"; fail "replica $r did not become ready"; }
done

echo "== nginx on :$LB_PORT in front of :$A_PORT and :$B_PORT (deploy/nginx/nginx.conf)"
sed -e "s|listen 8080;|listen 127.0.0.1:$LB_PORT;|" -e "s|pid /tmp/gangonghui-nginx.pid;|pid $WORK/nginx.pid;|" \
  -e "s|access_log /dev/stdout gangonghui;|access_log $WORK/nginx-access.log gangonghui;|" \
  deploy/nginx/nginx.conf >"$WORK/nginx/nginx.conf"
grep -q "listen 127.0.0.1:$LB_PORT;" "$WORK/nginx/nginx.conf" || fail "deploy/nginx/nginx.conf has no 'listen 8080;'"
printf 'server 127.0.0.1:%s max_fails=2 fail_timeout=5s;\nserver 127.0.0.1:%s max_fails=2 fail_timeout=5s;\n' \
  "$A_PORT" "$B_PORT" >"$WORK/nginx/upstream.conf"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx-error.log" 2>"$WORK/nginx-error.log" \
  || { cat "$WORK/nginx-error.log"; fail "nginx did not start"; }
LB="http://127.0.0.1:$LB_PORT"
for _ in $(seq 1 50); do curl -fs "$LB/readyz" >/dev/null && break; sleep 0.1; done

BASE=$LB SERVER_LOGS="$WORK/a.log $WORK/b.log"
source scripts/lib/scenario.sh

echo "== what one replica records holds on the other"
BENCH_CARDS=5/6 GGH_ENV=development $BIN/bench-counter redeem "$WORK/pairs.tsv" 2>>"$WORK/codes.log"
(cd scripts/replicas && PYTHONDONTWRITEBYTECODE=1 "$PY" pairs.py --a "http://127.0.0.1:$A_PORT" \
  --b "http://127.0.0.1:$B_PORT" --via "$LB" --codes "$WORK/pairs.tsv" --owner 13700000101) \
  || fail "a replica did not honour what the other recorded"

scenario replica-term r1 "$WORK/b-term" "$WORK/b-start" 13700000102 "1 2"
scenario replica-kill r2 "$WORK/a-kill" "$WORK/a-start" 13700000103 "3 4"

if grep -q panicked "$WORK/a.log" "$WORK/b.log"; then fail "a replica panicked"; fi
echo
echo "== replica figures (${REPLICAS_PROFILE:-release} build; two replicas behind nginx, one PostgreSQL, one Redis)"
if (cd scripts/chaos && PYTHONDONTWRITEBYTECODE=1 "$PY" load.py report "$WORK/r1.json" "$WORK/r2.json"); then
  OK=1
else
  exit 1
fi
