"""The health_check module against a small TLS server on loopback that answers as nginx would:
what it sends (SNI, Host, the WebSocket handshake) and how it judges the answers."""
import datetime
import json
import socket
import time

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.ucproxy.nginx.plugins.modules import health_check
from loopback_proxy import Proxy, certificate_file, header, nginx


@pytest.fixture
def proxy(tmp_path, request):
    server = Proxy(tmp_path, request.param)
    yield server
    server.close()


def run(capsys, **args):
    """The module's main() with these arguments; (exit code, result)."""
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exit_info:
            health_check.main()
    return exit_info.value.code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("proxy", [nginx()], indirect=True)
def test_passes_with_a_request_and_a_websocket_upgrade_under_the_public_name(proxy, capsys):
    code, result = run(capsys, server_name="uc.example.com", port=proxy.port, timeout=5)
    assert code == 0, result
    assert (result["status"], result["websocket_status"], result["attempts"]) == (200, 101, 1)
    assert proxy.server_names == ["uc.example.com", "uc.example.com"]
    assert [header(head, "Host") for head in proxy.requests] == ["uc.example.com", "uc.example.com"]
    assert proxy.requests[1].startswith("GET /ws/client/websocket HTTP/1.1\r\n")


@pytest.mark.parametrize("proxy", [nginx()], indirect=True)
def test_a_wildcard_name_is_checked_with_a_concrete_label(proxy, capsys):
    code, result = run(capsys, server_name="*.example.com", port=proxy.port, timeout=5)
    assert code == 0, result
    assert set(proxy.server_names) == {"ucproxy-health-check.example.com"}
    assert {header(head, "Host") for head in proxy.requests} == {"ucproxy-health-check.example.com"}


@pytest.mark.parametrize("proxy", [nginx(plain_status=502)], indirect=True)
def test_fails_when_the_upstream_does_not_answer_through_the_proxy(proxy, capsys):
    start = time.monotonic()
    code, result = run(capsys, server_name="uc.example.com", port=proxy.port, timeout=2)
    assert code == 1
    assert result["msg"].startswith("https://uc.example.com/ answered 502: the upstream did not answer")
    assert result["attempts"] >= 1 and time.monotonic() - start < 10


@pytest.mark.parametrize("proxy", [nginx(accept="wrong")], indirect=True)
def test_fails_on_a_wrong_websocket_accept(proxy, capsys):
    code, result = run(capsys, server_name="uc.example.com", port=proxy.port, timeout=1)
    assert code == 1
    assert "wrong Sec-WebSocket-Accept" in result["msg"]


@pytest.mark.parametrize("proxy", [nginx(plain_status=404)], indirect=True)
def test_any_answer_below_500_passes_and_the_websocket_check_can_be_skipped(proxy, capsys):
    code, result = run(capsys, server_name="uc.example.com", port=proxy.port, websocket_path="", timeout=5)
    assert code == 0, result
    assert result["status"] == 404 and "websocket_status" not in result
    assert len(proxy.requests) == 1


def test_nothing_listening_fails_with_the_reason_after_the_timeout(capsys):
    with socket.create_server(("127.0.0.1", 0)) as unused:
        port = unused.getsockname()[1]
    code, result = run(capsys, server_name="uc.example.com", port=port, timeout=2)
    assert code == 1
    assert f"https://uc.example.com via 127.0.0.1:{port}" in result["msg"] and "refused" in result["msg"]


@pytest.mark.parametrize("args,variable", [
    ({"server_name": "uc.example.com\r\nX-Evil: 1"}, "server_name"),
    ({"server_name": "uc.*.example.com"}, "server_name"),
    ({"server_name": "uc.example.com", "path": "/ HTTP/1.0\r\n"}, "path"),
    ({"server_name": "uc.example.com", "websocket_path": "ws"}, "websocket_path"),
])
def test_values_that_could_inject_into_the_request_are_refused(capsys, args, variable):
    code, result = run(capsys, **args)
    assert code == 1
    assert result["msg"].startswith(variable + ":")


def ucserver_without_session(head):
    """Like the UCServer: plain requests answered, an upgrade without a session refused with 401."""
    if header(head, "Upgrade") is None:
        return b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    return b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"


@pytest.mark.parametrize("proxy", [ucserver_without_session], indirect=True)
def test_an_upgrade_the_ucserver_refuses_for_want_of_a_session_passes(proxy, capsys):
    code, result = run(capsys, server_name="uc.example.com", port=proxy.port, timeout=5)
    assert code == 0, result
    assert result["websocket_status"] == 401


@pytest.mark.parametrize("proxy", [nginx()], indirect=True)
def test_certificates_close_to_expiry_are_warned_about_and_the_gate_still_passes(proxy, capsys, tmp_path):
    soon, later = certificate_file(tmp_path / "soon.pem", days=10), certificate_file(tmp_path / "later.pem", days=90)
    code, result = run(capsys, server_name="uc.example.com", port=proxy.port, timeout=5,
                       certificates=[soon, later], certificate_warning_days=21)
    assert code == 0, result
    assert [(entry["path"], entry["days_left"]) for entry in result["certificates"]] == [(soon, 9), (later, 89)]
    # ansible-core 2.19 returns each warning as a structured event.
    [warning] = [entry["event"]["msg"] if isinstance(entry, dict) else entry for entry in result["warnings"]]
    assert warning.startswith(f"The certificate {soon} expires on ") and "(9 days left)" in warning


@pytest.mark.parametrize("proxy", [nginx()], indirect=True)
def test_a_certificate_that_lives_days_is_warned_about_with_a_quarter_of_its_lifetime_left(proxy, capsys, tmp_path):
    six_days = datetime.timedelta(days=6)
    fresh = certificate_file(tmp_path / "fresh.pem", days=5, lifetime=six_days)
    due = certificate_file(tmp_path / "due.pem", days=1, lifetime=six_days)
    code, result = run(capsys, server_name="uc.example.com", port=proxy.port, timeout=5,
                       certificates=[fresh, due], certificate_warning_days=21)
    assert code == 0, result
    # (Warnings of earlier module runs in this process may come along.)
    [warning] = [text for text in (entry["event"]["msg"] if isinstance(entry, dict) else entry
                                   for entry in result["warnings"]) if str(tmp_path) in text]
    assert warning.startswith(f"The certificate {due} expires on ") and "(23 hours left)" in warning


@pytest.mark.parametrize("proxy", [nginx()], indirect=True)
def test_with_ocsp_stapling_a_certificate_without_an_ocsp_responder_is_warned_about(proxy, capsys, tmp_path):
    without = certificate_file(tmp_path / "acme.pem", days=90)
    with_responder = certificate_file(tmp_path / "ocsp.pem", days=90, ocsp_url="http://ocsp.example.com")
    certificates = [without, with_responder]
    code, result = run(capsys, server_name="uc.example.com", port=proxy.port, timeout=5, certificates=certificates,
                       ocsp_stapling=True)
    assert code == 0, result
    # (Warnings of earlier tests in this process may be among them.)
    [warning] = [message for message in (entry["event"]["msg"] if isinstance(entry, dict) else entry
                                         for entry in result["warnings"])
                 if message.startswith("reverse_proxy_ocsp_stapling")]
    assert warning.startswith(f"reverse_proxy_ocsp_stapling is on, but the certificate {without} names no OCSP")
    # Without stapling, no such warning: test_certificates_close_to_expiry_... gets the expiry warning alone.
