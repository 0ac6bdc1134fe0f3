# One load scenario (scripts/chaos/load.py) against a running API: a dependency or a replica is
# stopped with one command and started again with another while the load runs. Sourced by
# scripts/chaos/run.sh and scripts/replicas/run.sh, which set BIN, WORK, PY, BASE, PSQL_URL,
# BEFORE, OUTAGE, AFTER, SERVER_LOGS (files to show when a scenario fails) and fail().

# Counter requests for every 30 s step the scenario can reach (see bench-counter BENCH_STEPS).
# Each scenario has a sixth of the cards for redemptions and another for verifications, so no
# scenario meets a code an earlier one spent.
codes() { # dir, part for redemptions, part for verifications
  local steps=$(( (15 + BEFORE + OUTAGE + AFTER + 30) / 30 + 1 ))
  BENCH_STEPS=$steps BENCH_CARDS=$2/6 GGH_ENV=development $BIN/bench-counter redeem "$1/redeem.tsv" 2>>"$WORK/codes.log"
  BENCH_STEPS=$steps BENCH_CARDS=$3/6 GGH_ENV=development $BIN/bench-counter verify "$1/verify.tsv" 2>>"$WORK/codes.log"
}

scenario() { # name tag stop start owner parts
  echo "== scenario $2: $1 for ${OUTAGE} s under load"
  codes "$WORK/codes-$2" $6
  (cd scripts/chaos && PYTHONDONTWRITEBYTECODE=1 "$PY" load.py scenario --name "$1" --base "$BASE" \
    --codes "$WORK/codes-$2" --owner "$5" --psql "$PSQL_URL" --stop "$3" --start "$4" \
    --before "$BEFORE" --outage "$OUTAGE" --after "$AFTER" --out "$WORK/$2.json" >"$WORK/$2.out") \
    || { cat "$WORK/$2.out"; tail -30 $SERVER_LOGS; fail "scenario $2 did not complete"; }
}
