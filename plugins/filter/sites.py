"""The sites of the reverse_proxy role; what a site is lives in plugins/module_utils/sites.py."""
from ansible_collections.ucproxy.nginx.plugins.module_utils.server_names import first_concrete_name
from ansible_collections.ucproxy.nginx.plugins.module_utils.sites import retired_site_files, site_records, site_variables


def reverse_proxy_sites(variables):
    """Each site the host serves as the single-site variables (reverse_proxy_*) that describe it."""
    return site_variables(dict(variables))


def reverse_proxy_site_records(variables):
    """Each site the host serves as the record the role works from."""
    return site_records(dict(variables))


def reverse_proxy_retired_site_files(names, tls_dir):
    """Every file the role may have written for the sites named."""
    return [path for name in names for path in retired_site_files(name, tls_dir)]


def reverse_proxy_check_targets(sites):
    """What a check of each site requests: the name it connects with and the health gate's paths."""
    return [{"server_name": first_concrete_name(list(site["reverse_proxy_server_names"])),
             "path": site["reverse_proxy_health_gate_path"],
             "websocket_path": site["reverse_proxy_health_gate_websocket_path"]} for site in sites]


class FilterModule:
    def filters(self):
        return {"reverse_proxy_sites": reverse_proxy_sites, "reverse_proxy_site_records": reverse_proxy_site_records,
                "reverse_proxy_retired_site_files": reverse_proxy_retired_site_files,
                "reverse_proxy_check_targets": reverse_proxy_check_targets}
