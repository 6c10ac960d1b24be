#!/usr/bin/env bash
# Builds every Lambda function for arm64 (provided.al2023) with cargo-lambda and zig from .venv, and
# prints the size of each bootstrap. `sam build` does the same through BuildMethod: rust-cargolambda.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/venv.sh --lambda
export PATH="$PWD/.venv/bin:$PATH"
rustup target add aarch64-unknown-linux-gnu >/dev/null
bins=(toggle send list accept reject cancel deliver expire admin)
args=()
for b in "${bins[@]}"; do args+=(--bin "$b"); done
cargo lambda build --release --arm64 --locked "${args[@]}"
for b in "${bins[@]}"; do
  f="target/lambda/$b/bootstrap"
  printf '%-8s %8d bytes  %s\n' "$b" "$(stat -c %s "$f")" "$(file -b "$f" | cut -d, -f1-2)"
done
