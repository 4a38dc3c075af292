# -*- coding: utf-8 -*-
# Copyright: ucproxy.nginx developers
# MIT License (see LICENSE)
"""What a site is, in one place: the keys an entry of reverse_proxy_sites may have, each standing
for the single-site variable reverse_proxy_<key>, and how the list and the single-site variables
make the sites a host serves."""

from __future__ import annotations

# Everything else (TLS profile, DH parameters, sizing, logging, bans, ACME account, HA) belongs to
# the host.
SITE_KEYS = (
    "name", "server_names",
    "upstream_host", "upstream_scheme", "upstream_port", "upstream_ca_file", "upstream_keepalive",
    "proxy_read_timeout", "client_max_body_size",
    "health_gate_path", "health_gate_websocket_path",
    "certificate_mode", "certificate_key_type",
    "certificate_file", "certificate_chain_file", "certificate_key_file",
    "certificate_ecdsa_file", "certificate_ecdsa_chain_file", "certificate_ecdsa_key_file",
    "certificate_path", "certificate_key_path", "certificate_ecdsa_path", "certificate_ecdsa_key_path",
    "certificate_allow_name_mismatch",
    "access_rules", "extra_headers", "extra_server_directives", "extra_location_directives",
)
# Keys every entry of the list names itself (the others default to the single-site variable).
REQUIRED_KEYS = ("name", "server_names")


def variable(key):
    """The single-site variable a site key stands for."""
    return "reverse_proxy_site_name" if key == "name" else "reverse_proxy_" + key


def site_variables(variables):
    """The sites the host serves, each as the single-site variables it renders with: every entry of
    reverse_proxy_sites on top of the single-site variables (the defaults of every site), or, with
    an empty list, one site made of the single-site variables alone (what 1.x deployed)."""
    defaults = {variable(key): variables.get(variable(key)) for key in SITE_KEYS}
    entries = variables.get("reverse_proxy_sites") or []
    if not entries:
        return [defaults]
    sites = []
    for entry in entries:
        site = dict(defaults)
        site.update({variable(key): value for key, value in (entry or {}).items()
                     if key in SITE_KEYS and value is not None})
        sites.append(site)
    return sites
