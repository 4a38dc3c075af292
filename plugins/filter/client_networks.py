"""The network each client is counted and banned by (plugins/module_utils/client_networks.py)."""
from ansible_collections.ucproxy.nginx.plugins.module_utils.client_networks import map_entries, trusted_networks


def reverse_proxy_client_network_map(prefix):
    """nginx `map $remote_addr` entries: each a dict of `pattern` and `value`."""
    return [{"pattern": pattern, "value": value} for pattern, value in map_entries(int(prefix))]


def reverse_proxy_ban_trusted(networks, prefix):
    """The trusted networks as fail2ban's ignoreip needs them (IPv6 ones at least a client's network)."""
    return trusted_networks(networks, int(prefix))


class FilterModule:
    def filters(self):
        return {"reverse_proxy_client_network_map": reverse_proxy_client_network_map,
                "reverse_proxy_ban_trusted": reverse_proxy_ban_trusted}
