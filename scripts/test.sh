#!/usr/bin/env bash
# The whole test suite: unit, store and end-to-end tests (Dynoxide embedded in the test process, moto
# for SES), then the SAM template checks. Needs only cargo and python3; installs the rest into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/venv.sh
export MOTO_SERVER="$PWD/.venv/bin/moto_server"
export SAM_CLI_TELEMETRY=0
mkdir -p target
log=target/test-output.log

echo "== cargo test (workspace)"
cargo test --workspace --locked 2>&1 | tee "$log"

echo "== openapi.yaml: valid OpenAPI 3.1, and the local API keeps to it (schemathesis)"
.venv/bin/openapi-spec-validator openapi.yaml
./scripts/fuzz-api.sh

echo "== the web client in a real browser"
./scripts/test-web.sh 2>&1 | tee -a "$log"

echo "== the functions in SAM's own containers (scripts/sam-local.sh test)"
./scripts/sam-local.sh test 2>&1 | tee -a "$log"

echo "== sam validate --lint"
.venv/bin/sam validate --lint --region us-east-1 --template template.yaml
echo "== cfn-lint"
.venv/bin/cfn-lint template.yaml
echo "== checkov (every resource; each remaining skip is written next to its resource)"
./scripts/checkov.sh

# One closing line for the whole run (cargo's last line is only its last test binary's).
passed=$(grep -Eo '[0-9]+ passed' "$log" | awk '{s += $1} END {print s + 0}')
failed=$(grep -Eo '[0-9]+ failed' "$log" | awk '{s += $1} END {print s + 0}')
echo "$passed passed, $failed failed"
