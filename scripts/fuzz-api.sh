#!/usr/bin/env bash
# Property-based tests of the running local API against openapi.yaml: `portal serve --demo` in a
# throw-away folder, then schemathesis with every check but "schema-valid data is accepted" (a forged
# cursor or Idempotency-Key is valid by the schema's types and must still be refused, api.md says).
# Deterministic (fixed seed, one worker), so a failure reproduces.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
cargo build -q --locked -p portal
# Port 0 for the API and the embedded DynamoDB: the binary binds free ports itself and prints them.
(cd "$work" && LOCAL_DYNAMODB_PORT=0 exec "$root/target/debug/portal" serve --demo --port 0 >out.txt 2>err.txt) &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
base=""
for _ in $(seq 1 150); do
  base=$(sed -n 's/^District Transfer Portal API on \(http:[^ ]*\).*/\1/p' "$work/err.txt")
  [ -n "$base" ] && curl -sf "$base/v1/health" >/dev/null 2>&1 && break
  sleep 0.2
done
token=$(sed -n 's/^export TOKEN_ALICE=//p' "$work/.local/demo-tokens.sh" 2>/dev/null || true)
[ -n "$base" ] && [ -n "$token" ] || { echo "portal serve did not start:"; cat "$work/err.txt"; exit 1; }
.venv/bin/schemathesis run openapi.yaml --url "$base" \
  -H "Authorization: Bearer $token" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples 25 --workers 1 --seed 20261129 --generation-deterministic
