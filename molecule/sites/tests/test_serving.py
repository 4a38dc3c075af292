"""Three sites on each proxy: every name reaches its own site's UCServer over https and WebSocket,
is served its own site's certificate (SNI) and headers, and an unknown name is refused."""
import pytest

from molecule_support.clients import served_certificate
from molecule_support.scenario import proxy_backends
from sites_support import answering_ucserver, clients

testinfra_hosts = proxy_backends()


@pytest.fixture
def by_name(host, client_host):
    return clients(client_host, host)


def test_each_name_reaches_its_own_sites_ucserver_over_https_and_websocket(by_name):
    for name, (site, client) in by_name.items():
        assert answering_ucserver(client) == site["upstream_host"], name
        summary = client.websocket("/ws/client/echo")
        assert summary["rc"] == 0 and summary["status"] == 101 and summary["echoed"] == 3, (name, summary)


def test_each_site_answers_with_its_own_headers(by_name):
    for name, (site, client) in by_name.items():
        headers = client.request(f"https://{name}/ws/client/echo").headers
        expected = {header["name"].lower(): header["value"] for header in site.get("extra_headers", [])}
        assert {key: headers.get(key) for key in expected} == expected, name
        assert "x-site" in headers if expected else "x-site" not in headers, name


def test_each_name_is_served_its_own_sites_certificate(by_name):
    fingerprints = {}
    for name, (site, client) in by_name.items():
        # Verified against the client's trust (test CA and the self-signed certificates).
        certificate = served_certificate(client, name, cafile=client.cafile)
        assert f"DNS:{name}" in certificate["names"].split(", "), (name, certificate["names"])
        if "certificate_key_type" in site:  # beta's self-signed ECDSA certificate
            assert certificate["key_type"] == site["certificate_key_type"], name
        fingerprints.setdefault(site["name"], set()).add(certificate["fingerprint"])
    assert all(len(served) == 1 for served in fingerprints.values()), fingerprints
    assert len(set.union(*fingerprints.values())) == len(fingerprints), "two sites share a certificate"


def test_an_unknown_name_is_refused(by_name):
    _site, client = next(iter(by_name.values()))
    assert client.tls(servername="unknown.example.test").rc != 0
    # Port 80: nginx closes the connection without an answer (444).
    assert client.curl("http://unknown.example.test/").rc != 0
