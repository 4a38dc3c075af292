"""TLS as negotiated on the wire (openssl s_client from the client container)."""
import re

import pytest

from conftest import PROXIES, SECOND_NAME, SERVER_NAME

testinfra_hosts = PROXIES


@pytest.mark.parametrize("version,flag", [("TLSv1.2", "-tls1_2"), ("TLSv1.3", "-tls1_3")])
def test_tls12_and_tls13_handshakes_succeed_with_a_verified_certificate(client, version, flag):
    result = client.tls(flag, "-brief")
    assert result.rc == 0, result.stdout
    assert f"Protocol version: {version}" in result.stdout
    assert "Verification: OK" in result.stdout


@pytest.mark.parametrize("flag", ["-tls1", "-tls1_1"])
def test_tls10_and_tls11_are_refused_by_the_server(client, flag):
    # SECLEVEL=0 lets the client really offer the old protocol, so the refusal is the server's.
    result = client.tls(flag, "-cipher", "ALL:@SECLEVEL=0")
    assert result.rc != 0
    assert "alert protocol version" in result.stdout, result.stdout


@pytest.mark.parametrize("servername", [SERVER_NAME, SECOND_NAME, "unknown.example.test"])
@pytest.mark.parametrize("cipher", ["ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384", "AES128-GCM-SHA256"])
def test_profile_is_in_force_for_every_name_cbc_and_static_rsa_refused(client, servername, cipher):
    """Debian's stock config would accept these suites; the intermediate profile must not."""
    result = client.tls("-tls1_2", "-cipher", cipher, servername=servername)
    assert result.rc != 0
    assert "handshake failure" in result.stdout, result.stdout


def test_dhe_uses_the_ffdhe2048_group_on_the_wire(client):
    result = client.tls("-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256", "-msg")
    assert result.rc == 0, result.stdout
    exchange = result.stdout.split("ServerKeyExchange", 1)[1]
    wire = "".join(re.findall(r"^\s+((?:[0-9a-f]{2} ?)+)$", exchange, re.M)).replace(" ", "")
    # p of RFC 7919 ffdhe2048 begins ffffffffffffffffadf85458a2bb4a9a
    assert "0100ffffffffffffffffadf85458a2bb4a9a" in wire


def test_both_server_names_are_covered_by_the_certificate(client):
    for name in (SERVER_NAME, SECOND_NAME):
        result = client.tls("-tls1_3", "-brief", "-verify_hostname", name, servername=name)
        assert result.rc == 0, result.stdout
        assert "Verification: OK" in result.stdout


def test_post_quantum_key_exchange_only_where_openssl_has_it(host, client):
    result = client.tls("-tls1_3", "-groups", "X25519MLKEM768")
    openssl = host.run("python3 -c 'import ssl; print(*ssl.OPENSSL_VERSION_INFO[:2])'").stdout.split()
    if tuple(map(int, openssl)) >= (3, 5):
        assert result.rc == 0, result.stdout
    else:
        assert result.rc != 0
