"""Which interface and address each proxy of a pair uses for VRRP, from Ansible's network facts."""
from ansible_collections.ucproxy.nginx.plugins.filter.high_availability import reverse_proxy_vrrp_addresses

VIP = "10.89.0.200/24"


def facts(**interfaces):
    """Network facts as ansible.builtin.setup reports them: interface name -> "address/netmask"."""
    result = {"interfaces": list(interfaces)}
    for name, address in interfaces.items():
        ip, netmask = address.split("/")
        result[name.replace("-", "_")] = {"ipv4": {"address": ip, "netmask": netmask}}
    return result


def addresses(hostvars, virtual_address=VIP, virtual_address6=""):
    return reverse_proxy_vrrp_addresses(hostvars, list(hostvars), virtual_address, virtual_address6)


def test_each_node_gets_the_interface_and_address_in_the_virtual_address_network():
    found = addresses({
        "proxy1": {"ansible_facts": facts(lo="127.0.0.1/255.0.0.0", eth0="192.168.1.5/255.255.255.0",
                                          **{"eth-vrrp": "10.89.0.2/255.255.255.0"})},
        "proxy2": {"ansible_facts": facts(eth0="10.89.0.3/255.255.255.0")},
    })
    assert found == {"proxy1": {"interface": "eth-vrrp", "address": "10.89.0.2"},
                     "proxy2": {"interface": "eth0", "address": "10.89.0.3"}}


def test_the_virtual_address_itself_is_never_a_node_address():
    found = addresses({"proxy1": {"ansible_facts": facts(eth0="10.89.0.200/255.255.255.0",
                                                         eth1="10.89.0.7/255.255.255.0")}})
    assert found["proxy1"] == {"interface": "eth1", "address": "10.89.0.7"}


def test_a_node_outside_the_network_is_named_in_the_error():
    found = addresses({"proxy2": {"ansible_facts": facts(eth0="192.168.1.5/255.255.255.0")}})
    assert found["proxy2"]["error"].startswith("reverse_proxy_ha_vip: 10.89.0.200/24 is in the network of none of "
                                               "proxy2's interfaces")


def test_the_interface_variable_restricts_the_choice():
    node = {"ansible_facts": facts(eth0="10.89.0.2/255.255.255.0", eth1="10.89.0.3/255.255.255.0"),
            "reverse_proxy_ha_interface": "eth1"}
    assert addresses({"proxy1": node})["proxy1"] == {"interface": "eth1", "address": "10.89.0.3"}
    node["reverse_proxy_ha_interface"] = "eth9"
    assert addresses({"proxy1": node})["proxy1"]["error"].startswith("reverse_proxy_ha_interface: eth9 of proxy1 ")


def test_an_unreachable_peer_is_found_by_its_inventory_address():
    found = addresses({"proxy2": {"ansible_facts": {}, "ansible_host": "10.89.0.3"},
                       "proxy3": {"ansible_host": "proxy3.example.com"}})
    assert found["proxy2"] == {"interface": None, "address": "10.89.0.3"}
    assert found["proxy3"]["error"].startswith("reverse_proxy_ha_vip: the network facts of proxy3 could not be gathered")


VIP6 = "fd00:0:0:1::200/64"


def with_ipv6(node_facts, **interfaces):
    """Adds global IPv6 addresses ("address/prefix") and a link-local one to the interfaces."""
    for name, address in interfaces.items():
        ip, prefix = address.split("/")
        node_facts[name]["ipv6"] = [{"address": "fe80::1", "prefix": "64", "scope": "link"},
                                    {"address": ip, "prefix": prefix, "scope": "global"}]
    return node_facts


def test_the_ipv6_virtual_address_goes_to_the_interface_whose_ipv6_network_holds_it():
    node = {"ansible_facts": with_ipv6(facts(eth0="10.89.0.2/255.255.255.0", eth1="192.168.1.5/255.255.255.0"),
                                       eth0="fd00:0:0:9::2/64", eth1="fd00:0:0:1::2/64"),
            "reverse_proxy_ha_vip6": VIP6}
    assert addresses({"proxy1": node}, virtual_address6=VIP6)["proxy1"] == {
        "interface": "eth0", "address": "10.89.0.2", "interface6": "eth1"}


def test_a_node_without_an_address_in_the_ipv6_network_is_named_in_the_error():
    node = {"ansible_facts": with_ipv6(facts(eth0="10.89.0.2/255.255.255.0"), eth0="fd00:0:0:9::2/64"),
            "reverse_proxy_ha_vip6": VIP6}
    assert addresses({"proxy1": node}, virtual_address6=VIP6)["proxy1"]["error"].startswith(
        f"reverse_proxy_ha_vip6: {VIP6} is in the network of none of proxy1's interfaces")


def test_the_nodes_of_a_pair_share_the_ipv6_address():
    found = addresses({"proxy1": {"ansible_facts": facts(eth0="10.89.0.2/255.255.255.0")}}, virtual_address6=VIP6)
    assert found["proxy1"]["error"].startswith("reverse_proxy_ha_vip6 of proxy1 is None, not")


def test_the_ipv6_virtual_address_is_compared_as_an_address_not_as_text():
    node = {"ansible_facts": with_ipv6(facts(eth0="10.89.0.2/255.255.255.0"), eth0="fd00:0:0:1::2/64"),
            "reverse_proxy_ha_vip6": "fd00:0:0:1:0::200/64"}
    assert addresses({"proxy1": node}, virtual_address6=VIP6)["proxy1"]["interface6"] == "eth0"


def test_the_ipv6_virtual_address_itself_is_never_a_node_address():
    node = {"ansible_facts": with_ipv6(facts(eth0="10.89.0.2/255.255.255.0", eth1="10.89.1.2/255.255.255.0"),
                                       eth0="fd00:0:0:1::200/64", eth1="fd00:0:0:1::2/64"),
            "reverse_proxy_ha_vip6": VIP6}
    assert addresses({"proxy1": node}, virtual_address6=VIP6)["proxy1"]["interface6"] == "eth1"
