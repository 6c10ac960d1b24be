#!/usr/bin/env bash
# Builds the staff web client into web/dist (npm ci, then vite build), skipped when the build is newer
# than every source of it. `--check` also fails when the committed API types are stale against
# openapi.yaml, and runs svelte-check (warnings, accessibility ones included, fail it).
set -euo pipefail
cd "$(dirname "$0")/../web"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci (web/)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "${1:-}" = "--check" ]; then
  echo "== web: API types up to date with openapi.yaml"
  fresh=$(mktemp --suffix=.d.ts)
  npx --no-install openapi-typescript ../openapi.yaml -o "$fresh" >/dev/null 2>&1
  if ! diff -q "$fresh" src/lib/api-schema.d.ts >/dev/null; then
    rm -f "$fresh"
    echo "web/src/lib/api-schema.d.ts is stale: run (cd web && npm run gen) and commit it" >&2
    exit 1
  fi
  rm -f "$fresh"
  echo "== web: svelte-check --fail-on-warnings"
  npx --no-install svelte-check --tsconfig ./tsconfig.json --fail-on-warnings --output machine | tail -1
fi

newest_source=$(find src index.html vite.config.ts svelte.config.js tsconfig.json package-lock.json -type f -printf '%T@\n' | sort -n | tail -1)
built=$(stat -c %Y dist/index.html 2>/dev/null || echo 0)
if [ "${newest_source%.*}" -lt "$built" ]; then
  echo "== web: dist/ is up to date"
else
  echo "== web: vite build"
  npx --no-install vite build --logLevel warn
fi
