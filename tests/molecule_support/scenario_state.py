"""The state a test module starts from: the scenario's own, what a converge with the scenario's
variables leaves. Each converge with them records what it left on every proxy
(tests/scenario_state.sh, run by tests/playbooks/converge.yml); a module whose proxies differ from
that record, because an earlier module changed them, converges them back first. So any module can
run alone after molecule's converge, or in any order, and a module that changes the proxies need
not put them back when nothing runs after it."""
import difflib
import shlex

from molecule_support.ansible_runs import converge
from molecule_support.scenario import REPO, container, ephemeral_directory, hosts_of, proxy_names
from molecule_support.waiting import wait_for

STATE_SCRIPT = REPO / "tests" / "scenario_state.sh"
# The other containers' services the tests need running: the UCServer stand-ins (port 7224) and
# the acme scenario's Pebble (14000). A test that stops one starts it again, but waits for nothing.
SERVICES = {"ucserver_standin": ("ucserver-standin", 7224), "acme_servers": ("pebble", 14000)}


def configuration(host) -> str:
    """What a converge decides on a proxy (tests/scenario_state.sh): its files with their digests,
    packages and services. Equal strings: the same configuration."""
    result = host.run(f"sh -c {shlex.quote(STATE_SCRIPT.read_text(encoding='utf-8'))}")
    assert result.rc == 0, result.stderr
    return result.stdout.replace("\r\n", "\n").strip()


def host_state(host, processes: bool = True) -> str:
    """What must not change when a run is refused: the configuration, and (unless processes=False)
    the nginx processes (a reload replaces the workers, a restart the master too)."""
    return configuration(host) + ("\n" + host.run("pgrep -a nginx | sort").stdout if processes else "")


def backups_left(host) -> str:
    """Backups (`*~`, they may hold private keys) of files the role replaces; empty when none is left."""
    return host.run("find /etc/nginx /etc/systemd/system -name '*~'").stdout


def recorded_configuration(name: str) -> str | None:
    """What the last converge with the scenario's variables left on proxy `name`; None before one."""
    record = ephemeral_directory() / "scenario-state" / name
    return record.read_text(encoding="utf-8").replace("\r\n", "\n").strip() if record.exists() else None


def differences(name: str) -> list:
    """How proxy `name` differs from the scenario's state (lines of a diff); empty if it does not."""
    recorded = recorded_configuration(name)
    if recorded is None:
        return ["no converge with the scenario's variables recorded a state yet"]
    return [line for line in difflib.unified_diff(recorded.splitlines(), configuration(container(name)).splitlines(),
                                                  "scenario", name, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def ensure_scenario_state() -> None:
    """Brings the scenario back to its own state where it differs: the other containers' services
    running, and the proxies as the scenario's converge leaves them (those that differ converged
    again). Costs a few seconds when nothing differs."""
    ensure_services_running()
    differing = {name: lines for name in proxy_names() if (lines := differences(name))}
    if differing:
        print(f"\nConverging the scenario back to its state; it differs on {', '.join(differing)}:")
        for name, lines in differing.items():
            print("\n".join(f"  {name}: {line}" for line in lines[:20]))
        # Only where it differs (the role knows a pair's peers also with --limit); the run records
        # the state it leaves as the scenario's.
        converge(args=("--limit", ",".join(differing)))


def ensure_services_running() -> None:
    """The other containers' services the tests need (SERVICES) run and accept connections."""
    for group, (service, port) in SERVICES.items():
        for name in hosts_of(group):
            _ensure_running(container(name), service, port)


def _ensure_running(host, service: str, port: int) -> None:
    if not host.service(service).is_running:
        host.run_expect([0], f"systemctl start {service}")
    # systemd reports the start before the service listens.
    wait_for(lambda: host.run(f"python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", {port}), 2)'")
             .rc == 0, 30, f"{service} on {host.backend.name} did not accept connections")
