#!/usr/bin/env bash
# Regenerates docs/screens/*.png: every screen of the web client, against a throw-away
# `portal serve --demo`, in Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build-web.sh
cargo build -q --locked -p portal
mkdir -p docs/screens
cd web
SCREENSHOTS=1 CHROMIUM="$(command -v chromium)" npx --no-install playwright test tests/screens.spec.ts tests/ferpa.spec.ts tests/admin.spec.ts
