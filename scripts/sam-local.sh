#!/usr/bin/env bash
# The Lambda functions in SAM's own containers, locally, against the real template.yaml:
#
#   scripts/sam-local.sh        serves the API on http://127.0.0.1:3000 until interrupted
#   scripts/sam-local.sh test   runs the end-to-end workflow against it (tests/sam_local.rs), exits non-zero
#                               on any failure, and reports each route's latency in containers
#
# What it starts, each stopped by pid on exit (nothing left behind: no daemon, container, mount or
# network interface):
# - its own dockerd on a private socket, with no bridge, no iptables and no masquerading;
# - the base image SAM expects (public.ecr.aws/lambda/provided:al2023-<arch>), imported from a
#   `debootstrap --variant=minbase` root file system (cached as .local/sam/rootfs-bookworm.tar), since
#   no image can be pulled here; SAM adds its emulator to it and runs with --skip-pull-image;
# - moto (SES, and Secrets Manager holding the code secret the functions read at start-up) and `portal serve` (its embedded Dynoxide holds the table; it verifies tokens as the JWT
#   authorizer would, and sends each request to the function's container: --lambda-endpoint);
# - `sam local start-lambda --warm-containers EAGER` through scripts/sam_host_network.py, which puts
#   every container on the host network with all traffic on 127.0.0.1.
# SAM makes no call of its own beyond the machine: telemetry off, its account lookup and version check
# sent to a dead local proxy. Functions are built for the host's architecture (template parameter).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
mode="${1:-serve}"
API_PORT="${PORT:-3000}"

case "$(uname -m)" in
  x86_64) arch=x86_64 ;;
  aarch64) arch=arm64 ;;
  *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  echo "== apt-get install ${need[*]}"
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get install -y -q --no-install-recommends "${need[@]}" >/dev/null \
    || { $apt_get update -q >/dev/null && $apt_get install -y -q --no-install-recommends "${need[@]}" >/dev/null; }
fi
./scripts/venv.sh

STATE=$(mktemp -d /tmp/sam-local.XXXXXX)
pids=()
cleanup() {
  set +e
  for (( i=${#pids[@]}-1; i>=0; i-- )); do
    kill "${pids[$i]}" 2>/dev/null
    for _ in $(seq 50); do kill -0 "${pids[$i]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${pids[$i]}" 2>/dev/null
  done
  wait 2>/dev/null
  # dockerd leaves its overlay mounts if killed hard; unmount whatever is left under our state.
  grep " $STATE" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$STATE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { "$ROOT/.venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # what, command...
  local what=$1; shift
  for _ in $(seq 600); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "$what did not come up" >&2; return 1
}

echo "== dockerd (private socket, no bridge, no iptables)"
export DOCKER_HOST="unix://$STATE/docker.sock"
dockerd --host "$DOCKER_HOST" --bridge=none --iptables=false --ip-masq=false --ip6tables=false \
  --data-root "$STATE/docker" --exec-root "$STATE/exec" --pidfile "$STATE/docker.pid" \
  >"$STATE/dockerd.log" 2>&1 &
pids+=($!)
wait_for dockerd docker info

image="public.ecr.aws/lambda/provided:al2023-$arch"
rootfs="$ROOT/.local/sam/rootfs-bookworm.tar"
if [ ! -f "$rootfs" ]; then
  echo "== debootstrap --variant=minbase bookworm (once; cached in .local/sam/)"
  mkdir -p "$ROOT/.local/sam"
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -oE 'https?://[^ ]+/debian/?$' | head -1 || true)
  debootstrap --variant=minbase bookworm "$STATE/rootfs" "${mirror:-http://deb.debian.org/debian}" >"$STATE/debootstrap.log" 2>&1 \
    || { tail -20 "$STATE/debootstrap.log" >&2; exit 1; }
  tar -C "$STATE/rootfs" -cf "$rootfs.partial" . && mv "$rootfs.partial" "$rootfs"
  rm -rf "$STATE/rootfs"
fi
echo "== docker import $image"
docker import - "$image" <"$rootfs" >/dev/null

echo "== cargo build --release (the nine functions, $arch)"
cargo build --release --locked -q -p toggle -p list -p send -p accept -p reject -p cancel -p deliver -p expire -p admin
target="${CARGO_TARGET_DIR:-$ROOT/target}/release"
"$ROOT/.venv/bin/python" scripts/sam_local_template.py template.yaml "$STATE/build" "$target" >/dev/null

echo "== moto (SES) and portal serve"
MOTO_PORT=$(free_port); DB_PORT=$(free_port); LAMBDA_PORT=$(free_port)
"$ROOT/.venv/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$STATE/moto.log" 2>&1 &
pids+=($!)
wait_for moto curl -sf "http://127.0.0.1:$MOTO_PORT/moto-api/data.json"
secret="sam-local-auth-code-secret-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1
export AUTH_CODE_SECRET="$secret" TABLE_NAME=district-transfer-portal MAIL_FROM=no-reply@transfer-portal.localhost
# The functions read the code secret from Secrets Manager at start-up, as in AWS: moto serves it.
secret_arn=$(MOTO="http://127.0.0.1:$MOTO_PORT" SECRET="$secret" "$ROOT/.venv/bin/python" -c '
import json, os, boto3
sm = boto3.client("secretsmanager", endpoint_url=os.environ["MOTO"], region_name="us-east-1")
print(sm.create_secret(Name="portal/auth-code", SecretString=json.dumps({"secret": os.environ["SECRET"]}))["ARN"])')
cargo build --locked -q -p portal
# The web client, and with it the development sign-in the workflow test signs in through (portal serve
# offers that sign-in only where it serves the client).
"$ROOT/scripts/build-web.sh" >/dev/null
mkdir -p "$STATE/portal"
(cd "$STATE/portal" && LOCAL_DYNAMODB_PORT="$DB_PORT" AWS_ENDPOINT_URL_SESV2="http://127.0.0.1:$MOTO_PORT" \
  PORTAL_WEB_DIR="$ROOT/web/dist" exec "${CARGO_TARGET_DIR:-$ROOT/target}/debug/portal" serve --demo \
  --port "$API_PORT" --lambda-endpoint "http://127.0.0.1:$LAMBDA_PORT" >"$STATE/portal.out" 2>"$STATE/portal.log") &
pids+=($!)
# /v1/health goes to ListFunction, which is not up yet: the client's config.json is portal serve's own.
wait_for "portal serve" curl -sf "http://127.0.0.1:$API_PORT/config.json" \
  || { echo "--- portal.log"; tail -20 "$STATE/portal.log"; exit 1; }

echo "== sam local start-lambda (SAM $("$ROOT/.venv/bin/sam" --version | awk '{print $4}'), warm containers, host network)"
cat >"$STATE/env.json" <<JSON
{"Parameters": {"AUTH_CODE_SECRET_ARN": "$secret_arn", "TABLE_NAME": "district-transfer-portal",
                "MAIL_FROM": "no-reply@transfer-portal.localhost", "APP_BASE_URL": "http://127.0.0.1:$API_PORT",
                "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:$DB_PORT",
                "AWS_ENDPOINT_URL_SESV2": "http://127.0.0.1:$MOTO_PORT",
                "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://127.0.0.1:$MOTO_PORT",
                "RUST_LOG": "warn"}}
JSON
started=$(date +%s.%N)
(cd "$STATE/build" && SAM_CLI_TELEMETRY=0 HTTPS_PROXY=http://127.0.0.1:9 \
  NO_PROXY=127.0.0.1,localhost exec "$ROOT/.venv/bin/python" "$ROOT/scripts/sam_host_network.py" local start-lambda \
  --template "$STATE/build/template.yaml" --host 127.0.0.1 --port "$LAMBDA_PORT" --container-host 127.0.0.1 \
  --warm-containers EAGER --skip-pull-image --env-vars "$STATE/env.json" --region us-east-1 \
  --parameter-overrides "Architecture=$arch LocalDynamodbEndpoint=http://127.0.0.1:$DB_PORT LocalAwsEndpoint=http://127.0.0.1:$MOTO_PORT" \
  >"$STATE/sam.log" 2>&1) &
pids+=($!)
wait_for "sam local start-lambda" curl -s -o /dev/null "http://127.0.0.1:$LAMBDA_PORT/"
# The first request also waits for every warm container to be up.
wait_for "the functions" curl -sf "http://127.0.0.1:$API_PORT/v1/health"
echo "   ready in $(awk "BEGIN {printf \"%.1f\", $(date +%s.%N) - $started}") s: $(docker ps -q | wc -l) containers"

if [ "$mode" = "test" ]; then
  echo "== the end-to-end workflow against the functions in SAM's containers"
  PORTAL_URL="http://127.0.0.1:$API_PORT" cargo test --locked -q -p e2e --test sam_local -- --include-ignored --nocapture \
    || { echo "--- sam.log"; tail -40 "$STATE/sam.log"; echo "--- portal.log"; tail -20 "$STATE/portal.log"; exit 1; }
else
  echo "The API and the web client on http://127.0.0.1:$API_PORT (functions in SAM's containers); Ctrl-C stops everything."
  wait "${pids[-1]}"
fi
