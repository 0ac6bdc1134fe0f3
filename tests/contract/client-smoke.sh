#!/usr/bin/env bash
# Generated-client smoke test: proves a client team can generate an SDK from the OpenAPI document
# the server SERVES. openapi-python-client (pinned, in target/contract-venv) must generate the
# whole document with no warning at all (no skipped endpoint, no unsupported schema), and the
# generated package alone must drive a counter redemption end to end against a live server
# seeded with `seed --demo` (tests/contract/client_smoke.py). Database: SQLite by default, or
# PostgreSQL and Redis when GGH_TEST_DATABASE_URL / GGH_TEST_REDIS_URL are set (a fresh database).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/contract/server.sh
contract_venv
start_server seed
curl -fsS "$BASE/api-docs/openapi.json" -o "$WORK/served.json"

# Generate. The generator says "Generating <path>" and nothing else when every operation and
# schema made it; any other line (a skipped endpoint, an unsupported schema, a failed post-hook)
# fails the test. The venv's bin is on PATH for the generator's ruff post-hook.
mkdir "$WORK/gen"
if ! PATH="$PWD/$VENV/bin:$PATH" "$VENV/bin/openapi-python-client" generate --path "$WORK/served.json" \
    --output-path "$WORK/gen/ggh_client" --meta none --config tests/contract/client-config.yml >"$WORK/gen.log" 2>&1 \
  || grep -qvxE 'Generating .*|[[:space:]]*' "$WORK/gen.log"; then
  cat "$WORK/gen.log"; echo "openapi-python-client did not generate the whole document" >&2; exit 1
fi
echo "generated: $(find "$WORK/gen/ggh_client/api" -name '*.py' ! -name '__init__.py' | wc -l) operations," \
  "$(find "$WORK/gen/ggh_client/models" -name '*.py' ! -name '__init__.py' | wc -l) models, no warnings"

for smoke in client_smoke client_smoke_legal_aid; do
  PYTHONPATH="$WORK/gen" "$VENV/bin/python" "tests/contract/$smoke.py" "$BASE" \
    || { tail -20 "$WORK/server.log"; exit 1; }
done
no_panics
