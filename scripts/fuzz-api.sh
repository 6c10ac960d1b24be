#!/usr/bin/env bash
# Property-based tests of the running local API against openapi.yaml: `portal serve --demo` in a
# throw-away folder, then schemathesis with every check but "schema-valid data is accepted" (a forged
# cursor or Idempotency-Key is valid by the schema's types and must still be refused, api.md says).
# Deterministic (fixed seed, one worker), so a failure reproduces.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
dport=$(free_port)
work=$(mktemp -d)
cargo build -q --locked -p portal
(cd "$work" && LOCAL_DYNAMODB_PORT=$dport exec "$root/target/debug/portal" serve --demo --port "$port" >out.txt 2>err.txt) &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && break
  sleep 0.2
done
token=$(sed -n 's/^export TOKEN_ALICE=//p' "$work/out.txt")
[ -n "$token" ] || { echo "portal serve did not start:"; cat "$work/err.txt"; exit 1; }
.venv/bin/schemathesis run openapi.yaml --url "http://127.0.0.1:$port" \
  -H "Authorization: Bearer $token" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples 25 --workers 1 --seed 20261129 --generation-deterministic
