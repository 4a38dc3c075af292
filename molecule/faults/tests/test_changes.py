"""Changes applied to a live proxy: a reload keeps connected clients, and the key type switches."""
from molecule_support import PROXIES, converge, copy_to, served_certificate

testinfra_hosts = PROXIES


def test_key_type_switch_reloads_without_dropping_a_websocket_and_serves_both(host, client, converged):
    master = host.file("/run/nginx.pid").content_string.strip()
    held = client.hold_websocket(20, "config-change")
    # RSA, then RSA and ECDSA at once (the switch back is the fixture's run): each client gets the
    # certificate its signature algorithms ask for. An ECDSA-only self-signed site: the sites scenario.
    converge({"reverse_proxy_certificate_key_type": "both"})
    for sigalgs in ("ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256"):
        # The client trusts the certificate the proxy serves for these signature algorithms.
        copy_to(client.host, served_certificate(client, sigalgs=sigalgs)["pem"].encode(), client.cafile)
        result = client.tls("-tls1_3", "-sigalgs", sigalgs, "-brief")
        assert result.rc == 0, result.stdout
        assert f"Signature type: {sigalgs}" in result.stdout, result.stdout
    assert host.file("/run/nginx.pid").content_string.strip() == master, "nginx was restarted, not reloaded"
    summary = held.result()
    assert "error" not in summary and summary["echoed"] == summary["sent"] > 20, summary
