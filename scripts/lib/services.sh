# Private PostgreSQL and Redis for a script's run, on free loopback ports in its own directory:
# never the machine's shared servers. Sourced by scripts/chaos/run.sh and scripts/replicas/run.sh.
#   private_services DIR   starts both; sets PG_PORT, REDIS_PORT, PSQL_URL (database gangonghui)
#                          and writes DIR/{redis,pg}-{start,stop} and DIR/redis-{freeze,thaw}
#   stop_private_services  stops both (call it from the caller's EXIT trap)

# initdb and postgres refuse to run as root: the private cluster runs as the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

private_services() {
  local dir=$1
  for tool in redis-server redis-cli initdb pg_ctl psql python3; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; return 1; }
  done
  SERVICES_DIR=$dir
  mkdir -p "$dir/pg" "$dir/pgrun"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir/pg" "$dir/pgrun"; fi
  REDIS_PORT=$(free_port) PG_PORT=$(free_port)
  cat >"$dir/redis-start" <<EOS
#!/usr/bin/env bash
redis-server --port $REDIS_PORT --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \\
  --pidfile $dir/redis.pid --logfile $dir/redis.log
for _ in \$(seq 1 50); do redis-cli -p $REDIS_PORT ping >/dev/null 2>&1 && exit 0; sleep 0.1; done
exit 1
EOS
  cat >"$dir/redis-freeze" <<EOS
#!/usr/bin/env bash
kill -STOP \$(cat $dir/redis.pid)
EOS
  cat >"$dir/redis-thaw" <<EOS
#!/usr/bin/env bash
kill -CONT \$(cat $dir/redis.pid)
EOS
  cat >"$dir/redis-stop" <<EOS
#!/usr/bin/env bash
redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true
for _ in \$(seq 1 50); do redis-cli -p $REDIS_PORT ping >/dev/null 2>&1 || exit 0; sleep 0.1; done
exit 1
EOS
  PG_CTL="pg_ctl -D $dir/pg -l $dir/pgrun/pg.log"
  cat >"$dir/pg-start" <<EOS
#!/usr/bin/env bash
$(declare -f as_pg)
as_pg $PG_CTL -w -o "-p $PG_PORT -k $dir/pgrun -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
EOS
  cat >"$dir/pg-stop" <<EOS
#!/usr/bin/env bash
$(declare -f as_pg)
as_pg $PG_CTL -w -m fast stop >/dev/null
EOS
  chmod +x "$dir"/redis-* "$dir"/pg-*
  echo "== private PostgreSQL on :$PG_PORT and Redis on :$REDIS_PORT"
  as_pg initdb -D "$dir/pg" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log"; echo "initdb failed" >&2; return 1; }
  "$dir/pg-start" || { cat "$dir/pgrun/pg.log"; echo "PostgreSQL did not start" >&2; return 1; }
  "$dir/redis-start" || { echo "Redis did not start" >&2; return 1; }
  PSQL_URL="postgres://postgres@127.0.0.1:$PG_PORT/gangonghui"
  psql "postgres://postgres@127.0.0.1:$PG_PORT/postgres" -qAtc "CREATE DATABASE gangonghui" >/dev/null
}

stop_private_services() {
  [ -n "${SERVICES_DIR:-}" ] || return 0
  [ -s "$SERVICES_DIR/redis.pid" ] && kill -CONT "$(cat "$SERVICES_DIR/redis.pid")" 2>/dev/null  # if left frozen
  timeout 10 redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  as_pg $PG_CTL -m immediate stop >/dev/null 2>&1 || true
}
