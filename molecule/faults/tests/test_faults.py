"""Failures never leave the phones offline: each fault is provoked on the running proxy while a
client holds a WebSocket, and the proxy must keep (or quickly resume) serving."""
import os

import pytest
import testinfra

from molecule_support import (CONVERGE, PROXIES, RUNNER, SERVER_NAME, converge, host_state, run_playbook,
                              served_certificate, wait_for)

testinfra_hosts = PROXIES
CALLBACKS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "plugins", "callback")


def _certificate_fingerprint(client) -> str:
    return served_certificate(client)["fingerprint"]


def test_change_rejected_by_nginx_keeps_the_previous_config_serving(host, client):
    fingerprint = _certificate_fingerprint(client)
    before = host_state(host)
    held = client.hold_websocket(600, "rejected-change")

    result = run_playbook(CONVERGE, {"reverse_proxy_extra_server_directives": ["no_such_directive on"]})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert 'unknown directive "no_such_directive"' in output, output[-3000:]  # nginx's own words
    assert "it was not activated" in output

    assert host_state(host) == before, "files or nginx processes differ after the rejected change"
    assert _certificate_fingerprint(client) == fingerprint
    assert client.request(f"https://{SERVER_NAME}/ws/client/echo").status == 200
    summary = held.end()
    assert "error" not in summary and summary["echoed"] == summary["sent"] > 10, summary

    # The record of the applied configuration still describes what nginx runs.
    assert "changed=0" in converge().stdout


def test_killed_nginx_master_is_brought_back_by_systemd(host, client):
    master = host.file("/run/nginx.pid").content_string.strip()
    host.run_expect([0], f"kill -KILL {master}")

    def serving_again():
        pid = host.run("cat /run/nginx.pid").stdout.strip()
        answered = client.curl(f"https://{SERVER_NAME}/").rc == 0
        return pid and pid != master and answered

    wait_for(serving_again, 30, "nginx did not come back after its master was killed")
    assert client.request(f"https://{SERVER_NAME}/").status == 200


def test_run_interrupted_after_writing_the_site_file_is_completed_by_the_next_run(host, client, converged):
    header = {"reverse_proxy_extra_headers": [{"name": "X-Interrupted", "value": "applied"}]}
    interrupted = run_playbook(CONVERGE, header, env={
        "ANSIBLE_CALLBACK_PLUGINS": CALLBACKS, "ANSIBLE_CALLBACKS_ENABLED": "interrupt_after_task",
        "UCPROXY_INTERRUPT_AFTER": "Site file is rendered"})
    assert interrupted.returncode < 0, "the run was not interrupted"  # killed by a signal
    assert "X-Interrupted" in host.file("/etc/nginx/sites-available/reverseproxy").content_string
    assert "x-interrupted" not in client.request(f"https://{SERVER_NAME}/").headers  # not reloaded yet

    resumed = converge(header)
    assert client.request(f"https://{SERVER_NAME}/").headers["x-interrupted"] == "applied"
    assert "changed=0" not in resumed.stdout  # the resumed run had to reload
    # Same state as an uninterrupted run: running it once more changes nothing, and the backup the
    # killed run could not remove is gone.
    assert "changed=0" in converge(header).stdout
    assert host.run("find /etc/nginx -name '*~'").stdout == ""


@pytest.fixture
def standin_stopped():
    """The UCServer stand-in is stopped for the test and started again afterwards."""
    standin = testinfra.get_host(f"podman://{RUNNER.get_hosts('ucserver_standin')[0]}")
    standin.run_expect([0], "systemctl stop ucserver-standin")
    yield
    standin.run_expect([0], "systemctl start ucserver-standin")


def test_unreachable_ucserver_gets_a_clean_502_of_ours(client, standin_stopped):
    response = client.request(f"https://{SERVER_NAME}/ws/client/echo")
    assert response.status == 502
    assert "UCServer unreachable" in response.body
    assert "nginx" not in response.body
    assert response.headers["strict-transport-security"] == "max-age=63072000"


def test_the_proxy_recovers_when_the_ucserver_is_back(client):
    wait_for(lambda: client.request(f"https://{SERVER_NAME}/").status == 200, 30,
             "the proxy did not recover when the UCServer came back")
