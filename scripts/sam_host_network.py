"""Runs SAM CLI with every Lambda container on the host network, all traffic on 127.0.0.1.

Stock SAM 1.170 publishes the emulator's port from a bridge network, and `--docker-network host`
does not change that (aws-sam-cli #4236, #3609, #6347). This wrapper changes, at start-up and in
memory only (no file of the installed package is edited), what SAM asks Docker for:

- each container is created with `network_mode=host`;
- the Runtime Interface Emulator listens on 127.0.0.1 at the port SAM polls, and its Runtime API on a
  free port of its own (several containers share the host's ports);
- image builds (SAM adds the emulator to the base image) run on the host network too.

It refuses any other SAM version: the internals it changes are that version's.
    python3 scripts/sam_host_network.py local start-lambda ...
"""

import sys

import samcli

PINNED = "1.170.0"
if samcli.__version__ != PINNED:
    sys.exit(f"scripts/sam_host_network.py supports SAM CLI {PINNED} only, found {samcli.__version__}")

import docker.api.build  # noqa: E402
import docker.models.containers  # noqa: E402
from samcli.local.docker import container as containers  # noqa: E402
from samcli.local.docker.utils import find_free_port  # noqa: E402

RIE = "/var/rapid/aws-lambda-rie"
_create = containers.Container.create
_build = docker.api.build.BuildApiMixin.build
_docker_create = docker.models.containers.ContainerCollection.create


def create(self, context):
    entry = list(self._entrypoint or [])
    if entry and entry[0] == RIE and "--runtime-api-address" not in entry:
        api_port = find_free_port(network_interface="127.0.0.1", start=20000, end=30000)
        entry[1:1] = [
            "--runtime-interface-emulator-address", f"127.0.0.1:{self.rapid_port_host}",
            "--runtime-api-address", f"127.0.0.1:{api_port}",
        ]
        self._entrypoint = entry
    self._container_opts = {**(self._container_opts or {}), "network_mode": "host"}
    self._container_host = "127.0.0.1"
    self._container_host_interface = "127.0.0.1"
    return _create(self, context)


def docker_create(self, image, command=None, **kwargs):
    # On the host network nothing is published: the emulator listens on 127.0.0.1 itself.
    if kwargs.get("network_mode") == "host":
        kwargs.pop("ports", None)
    return _docker_create(self, image, command, **kwargs)


def build(self, *args, **kwargs):
    kwargs.setdefault("network_mode", "host")
    return _build(self, *args, **kwargs)


containers.Container.create = create
docker.api.build.BuildApiMixin.build = build
docker.models.containers.ContainerCollection.create = docker_create

from samcli.cli.main import cli  # noqa: E402

if __name__ == "__main__":
    sys.argv[0] = "sam"
    cli()
