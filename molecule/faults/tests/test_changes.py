"""Changes applied to a live proxy: a reload keeps connected clients, and the key type switches."""
import pytest

from molecule_support import PROXIES, SERVER_NAME, converge

testinfra_hosts = PROXIES


def test_config_change_reloads_and_keeps_a_held_websocket_open(host, client, converged):
    master = host.file("/run/nginx.pid").content_string.strip()
    held = client.hold_websocket(20, "config-change")
    converge({"reverse_proxy_extra_headers": [{"name": "X-Changed", "value": "yes"}]})
    assert client.request(f"https://{SERVER_NAME}/").headers["x-changed"] == "yes"
    assert host.file("/run/nginx.pid").content_string.strip() == master, "nginx was restarted, not reloaded"
    summary = held.result()
    assert "error" not in summary and summary["echoed"] == summary["sent"] > 20, summary


@pytest.mark.parametrize("key_type,served", [
    ("ecdsa", {"ecdsa_secp256r1_sha256": "ecdsa_secp256r1_sha256"}),
    # Both at once: each client gets the certificate its signature algorithms ask for.
    ("both", {"ecdsa_secp256r1_sha256": "ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256": "rsa_pss_rsae_sha256"}),
])
def test_selfsigned_certificate_key_type_switches_to_ecdsa_or_both(client, converged, key_type, served):
    converge({"reverse_proxy_certificate_key_type": key_type})
    for sigalgs, signature in served.items():
        # The client trusts the certificate the proxy serves for these signature algorithms.
        client.run(f"echo | openssl s_client -connect {client.proxy}:443 -servername {SERVER_NAME} -sigalgs {sigalgs}"
                   f" 2>/dev/null | openssl x509 > {client.cafile}")
        result = client.tls("-tls1_3", "-sigalgs", sigalgs, "-brief")
        assert result.rc == 0, result.stdout
        assert f"Signature type: {signature}" in result.stdout, result.stdout
