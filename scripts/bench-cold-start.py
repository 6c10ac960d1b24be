#!/usr/bin/env python3
"""Cold start of a function binary: time from exec to its first poll of the Lambda Runtime API (init:
config, AWS clients, TLS roots), then the first invocation (GET /v1/health, no network), and the peak
resident memory of the function's own process: `VmHWM` from /proc/PID/status, read while it still runs
(`ru_maxrss` from wait4 also counts the pages of this Python parent it was forked from). Runs the host (x86_64) release build against a stub Runtime API on 127.0.0.1.

    python3 scripts/bench-cold-start.py [FUNCTION ...]     (default: list accept)

Each function is started twice over: with the code secret in its environment (as locally), and reading
it from Secrets Manager at start-up (as in AWS; moto from .venv serves it), so the table shows what
that read adds to init.

It builds `cargo build --release -p FUNCTION` first. Numbers are for comparing changes on one
machine; Lambda on arm64 adds its own sandbox start-up.
"""
import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = 30
EVENT = json.load(open(os.path.join(ROOT, "events", "list-health.json")))


class Stub(http.server.BaseHTTPRequestHandler):
    first_poll = None
    responded = None

    def log_message(self, *args):
        pass

    def do_GET(self):
        if Stub.first_poll is None:
            Stub.first_poll = time.perf_counter()
            body = json.dumps(EVENT).encode()
            self.send_response(200)
            self.send_header("Lambda-Runtime-Aws-Request-Id", "bench-1")
            self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 10_000))
            self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:bench")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            time.sleep(5)  # the next poll: hold it until the process is killed

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        Stub.responded = time.perf_counter()
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()


def once(binary, secret_env):
    Stub.first_poll = Stub.responded = None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(os.environ,
               AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}",
               AWS_LAMBDA_FUNCTION_NAME="bench", AWS_LAMBDA_FUNCTION_VERSION="1",
               AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128", AWS_REGION="us-east-1",
               AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
               TABLE_NAME="bench", RUST_LOG="warn", **secret_env)
    start = time.perf_counter()
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while Stub.responded is None and time.perf_counter() - start < 10:
        time.sleep(0.0002)
    peak = vm_hwm_mib(proc.pid)
    proc.kill()
    proc.wait()
    server.shutdown()
    if Stub.first_poll is None or Stub.responded is None:
        raise SystemExit(f"{binary} did not poll the runtime API")
    return (Stub.first_poll - start) * 1000, (Stub.responded - Stub.first_poll) * 1000, peak


def vm_hwm_mib(pid):
    """The process's own peak resident set, in MiB (Linux)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise SystemExit(f"no VmHWM for process {pid}")


def moto_secret():
    """Starts moto, stores a code secret as the template does ({"secret": ...}); returns (process, env)."""
    import socket
    import urllib.request
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    moto = subprocess.Popen([os.path.join(ROOT, ".venv", "bin", "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/moto-api/data.json")
            break
        except OSError:
            time.sleep(0.1)
    create = ("import boto3, json, sys; c = boto3.client('secretsmanager', endpoint_url=sys.argv[1], "
              "region_name='us-east-1', aws_access_key_id='bench', aws_secret_access_key='bench'); "
              "print(c.create_secret(Name='bench/code', SecretString=json.dumps({'secret': 'b' * 64}))['ARN'])")
    arn = subprocess.run([os.path.join(ROOT, ".venv", "bin", "python"), "-c", create, url],
                         check=True, capture_output=True, text=True).stdout.strip()
    return moto, {"AUTH_CODE_SECRET_ARN": arn, "AWS_ENDPOINT_URL_SECRETS_MANAGER": url}


def main():
    functions = sys.argv[1:] or ["list", "accept"]
    for f in functions:
        subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", f], cwd=ROOT, check=True)
    moto, from_secrets_manager = moto_secret()
    try:
        print(f"{RUNS} cold starts each; ms from exec to first runtime poll (init), first invocation, peak RSS")
        print("| function | code secret | init p50 | init p95 | first invoke p50 | peak RSS MiB | binary KiB |")
        print("|---|---|---|---|---|---|---|")
        for f in functions:
            binary = os.path.join(ROOT, "target", "release", f)
            for source, env in [("environment", {"AUTH_CODE_SECRET": "b" * 40}),
                                ("Secrets Manager (moto)", from_secrets_manager)]:
                runs = [once(binary, env) for _ in range(RUNS)]
                init = sorted(r[0] for r in runs)
                invoke = sorted(r[1] for r in runs)
                rss = max(r[2] for r in runs)
                p95 = init[int(round((len(init) - 1) * 0.95))]
                size = os.path.getsize(binary) // 1024
                print(f"| {f} | {source} | {statistics.median(init):.2f} | {p95:.2f} | "
                      f"{statistics.median(invoke):.2f} | {rss:.1f} | {size} |")
    finally:
        moto.kill()
        moto.wait()


if __name__ == "__main__":
    main()
