"""HTTP behaviour seen from a client on the network and from the UCServer stand-in."""

import pytest

from molecule_support.scenario import SERVER_NAME, proxy_backends

testinfra_hosts = proxy_backends()
CSP = "default-src 'self'; connect-src 'self' wss:; frame-ancestors 'none'"


def test_port_80_redirects_permanently_to_https_same_host_and_path(client):
    response = client.request(f"http://{SERVER_NAME}/ws/client/echo?ucsid=42")
    assert response.status == 301
    assert response.headers["location"] == f"https://{SERVER_NAME}/ws/client/echo?ucsid=42"


def test_https_answer_comes_from_the_ucserver(client):
    response = client.request(f"https://{SERVER_NAME}/ws/client/version?x=1")
    assert response.status == 200
    echo = response.json()
    assert (echo["method"], echo["path"], echo["query"]) == ("GET", "/ws/client/version", "x=1")


@pytest.mark.parametrize("path,status", [
    ("/", 200),                    # UCServer answer
    ("/standin/status/404", 404),  # UCServer error passed through
    ("/standin/status/502", 502),
])
def test_hsts_and_security_headers_are_sent_on_success_and_error_answers(client, path, status):
    response = client.request(f"https://{SERVER_NAME}{path}")
    assert response.status == status
    assert response.headers["strict-transport-security"] == "max-age=63072000"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_errors_nginx_generates_itself_carry_hsts_and_no_version(client):
    # 11 MB exceeds client_max_body_size (10m): nginx answers 413 without asking the UCServer.
    client.run("head -c 11000000 /dev/zero > /tmp/too-big")
    response = client.request(f"https://{SERVER_NAME}/upload", "--data-binary", "@/tmp/too-big")
    assert response.status == 413
    assert response.headers["strict-transport-security"] == "max-age=63072000"
    assert response.headers["server"] == "nginx"
    assert "nginx/" not in response.body


@pytest.mark.parametrize("url", ["http://unknown.example.test/", "http://10.0.0.1/"])
def test_port_80_does_not_answer_for_unknown_names(client, url):
    result = client.curl(url)
    assert result.rc == 52, result.stderr  # "Empty reply from server": nginx closed the connection (444)


@pytest.mark.parametrize("http", ["--http1.1", "--http2"])
def test_https_request_for_an_unknown_host_is_answered_421_misdirected(client, http):
    # The TLS handshake names a configured server, the Host header does not (as on a connection an
    # HTTP/2 client reuses for another name): 421 tells the client to open a connection of its own.
    response = client.request(f"https://{SERVER_NAME}/ws/client/echo", http, "-H", "Host: intranet.example.test")
    assert response.status == 421
    assert "sessionid" not in response.body and "method" not in response.body  # not the UCServer's answer


def test_ucserver_sees_forwarded_headers_and_no_upgrade_on_plain_requests(client):
    client_ip = client.run("hostname -I").stdout.split()[0]
    headers = client.request(f"https://{SERVER_NAME}/ws/client/echo").json()["headers"]
    assert headers["Host"] == SERVER_NAME
    assert headers["X-Forwarded-For"] == client_ip
    assert headers["X-Real-IP"] == client_ip
    assert headers["X-Forwarded-Proto"] == "https"
    assert headers["X-Forwarded-Host"] == SERVER_NAME
    assert "upgrade" not in headers.get("Connection", "").lower()
    assert "Upgrade" not in headers


def test_post_body_arrives_intact(client):
    client.run("head -c 2000000 /dev/urandom > /tmp/post-body")
    expected = client.run("sha256sum /tmp/post-body").stdout.split()[0]
    response = client.request(f"https://{SERVER_NAME}/ws/client/upload", "--data-binary", "@/tmp/post-body")
    echo = response.json()
    assert echo["method"] == "POST"
    assert (echo["body_length"], echo["body_sha256"]) == (2000000, expected)


def test_absolute_http_redirect_from_the_ucserver_is_rewritten_to_https(client):
    target = f"http://{SERVER_NAME}/ws/client/next?a=b"
    response = client.request(f"https://{SERVER_NAME}/standin/redirect?location={target}")
    assert response.status == 302
    assert response.headers["location"] == f"https://{SERVER_NAME}/ws/client/next?a=b"


def test_browsers_get_http2(client):
    assert client.request(f"https://{SERVER_NAME}/", "--http2").http_version == "2"
    assert client.request(f"https://{SERVER_NAME}/", "--http1.1").http_version == "1.1"


@pytest.mark.parametrize("path", ["/ws/admin/login", "/WS/Admin/login", "/ws/admin/"])
def test_access_rule_keeps_a_path_from_other_networks(client, path):
    response = client.request(f"https://{SERVER_NAME}{path}")
    assert response.status == 403
    assert response.headers["strict-transport-security"] == "max-age=63072000"


def test_access_rule_lets_allowed_networks_through(client):
    # /standin/ allows the private ranges, the client's network among them.
    assert client.request(f"https://{SERVER_NAME}/standin/status/200").status == 200


def test_extra_headers_and_directives_are_applied(client):
    response = client.request(f"https://{SERVER_NAME}/ws/client/echo")
    assert response.headers["x-frame-options"] == "DENY"
    # Values with ; and ' (a real CSP) reach the client unchanged.
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["permissions-policy"] == "camera=(), microphone=(), geolocation=()"
    assert response.headers["x-ucproxy-server-directive"] == "applied"
    assert response.json()["headers"]["X-Ucproxy-Location-Directive"] == "applied"


def test_plain_requests_reuse_upstream_connections(client):
    """Six requests on six client connections: nginx's upstream keepalive carries them over fewer
    UCServer connections (one per worker at most), as the stand-in's view of its peers shows."""
    peers = [client.request(f"https://{SERVER_NAME}/ws/client/poll").json()["peer"] for _request in range(6)]
    assert len(set(peers)) < len(peers), peers
