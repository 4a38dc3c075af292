"""The map nginx computes a client's network with gives, for every text form nginx writes for an
address, what Python's ipaddress computes: the IPv4 address, or the IPv6 network of the prefix."""
import ipaddress
import random
import re

import pytest

from ansible_collections.ucproxy.nginx.plugins.module_utils.client_networks import PREFIXES, map_entries, trusted_networks


def nginx_text(address: ipaddress.IPv6Address) -> str:
    """The address as ngx_inet6_ntop writes it: the longest run (first of equals) of two or more
    zero groups as `::`, a dotted tail for ::ffff:a.b.c.d and ::a.b.c.d."""
    groups = [int(address.exploded.split(":")[i], 16) for i in range(8)]
    best, length, start = -1, 1, -1
    for i, group in enumerate(groups + [1]):
        if group == 0 and start < 0:
            start = i
        elif group != 0 and start >= 0:
            if i - start > length:
                best, length = start, i - start
            start = -1
    words = [f"{g:x}" for g in groups]
    if best == 0 and (length == 5 and groups[5] == 0xffff or length == 6 or length == 7 and groups[7] != 1):
        return ("::ffff:" if length == 5 else "::") + ".".join(str(b) for b in address.packed[12:])
    if best < 0:
        return ":".join(words)
    return ":".join(words[:best]) + "::" + ":".join(words[best + length:])


def network_of(text: str, entries) -> str:
    for pattern, value in entries:
        found = re.search(pattern, text)
        if found:
            return re.sub(r"\$(\d)", lambda m: found.group(int(m.group(1))) or "", value)
    return text


def expected(address: ipaddress.IPv6Address, prefix: int) -> str:
    if address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def addresses():
    rng = random.Random(6)
    fixed = ["2001:db8::1", "2001:db8:0:1::", "::ffff:192.0.2.1", "2001:db8:1:2:3:4:5:6", "::", "::1", "1::",
             "::2:3:4:5:6", "::2:3:4:5:6:7", "1::3:4:5:6:7", "1:2::4:5:6:7:8", "::3:4:5:6:7:8", "::192.0.2.7",
             "1:0:0:0:5:6:7:8", "0:0:0:1:2:3:4:5", "1:2:3:0:0:6:7:8", "fe80::1", "2001:db8:0:0:1::1"]

    def group():
        return rng.choice([0, 0, 0, rng.randrange(1, 16), rng.randrange(65536)])

    generated = [ipaddress.IPv6Address(":".join(f"{group():x}" for position in range(8))) for number in range(4000)]
    return [ipaddress.IPv6Address(a) for a in fixed] + generated


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_form_nginx_writes_maps_to_the_network_of_the_prefix(prefix):
    entries = map_entries(prefix)
    wrong = {}
    for address in addresses():
        text = nginx_text(address)
        assert ipaddress.IPv6Address(text) == address, text  # the writer above is right
        got = network_of(text, entries)
        want = expected(address, prefix)
        if (got if "/" not in got and ":" not in got else str(ipaddress.ip_network(got))) != want:
            wrong[text] = (got, want)
    assert not wrong, list(wrong.items())[:10]


def test_ipv4_clients_keep_their_address():
    for text in ("192.0.2.1", "10.89.0.7", "::ffff:192.0.2.1"):
        assert network_of(text, map_entries(64)) == text.removeprefix("::ffff:")


def test_only_whole_groups_are_prefixes():
    with pytest.raises(ValueError):
        map_entries(56)


def test_trusting_an_ipv6_address_trusts_the_client_network_it_lies_in():
    assert trusted_networks(["2001:db8:0:1::7", "2001:db8::/32", "192.0.2.1", "192.0.2.0/24"], 64) == [
        "2001:db8:0:1::/64", "2001:db8::/32", "192.0.2.1", "192.0.2.0/24"]
