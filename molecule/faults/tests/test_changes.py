"""A change applied to a live proxy while a phone holds a WebSocket: one run switches the key type
from RSA to RSA and ECDSA at once and puts a wildcard first among the server names. The reload
keeps the WebSocket, nginx serves the certificate each client's signature algorithms ask for, and
the health gate checks the first concrete name. (ECDSA alone: served by the sites scenario's
`beta`; the switch to it replaces key and certificate in test_rollback.py.)"""
import time

import pytest

from molecule_support.ansible_runs import converge
from molecule_support.clients import client_for, copy_to, served_certificate
from molecule_support.host_paths import NGINX_PID
from molecule_support.scenario import (SERVER_NAME, container, first_of, proxy_backends, proxy_names,
                                       recorded_address)
from molecule_support.standin import health_checks

testinfra_hosts = proxy_backends()
SIGALGS = ("ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256")


@pytest.fixture(scope="module")
def live_change():
    """What the stand-in received from the health gate during the run, nginx's master pid before
    it and the held WebSocket's summary. (The proxy keeps the change: the next module that needs
    the scenario's state converges it back.)"""
    proxy = container(proxy_names()[0])
    client = client_for(first_of("test_clients"), proxy)
    master = proxy.file(NGINX_PID).content_string.strip()
    held = client.hold_websocket(600, "config-change")
    started = time.time()
    converge({"reverse_proxy_certificate_key_type": "both",
              "reverse_proxy_server_names": ["*.example.test", SERVER_NAME]})
    return health_checks(first_of("ucserver_standin"), started), master, held.end()


def test_the_reload_keeps_a_held_websocket_and_the_master_process(host, live_change):
    _checks, master, summary = live_change
    assert host.file(NGINX_PID).content_string.strip() == master, "nginx was restarted, not reloaded"
    assert "error" not in summary and summary["echoed"] == summary["sent"] > 20, summary


def test_each_client_gets_the_certificate_its_signature_algorithms_ask_for(client, live_change):
    for sigalgs in SIGALGS:
        # The client trusts the certificate the proxy serves for these signature algorithms.
        copy_to(client.host, served_certificate(client, sigalgs=sigalgs)["pem"].encode(), client.cafile)
        result = client.tls("-tls1_3", "-sigalgs", sigalgs, "-brief")
        assert result.rc == 0, result.stdout
        assert f"Signature type: {sigalgs}" in result.stdout, result.stdout


def test_a_wildcard_first_server_name_passes_the_gate_and_serves_any_name_under_it(host, client, live_change):
    checks, _master, _summary = live_change
    # The gate's https request and WebSocket upgrade reached the UCServer through this proxy, for
    # the first concrete name, not a name made up for the wildcard.
    assert {check["path"] for check in checks} == {"/", "/ws/client/websocket"}, checks
    assert {(check["host"], check["peer"]) for check in checks} == {
        (SERVER_NAME, recorded_address(host.backend.name))}, checks
    served = [served_certificate(client, servername="phone.example.test", sigalgs=sigalgs) for sigalgs in SIGALGS]
    assert [certificate["names"] for certificate in served] == [f"DNS:*.example.test, DNS:{SERVER_NAME}"] * 2
    copy_to(client.host, "".join(certificate["pem"] for certificate in served).encode(), client.cafile)
    assert client.request("https://phone.example.test/ws/client/echo").status == 200
    assert client.websocket("/any/other/path")["echoed"] == 3
