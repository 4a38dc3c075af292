"""ACME mode against Pebble: issuance on the first converge, no new order on the next, renewal
through the host's own certbot.service (new serial on the wire, a held WebSocket stays open,
nginx reloads), a changed name list, a renamed site (its lineage goes), and a failed renewal that leaves the old certificate serving.
The tests run in file order: the last two run with Pebble stopped."""
import pytest
import testinfra

from molecule_support import (CONVERGE, PROXIES, RUNNER, SECOND_NAME, SERVER_NAME, TEST_CA, Client, converge,
                              copy_to, run_playbook, served_certificate, wait_for)

testinfra_hosts = PROXIES
LINEAGE = "/etc/letsencrypt/archive/reverseproxy"


@pytest.fixture(scope="module")
def pebble():
    return testinfra.get_host(f"podman://{RUNNER.get_hosts('acme_servers')[0]}")


@pytest.fixture(scope="module")
def pebble_root(client_host, pebble):
    """Pebble's root (from its management port), fetched while Pebble runs; its path on the client."""
    copy_to(client_host, open(TEST_CA, "rb").read(), "/tmp/test-ca.pem")
    cafile = "/tmp/pebble-root.pem"
    client_host.run_expect([0], f"curl -sS --max-time 10 --cacert /tmp/test-ca.pem -o {cafile} "
                                f"https://{pebble.backend.name}:15000/roots/0")
    return cafile


@pytest.fixture
def client(host, client_host, pebble_root):
    """The client trusts Pebble's root, nothing else."""
    return Client(client_host, host.backend.name, pebble_root)


def served(client, servername=SERVER_NAME) -> dict:
    """Serial, issuer and names of the certificate the proxy serves, verified against Pebble's root."""
    return served_certificate(client, servername, cafile=client.cafile)


def worker_pids(host, master: str) -> set:
    return {process.pid for process in host.process.filter(ppid=int(master))}


def test_first_converge_serves_a_certificate_from_pebble_with_its_chain(client):
    certificate = served(client)
    assert "Pebble Intermediate CA" in certificate["issuer"], certificate
    assert f"DNS:{SERVER_NAME}" in certificate["names"], certificate
    assert client.request(f"https://{SERVER_NAME}/ws/client/echo").status == 200


def test_port_80_answers_challenges_from_the_webroot_and_redirects_the_rest(client):
    assert client.request(f"http://{SERVER_NAME}/.well-known/acme-challenge/unknown-token").status == 404
    response = client.request(f"http://{SERVER_NAME}/ws/client/echo")
    assert response.status == 301
    assert response.headers["location"] == f"https://{SERVER_NAME}/ws/client/echo"


def test_second_converge_placed_no_new_order(host):
    """converge + idempotence have run: one certificate in the lineage, and another run orders none."""
    assert host.run(f"ls {LINEAGE}/cert*.pem").stdout.split() == [f"{LINEAGE}/cert1.pem"]
    result = converge()
    assert "changed=0" in result.stdout, result.stdout[-3000:]
    assert host.run(f"ls {LINEAGE}/cert*.pem").stdout.split() == [f"{LINEAGE}/cert1.pem"]


def test_keys_are_root_only_and_the_timer_renews_with_a_reload(host):
    assert host.file("/etc/letsencrypt/accounts").mode == 0o700
    assert host.file(f"{LINEAGE}/privkey1.pem").mode == 0o600
    assert host.file("/etc/letsencrypt/renewal/reverseproxy.conf").contains("^renew_hook = systemctl reload nginx$")
    timer = host.service("certbot.timer")
    assert timer.is_enabled and timer.is_running


def test_renewal_by_the_hosts_certbot_service_serves_a_new_certificate_and_keeps_websockets(host, client):
    before = served(client)
    master = host.file("/run/nginx.pid").content_string.strip()
    workers = worker_pids(host, master)
    held = client.hold_websocket(40, "acme-renewal")
    # The unit Debian's certbot.timer starts; Pebble's 10-day certificates are always due.
    host.run_expect([0], "systemctl start certbot.service")
    wait_for(lambda: served(client)["serial"] != before["serial"], 30, "the renewed certificate was not served")
    # The deploy hook reloaded nginx (new workers, same master) while the WebSocket was open.
    assert not client.host.file(held.output).exists, "the held WebSocket ended before the renewal was served"
    assert host.file("/run/nginx.pid").content_string.strip() == master, "nginx was restarted, not reloaded"
    assert worker_pids(host, master) - workers, "nginx started no new workers: it did not reload"
    summary = held.result()
    assert "error" not in summary and summary["echoed"] == summary["sent"] > 40, summary


def test_changed_server_names_order_a_certificate_for_them(client):
    names = [SERVER_NAME, SECOND_NAME]
    converge({"reverse_proxy_server_names": names})
    certificate = served(client, SECOND_NAME)
    assert all(f"DNS:{name}" in certificate["names"] for name in names), certificate


def test_a_renamed_site_gets_a_lineage_of_its_own_and_the_old_one_is_deleted(host, client):
    """A site that leaves the list (here: the single site renamed) takes its certbot lineage along;
    the site under the inventory's name again gets a new order."""
    names = [SERVER_NAME, SECOND_NAME]
    converge({"reverse_proxy_site_name": "renamed", "reverse_proxy_server_names": names})
    assert host.file("/etc/letsencrypt/renewal/renamed.conf").exists
    assert not host.file("/etc/letsencrypt/renewal/reverseproxy.conf").exists
    assert not host.file(LINEAGE).exists
    assert not host.file("/etc/nginx/sites-available/reverseproxy").exists
    assert host.run("ls /etc/nginx/tls | grep '^reverseproxy\\.'").stdout == ""
    assert "Pebble" in served(client, SECOND_NAME)["issuer"]
    converge({"reverse_proxy_server_names": names})
    assert not host.file("/etc/letsencrypt/renewal/renamed.conf").exists
    assert host.file("/etc/letsencrypt/renewal/reverseproxy.conf").exists


def test_failed_renewal_keeps_the_old_certificate_serving_and_shows_in_the_journal(host, client, pebble):
    before = served(client)
    pebble.run_expect([0], "systemctl stop pebble")
    result = host.run("systemctl start certbot.service")
    assert result.rc != 0, "renewal without an ACME server succeeded"
    assert host.run("systemctl is-failed certbot.service").stdout.strip() == "failed"
    journal = host.run("journalctl -u certbot.service --no-pager -n 50").stdout
    assert "renew" in journal.lower() and "fail" in journal.lower(), journal
    assert served(client) == before
    assert host.service("nginx").is_running


def test_failed_order_stops_the_run_and_the_certificate_keeps_serving(host, client, pebble):
    """Pebble is still stopped: a changed name list cannot be ordered."""
    assert not pebble.service("pebble").is_running
    before = served(client)
    result = run_playbook(CONVERGE, {"reverse_proxy_server_names": [SERVER_NAME]})
    assert result.returncode != 0
    assert "Certbot obtains the certificate (the server names changed)" in result.stdout, result.stdout[-3000:]
    assert served(client) == before
    assert host.service("nginx").is_running
    leftovers = host.run("ls /etc/nginx/tls /etc/nginx/sites-available /etc/nginx | grep '~$'").stdout
    assert leftovers == "", f"backups left behind: {leftovers}"
