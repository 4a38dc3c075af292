"""The health_check module against a small TLS server on loopback that answers as nginx would:
what it sends (SNI, Host, the WebSocket handshake) and how it judges the answers."""
import base64
import datetime
import hashlib
import json
import socket
import ssl
import threading
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible.module_utils.testing import patch_module_args
from ansible_collections.ucproxy.nginx.plugins.modules import health_check

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Proxy:
    """Answers each request with `answer(request_head) -> bytes`; records what it received."""

    def __init__(self, tmp_path, answer):
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "proxy")])
        now = datetime.datetime.now(datetime.timezone.utc)
        certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                       .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
                       .sign(key, hashes.SHA256()))
        (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                             serialization.PrivateFormat.PKCS8,
                                                             serialization.NoEncryption()))
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
        self.context.sni_callback = lambda sock, name, _ctx: self.server_names.append(name)
        self.answer = answer
        self.requests, self.server_names = [], []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                raw, _address = self.listener.accept()
            except OSError:
                return
            with self.context.wrap_socket(raw, server_side=True) as tls:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                head = data.decode("iso-8859-1")
                self.requests.append(head)
                tls.sendall(self.answer(head))

    def close(self):
        self.listener.close()


def header(head, name):
    for line in head.split("\r\n")[1:]:
        key, _sep, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return None


def nginx(plain_status=200, accept="right"):
    def answer(head):
        if header(head, "Upgrade") is None:
            return f"HTTP/1.1 {plain_status} Whatever\r\nContent-Length: 0\r\n\r\n".encode()
        key = header(head, "Sec-WebSocket-Key")
        value = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        if accept == "wrong":
            value = base64.b64encode(b"0" * 20).decode()
        return (f"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {value}\r\n\r\n").encode()
    return answer


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
