"""Prometheus metrics (reverse_proxy_metrics, on for ha-proxy2): nginx's status answers on
loopback only, never on the public ports; the exporter's active-connections figure rises by one
per held WebSocket (nginx counts the client connections it accepted, not its own to the UCServer).
Turning metrics off removes both: test_used_from_an_infrastructure_repository.py, whose runs leave
them out."""
import re
import shlex

import pytest

from molecule_support.clients import ManyWebSockets, client_for
from molecule_support.scenario import SERVER_NAME, container

PROXY = "ha-proxy2"
EXPORTER = "http://127.0.0.1:9113/metrics"
STATUS = "http://127.0.0.1:8081/stub_status"
HELD = 100


@pytest.fixture(scope="module")
def proxy():
    return container(PROXY)


def fetch(host, url: str):
    """GET on the host itself (the proxies have python3, not curl); the command result."""
    return host.run(shlex.join(["python3", "-c", "import sys, urllib.request; "
                                "print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())", url]))


def active_connections(proxy) -> int:
    metrics = fetch(proxy, EXPORTER).stdout
    return int(float(re.search(r"^nginx_connections_active (\S+)$", metrics, re.M).group(1)))


def test_status_answers_on_loopback_only(proxy, client_host):
    assert "Active connections:" in fetch(proxy, STATUS).stdout
    # From another container: the status port is closed, and the public ports proxy to the UCServer.
    assert client_host.run(f"curl -sS --max-time 5 http://{PROXY}:8081/stub_status").rc != 0
    client = client_for(client_host, proxy)
    for url in (f"https://{SERVER_NAME}/stub_status", f"http://{SERVER_NAME}/stub_status"):
        assert "Active connections" not in client.request(url).body


def test_active_connections_rise_by_one_per_held_websocket(proxy, client_host):
    client = client_for(client_host, proxy)
    before = active_connections(proxy)
    many = ManyWebSockets(client, HELD, "metrics")
    try:
        held = many.opened()
        assert held["opened"] == HELD, held
        during = active_connections(proxy)
    finally:
        many.stop()
    print(f"\nnginx_connections_active: {before} before, {during} with {HELD} held WebSockets")
    assert 0.95 * HELD <= during - before <= 1.1 * HELD
