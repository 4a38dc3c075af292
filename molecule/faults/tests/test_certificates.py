"""Self-signed certificates stay within Mozilla's 366-day limit and are renewed before they
expire. (That a fresh one is kept is molecule's idempotence step; a wildcard first among the
server names: test_changes.py.)"""
import datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from molecule_support import (CERTIFICATE, PROXIES, SERVER_NAMES, converge, copy_to, self_signed_certificate,
                              served_certificate)

testinfra_hosts = PROXIES


def days_left(pem: str) -> float:
    not_after = x509.load_pem_x509_certificate(pem.encode()).not_valid_after_utc
    return (not_after - datetime.datetime.now(datetime.timezone.utc)).total_seconds() / 86400


def test_self_signed_certificate_with_10_days_left_is_renewed_for_at_most_366_days(host, client):
    key = load_pem_private_key(host.file("/etc/nginx/tls/reverseproxy.key").content, password=None)
    copy_to(host, self_signed_certificate(key, SERVER_NAMES, 10), CERTIFICATE)
    host.run_expect([0], "systemctl reload nginx")
    assert days_left(served_certificate(client)["pem"]) < 11

    result = converge()
    assert "changed=0" not in result.stdout
    assert 364 < days_left(served_certificate(client)["pem"]) <= 366
    assert 364 < days_left(host.file(CERTIFICATE).content_string) <= 366
