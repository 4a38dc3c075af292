"""The pair's virtual addresses (keepalived): one node holds the IPv4 and the IPv6 one and serves
https and WebSockets through each; when the holder's nginx stops or the whole node freezes, the
peer takes both over and clients reconnect through them; a recovered node leaves them where they
are. The times are measured from the client's side and printed (docs/benchmarks.md quotes them).
keepalived does this in its systemd sandbox, within its documented exposure like every unit of
the pair (molecule_support/sandbox.py; the exporter runs on ha-proxy2, test_exporter.py)."""
import subprocess
import time

from ha_support import holders, serves_websockets
from ha_support import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from molecule_support.clients import Poller
from molecule_support.host_paths import UPGRADE_AFTER_DRAIN
from molecule_support.sandbox import assert_units_within_documented_exposure
from molecule_support.scenario import SERVER_NAME, proxy_vars
from molecule_support.waiting import holds_for, wait_for

# keepalived checks nginx every second and gives up after 2 failures; a frozen node is noticed
# after 3 missed advertisements. Failover takes seconds; the bound leaves room for a busy machine.
FAILOVER_BOUND = 15


def test_one_node_holds_both_addresses_and_serves_https_and_websockets_through_each(
        proxies, through_address, through_ipv6_address):
    [holder] = holders(proxies)
    assert holder in proxies, holder  # not "<name> (IPv4 only)"
    for client in (through_address, through_ipv6_address):
        assert client.request(f"https://{SERVER_NAME}/").status == 200
        assert serves_websockets(client)


def test_nginx_stopped_on_the_holder_moves_the_address_and_the_recovered_node_leaves_it(
        proxies, through_address, through_ipv6_address):
    [holder] = holders(proxies)
    [peer] = [name for name in proxies if name != holder]
    held = [through_address.hold_websocket(120, f"nginx-stop-{i}") for i in range(5)]
    poller = Poller(through_address, "nginx-stop")
    stopped = time.monotonic()
    # --no-block: nginx's graceful stop waits up to 5 s for the held WebSockets before the rest.
    proxies[holder].run_expect([0], "systemctl --no-block stop nginx")
    wait_for(lambda: holders(proxies) == [peer], FAILOVER_BOUND, "the peer did not take over the address")
    moved = time.monotonic() - stopped
    outage = poller.stop()
    print(f"\nnginx stopped on {holder}: {peer} held the address after {moved:.1f} s; longest time without an "
          f"answer through the address {outage['longest_gap_s']} s ({outage['failed']} of {outage['polls']} polls "
          "failed)")
    # The WebSockets held on the stopped node were cut off (they worked until then); their clients
    # log in again and reconnect.
    results = [websocket.result() for websocket in held]
    assert all(result["echoed"] > 0 and "error" in result for result in results), results
    assert serves_websockets(through_address)
    assert through_ipv6_address.request(f"https://{SERVER_NAME}/").status == 200

    started = time.time()
    proxies[holder].run_expect([0], "systemctl start nginx")
    backup_again = f"journalctl -u keepalived --since @{int(started)} -o cat | grep -q 'Entering BACKUP STATE'"
    wait_for(lambda: proxies[holder].run(backup_again).rc == 0, FAILOVER_BOUND,
             f"keepalived on {holder} did not come back as a backup")
    # No second failover: for 5 advertisement intervals the peer keeps the address.
    holds_for(lambda: holders(proxies) == [peer], 5, f"{holder} took the address back")


def test_a_frozen_holder_loses_the_address_to_the_peer(proxies, through_address):
    [holder] = holders(proxies)
    [peer] = [name for name in proxies if name != holder]
    poller = Poller(through_address, "freeze")
    subprocess.run(["podman", "pause", holder], check=True, timeout=60)
    try:
        frozen = time.monotonic()
        wait_for(lambda: holders(proxies, skip=[holder]) == [peer], FAILOVER_BOUND,
                 "the peer did not take over the address")
        moved = time.monotonic() - frozen
        assert through_address.request(f"https://{SERVER_NAME}/").status == 200
        assert serves_websockets(through_address, count=1)
        outage = poller.stop()
        print(f"\n{holder} frozen: {peer} held the address after {moved:.1f} s; longest time without an answer "
              f"through the address {outage['longest_gap_s']} s")
    finally:
        subprocess.run(["podman", "unpause", holder], check=True, timeout=60)
    # Thawed, the old holder still believes it holds the address until VRRP sorts it out.
    wait_for(lambda: len(holders(proxies)) == 1 and holders(proxies)[0] in proxies, FAILOVER_BOUND,
             "both nodes kept the address after the thaw")
    assert through_address.request(f"https://{SERVER_NAME}/").status == 200


def test_the_pairs_services_run_sandboxed_within_their_documented_exposure(proxies):
    for proxy in proxies.values():
        metrics = proxy_vars(proxy).get("reverse_proxy_metrics", False)
        assert_units_within_documented_exposure(
            proxy, {"nginx.service", "fail2ban.service", "keepalived.service", UPGRADE_AFTER_DRAIN}
            | ({"prometheus-nginx-exporter.service"} if metrics else set()))
