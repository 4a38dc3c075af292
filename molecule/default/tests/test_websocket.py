"""A real WebSocket client (python websockets) through the proxy to the stand-in's echo."""
import pytest

from molecule_support import PROXIES

testinfra_hosts = PROXIES


@pytest.mark.parametrize("path", ["/ws/client/websocket", "/ws/client/websocket?x-ucsessionid=abc", "/any/other/path"])
def test_websocket_upgrades_and_echoes_messages(client, path):
    summary = client.websocket(path, messages=5)
    assert summary["rc"] == 0, summary
    assert summary["status"] == 101
    assert summary["echoed"] == 5
