#!/usr/bin/env bash
# The whole product locally with demo data: builds the web client (skipped when up to date) and the
# portal (with cargo's progress: the first build takes 10 to 25 minutes on two cores, later ones
# seconds), then serves the API and the client together on http://127.0.0.1:3000
# (`portal serve --demo`). Extra arguments go to `portal serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-web.sh
if [ ! -x "${CARGO_TARGET_DIR:-target}/debug/portal" ]; then
  echo "== building the portal (first build: 10 to 25 minutes on two cores; cargo shows its progress)"
else
  echo "== building the portal (only what changed)"
fi
cargo build --locked -p portal
echo "== starting portal serve --demo"
exec "${CARGO_TARGET_DIR:-target}/debug/portal" serve --demo "$@"
