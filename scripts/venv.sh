#!/usr/bin/env bash
# Creates .venv (once) with the Python tools the tests and checks use: moto (the local SES v2),
# aws-sam-cli and cfn-lint (template checks). Idempotent; prints nothing when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
want=("moto[server]==5.*" "aws-sam-cli==1.170.0" "cfn-lint" "openapi-spec-validator" "schemathesis==4.*")
if [ "${1:-}" = "--lambda" ]; then
  want+=("cargo-lambda" "ziglang")
fi
stamp="$VENV/.installed-$(printf '%s ' "${want[@]}" | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${want[@]}"
  touch "$stamp"
fi
