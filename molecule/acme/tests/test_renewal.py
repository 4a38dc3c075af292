"""Renewal the way Debian's certbot.timer does it, through the host's own certbot.service: a new
certificate is served, nginx reloads (same master, new workers) and a held WebSocket stays open."""
from acme_support import served
from acme_support import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from molecule_support.host_paths import NGINX_PID
from molecule_support.pebble import renewal_due
from molecule_support.scenario import proxy_backends
from molecule_support.waiting import wait_for

testinfra_hosts = proxy_backends()


def worker_pids(host, master: str) -> set:
    return {process.pid for process in host.process.filter(ppid=int(master))}


def test_renewal_by_the_hosts_certbot_service_serves_a_new_certificate_and_keeps_websockets(host, client):
    before = served(client)
    master = host.file(NGINX_PID).content_string.strip()
    workers = worker_pids(host, master)
    held = client.hold_websocket(600, "acme-renewal")
    # The unit Debian's certbot.timer starts, with the certificate due.
    renewal_due(host.backend.name)
    host.run_expect([0], "systemctl start certbot.service")
    wait_for(lambda: served(client)["serial"] != before["serial"], 30, "the renewed certificate was not served")
    # The deploy hook reloaded nginx (new workers, same master) while the WebSocket was open.
    assert host.file(NGINX_PID).content_string.strip() == master, "nginx was restarted, not reloaded"
    assert worker_pids(host, master) - workers, "nginx started no new workers: it did not reload"
    summary = held.end()
    assert "error" not in summary and summary["echoed"] == summary["sent"] > 10, summary
