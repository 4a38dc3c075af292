"""Where the proxies of an active/passive pair speak VRRP: on each, the interface whose IPv4
network holds the virtual address, and the proxy's own address there (keepalived's unicast
source, and where its peers send to); with an IPv6 virtual address, also the interface whose IPv6
network holds that. Used by the reverse_proxy role with every node's facts."""
import ipaddress


def _interface_networks(facts):
    """(interface, own address, network) for each primary IPv4 address in Ansible's network facts."""
    for name in facts.get("interfaces") or []:
        ipv4 = (facts.get(name.replace("-", "_")) or {}).get("ipv4") or {}
        if ipv4.get("address") and ipv4.get("netmask"):
            address = ipaddress.ip_interface(f"{ipv4['address']}/{ipv4['netmask']}")
            yield name, str(address.ip), address.network


def _interface_ipv6_networks(facts):
    """(interface, own address, network) for each global IPv6 address in Ansible's network facts."""
    for name in facts.get("interfaces") or []:
        for entry in (facts.get(name.replace("-", "_")) or {}).get("ipv6") or []:
            if entry.get("scope") == "global" and entry.get("address") and entry.get("prefix"):
                address = ipaddress.ip_interface(f"{entry['address']}/{entry['prefix']}")
                yield name, address.ip, address.network


def _same_address(one, other):
    """Whether two spellings ("fd00::200/64", "fd00:0::200/64", "" for none) name the same address."""
    try:
        return ipaddress.ip_interface(str(one)) == ipaddress.ip_interface(str(other))
    except ValueError:
        return (one or "") == (other or "")


def ipv6_interface(host, facts, virtual_address6):
    """{interface6} of one host for the IPv6 virtual address, or {error}."""
    vip = ipaddress.ip_interface(virtual_address6)
    for name, address, network in _interface_ipv6_networks(facts):
        if vip.ip in network and address != vip.ip:
            return {"interface6": name}
    return {"error": f"reverse_proxy_ha_vip6: {virtual_address6} is in the network of none of {host}'s "
                     "interfaces (the proxies of a pair need an IPv6 address each in its network)"}


def vrrp_address(host, facts, virtual_address, interface=""):
    """{interface, address} of one host, or {error} naming the variable to fix."""
    vip = ipaddress.ip_interface(virtual_address)
    for name, address, network in _interface_networks(facts):
        if vip.ip in network and address != str(vip.ip) and (not interface or name == interface):
            return {"interface": name, "address": address}
    if interface:
        return {"error": f"reverse_proxy_ha_interface: {interface} of {host} has no IPv4 address in the "
                         f"network of reverse_proxy_ha_vip {virtual_address}"}
    return {"error": f"reverse_proxy_ha_vip: {virtual_address} is in the network of none of {host}'s "
                     "interfaces (the proxies of a pair need an address each in the virtual address's network)"}


def inventory_address(host, address, virtual_address):
    """A peer whose facts could not be gathered (unreachable): its ansible_host, if that is an
    address in the virtual address's network."""
    vip = ipaddress.ip_interface(virtual_address)
    try:
        if ipaddress.ip_address(str(address)) in vip.network and str(address) != str(vip.ip):
            return {"interface": None, "address": str(address)}
    except ValueError:
        pass
    return {"error": f"reverse_proxy_ha_vip: the network facts of {host} could not be gathered (unreachable?) "
                     f"and its ansible_host is not an address in the network of {virtual_address}"}


def reverse_proxy_vrrp_addresses(hostvars, hosts, virtual_address, virtual_address6=""):
    """For each of `hosts`: its VRRP interface and address, from hostvars[host].ansible_facts and its
    reverse_proxy_ha_interface (if set), or from its ansible_host when it has no network facts; with
    `virtual_address6`, the interface for that (interface6, from the facts only); else {error}."""
    result = {}
    for host in hosts:
        variables = hostvars[host]
        facts = variables.get("ansible_facts") or {}
        if not _same_address(variables.get("reverse_proxy_ha_vip6") or "", virtual_address6):
            result[host] = {"error": f"reverse_proxy_ha_vip6 of {host} is {variables.get('reverse_proxy_ha_vip6')!r}, "
                                     f"not {virtual_address6!r}: the proxies of a pair share both addresses"}
        elif facts.get("interfaces"):
            result[host] = vrrp_address(host, facts, virtual_address, variables.get("reverse_proxy_ha_interface") or "")
            if virtual_address6 and "error" not in result[host]:
                result[host].update(ipv6_interface(host, facts, virtual_address6))
        else:
            result[host] = inventory_address(host, variables.get("ansible_host"), virtual_address)
    return result


class FilterModule:
    def filters(self):
        return {"reverse_proxy_vrrp_addresses": reverse_proxy_vrrp_addresses}
