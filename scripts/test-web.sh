#!/usr/bin/env bash
# The browser suite: installs Debian's chromium when it is missing (Playwright cannot download its own
# browsers here), builds and checks the client, and runs Playwright with axe; every test starts its own
# throw-away `portal serve --demo` on free ports (web/tests/portal.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null; then
  echo "== apt-get install chromium"
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get install -y -q --no-install-recommends chromium >/dev/null || { $apt_get update -q >/dev/null && $apt_get install -y -q --no-install-recommends chromium >/dev/null; }
fi
./scripts/build-web.sh --check
cargo build -q --locked -p portal
echo "== web: Playwright (chromium $(chromium --version | awk '{print $2}')) with axe"
cd web
CHROMIUM="$(command -v chromium)" npx --no-install playwright test
