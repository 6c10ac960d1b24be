#!/usr/bin/env bash
# The stack's security posture by an independent scanner: checkov (pinned) over template.yaml, every
# resource. A check that does not apply is skipped in the template, next to its resource, with its
# reason (Metadata: checkov: skip); anything else failing fails this script. Its own venv: checkov pins
# libraries that SAM CLI and cfn-lint pin differently.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-checkov
CHECKOV="checkov==3.3.30"
if [ ! -x "$VENV/bin/checkov" ] || [ ! -f "$VENV/.installed-3.3.30" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "$CHECKOV"
  touch "$VENV/.installed-3.3.30"
fi
if ! out=$("$VENV/bin/checkov" --file template.yaml --framework cloudformation --compact --skip-download 2>&1); then
  echo "$out" | grep -E "Passed checks|FAILED|Check: " >&2
  exit 1
fi
echo "$out" | grep -E "Passed checks"
