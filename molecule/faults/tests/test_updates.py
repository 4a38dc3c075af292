"""Security updates on a live proxy. The proxy runs the main suite's nginx and libssl3, and its apt
sources lack the security suite (prepare.yml): the role's check (its update_status module, run
alone) warns about that, the role adds the suite when asked and then names the pending updates;
unattended-upgrades (started here, as its timer would) installs them, and nginx runs the new code
without dropping a client. The module first puts the main suite's packages back if an earlier run
of it upgraded them (tests/playbooks/main_suite_packages.yml, also the prepare step's)."""
import re
import subprocess

import pytest

from molecule_support.ansible_runs import converge, output_of, run_module, run_playbook
from molecule_support.clients import ManyWebSockets, Poller
from molecule_support.host_paths import (
    APT_DAILY_UPGRADE_STAMP, BINARY_UPGRADE, NGINX_OLD_PID, NGINX_PID, SECURITY_SOURCE)
from molecule_support.scenario import REPO, proxy_backends
from molecule_support.waiting import wait_for

testinfra_hosts = proxy_backends()
SOURCE_ADDED = {"reverse_proxy_security_source": True}
UPDATED = ("nginx", "libssl3")
MAIN_SUITE_PACKAGES = str(REPO / "tests" / "playbooks" / "main_suite_packages.yml")


def runs_the_main_suite(host) -> bool:
    """Apt's sources lack the security suite, nginx and libssl3 are the main suite's, and
    unattended-upgrades has not run today (apt's daily job would skip it)."""
    if host.run("grep -rqs -- -security /etc/apt/sources.list /etc/apt/sources.list.d").rc == 0:
        return False
    if host.file(APT_DAILY_UPGRADE_STAMP).exists:
        return False
    for package in UPDATED:
        installed = host.check_output(f"dpkg-query -W -f '${{Version}}' {package}")
        madison = host.check_output(f"apt-cache madison {package}")
        if "-security" in madison or f"| {installed} |" not in madison:
            return False
    return True


@pytest.fixture(scope="module", autouse=True)
def main_suite_installed(host, scenario_state):  # pylint: disable=unused-argument
    """The packages the module upgrades are the main suite's again, nginx runs them, and their
    upgrade is due."""
    if not runs_the_main_suite(host):
        result = run_playbook(MAIN_SUITE_PACKAGES)
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
        host.run_expect([0], "systemctl restart nginx")
        assert runs_the_main_suite(host)


def versions(host) -> dict:
    """Installed and candidate version of each package of UPDATED, from apt-cache policy."""
    found = {}
    for package in UPDATED:
        policy = host.check_output(f"apt-cache policy {package}")
        found[package] = tuple(line.split(":", 1)[1].strip() for line in policy.splitlines()[1:3])
    return found


def maps(host, pid: str) -> str:
    # The workers run as www-data; root in a container may read their maps only with all capabilities.
    return subprocess.check_output(["podman", "exec", "--privileged", host.backend.name, "cat", f"/proc/{pid}/maps"],
                                   text=True, timeout=30)


def running_code(host) -> dict:
    """For the master in nginx's pid file and each of its workers: the nginx binary and libssl it runs,
    marked "(deleted)" where an update replaced the file since the process started."""
    master = host.file(NGINX_PID).content_string.strip()
    processes = [master] + host.check_output(f"pgrep -P {master}").split()
    code = {}
    for pid in processes:
        mapped = {line.split(None, 5)[5] for line in maps(host, pid).splitlines()
                  if len(line.split(None, 5)) == 6 and "x" in line.split()[1]}
        code[pid] = sorted(path for path in mapped if "/nginx" in path or "libssl.so" in path)
    return code


@pytest.fixture(scope="module")
def security_source_added(host):
    # The role's check alone (its update_status module), as a run without the source calls it.
    release = host.system_info.codename
    before = output_of(run_module(host.backend.name, "ucproxy.nginx.update_status",
                                  f"release={release} binary_upgrade={BINARY_UPGRADE} own_source={SECURITY_SOURCE}"))
    assert f"apt's sources lack the security suite {release}-security" in before, before[-3000:]
    added = output_of(converge(SOURCE_ADDED))
    assert "lack the security suite" not in added, added[-3000:]
    return added


def test_the_check_warns_without_the_security_suite_and_a_run_names_the_pending_updates_once_added(
        host, security_source_added):
    for package, (installed, candidate) in versions(host).items():
        assert installed != candidate and "deb12u" in installed, (package, installed, candidate)
    pending = re.search(r"Security updates are pending for ([^:]+):", security_source_added)
    assert pending and {"nginx", "libssl3"} <= set(pending.group(1).split(", ")), security_source_added[-3000:]
    assert security_source_added.count("Security updates are pending") == 1, security_source_added[-3000:]


def test_unattended_upgrades_installs_them_and_nginx_runs_the_new_code_without_dropping_clients(
        host, client, security_source_added):
    started = host.check_output("date +%s")
    before = running_code(host)
    assert all(paths and not any("(deleted)" in path for path in paths) for paths in before.values()), before
    many = ManyWebSockets(client, 200, "updates")
    opened = many.opened()
    assert opened["opened"] == 200, opened
    poller = Poller(client, "updates")
    try:
        host.run_expect([0], "systemctl start apt-daily-upgrade.service")  # what the timer starts
    finally:
        polls = poller.stop()
        held = many.stop()
    assert polls["polls"] > 0 and polls["failed"] == 0, polls
    assert held["echoed_after_hold"] == 200, held

    for package, (installed, candidate) in versions(host).items():
        assert installed == candidate, (package, installed, candidate)
    after = running_code(host)
    assert not set(after) & set(before), "the same processes still run"
    for pid, paths in after.items():
        assert "/usr/sbin/nginx" in paths and any("libssl.so" in path for path in paths), (pid, paths)
        assert not any("(deleted)" in path for path in paths), (pid, paths)
    journal = host.check_output(f"journalctl -u nginx --since @{started} --no-pager -o cat")
    assert "Stopped" not in journal, "nginx was restarted, which drops every client"

    rerun = output_of(converge(SOURCE_ADDED))
    assert "changed=0" in rerun and "Security updates are pending" not in rerun, rerun[-3000:]
    assert "still uses replaced files" not in rerun


def replaced_in_use(host) -> str:
    return host.check_output(f"{BINARY_UPGRADE} --list")


def test_a_library_replaced_by_hand_is_taken_up_by_apts_hook_without_dropping_a_websocket(host, client):
    # The old master of the upgrade above exits once its clients are gone.
    wait_for(lambda: not host.file(NGINX_OLD_PID).exists, 60, "the old master did not exit")
    first = host.file(NGINX_PID).content_string.strip()
    held = client.hold_websocket(120, "library-reinstalled")
    reinstall = "DEBIAN_FRONTEND=noninteractive apt-get install --reinstall -y libssl3"
    host.run_expect([0], reinstall)
    second = host.file(NGINX_PID).content_string.strip()
    assert second != first and not replaced_in_use(host)
    assert not any("(deleted)" in path for paths in running_code(host).values() for path in paths)

    # Replaced again while the first master still finishes the held WebSocket: nginx ignores USR2
    # meanwhile, so the hook waits for that master to exit, then upgrades.
    host.run_expect([0], reinstall)
    assert host.file(NGINX_PID).content_string.strip() == second and "libssl.so" in replaced_in_use(host)
    held.stop()
    summary = held.result()
    assert "error" not in summary and summary["echoed"] == summary["sent"] > 5, summary
    # While nginx swaps masters, the pid file is briefly missing: read as "", which is no new master.
    wait_for(lambda: host.run(f"cat {NGINX_PID} 2>/dev/null").stdout.strip() not in ("", first, second)
             and not replaced_in_use(host), 60, "the waiting upgrade did not happen")
