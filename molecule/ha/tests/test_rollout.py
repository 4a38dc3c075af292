"""Rolling deploys of the pair with playbooks/site.yml: one proxy at a time, each behind the health
gate; a change that restarts nginx on both nodes moves the virtual address away from each before
its restart, so clients polling the address are never cut off for long; a change that fails the
gate on the first proxy is rolled back there, never reaches the second, and the pair keeps serving."""
import re

from ha_support import serves_websockets
from ha_support import proxies, through_address  # noqa: F401  pylint: disable=unused-import
from molecule_support import CONVERGE, SERVER_NAME, Poller, client_for, converge, run_playbook

SITE_FILE = "/etc/nginx/sites-available/reverseproxy"
# Sized for fewer clients than the default, nginx needs a new open-file limit: a restart (the
# containers' own limit caps what the default would get).
FEWER_CLIENTS = 5000
BATCH = re.compile(r"^PLAY \[UCServer reverse proxies", re.M)


def batches(output: str) -> list:
    """The play's output split per serial batch: the names of the proxies each batch touched."""
    sections = BATCH.split(output)[1:]
    return [sorted(set(re.findall(r"^(?:ok|changed|fatal): \[([\w.-]+)\]", section, re.M))) for section in sections]


def serves(client_host, proxy, header=None):
    response = client_for(client_host, proxy).request(f"https://{SERVER_NAME}/ws/client/echo")
    return response.status == 200 and (header is None or response.headers.get("x-rollout-change") == header)


def test_a_change_rolls_out_one_proxy_at_a_time_behind_the_gate(proxies, client_host):
    result = converge({"reverse_proxy_extra_headers": [{"name": "X-Rollout-Change", "value": "one"}]})
    assert batches(result.stdout) == [[name] for name in proxies], result.stdout[-3000:]
    assert result.stdout.count("TASK [ucproxy.nginx.reverse_proxy : Proxy carries an https request") == 2
    assert all(serves(client_host, proxy, "one") for proxy in proxies.values())


def test_a_restart_of_both_nodes_hands_the_address_over_and_clients_keep_being_served(through_address):
    held = [through_address.hold_websocket(300, f"rollout-{i}") for i in range(3)]
    poller = Poller(through_address, "rollout")
    # A new open-file limit reaches nginx only with a restart (systemd grants it at start).
    result = converge({"reverse_proxy_max_clients": FEWER_CLIENTS})
    outage = poller.stop()
    print(f"\nrolling restart of the pair: longest time without an answer through the address "
          f"{outage['longest_gap_s']} s ({outage['retried']} polls retried, {outage['failed']} of {outage['polls']} "
          "failed)")
    assert result.stdout.count("TASK [ucproxy.nginx.reverse_proxy : Nginx runs the new configuration") == 2
    assert "TASK [ucproxy.nginx.reverse_proxy : A peer serves the virtual address]" in result.stdout
    assert outage["longest_gap_s"] < 2.0
    # WebSockets held through the address are cut off when it moves away from their node (long before
    # their 300 s are up); their clients log in again and reconnect.
    results = [websocket.result() for websocket in held]
    assert all(result["echoed"] > 0 and "error" in result for result in results), results
    assert serves_websockets(through_address)


def test_a_change_failing_the_gate_is_rolled_back_and_stops_before_the_next_proxy(
        proxies, client_host, through_address):
    # Whatever the pair serves now (the restart test's configuration) is what it must serve after.
    before = {name: proxy.file(SITE_FILE).sha256sum for name, proxy in proxies.items()}
    # Nothing listens on the client container's port 7224: the UCServer "does not answer".
    result = run_playbook(CONVERGE, {"reverse_proxy_max_clients": FEWER_CLIENTS,
                                     "reverse_proxy_upstream_host": "ha-client",
                                     "reverse_proxy_health_gate_timeout": 5})
    assert result.returncode != 0
    first, second = list(proxies)
    assert batches(result.stdout) == [[first]], "the rollout went on after a failed gate"
    output = result.stdout + result.stderr  # failures are reported on stderr
    assert f"Health gate failed on {first}: https://{SERVER_NAME}/ answered 502" in output, output[-3000:]
    # Both keep serving their previous configuration: the first one restored, the second untouched.
    assert {name: proxy.file(SITE_FILE).sha256sum for name, proxy in proxies.items()} == before
    assert all(serves(client_host, proxy) for proxy in proxies.values())
    assert through_address.request(f"https://{SERVER_NAME}/ws/client/echo").status == 200
