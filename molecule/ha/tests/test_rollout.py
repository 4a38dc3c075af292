"""Rolling deploys of the pair with playbooks/site.yml: a change that fails the health gate on the
first proxy is rolled back there, never reaches the second, and the pair keeps serving; a change
that restarts nginx on both nodes rolls out one proxy at a time, each behind the gate, and moves
the virtual address away from each node before its restart, so clients polling the address are
never cut off for long."""
import re
import shlex
import time

from ha_support import holders, serves_websockets
from ha_support import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from molecule_support.ansible_runs import CONVERGE, converge, run_playbook
from molecule_support.clients import Poller, client_for
from molecule_support.host_logs import journal
from molecule_support.host_paths import NGINX_CONF, NGINX_PID
from molecule_support.scenario import SERVER_NAME, first_of, recorded_address
from molecule_support.scenario_state import host_state
from molecule_support.standin import health_checks

# Sized for fewer clients than the default, nginx needs a new open-file limit: a restart (the
# containers' own limit caps what the default would get).
FEWER_CLIENTS = 5000
VRRP_STATE = re.compile(r"Entering (MASTER|BACKUP|FAULT) STATE")


def serves(client_host, proxy) -> bool:
    return client_for(client_host, proxy).request(f"https://{SERVER_NAME}/ws/client/echo").status == 200


def written_at(host, path: str) -> float:
    """When the file was last written (its mtime, as a Unix time)."""
    script = "import os, sys; print(os.stat(sys.argv[1]).st_mtime)"
    return float(host.check_output(shlex.join(["python3", "-c", script, path])))


def test_a_change_failing_the_gate_is_rolled_back_and_stops_before_the_next_proxy(
        proxies, client_host, through_address):
    first, second = list(proxies)
    files_before = host_state(proxies[first], processes=False)
    second_before = host_state(proxies[second])
    # Nothing listens on the client container's port 7224: the UCServer "does not answer".
    result = run_playbook(CONVERGE, {"reverse_proxy_upstream_host": "ha-client",
                                     "reverse_proxy_health_gate_timeout": 5})
    assert result.returncode != 0
    output = result.stdout + result.stderr  # failures are reported on stderr
    assert f"Health gate failed on {first}: https://{SERVER_NAME}/ answered 502" in output, output[-3000:]
    # The first serves its previous files again (nginx reloaded back to them); the second was never
    # touched: the same files and the same nginx processes.
    assert host_state(proxies[first], processes=False) == files_before
    assert host_state(proxies[second]) == second_before, "the rollout went on to the second proxy"
    assert all(serves(client_host, proxy) for proxy in proxies.values())
    assert through_address.request(f"https://{SERVER_NAME}/ws/client/echo").status == 200


def vrrp_state_at(host, held_the_address: bool, since: float, moment: float) -> str:
    """The node's VRRP state at `moment`: its last transition (keepalived's journal) since `since`
    before it, else what it was at `since`."""
    states = [VRRP_STATE.search(message).group(1) for when, message in journal(host, "keepalived", since)
              if when < moment and VRRP_STATE.search(message)]
    return states[-1] if states else ("MASTER" if held_the_address else "BACKUP")


def test_a_change_needing_a_restart_rolls_out_one_proxy_at_a_time_and_moves_the_address_away_first(
        proxies, client_host, through_address):
    [holder] = holders(proxies)
    masters = {name: proxy.file(NGINX_PID).content_string.strip() for name, proxy in proxies.items()}
    held = [through_address.hold_websocket(300, f"rollout-{i}") for i in range(3)]
    poller = Poller(through_address, "rollout")
    started = time.time()
    # A new open-file limit reaches nginx only with a restart (systemd grants it at start).
    converge({"reverse_proxy_max_clients": FEWER_CLIENTS})
    outage = poller.stop()
    print(f"\nrolling restart of the pair: longest time without an answer through the address "
          f"{outage['longest_gap_s']} s ({outage['retried']} polls retried, {outage['failed']} of {outage['polls']} "
          "failed)")

    # One proxy at a time behind the gate: each got the change (nginx.conf written) and the gate's
    # requests reached the UCServer through it before the next one got the change.
    checks = health_checks(first_of("ucserver_standin"), started)
    written = {name: written_at(proxy, NGINX_CONF) for name, proxy in proxies.items()}
    gate = {name: [check["time"] for check in checks if check["peer"] == recorded_address(name)] for name in proxies}
    order = list(proxies)
    for name, next_name in zip(order, order[1:] + [None]):
        until = written[next_name] if next_name else time.time()
        assert any(written[name] < check < until for check in gate[name]), \
            f"{name} did not pass the gate before the change went on: written {written}, gate requests {gate}"

    for name, proxy in proxies.items():
        assert proxy.file(NGINX_PID).content_string.strip() != masters[name], f"nginx on {name} was not restarted"
        # While nginx stopped on one node, the other held the address.
        stopped = [when for when, message in journal(proxy, "nginx", started) if message.startswith("Stopping")]
        assert stopped, f"systemd did not stop nginx on {name}"
        [peer] = [other for other in proxies if other != name]
        assert vrrp_state_at(proxies[peer], peer == holder, started, stopped[0]) == "MASTER", \
            f"{peer} did not hold the address when nginx on {name} stopped"
    assert outage["longest_gap_s"] < 2.0
    assert all(serves(client_host, proxy) for proxy in proxies.values())
    # WebSockets held through the address are cut off when it moves away from their node (long before
    # their 300 s are up); their clients log in again and reconnect.
    results = [websocket.result() for websocket in held]
    assert all(result["echoed"] > 0 and "error" in result for result in results), results
    assert serves_websockets(through_address)
