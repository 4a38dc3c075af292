"""Failures never leave the phones offline: each fault is provoked on the running proxy while a
client holds a WebSocket, and the proxy must keep (or quickly resume) serving."""
import json
import shlex

import pytest

from molecule_support.ansible_runs import CONVERGE, converge, run_playbook
from molecule_support.clients import client_for, served_certificate
from molecule_support.host_paths import NGINX_PID, RELOAD_PENDING, SITE
from molecule_support.scenario import REPO, SERVER_NAME, first_of, proxy_backends
from molecule_support.scenario_state import backups_left, host_state
from molecule_support.waiting import wait_for

testinfra_hosts = proxy_backends()
CALLBACKS = str(REPO / "tests" / "plugins" / "callback")
INTERRUPTED_CHANGE = {"reverse_proxy_extra_headers": [{"name": "X-Interrupted", "value": "applied"}]}


def file_versions(host, *paths: str) -> dict:
    """Each file's inode and inode change time: both move when a file is written or replaced, even
    with the same content again."""
    script = ("import json, os, sys; "
              "print(json.dumps({p: [os.stat(p).st_ino, os.stat(p).st_ctime_ns] for p in sys.argv[1:]}))")
    return json.loads(host.check_output(shlex.join(["python3", "-c", script, *paths])))


def _certificate_fingerprint(client) -> str:
    return served_certificate(client)["fingerprint"]


def test_change_rejected_by_nginx_keeps_the_previous_config_and_keys_serving(host, client):
    fingerprint = _certificate_fingerprint(client)
    before = host_state(host)
    versions = file_versions(host, SITE.key, SITE.certificate)
    held = client.hold_websocket(600, "rejected-change")

    # The switch to ECDSA replaces the key and the certificate before nginx -t rejects the site.
    result = run_playbook(CONVERGE, {"reverse_proxy_extra_server_directives": ["no_such_directive on"],
                                     "reverse_proxy_certificate_key_type": "ecdsa"})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert 'unknown directive "no_such_directive"' in output, output[-3000:]  # nginx's own words
    assert "it was not activated" in output and "The files this run changed were restored" in output

    # Key and certificate were written by the run (new inodes, new change times) and hold the
    # previous ones again; every file and the nginx processes are as they were, no backup (it may
    # hold a private key) is left, and no reload is left pending, so the next run changes nothing
    # (molecule's idempotence step proved that of this state).
    replaced = file_versions(host, SITE.key, SITE.certificate)
    assert all(replaced[path] != versions[path] for path in versions), "the run did not replace the key and certificate"
    assert host_state(host) == before, "files or nginx processes differ after the rejected change"
    assert backups_left(host) == ""
    assert _certificate_fingerprint(client) == fingerprint
    assert client.request(f"https://{SERVER_NAME}/ws/client/echo").status == 200
    summary = held.end()
    assert "error" not in summary and summary["echoed"] == summary["sent"] > 10, summary


def test_killed_nginx_master_is_brought_back_by_systemd(host, client):
    master = host.file(NGINX_PID).content_string.strip()
    host.run_expect([0], f"kill -KILL {master}")

    def serving_again():
        pid = host.run(f"cat {NGINX_PID}").stdout.strip()
        answered = client.curl(f"https://{SERVER_NAME}/").rc == 0
        return pid and pid != master and answered

    wait_for(serving_again, 30, "nginx did not come back after its master was killed")
    assert client.request(f"https://{SERVER_NAME}/").status == 200


@pytest.fixture(scope="module")
def interrupted_run(host):
    """A run killed right after it wrote the site file (tests/plugins/callback), then the same
    change run again, twice. What each left: the run's return code, the site file, the headers
    served, whether a reload is pending (before and after each run), and the backups."""
    client = client_for(first_of("test_clients"), host)

    def record() -> bool:
        return host.file(RELOAD_PENDING).exists

    def served_headers() -> dict:
        return client.request(f"https://{SERVER_NAME}/").headers

    before = record()
    interrupted = run_playbook(CONVERGE, INTERRUPTED_CHANGE, env={
        "ANSIBLE_CALLBACK_PLUGINS": CALLBACKS, "ANSIBLE_CALLBACKS_ENABLED": "interrupt_after_writing",
        "UCPROXY_INTERRUPT_AFTER_WRITING": SITE.file})
    left = {"returncode": interrupted.returncode, "site file": host.file(SITE.file).content_string,
            "headers": served_headers(), "record": record()}
    resumed = converge(INTERRUPTED_CHANGE)
    completed = {"headers": served_headers(), "record": record(), "resumed": resumed.stdout,
                 "again": converge(INTERRUPTED_CHANGE).stdout, "backups": host.run("find /etc/nginx -name '*~'").stdout}
    return before, left, completed


def test_run_interrupted_after_writing_the_site_file_is_completed_by_the_next_run(interrupted_run):
    _before, left, completed = interrupted_run
    assert left["returncode"] < 0, "the run was not interrupted"  # killed by a signal
    assert "X-Interrupted" in left["site file"]
    assert "x-interrupted" not in left["headers"]  # not reloaded yet
    assert completed["headers"]["x-interrupted"] == "applied"
    assert "changed=0" not in completed["resumed"]  # the resumed run had to reload
    # Same state as an uninterrupted run: running it once more changes nothing, and the backup the
    # killed run could not remove is gone.
    assert "changed=0" in completed["again"]
    assert completed["backups"] == ""


def test_a_reload_is_pending_from_the_interrupted_write_until_nginx_runs_the_new_files(interrupted_run):
    before, left, completed = interrupted_run
    assert not before, f"{RELOAD_PENDING} exists on a converged proxy"
    assert left["record"], f"the interrupted run left no {RELOAD_PENDING}, so the next run would not reload"
    assert not completed["record"], f"{RELOAD_PENDING} is left after the run that reloaded nginx"


@pytest.fixture
def standin():
    """The UCServer stand-in; started again after the test if the test stopped it."""
    standin = first_of("ucserver_standin")
    yield standin
    standin.run_expect([0], "systemctl start ucserver-standin")


def test_unreachable_ucserver_gets_a_clean_502_of_ours_and_the_proxy_recovers_when_it_is_back(client, standin):
    standin.run_expect([0], "systemctl stop ucserver-standin")
    response = client.request(f"https://{SERVER_NAME}/ws/client/echo")
    assert response.status == 502
    assert "UCServer unreachable" in response.body
    assert "nginx" not in response.body
    assert response.headers["strict-transport-security"] == "max-age=63072000"

    standin.run_expect([0], "systemctl start ucserver-standin")
    wait_for(lambda: client.request(f"https://{SERVER_NAME}/ws/client/echo").status == 200, 30,
             "the proxy did not recover when the UCServer came back")
