"""Server-name filters for the reverse_proxy role; the rules live in plugins/module_utils/server_names.py."""
from ansible_collections.ucproxy.nginx.plugins.module_utils.server_names import first_concrete_name


def reverse_proxy_first_concrete_name(names):
    """The name a check connects with: the first name without a wildcard, else the first wildcard
    with a label of ours in place of the '*'."""
    return first_concrete_name(list(names))


class FilterModule:
    def filters(self):
        return {"reverse_proxy_first_concrete_name": reverse_proxy_first_concrete_name}
