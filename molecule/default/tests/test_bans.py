"""Password guessing is stopped without locking out real users: a client that fails to log in
five times within a minute (this scenario's settings) is banned for 20 seconds, on ports 80 and
443 in nftables, or by nginx behind a load balancer; successful multi-round logins never count,
trusted networks are never banned. Of guesses sent at once, 20 reach the UCServer and the rest
get 429, while an office of 200 users behind one address logs in within a minute. A client is
its IPv4 address or the /64 its IPv6 address lies in: a guesser that takes a new address of its
/64 for every guess is counted, limited and banned as one."""
import ipaddress
import json
import random
import time

import pytest

from molecule_support.bans import arrival_spread, banned, most_let_through
from molecule_support.clients import client_for, copy_to
from molecule_support.host_logs import LogSince
from molecule_support.host_paths import ACCESS_LOG, FAIL2BAN_LOG, LOGIN_FAILURES_LOG
from molecule_support.scenario import (REPO, SERVER_NAME, container, pki_root, proxy_vars, recorded_address,
                                       role_default)
from molecule_support.waiting import wait_for

BALANCER = "http://balancer:8080/ws/client/createsession"
RATE_LIMIT_PROXY = "ucproxy-modern"
FLOOD_NOTE = "/tmp/login-rate-flood"


def guess(client, times=5):
    for _attempt in range(times):
        assert client.login("--method", "basic", "--password", "guessed")[-1]["final"]["status"] == 401


def status_via_balancer(host, password) -> str:
    return host.run(f"curl -s --max-time 10 -o /dev/null -w '%{{http_code}}' -u alice:{password} {BALANCER}").stdout


@pytest.fixture(scope="module")
def guesser():
    return container("guesser")


def test_logins_never_count_guessing_bans_the_guesser_alone_until_the_ban_ends(guesser):
    proxy = container("ucproxy-deb12")
    guessing, user = client_for(guesser, proxy), client_for(container("client"), proxy)
    # 50 multi-round logins in a row (each answered 401 twice on the way) are no failures.
    logins = guessing.login("--logins", "50")
    assert [summary["final"]["status"] for summary in logins] == [200] * 50
    assert recorded_address("guesser") not in banned(proxy)

    guess(guessing)
    wait_for(lambda: recorded_address("guesser") in banned(proxy), 30, "the guesser was not banned")
    assert recorded_address("guesser") in proxy.run("nft list ruleset").stdout
    refused = guessing.curl(f"https://{SERVER_NAME}/")
    assert refused.rc == 7, refused.stderr  # connection refused on 443 ...
    assert guessing.curl(f"http://{SERVER_NAME}/").rc == 7  # ... and on 80
    assert user.login()[-1]["final"]["status"] == 200, "another address was locked out"

    wait_for(lambda: guessing.curl(f"https://{SERVER_NAME}/").rc == 0, 60, "the ban did not end")


def test_a_trusted_network_is_never_banned():
    proxy = container("ucproxy-deb12")
    user = client_for(container("client"), proxy)
    fail2ban_log = LogSince(proxy, FAIL2BAN_LOG)
    guess(user, times=6)
    # fail2ban saw these failures and ignored them for the trusted address (lines of this test only:
    # the log keeps earlier runs' lines).
    wait_for(lambda: f"Ignore {recorded_address('client')}" in fail2ban_log.text(),
             30, "fail2ban did not see the trusted address's failures")
    assert recorded_address("client") not in banned(proxy)
    assert user.login()[-1]["final"]["status"] == 200


def test_behind_a_load_balancer_the_real_client_is_banned_by_nginx_and_logged(guesser):
    proxy, user = container("ucproxy-deb13"), container("client")
    failures, access = LogSince(proxy, LOGIN_FAILURES_LOG), LogSince(proxy, ACCESS_LOG)
    for _attempt in range(5):
        assert status_via_balancer(guesser, "guessed") == "401"
    wait_for(lambda: status_via_balancer(guesser, "guessed") == "403", 30, "the guesser was not banned by nginx")
    # The balancer's address is not banned: everyone else still gets through it.
    assert status_via_balancer(user, "S3cret-Passw0rd") == "200"
    assert recorded_address("guesser") in failures.text() and recorded_address("balancer") not in failures.text()
    assert f"{recorded_address('client')} - - [" in access.text()
    wait_for(lambda: status_via_balancer(guesser, "guessed") == "401", 60, "the nginx ban did not end")


@pytest.fixture(scope="module")
def balancer():
    """The load balancer, which ucproxy-deb13 trusts to name the client in X-Forwarded-For; it
    stands in for one that IPv6 clients reach (this scenario's network is IPv4)."""
    host = container("balancer")
    copy_to(host, pki_root().read_bytes(), "/tmp/test-ca.pem")
    copy_to(host, (REPO / "tests" / "clients" / "forwarded_logins.py").read_bytes(), "/tmp/forwarded_logins.py")
    return host


def logins_at_once(balancer, password: str, clients: list) -> tuple:
    """Statuses of login requests the balancer forwards at once for these client addresses, and
    the seconds between the first and the last one sent."""
    *statuses, spread = balancer.check_output(
        f"python3 /tmp/forwarded_logins.py {recorded_address('ucproxy-deb13')} {SERVER_NAME} "
        f"/tmp/test-ca.pem {password} {' '.join(clients)}").splitlines()
    return statuses, float(spread.split()[1])


def forwarded_logins(balancer, password: str, clients: list) -> list:
    """Statuses of login requests the balancer forwards for these client addresses."""
    return logins_at_once(balancer, password, clients)[0]


def fresh_network() -> ipaddress.IPv6Network:
    """A /64 no earlier run of these tests used (nginx and fail2ban keep what they counted)."""
    return ipaddress.IPv6Network(f"2001:db8:{random.randrange(1, 0xffff):x}:1::/64")


def test_an_ipv6_client_behind_a_load_balancer_is_counted_and_banned_by_its_network(balancer):
    proxy = container("ucproxy-deb13")
    network, other = fresh_network(), fresh_network()
    failures, access = LogSince(proxy, LOGIN_FAILURES_LOG), LogSince(proxy, ACCESS_LOG)
    # Every guess from another address of the /64, in the forms clients and balancers write.
    guesses = [network[0xa1], network[0xa2].exploded, str(network[0xa3]).upper(), network[0xffff00000000a4],
               network[2**64 - 1]]
    assert forwarded_logins(balancer, "guessed", [str(guess) for guess in guesses]) == ["401"] * 5
    wait_for(lambda: forwarded_logins(balancer, "guessed", [str(network[0xb])]) == ["403"], 30,
             "the guesser's network was not banned by nginx")
    assert forwarded_logins(balancer, "S3cret-Passw0rd", [str(other[1])]) == ["200"], "another network is banned"
    # fail2ban counted and banned the network; the access log names each address.
    assert f"{network} login failed" in failures.text() and str(network[0xa1]) not in failures.text()
    assert str(network) in banned(proxy)
    assert all(f"{network[number]} - - [" in access.text() for number in (0xa1, 0xa2, 0xa3))
    wait_for(lambda: forwarded_logins(balancer, "guessed", [str(network[0xc])]) == ["401"], 60,
             "the ban of the network did not end")


def test_an_ipv6_client_is_rate_limited_by_its_network(balancer):
    proxy = container("ucproxy-deb13")
    rate, burst = (proxy_vars(proxy).get(name, role_default(name))
                   for name in ("reverse_proxy_login_rate_limit", "reverse_proxy_login_rate_burst"))
    network = fresh_network()
    # Three times the burst at once, each from another address of one /64 (no credentials: the
    # UCServer's challenge, which fail2ban does not count).
    statuses, spread = logins_at_once(balancer, "-", [str(network[number]) for number in range(1, 3 * burst + 1)])
    # The burst's queue and what the rate frees while they arrive reach the UCServer; every other
    # request is refused.
    assert burst + 1 <= statuses.count("401") <= most_let_through(burst, rate, spread), (spread, statuses)
    assert statuses.count("401") + statuses.count("429") == len(statuses), statuses
    # The limit is the network's, not everyone's.
    assert forwarded_logins(balancer, "-", [str(fresh_network()[1])]) == ["401"]


def test_a_fast_guesser_gets_20_guesses_through_and_429_for_the_rest(guesser):
    # On the modern proxy: its JSON access log says which requests the UCServer answered, and the
    # Debian 12 one bans the guesser in the first test of this module.
    proxy = container(RATE_LIMIT_PROXY)
    client = client_for(guesser, proxy)
    rate, burst = (proxy_vars(proxy).get(name, role_default(name))
                   for name in ("reverse_proxy_login_rate_limit", "reverse_proxy_login_rate_burst"))
    # Not banned by an earlier run of this test, and its queue drained: burst / rate minutes after it.
    wait_for(lambda: recorded_address("guesser") not in banned(proxy), 60, "an earlier ban did not end")
    flooded = guesser.run(f"cat {FLOOD_NOTE} 2>/dev/null").stdout.strip()
    if flooded:
        time.sleep(max(0.0, float(flooded) + burst / rate * 60 - time.time()))
    access = LogSince(proxy, ACCESS_LOG)
    url = f"https://{SERVER_NAME}/ws/client/createsession"
    guesses = 60
    # The queue drains in a second; answers after fail2ban's ban never arrive (the access log has them).
    client.run(f"curl -s --cacert {client.cafile} --connect-to ::{client.proxy}: --max-time 5 -u alice:guessed "
               f"--parallel --parallel-max {guesses} " + " ".join([f"-o /dev/null {url}"] * guesses))
    guesser.run(f"date +%s.%N > {FLOOD_NOTE}")
    entries = [entry for entry in map(json.loads, access.text().splitlines())
               if entry["client"] == recorded_address("guesser") and entry["path"] == "/ws/client/createsession"]
    reached = [entry for entry in entries if entry["upstream_status"] == "401"]
    refused = [entry for entry in entries if entry["status"] == 429 and not entry["upstream_status"]]
    outcomes = [(entry["status"], entry["upstream_status"]) for entry in entries]
    most = most_let_through(burst, rate, arrival_spread(entries))
    assert 1 <= len(reached) <= most, (most, outcomes)  # 20 of 60 with the role's defaults on an idle machine
    assert len(refused) >= guesses - most, (most, outcomes)


def test_an_office_behind_one_address_logs_in_200_users_within_a_minute():
    """Ten users at a time, 200 multi-round logins: 600 requests, which the rate (1200 a minute)
    lets through within half a minute, some of them after a wait in the queue, none refused."""
    office = client_for(container("client"), container(RATE_LIMIT_PROXY))
    logins = office.crowd_login(200, at_once=10)
    assert [summary.get("final", {}).get("status") for summary in logins] == [200] * 200, \
        [summary for summary in logins if summary.get("final", {}).get("status") != 200][:3]
