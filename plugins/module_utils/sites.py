# -*- coding: utf-8 -*-
# Copyright: ucproxy.nginx developers
# MIT License (see LICENSE)
"""What a site is, in one place: the keys an entry of reverse_proxy_sites may have (each standing
for the single-site variable reverse_proxy_<key>, which is its default), and the record of each
site the role works from: its names, every file it has on the host, its certificates, upstream,
headers and access rules, and the name the health gate connects with."""

from __future__ import annotations

import re

from ansible.module_utils.parsing.convert_bool import boolean
from ansible_collections.ucproxy.nginx.plugins.module_utils.server_names import first_concrete_name

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

# The keys that name each certificate a site serves in files and existing mode, with its key and
# (files mode) chain: the first certificate, then the optional second one with an ECDSA key.
CERTIFICATE_KEYS = {
    "files": (
        {"certificate": "certificate_file", "chain": "certificate_chain_file", "key": "certificate_key_file"},
        {"certificate": "certificate_ecdsa_file", "chain": "certificate_ecdsa_chain_file",
         "key": "certificate_ecdsa_key_file"},
    ),
    "existing": (
        {"certificate": "certificate_path", "key": "certificate_key_path"},
        {"certificate": "certificate_ecdsa_path", "key": "certificate_ecdsa_key_path"},
    ),
}

# The files a site has in the TLS directory, <tls dir>/<site><suffix>: the self-signed or copied
# pair, the ECDSA pair next to it, acme mode's links and the bootstrap pair it serves before the
# CA has issued one, and the UCServer's CA. A site removed from the list loses all of them.
TLS_SUFFIXES = {
    "pair": (".fullchain.pem", ".key"),
    "ecdsa_pair": (".ecdsa.fullchain.pem", ".ecdsa.key"),
    "acme_pair": (".acme.fullchain.pem", ".acme.key"),
    "acme_bootstrap": (".acme-bootstrap.fullchain.pem", ".acme-bootstrap.key"),
    "upstream_ca": (".upstream-ca.pem",),
}
# Files 1.x kept per site that belong to the host now (a run removes them; see host_files_of_1x).
SITE_FILES_OF_1X = ("{tls_dir}/{site}.acme-server-ca.pem", "/var/lib/ucproxy-nginx/{site}.applied")

SITES_AVAILABLE = "/etc/nginx/sites-available"
SITES_ENABLED = "/etc/nginx/sites-enabled"
LETSENCRYPT = "/etc/letsencrypt"
# What a site may be called: its name is a file name under sites-available and in the TLS directory.
SITE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def variable(key):
    """The single-site variable a site key stands for."""
    return "reverse_proxy_site_name" if key == "name" else "reverse_proxy_" + key


def site_variables(variables):
    """The sites the host serves, each as the single-site variables that describe it: every entry
    of reverse_proxy_sites on top of the single-site variables (the defaults of every site), or,
    with an empty list, one site made of the single-site variables alone (what 1.x deployed)."""
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


def site_tls_files(name, tls_dir):
    """Every file a site has in the TLS directory, by kind (TLS_SUFFIXES)."""
    return {kind: [f"{tls_dir}/{name}{suffix}" for suffix in suffixes] for kind, suffixes in TLS_SUFFIXES.items()}


def retired_site_files(name, tls_dir):
    """Every file the role may have written for a site, as 1.x did too: what goes when the site
    leaves the list."""
    tls = [path for paths in site_tls_files(name, tls_dir).values() for path in paths]
    return ([f"{SITES_AVAILABLE}/{name}"] + tls
            + [pattern.format(tls_dir=tls_dir, site=name) for pattern in SITE_FILES_OF_1X])


def _pair(paths):
    return {"certificate": paths[0], "key": paths[1]}


def _shown(key, site_name, in_list):
    """How messages name a site's setting: its key in the list, or the single-site variable."""
    return f"reverse_proxy_sites[{site_name}].{key}" if in_list else variable(key)


def certificate_sources(site, in_list=False):
    """files and existing mode: each certificate a site (as site_variables describes it) names, with
    its key (and chain): the values under certificate/key/chain, and how messages name them under
    <that>_variable."""
    mode = site["reverse_proxy_certificate_mode"]
    sources = []
    for index, keys in enumerate(CERTIFICATE_KEYS.get(mode, ())):
        if index == 0 or site.get(variable(keys["certificate"])):
            source = {role: site.get(variable(key)) or "" for role, key in keys.items()}
            source.update({f"{role}_variable": _shown(key, site["reverse_proxy_site_name"], in_list)
                           for role, key in keys.items()})
            sources.append(source)
    return sources


def _controller_files(site, sources, in_list):
    files = []
    if site["reverse_proxy_certificate_mode"] == "files":
        files = [{"variable": source[f"{role}_variable"], "path": source[role]}
                 for source in sources for role in ("certificate", "chain", "key") if source[role]]
    if site["reverse_proxy_upstream_ca_file"]:
        files.append({"variable": _shown("upstream_ca_file", site["reverse_proxy_site_name"], in_list),
                      "path": site["reverse_proxy_upstream_ca_file"]})
    return files


def _upstream(site, tls_files):
    scheme, host = site["reverse_proxy_upstream_scheme"], site["reverse_proxy_upstream_host"]
    port = site["reverse_proxy_upstream_port"]
    if port is None or str(port) == "":
        port = 7225 if scheme == "https" else 7224
    ca_file = site["reverse_proxy_upstream_ca_file"] or ""
    verify = scheme == "https" and bool(ca_file)
    return {
        "name": "ucserver_" + re.sub(r"[^A-Za-z0-9_]", "_", site["reverse_proxy_site_name"]),
        "scheme": scheme,
        "host": host,
        "port": int(port),
        "address": f"{'[' + host + ']' if ':' in host else host}:{port}",
        "keepalive": site["reverse_proxy_upstream_keepalive"],
        # The UCServer's CA: a file on the controller, placed on the host where nginx verifies it.
        "ca_file": ca_file,
        "ca": tls_files["upstream_ca"][0] if verify else "",
        "verify": verify,
    }


def _certificates(site, sources, tls_files, acme_key_type):
    """The certificate pairs nginx serves (in its order) and the self-signed ones the role makes."""
    mode, key_type = site["reverse_proxy_certificate_mode"], site["reverse_proxy_certificate_key_type"]
    own, own_ecdsa = _pair(tls_files["pair"]), _pair(tls_files["ecdsa_pair"])
    if mode == "existing":
        return [{"certificate": s["certificate"], "key": s["key"]} for s in sources], []
    if mode == "acme":
        # nginx reads links to certbot's live files, to the pair the previous mode served until the
        # CA has issued one, or on a fresh host to a self-signed bootstrap pair (nginx must run to
        # answer the http-01 challenge).
        return [_pair(tls_files["acme_pair"])], [dict(_pair(tls_files["acme_bootstrap"]), type=acme_key_type)]
    if mode == "files":
        return [own, own_ecdsa][:len(sources)], []
    if key_type == "both":
        pairs = [dict(own, type="rsa"), dict(own_ecdsa, type="ecdsa")]
    else:
        pairs = [dict(own, type=key_type)]
    return [{"certificate": p["certificate"], "key": p["key"]} for p in pairs], pairs


def acme_lineage(lineage):
    """certbot's files of a lineage: the live certificate (with its chain, and alone) and key, and
    the renewal settings."""
    return {"live": {"certificate": f"{LETSENCRYPT}/live/{lineage}/fullchain.pem",
                     "key": f"{LETSENCRYPT}/live/{lineage}/privkey.pem"},
            "certificate_alone": f"{LETSENCRYPT}/live/{lineage}/cert.pem",
            "renewal_conf": f"{LETSENCRYPT}/renewal/{lineage}.conf"}


def _acme(site, tls_files):
    # certbot's lineage is named after the site.
    lineage = site["reverse_proxy_site_name"]
    return {
        "lineage": lineage,
        **acme_lineage(lineage),
        "links": _pair(tls_files["acme_pair"]),
        "bootstrap": _pair(tls_files["acme_bootstrap"]),
        # The pair a host switching to acme served before: kept until the CA has issued one.
        "previous": _pair(tls_files["pair"]),
    }


def _response_headers(variables, site):
    """The headers nginx adds to every answer of the site: HSTS, the host's hardening headers,
    then the site's own."""
    hsts = ([f"max-age={variables['reverse_proxy_hsts_max_age']}"]
            + (["includeSubDomains"] if variables.get("reverse_proxy_hsts_include_subdomains") else [])
            + (["preload"] if variables.get("reverse_proxy_hsts_preload") else []))
    headers = [{"name": "Strict-Transport-Security", "value": "; ".join(hsts)}]
    if variables.get("reverse_proxy_content_type_nosniff"):
        headers.append({"name": "X-Content-Type-Options", "value": "nosniff"})
    if variables.get("reverse_proxy_referrer_policy"):
        headers.append({"name": "Referrer-Policy", "value": variables["reverse_proxy_referrer_policy"]})
    return headers + list(site["reverse_proxy_extra_headers"] or [])


def site_records(variables):
    """The sites the host serves as complete records (see the role's docs/design.md): tasks loop
    over them and templates read site.<key>; nothing is re-bound per site."""
    tls_dir = variables["reverse_proxy_tls_dir"]
    in_list = bool(variables.get("reverse_proxy_sites"))
    records = []
    for index, site in enumerate(site_variables(variables)):
        name = site["reverse_proxy_site_name"]
        tls_files = site_tls_files(name, tls_dir)
        sources = certificate_sources(site, in_list)
        certificates, selfsigned = _certificates(site, sources, tls_files, variables.get("reverse_proxy_acme_key_type"))
        # The self-signed certificates name every server name, the first one as the subject.
        selfsigned = [dict(pair, names=list(site["reverse_proxy_server_names"] or [])) for pair in selfsigned]
        mode = site["reverse_proxy_certificate_mode"]
        records.append({
            "name": name,
            "server_names": list(site["reverse_proxy_server_names"] or []),
            # The first site's file also holds the servers that refuse unknown names.
            "first": index == 0,
            "config": f"{SITES_AVAILABLE}/{name}",
            "link": f"{SITES_ENABLED}/{name}",
            # Every file the site may have in the TLS directory.
            "tls_files": [path for paths in tls_files.values() for path in paths],
            "upstream": _upstream(site, tls_files),
            "proxy_read_timeout": site["reverse_proxy_proxy_read_timeout"],
            "client_max_body_size": site["reverse_proxy_client_max_body_size"],
            "health_gate_path": site["reverse_proxy_health_gate_path"],
            "health_gate_websocket_path": site["reverse_proxy_health_gate_websocket_path"],
            "certificate_mode": mode,
            "certificate_key_type": site["reverse_proxy_certificate_key_type"],
            "certificate_allow_name_mismatch": boolean(site["reverse_proxy_certificate_allow_name_mismatch"] or False,
                                                       strict=False),
            "certificate_sources": sources,
            # An RSA and an ECDSA certificate: the first one must have the RSA key.
            "dual_certificate": len(certificates) == 2,
            "certificates": certificates,
            "selfsigned": selfsigned,
            "acme": _acme(site, tls_files) if mode == "acme" else None,
            "response_headers": _response_headers(variables, site),
            # What the health gate and the monitoring check request of the site.
            "check": {"server_name": first_concrete_name(list(site["reverse_proxy_server_names"] or [""])),
                      "path": site["reverse_proxy_health_gate_path"],
                      "websocket_path": site["reverse_proxy_health_gate_websocket_path"]},
            # Files of the site the role copies from the controller, with how messages name them.
            "controller_files": _controller_files(site, sources, in_list),
            "access_rules": list(site["reverse_proxy_access_rules"] or []),
            "extra_server_directives": list(site["reverse_proxy_extra_server_directives"] or []),
            "extra_location_directives": list(site["reverse_proxy_extra_location_directives"] or []),
            # How messages name a site's setting (e.g. "reverse_proxy_sites[alpha].server_names").
            "shown": {key: _shown(key, name, in_list) for key in SITE_KEYS},
        })
    return records
