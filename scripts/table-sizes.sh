#!/usr/bin/env bash
# Rows and bytes per row (heap and indexes) of each table, measured on a generated data set in a
# scratch PostgreSQL database: the figures docs/scaling.md scales up.
#   scripts/table-sizes.sh [MEMBERS] [MERCHANTS] [REDEMPTIONS]    default 20000 200 200000
# Needs the machine's PostgreSQL (127.0.0.1:5432, trust); creates and drops ggh_table_sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
MEMBERS=${1:-20000} MERCHANTS=${2:-200} REDEMPTIONS=${3:-200000}
ADMIN=postgres://postgres@127.0.0.1:5432/postgres
DB=postgres://postgres@127.0.0.1:5432/ggh_table_sizes
BIN=${TABLE_SIZES_BIN:-target/release/gangonghui}
[ -x "$BIN" ] || cargo build --release -q --bin gangonghui
psql "$ADMIN" -qAtc "DROP DATABASE IF EXISTS ggh_table_sizes" -c "CREATE DATABASE ggh_table_sizes"
trap 'psql "$ADMIN" -qAtc "DROP DATABASE IF EXISTS ggh_table_sizes"' EXIT
export DATABASE_URL=$DB GGH_DATA_DIR=$(mktemp -d) RUST_LOG=warn
$BIN seed --demo >/dev/null
$BIN seed --members "$MEMBERS" --merchants "$MERCHANTS" --redemptions "$REDEMPTIONS"
psql "$DB" -qAtc "VACUUM ANALYZE" >/dev/null
echo "table|rows|heap bytes/row|index bytes/row|total MB"
psql "$DB" -At -c "
  SELECT c.relname, c.reltuples::bigint,
         round(pg_relation_size(c.oid) / greatest(c.reltuples, 1)),
         round(pg_indexes_size(c.oid) / greatest(c.reltuples, 1)),
         round(pg_total_relation_size(c.oid) / 1048576.0, 1)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples >= 1000
   ORDER BY pg_total_relation_size(c.oid) DESC"
