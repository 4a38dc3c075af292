"""TLS as negotiated on the wire (openssl s_client from the client container)."""
import re

import pytest

from molecule_support.scenario import SECOND_NAME, SERVER_NAME, proxy_backends, tls_profile

testinfra_hosts = proxy_backends()


def test_tls13_handshake_succeeds_with_a_verified_certificate_chain(client):
    result = client.tls("-tls1_3", "-brief")
    assert result.rc == 0, result.stdout
    assert "Protocol version: TLSv1.3" in result.stdout
    assert "Verification: OK" in result.stdout


def test_tls12_is_offered_by_intermediate_and_refused_by_modern(host, client):
    result = client.tls("-tls1_2", "-brief")
    if tls_profile(host) == "modern":
        assert result.rc != 0
        assert "alert protocol version" in result.stdout, result.stdout
    else:
        assert result.rc == 0, result.stdout
        assert "Protocol version: TLSv1.2" in result.stdout
        assert "Verification: OK" in result.stdout


@pytest.mark.parametrize("sigalgs", ["ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256"])
def test_rsa_and_ecdsa_certificates_are_served_to_the_clients_that_ask_for_them(host, client, sigalgs):
    for protocol in ["-tls1_3"] + ([] if tls_profile(host) == "modern" else ["-tls1_2"]):
        result = client.tls(protocol, "-sigalgs", sigalgs, "-brief")
        assert result.rc == 0, result.stdout
        assert "Verification: OK" in result.stdout
        assert f"Signature type: {sigalgs}" in result.stdout, result.stdout


@pytest.mark.parametrize("flag", ["-tls1", "-tls1_1"])
def test_tls10_and_tls11_are_refused_by_the_server(client, flag):
    # SECLEVEL=0 lets the client really offer the old protocol, so the refusal is the server's.
    result = client.tls(flag, "-cipher", "ALL:@SECLEVEL=0")
    assert result.rc != 0
    assert "alert protocol version" in result.stdout, result.stdout


@pytest.mark.parametrize("servername", [SERVER_NAME, SECOND_NAME])
@pytest.mark.parametrize("cipher", ["ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384", "AES128-GCM-SHA256"])
def test_profile_is_in_force_cbc_and_static_rsa_suites_refused(client, servername, cipher):
    """Debian's stock config would accept these suites; neither profile may."""
    result = client.tls("-tls1_2", "-cipher", cipher, servername=servername)
    assert result.rc != 0
    assert re.search("handshake failure|alert protocol version", result.stdout), result.stdout


def test_unknown_server_name_is_refused_in_the_handshake(client):
    result = client.tls("-tls1_3", servername="unknown.example.test")
    assert result.rc != 0
    assert "unrecognized name" in result.stdout, result.stdout  # ssl_reject_handshake


def test_dhe_uses_the_ffdhe2048_group_on_the_wire_where_the_profile_offers_dhe(host, client):
    result = client.tls("-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256", "-msg")
    if tls_profile(host) == "modern":
        assert result.rc != 0
        return
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
