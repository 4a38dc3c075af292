"""IPv6 end to end, over the scenario's second, IPv6-only network (tests/playbooks/ipv6_network.yml):
a client that reaches a proxy at its IPv6 address gets what it gets over IPv4 (the redirect, the
same TLS, HSTS, the login with its challenges, the session's WebSocket, the access rules, the
access log with its address and no secret, the monitoring check), and a guesser that rotates
through 20 addresses of its /64 is rate-limited, then banned as the whole /64, while a bystander
in another /64 logs in and keeps its WebSocket and a client in a trusted IPv6 network is never
banned. (The same guesser over IPv4: test_bans.py.)"""
import ipaddress
import random
import re
import shlex

import pytest

from molecule_support.bans import banned, most_let_through
from molecule_support.clients import client_for
from molecule_support.host_logs import LogSince
from molecule_support.host_paths import ACCESS_LOG, FAIL2BAN_LOG, MONITORING_CHECK
from molecule_support.scenario import SERVER_NAME, container, inventory, ipv6_address, proxy_vars, role_default
from molecule_support.waiting import wait_for

PROXY = "ucproxy-deb13"
BANNING_PROXY = "ucproxy-deb12"  # bans in nftables
SECRET = "S3cret-Passw0rd"


@pytest.fixture(scope="module")
def clients():
    """The trusted client to one proxy over IPv4 and over IPv6."""
    ipv4 = client_for(container("client"), container(PROXY))
    return ipv4, ipv4.over_ipv6()


def seen(response) -> tuple:
    return response.status, response.headers.get("location"), response.headers.get("strict-transport-security")


def handshake(client, option: str) -> tuple:
    """(handshake done, protocol, cipher) of openssl s_client offering one protocol version."""
    result = client.tls(option)
    negotiated = re.search(r"New, (\S+), Cipher is (\S+)", result.stdout)
    return result.rc == 0, negotiated.groups() if negotiated else None


def test_redirect_and_hsts_over_ipv6_as_over_ipv4(clients):
    ipv4, ipv6 = clients
    for url in (f"http://{SERVER_NAME}/ws/client/echo?x=1", f"https://{SERVER_NAME}/ws/client/echo"):
        assert seen(ipv6.request(url)) == seen(ipv4.request(url))
    assert seen(ipv6.request(f"http://{SERVER_NAME}/"))[0] == 301
    assert seen(ipv6.request(f"https://{SERVER_NAME}/"))[2]


def test_the_same_tls_over_ipv6(clients):
    ipv4, ipv6 = clients
    options = ["-tls1_3", "-tls1_2", "-tls1_1"]
    outcomes = [handshake(ipv6, option) for option in options]
    assert outcomes == [handshake(ipv4, option) for option in options]
    assert outcomes[0][0] and not outcomes[2][0], outcomes  # TLS 1.3 done, 1.1 refused


def test_login_with_its_challenges_and_the_session_websocket_over_ipv6(clients):
    def outline(summary):
        """The login's course without what differs between any two logins (challenge, session)."""
        return (summary["first"], summary["challenge"]["status"], summary["challenge"]["x_epid"],
                summary["final"], summary.get("websocket_echoed"))

    ipv4, ipv6 = clients
    summary = ipv6.login("--websocket")[-1]
    assert summary["first"]["status"] == summary["challenge"]["status"] == 401, summary
    assert summary["final"]["status"] == 200 and summary["websocket_echoed"] == 1, summary
    assert outline(summary) == outline(ipv4.login("--websocket")[-1])


def test_access_rules_take_ipv6_networks(clients):
    _ipv4, inside = clients
    outside = client_for(container("guesser"), container(PROXY)).over_ipv6()
    assert inside.request(f"https://{SERVER_NAME}/standin/status/200").status == 200
    assert outside.request(f"https://{SERVER_NAME}/standin/status/200").status == 403


def test_the_access_log_names_the_ipv6_client_and_no_secret(clients):
    _ipv4, ipv6 = clients
    proxy = container(PROXY)
    access = LogSince(proxy, ACCESS_LOG)
    ipv6.request(f"https://{SERVER_NAME}/ws/direct/getversion?user=alice&pass={SECRET}")
    line = next(line for line in access.text().splitlines() if "/ws/direct/getversion" in line)
    assert line.startswith(f"{ipv6_address('client')} - - ["), line
    assert SECRET not in access.text() and "pass=" in line


def test_the_monitoring_check_over_ipv6():
    proxy = container(PROXY)
    result = proxy.run(f"runuser -u nobody -- {MONITORING_CHECK} --address {ipv6_address(PROXY)}")
    assert result.rc == 0 and result.stdout.startswith("UCPROXY OK"), result.stdout + result.stderr


def unused_network() -> ipaddress.IPv6Network:
    """A /64 of the test network that holds no container and that no earlier run used (nginx and
    fail2ban keep what they counted)."""
    settings = inventory().get_variables("guesser")["ipv6_test_network"]
    taken = {ipaddress.IPv6Network(f"{address}/64", strict=False) for address in settings["addresses"].values()}
    subnet = ipaddress.IPv6Network(settings["subnet"])
    while True:
        network = ipaddress.IPv6Network((int(subnet.network_address) + (random.randrange(0x100, 0xffff) << 64), 64))
        if network not in taken:
            return network


def test_a_guesser_rotating_through_its_64_is_limited_then_banned_while_others_are_served():
    proxy, guesser = container(BANNING_PROXY), container("guesser")
    rate, burst = (proxy_vars(proxy).get(name, role_default(name))
                   for name in ("reverse_proxy_login_rate_limit", "reverse_proxy_login_rate_burst"))
    bystander = client_for(guesser, proxy).over_ipv6()  # the guesser container's own address, another /64
    trusted = client_for(container("client"), proxy).over_ipv6()
    network = unused_network()
    rotation = [str(network[number]) for number in range(1, 21)]
    interface = guesser.check_output(f"ip -o -6 address show to {ipv6_address('guesser')} | cut -d' ' -f2")
    # Deprecated (preferred_lft 0): only a client that binds to them uses them.
    for address in rotation + [str(network[0xbeef])]:
        guesser.run_expect([0], f"ip -6 address add {address}/128 dev {interface} nodad preferred_lft 0")
    try:
        held = bystander.hold_websocket(120, "ipv6-bystander")
        # 60 wrong passwords at once, three from each address, in one curl (--next: each its own source).
        url = f"https://{SERVER_NAME}/ws/client/createsession"
        # Each request is sent once its TLS handshake is done (time_appconnect).
        transfer = ["-s", "-o", "/dev/null", "-w", r"%{http_code} %{time_appconnect}\n", "--max-time", "5",
                    "--cacert", bystander.cafile, "--connect-to", f"::{bystander.proxy}:", "-u", "alice:guessed"]
        groups = [[*transfer, "--interface", address, url] for address in rotation * 3]
        command = ["curl", "--parallel", "--parallel-max", "60", *[arg for group in groups for arg in [*group, "--next"]]]
        transfers = [line.split() for line in guesser.run(shlex.join(command[:-1])).stdout.splitlines()]
        statuses = [status for status, _handshake in transfers]
        sent = [float(handshake) for _status, handshake in transfers if float(handshake) > 0]
        most = most_let_through(burst, rate, max(sent) - min(sent))
        assert len(statuses) == 60, statuses
        assert 1 <= statuses.count("401") <= most, (most, statuses)  # 20 with the role's defaults on an idle machine
        assert statuses.count("429") >= 1 and set(statuses) <= {"401", "429", "000"}, statuses

        wait_for(lambda: str(network) in banned(proxy), 30, f"{network} was not banned")
        assert str(network) in proxy.run("nft list ruleset").stdout
        fresh = guesser.run(f"curl -s --max-time 5 --interface {network[0xbeef]} --cacert {bystander.cafile} "
                            f"--connect-to ::{bystander.proxy}: https://{SERVER_NAME}/")
        assert fresh.rc == 7, "another address of the banned /64 was not refused"

        assert bystander.login()[-1]["final"]["status"] == 200
        summary = held.end()
        assert "error" not in summary and summary["echoed"] == summary["sent"] > 10, summary

        fail2ban_log = LogSince(proxy, FAIL2BAN_LOG)
        for _attempt in range(6):
            assert trusted.login("--method", "basic", "--password", "guessed")[-1]["final"]["status"] == 401
        trusted_network = ipaddress.IPv6Network(f"{ipv6_address('client')}/64", strict=False)
        wait_for(lambda: f"Ignore {trusted_network}" in fail2ban_log.text(), 30,
                 "fail2ban did not see the trusted network's failures")
        assert str(trusted_network) not in banned(proxy)
        assert trusted.login()[-1]["final"]["status"] == 200
    finally:
        for address in rotation + [str(network[0xbeef])]:
            guesser.run(f"ip -6 address del {address}/128 dev {interface}")
