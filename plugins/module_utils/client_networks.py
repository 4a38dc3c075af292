# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network a client controls, as nginx computes it from $remote_addr: an IPv4 address is its
own network; an IPv6 client holds at least a /64 (every address of it is the same client to the
login limit and the bans). nginx has no arithmetic on addresses, so the network comes from a
`map` of regular expressions on the text nginx writes for the address: lower case, no leading
zeros, the longest run of two or more zero groups written `::`, and a dotted IPv4 tail only after
a leading `::` (ngx_inet6_ntop). Prefixes are whole groups (multiples of 16 bits)."""
from __future__ import annotations

import ipaddress

PREFIXES = (32, 48, 64)
_GROUP = "[0-9a-f]{1,4}"
_IPV4 = r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+"


def _groups(count):
    """`count` groups separated by colons, captured as one (none: empty)."""
    return ":".join([_GROUP] * count)


def map_entries(prefix):
    """(regular expression, value) pairs for nginx's `map $remote_addr`, first match wins; the
    value is the client's network (`2001:db8:0:1::/64`) or its IPv4 address. An address that
    matches none maps to itself (the map's default)."""
    if prefix not in PREFIXES:
        raise ValueError(f"prefix {prefix} is not one of {PREFIXES}")
    kept = prefix // 16  # groups of the prefix
    rest = 8 - kept
    entries = [
        # IPv4, and an IPv4 client written as IPv6 (::ffff:192.0.2.1): the address itself.
        (f"^(?:::ffff:)?({_IPV4})$", "$1"),
        # The prefix's groups are all written before any `::` (also the full eight-group form).
        (f"^({_groups(kept)}):", f"$1::/{prefix}"),
        # `::` within the prefix, and the groups after it all lie beyond the prefix.
        (f"^((?:{_GROUP}:){{0,{kept - 1}}}{_GROUP})?::"
         f"(?:{_GROUP}(?::{_GROUP}){{0,{rest - 1}}}|(?:{_GROUP}:){{0,{rest - 2}}}{_IPV4})?$", f"$1::/{prefix}"),
    ]
    # `::` within the prefix, and some of the groups after it lie in the prefix: `before` groups,
    # then `zeros` zero groups, then `inside` groups of the prefix, then `rest` groups.
    for before in range(kept):
        for zeros in range(1, kept - before):
            inside = kept - before - zeros
            head = f"({_groups(before)})::" if before else "::"
            value = ("$1:" if before else "") + "0:" * zeros + ("$2" if before else "$1") + f"::/{prefix}"
            entries.append((f"^{head}({_groups(inside)})(?::{_GROUP}){{{rest}}}$", value))
    return entries


def trusted_networks(networks, prefix):
    """The networks fail2ban never bans: each trusted network, an IPv6 one narrower than a client's
    network widened to it (failures and bans are counted per client network, so trusting an
    address of a /64 trusts the client that holds the /64)."""
    trusted = []
    for text in networks:
        network = ipaddress.ip_network(str(text), strict=False)
        widen = network.version == 6 and network.prefixlen > prefix
        trusted.append(str(network.supernet(new_prefix=prefix)) if widen else str(text))
    return trusted
