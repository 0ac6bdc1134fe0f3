#!/usr/bin/env bash
# Validates the OpenAPI document the server serves (not only the committed file) with a pinned
# openapi-spec-validator, installed into a virtualenv under target/, and checks that every
# example in it matches its schema. Fails loudly.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/contract/server.sh
contract_venv
start_server
curl -fsS "$BASE/api-docs/openapi.json" -o "$WORK/served.json" \
  || { cat "$WORK/server.log"; echo "the server did not serve its spec" >&2; exit 1; }
"$VENV/bin/openapi-spec-validator" "$WORK/served.json"
"$VENV/bin/openapi-spec-validator" openapi/openapi.json
"$VENV/bin/python" tests/contract/validate-examples.py "$WORK/served.json"
