"""A real WebSocket client (python websockets) through the proxy to the stand-in: the session's
channel a ProCall client opens after logging in, and any other path."""
import pytest

from molecule_support.scenario import proxy_backends

testinfra_hosts = proxy_backends()


@pytest.mark.parametrize("path", ["/ws/client/websocket?x-ucsessionid={session}", "/any/other/path"])
def test_websocket_upgrades_and_echoes_messages(client, path):
    summary = client.websocket(path.format(session=client.session()) if "{session}" in path else path, messages=5)
    assert summary["rc"] == 0, summary
    assert summary["status"] == 101
    assert summary["echoed"] == 5


def test_session_channel_without_a_valid_session_is_refused_by_the_ucserver(client):
    summary = client.websocket("/ws/client/websocket?x-ucsessionid=not-a-session")
    assert summary["rc"] != 0 and summary["echoed"] == 0
    assert "401" in summary.get("error", ""), summary
