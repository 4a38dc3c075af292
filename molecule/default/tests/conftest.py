"""Shared fixtures: the proxies under test and a client container that talks to them over the
podman network, the way a ProCall app on the internet would."""
import base64
import json
import os
import shlex
from dataclasses import dataclass, field

import pytest
import testinfra
from testinfra.utils.ansible_runner import AnsibleRunner

INVENTORY = os.environ["MOLECULE_INVENTORY_FILE"]
PROXIES = [f"podman://{name}" for name in AnsibleRunner(INVENTORY).get_hosts("ucproxy")]
SERVER_NAME = "uc.example.test"
SECOND_NAME = "ucproxy.example.test"
CERTIFICATE = "/etc/nginx/tls/reverseproxy.fullchain.pem"


@dataclass
class Response:
    status: int
    http_version: str
    headers: dict = field(default_factory=dict)
    body: str = ""

    def json(self) -> dict:
        return json.loads(self.body)


class Client:
    """curl, openssl and a WebSocket client run inside the client container against one proxy."""

    def __init__(self, host, proxy_name: str, cafile: str):
        self.host = host
        self.proxy = proxy_name
        self.cafile = cafile

    def run(self, command: str):
        return self.host.run(command)

    def request(self, url: str, *curl_args: str) -> Response:
        """One request with curl, connecting to the proxy whatever host name the URL names."""
        command = [
            "curl", "-sS", "--max-time", "20", "--cacert", self.cafile,
            "--connect-to", f"::{self.proxy}:", "-o", "/tmp/body", "-D", "/tmp/headers",
            "-w", "%{json}", *curl_args, url,
        ]
        result = self.run(shlex.join(command))
        assert result.rc == 0, f"curl {url} failed: {result.stderr}"
        meta = json.loads(result.stdout)
        headers = {}
        for line in self.host.file("/tmp/headers").content_string.splitlines()[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        return Response(meta["response_code"], meta["http_version"], headers,
                        self.host.file("/tmp/body").content_string)

    def tls(self, *args: str, servername: str = SERVER_NAME):
        """openssl s_client handshake; returns the command result (rc 0 = handshake done)."""
        command = ["openssl", "s_client", "-connect", f"{self.proxy}:443",
                   "-servername", servername, "-verify_return_error", "-CAfile", self.cafile,
                   *args]
        return self.run(f"echo | timeout 20 {shlex.join(command)} 2>&1")

    def websocket(self, path: str, messages: int = 3) -> dict:
        command = ["python3", "/opt/ucproxy/ws_echo.py", f"wss://{SERVER_NAME}{path}",
                   "--connect-to", f"{self.proxy}:443", "--cafile", self.cafile,
                   "--messages", str(messages)]
        result = self.run(shlex.join(command))
        summary = json.loads(result.stdout)
        summary["rc"] = result.rc
        return summary


@pytest.fixture(scope="module")
def client_host():
    return testinfra.get_host("podman://client")


@pytest.fixture
def client(host, client_host) -> Client:
    """The client container, trusting the proxy's (self-signed) certificate as its CA."""
    proxy = host.backend.name
    cafile = f"/tmp/ca-{proxy}.pem"
    pem = host.file(CERTIFICATE).content
    encoded = base64.b64encode(pem).decode()
    client_host.run_expect([0], f"echo {encoded} | base64 -d > {cafile}")
    return Client(client_host, proxy, cafile)
