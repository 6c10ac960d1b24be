#!/usr/bin/env bash
# The whole product locally with demo data: builds the web client (skipped when up to date), then
# serves the API and the client together on http://127.0.0.1:3000 (`portal serve --demo`). Extra
# arguments go to `portal serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-web.sh
exec cargo run -q -p portal -- serve --demo "$@"
