"""Self-signed certificates stay within Mozilla's 366-day limit and are renewed before they
expire; a wildcard may be the first server name."""
import datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from molecule_support import (PROXIES, SERVER_NAME, converge, copy_to, self_signed_certificate,
                              served_certificate)

testinfra_hosts = PROXIES
NAMES = ["uc.example.test", "ucproxy.example.test"]
CERTIFICATE = "/etc/nginx/tls/reverseproxy.fullchain.pem"


def days_left(pem: str) -> float:
    not_after = x509.load_pem_x509_certificate(pem.encode()).not_valid_after_utc
    return (not_after - datetime.datetime.now(datetime.timezone.utc)).total_seconds() / 86400


def test_self_signed_certificate_with_10_days_left_is_renewed_for_at_most_366_days(host, client):
    key = load_pem_private_key(host.file("/etc/nginx/tls/reverseproxy.key").content, password=None)
    copy_to(host, self_signed_certificate(key, NAMES, 10), CERTIFICATE)
    host.run_expect([0], "systemctl reload nginx")
    assert days_left(served_certificate(client)["pem"]) < 11

    result = converge()
    assert "changed=0" not in result.stdout
    assert 364 < days_left(served_certificate(client)["pem"]) <= 366
    assert 364 < days_left(host.file(CERTIFICATE).content_string) <= 366
    assert "changed=0" in converge().stdout  # a fresh certificate is kept


def test_wildcard_as_first_server_name_deploys_and_passes_the_health_gate(host, client, converged):
    result = converge({"reverse_proxy_server_names": ["*.example.test", SERVER_NAME]})
    assert "ok: [faults-proxy]" in result.stdout.split("Proxy carries an https request")[1].split("TASK")[0]
    served = served_certificate(client, servername="phone.example.test")
    assert served["names"] == f"DNS:*.example.test, DNS:{SERVER_NAME}"
    copy_to(client.host, served["pem"].encode(), client.cafile)
    assert client.request("https://phone.example.test/ws/client/echo").status == 200
    assert client.websocket("/any/other/path")["echoed"] == 3
