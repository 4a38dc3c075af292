"""Input checks for the reverse_proxy role that argument specs cannot express.

Every check returns messages that start with the offending variable's name, so a play that
fails validation tells the admin exactly what to fix, before anything on the host changes.
Values end up inside nginx configuration files, so anything that could carry nginx syntax
(a ; { } quote, newline or stray $) is rejected, never escaped. The checks are grouped by the
variables they look at, in the order of defaults/main.yml.
"""
import difflib
import ipaddress
import re

from ansible.module_utils.common.validation import (
    check_type_bool, check_type_dict, check_type_int, check_type_list, check_type_path, check_type_str)
from ansible_collections.ucproxy.nginx.plugins.module_utils.client_networks import PREFIXES as CLIENT_PREFIXES
from ansible_collections.ucproxy.nginx.plugins.module_utils.server_names import (
    covers, is_host_name, is_server_name, is_wildcard)
from ansible_collections.ucproxy.nginx.plugins.module_utils.sites import (
    CERTIFICATE_KEYS, REQUIRED_KEYS, SITE_KEYS, SITE_NAME, certificate_sources, site_variables, variable)

NGINX_TIME = re.compile(r"^([0-9]+(ms|[smhdwMy])?)+$")
NGINX_SIZE = re.compile(r"^[0-9]+[kKmMgG]?$")
URL_PATH = re.compile(r"^/[A-Za-z0-9._~/-]*$")
HEADER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
DIRECTIVE = re.compile(r"^[a-z_][a-z0-9_]*(\s+\S.*)?$")
CIPHER = re.compile(r"^[A-Za-z0-9_+!@=.-]+$")
HOST_PATH = re.compile(r"^/[A-Za-z0-9._@+,=/-]*$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
MIRROR_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/%-]*)?$")
# An unattended-upgrades origin pattern: key=value pairs, without what would end apt's quoted string.
ORIGIN_PATTERN = re.compile(r'^[a-z]+=[^,"\\\n]+(,[a-z]+=[^,"\\\n]+)*$')
HTTPS_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/%-]*)?$")
# certbot's DNS plugins (python3-certbot-<name> in Debian) and their credentials files' settings.
DNS_PLUGIN = re.compile(r"^dns-[a-z0-9]+(-[a-z0-9]+)*$")
CREDENTIAL_KEY = re.compile(r"^[A-Za-z0-9_]+$")
RFC2136_REQUIRED = ("dns_rfc2136_server", "dns_rfc2136_name", "dns_rfc2136_secret")
REFERRER_POLICY = re.compile(r"^[a-z-]+(,\s*[a-z-]+)*$")
QUERY_PARAMETER = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Linux interface names: at most 15 characters, no / or white space (keepalived reads them unquoted).
INTERFACE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,14}$")
TLS_PROTOCOLS = ("TLSv1.2", "TLSv1.3")
# A header value goes into an nginx double-quoted string: only these could end the string or
# expand inside it (control characters are refused separately). ; and ' are harmless there.
HEADER_VALUE_FORBIDDEN = set('"\\$')

# The variables that name each certificate the role serves in files and existing mode, with its
# key and (files mode) chain (plugins/module_utils/sites.py).
CERTIFICATE_VARIABLES = {mode: tuple({role: variable(key) for role, key in pair.items()} for pair in pairs)
                         for mode, pairs in CERTIFICATE_KEYS.items()}
# Other files the role copies from the controller.
CONTROLLER_FILES = ("reverse_proxy_dhparam_file", "reverse_proxy_upstream_ca_file", "reverse_proxy_acme_ca_file")


def _port(value):
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535


def _ip(value):
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


def _cidr(value):
    try:
        ipaddress.ip_network(value, strict=False)
        return True
    except ValueError:
        return False


def _host(value):
    return isinstance(value, str) and (_ip(value) or is_host_name(value))


def _nginx_time(value, zero_allowed):
    text = str(value)
    return bool(NGINX_TIME.match(text)) and (zero_allowed or bool(re.search(r"[1-9]", text)))


def _control_characters(text):
    return sorted({repr(c) for c in text if not c.isprintable()})


def _site_errors(v):
    errors = []
    site = v.get("reverse_proxy_site_name", "")
    if not isinstance(site, str) or not SITE_NAME.match(site) or site in ("default", "..", "."):
        errors.append(f"reverse_proxy_site_name: {site!r} must be a plain file name (letters, digits, . _ -) "
                      "other than 'default'")
    names = v.get("reverse_proxy_server_names") or []
    if not names:
        errors.append("reverse_proxy_server_names: give at least one DNS name the UCServer is published under")
    for name in names:
        if not is_server_name(name):
            errors.append(f"reverse_proxy_server_names: {name!r} is not a DNS name (a leading '*.' wildcard "
                          "is allowed)")
    if len(set(map(str, names))) != len(names):
        errors.append("reverse_proxy_server_names: names are listed more than once")
    if not _port(v.get("reverse_proxy_public_https_port")):
        errors.append(f"reverse_proxy_public_https_port: {v.get('reverse_proxy_public_https_port')!r} is not a "
                      "port (1-65535)")
    return errors


def _upstream_errors(v):
    errors = []
    host = v.get("reverse_proxy_upstream_host", "")
    if not host:
        errors.append("reverse_proxy_upstream_host: give the UCServer's host name or IP address")
    elif not _host(host):
        errors.append(f"reverse_proxy_upstream_host: {host!r} is neither a host name nor an IP address")
    port = v.get("reverse_proxy_upstream_port")
    if port not in (None, "") and not _port(port):
        errors.append(f"reverse_proxy_upstream_port: {port!r} is not a port (1-65535)")
    if v.get("reverse_proxy_upstream_ca_file") and v.get("reverse_proxy_upstream_scheme") != "https":
        errors.append("reverse_proxy_upstream_ca_file: only used with reverse_proxy_upstream_scheme: https")
    keepalive = v.get("reverse_proxy_upstream_keepalive", 0)
    if not isinstance(keepalive, int) or keepalive < 0:
        errors.append(f"reverse_proxy_upstream_keepalive: {keepalive!r} must be 0 or more")
    timeout = v.get("reverse_proxy_proxy_read_timeout", "")
    if not _nginx_time(timeout, zero_allowed=False):
        errors.append(f"reverse_proxy_proxy_read_timeout: {timeout!r} is not an nginx time above zero "
                      "(e.g. 3600s, 60m, 1h)")
    size = str(v.get("reverse_proxy_client_max_body_size", ""))
    if not NGINX_SIZE.match(size):
        errors.append(f"reverse_proxy_client_max_body_size: {size!r} is not an nginx size (e.g. 10m, 512k, 0)")
    return errors


def _health_gate_errors(v):
    errors = []
    for name, may_be_empty in (("reverse_proxy_health_gate_path", False),
                               ("reverse_proxy_health_gate_websocket_path", True)):
        value = v.get(name) or ""
        if not (may_be_empty and value == "") and not URL_PATH.match(str(value)):
            errors.append(f"{name}: {value!r} must be a path starting with / (letters, digits and . _ ~ / -)")
    timeout = v.get("reverse_proxy_health_gate_timeout")
    if not str(timeout).isdigit() or int(timeout) < 1:
        errors.append("reverse_proxy_health_gate_timeout: must be a whole number of seconds, at least 1")
    return errors


def _capacity_errors(v):
    errors = []
    clients = v.get("reverse_proxy_max_clients", 1)
    if not isinstance(clients, int) or clients < 1:
        errors.append(f"reverse_proxy_max_clients: {clients!r} must be at least 1")
    shutdown = v.get("reverse_proxy_worker_shutdown_timeout") or ""
    if shutdown and not _nginx_time(shutdown, zero_allowed=True):
        errors.append(f"reverse_proxy_worker_shutdown_timeout: {shutdown!r} is not an nginx time (e.g. 1h, 600s) "
                      "or empty")
    return errors


def _tls_errors(v):
    errors = []
    if v.get("reverse_proxy_tls_profile") == "custom":
        protocols = v.get("reverse_proxy_tls_protocols") or []
        if not protocols or any(p not in TLS_PROTOCOLS for p in protocols):
            errors.append(f"reverse_proxy_tls_protocols: {protocols!r} must list TLSv1.2 and/or TLSv1.3 "
                          "(TLS 1.0/1.1 are deprecated by RFC 8996)")
    for cipher in v.get("reverse_proxy_tls_ciphers") or []:
        if not isinstance(cipher, str) or not CIPHER.match(cipher):
            errors.append(f"reverse_proxy_tls_ciphers: {cipher!r} is not an OpenSSL cipher name")
    if v.get("reverse_proxy_hsts_max_age", 0) < 0:
        errors.append("reverse_proxy_hsts_max_age: must be 0 or more seconds")
    if v.get("reverse_proxy_hsts_preload") and not (
            v.get("reverse_proxy_hsts_include_subdomains") and v.get("reverse_proxy_hsts_max_age", 0) >= 31536000):
        errors.append("reverse_proxy_hsts_preload: needs reverse_proxy_hsts_include_subdomains: true and "
                      "reverse_proxy_hsts_max_age >= 31536000")
    if v.get("reverse_proxy_ocsp_stapling") and not v.get("reverse_proxy_resolvers"):
        errors.append("reverse_proxy_resolvers: reverse_proxy_ocsp_stapling needs DNS resolvers nginx can ask")
    for resolver in v.get("reverse_proxy_resolvers") or []:
        text = str(resolver)
        if not _host(text.rsplit(":", 1)[0] if text.count(":") == 1 else text):
            errors.append(f"reverse_proxy_resolvers: {resolver!r} is not a resolver address")
    mode = v.get("reverse_proxy_dhparam_mode")
    if mode == "file" and not v.get("reverse_proxy_dhparam_file"):
        errors.append("reverse_proxy_dhparam_file: required with reverse_proxy_dhparam_mode: file")
    if mode == "generate" and v.get("reverse_proxy_dhparam_size") not in (2048, 3072, 4096):
        errors.append(f"reverse_proxy_dhparam_size: {v.get('reverse_proxy_dhparam_size')!r} must be 2048, 3072 or 4096")
    return errors


def _header_errors(v):
    errors = []
    for header in v.get("reverse_proxy_extra_headers") or []:
        name = header.get("name", "") if isinstance(header, dict) else ""
        value = str(header.get("value", "")) if isinstance(header, dict) else ""
        if not HEADER_NAME.match(str(name)):
            errors.append(f"reverse_proxy_extra_headers: header name {name!r} must be letters, digits and '-'")
        bad = sorted({repr(c) for c in value if c in HEADER_VALUE_FORBIDDEN}) + _control_characters(value)
        if not value or bad:
            errors.append(f"reverse_proxy_extra_headers: value of {name!r} must be non-empty text without "
                          f"double quotes, backslashes, $ or control characters (found {', '.join(bad) or 'empty'})")
    referrer = v.get("reverse_proxy_referrer_policy", "")
    if referrer and not REFERRER_POLICY.match(str(referrer)):
        errors.append(f"reverse_proxy_referrer_policy: {referrer!r} is not a Referrer-Policy value")
    return errors


def _access_rule_errors(v):
    errors = []
    paths = []
    for rule in v.get("reverse_proxy_access_rules") or []:
        path = rule.get("path", "") if isinstance(rule, dict) else ""
        paths.append(str(path))
        if not URL_PATH.match(str(path)) or "/../" in str(path) + "/":
            errors.append(f"reverse_proxy_access_rules: path {path!r} must start with / and use only "
                          "letters, digits and . _ ~ / -")
        allow = rule.get("allow") if isinstance(rule, dict) else None
        if not isinstance(allow, list) or not allow:
            errors.append(f"reverse_proxy_access_rules: rule for {path!r} needs a non-empty 'allow' list of CIDRs")
        for cidr in allow or []:
            if not _cidr(str(cidr)):
                errors.append(f"reverse_proxy_access_rules: {cidr!r} (rule for {path!r}) is not an IP address or CIDR")
    if len(set(paths)) != len(paths):
        errors.append("reverse_proxy_access_rules: a path is listed more than once")
    return errors


def _extra_directive_errors(v):
    errors = []
    for name in ("reverse_proxy_extra_server_directives", "reverse_proxy_extra_location_directives"):
        for directive in v.get(name) or []:
            text = str(directive)
            bad = sorted({repr(c) for c in text if c in ";{}#\n\r"})
            if bad or not DIRECTIVE.match(text.strip()) or text.count('"') % 2 or text.count("'") % 2:
                errors.append(f"{name}: {text!r} must be one nginx directive without the trailing ';' "
                              f"(no ; {{ }} # or line breaks, balanced quotes; found {', '.join(bad) or 'bad form'})")
    return errors


def _certificate_errors(v):
    errors = []
    mode = v.get("reverse_proxy_certificate_mode")
    first, second = CERTIFICATE_VARIABLES.get(mode, ({}, {}))
    for role in ("certificate", "key"):
        if first and not v.get(first[role]):
            errors.append(f"{first[role]}: required with reverse_proxy_certificate_mode: {mode} "
                          f"({'a file on the controller' if mode == 'files' else 'a path on the host'})")
    for pair in CERTIFICATE_VARIABLES.values():
        certificate, key = pair[1]["certificate"], pair[1]["key"]
        if bool(v.get(certificate)) != bool(v.get(key)):
            errors.append(f"{key if v.get(certificate) else certificate}: the ECDSA certificate needs both "
                          f"{certificate} and {key}")
    host_paths = ["reverse_proxy_tls_dir"] + [name for pair in CERTIFICATE_VARIABLES["existing"] for name in pair.values()]
    for name in host_paths:
        value = v.get(name) or ""
        if value and (not HOST_PATH.match(value) or "/../" in value + "/"):
            errors.append(f"{name}: {value!r} must be an absolute path without spaces, quotes, ; {{ }} $ or '..'")
    controller_paths = [name for pair in CERTIFICATE_VARIABLES["files"] for name in pair.values()] + list(CONTROLLER_FILES)
    for name in controller_paths:
        value = v.get(name) or ""
        if any(c in value for c in "\n\r"):
            errors.append(f"{name}: {value!r} contains a line break")
    if mode == "acme":
        errors += _acme_errors(v)
    return errors


def _acme_errors(v):
    errors = []
    if v.get("reverse_proxy_acme_agree_tos") is not True:
        errors.append("reverse_proxy_acme_agree_tos: set it to true to agree to the ACME CA's terms of service "
                      "(required with reverse_proxy_certificate_mode: acme)")
    dns = v.get("reverse_proxy_acme_challenge") == "dns-01"
    names = [str(name).lower() for name in v.get("reverse_proxy_server_names") or []]
    for name in names:
        if is_wildcard(name) and not dns:
            errors.append(f"reverse_proxy_server_names: {name!r} is a wildcard; the http-01 challenge cannot "
                          "validate wildcards (reverse_proxy_acme_challenge: dns-01 can)")
        elif not is_wildcard(name) and "*." + name.partition(".")[2] in names:
            # Let's Encrypt refuses such an order.
            errors.append(f"reverse_proxy_server_names: {name!r} is covered by "
                          f"{'*.' + name.partition('.')[2]!r}; a CA refuses to list both in one certificate")
    if dns:
        errors += _acme_dns_errors(v)
    email = v.get("reverse_proxy_acme_email") or ""
    if email and not EMAIL.match(str(email)):
        errors.append(f"reverse_proxy_acme_email: {email!r} is not an e-mail address")
    url = v.get("reverse_proxy_acme_directory_url") or ""
    if url and not HTTPS_URL.match(str(url)):
        errors.append(f"reverse_proxy_acme_directory_url: {url!r} must be an https:// URL")
    errors += _whole_number_errors(v, "reverse_proxy_acme_renew_before_days", 0, 3650)
    peers = v.get("reverse_proxy_acme_peers") or []
    for peer in peers.split(",") if isinstance(peers, str) else peers:
        if not _host(str(peer).strip()):
            errors.append(f"reverse_proxy_acme_peers: {peer!r} is neither an IP address nor a host name")
    return errors


def _acme_dns_errors(v):
    errors = _whole_number_errors(v, "reverse_proxy_acme_dns_propagation_seconds", 0, 3600)
    plugin = str(v.get("reverse_proxy_acme_dns_authenticator") or "")
    if not DNS_PLUGIN.match(plugin):
        errors.append(f"reverse_proxy_acme_dns_authenticator: {plugin!r} is not a certbot DNS plugin name "
                      "(dns-rfc2136, dns-cloudflare, ...)")
    credentials = v.get("reverse_proxy_acme_dns_credentials") or {}
    for key, value in credentials.items():
        # Values are not shown: they may be secrets. They are written in double quotes.
        if not CREDENTIAL_KEY.match(str(key)) or any(character in str(value) for character in '\r\n"'):
            errors.append(f"reverse_proxy_acme_dns_credentials: the setting {key!r} needs a name of letters, "
                          "digits and _ and a value on one line without a double quote")
    if plugin == "dns-rfc2136":
        missing = [key for key in RFC2136_REQUIRED if not credentials.get(key)]
        if missing:
            errors.append(f"reverse_proxy_acme_dns_credentials: dns-rfc2136 needs {', '.join(missing)}")
    return errors


def _logging_errors(v):
    errors = []
    for name in v.get("reverse_proxy_log_masked_parameters") or []:
        if not isinstance(name, str) or not QUERY_PARAMETER.match(name):
            errors.append(f"reverse_proxy_log_masked_parameters: {name!r} is not a query parameter name "
                          "(letters, digits, . _ -)")
    return errors


def _login_protection_errors(v):
    errors = []
    for name, least in (("reverse_proxy_login_rate_limit", 0), ("reverse_proxy_login_rate_burst", 0),
                        ("reverse_proxy_ban_max_failures", 1), ("reverse_proxy_ban_find_time", 1),
                        ("reverse_proxy_ban_time", 1)):
        value = v.get(name, least)
        if not isinstance(value, int) or isinstance(value, bool) or value < least:
            errors.append(f"{name}: {value!r} must be a whole number of at least {least}")
    for name in ("reverse_proxy_ban_trusted_networks", "reverse_proxy_trusted_proxies"):
        for cidr in v.get(name) or []:
            if not _cidr(str(cidr)):
                errors.append(f"{name}: {cidr!r} is not an IP address or CIDR")
    prefix = v.get("reverse_proxy_ipv6_client_prefix", 64)
    if str(prefix) not in map(str, CLIENT_PREFIXES):  # -e gives a string
        errors.append(f"reverse_proxy_ipv6_client_prefix: {prefix!r} must be one of "
                      f"{', '.join(map(str, CLIENT_PREFIXES))} (whole 16-bit groups)")
    return errors


def _whole_number_errors(v, name, least, most):
    value = v.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not least <= value <= most:
        return [f"{name}: {value!r} must be a whole number from {least} to {most}"]
    return []


def _monitoring_errors(v):
    errors = _whole_number_errors(v, "reverse_proxy_certificate_warning_days", 1, 3650)
    errors += _whole_number_errors(v, "reverse_proxy_certificate_critical_days", 0, 3650)
    if not errors and v["reverse_proxy_certificate_critical_days"] > v["reverse_proxy_certificate_warning_days"]:
        errors.append("reverse_proxy_certificate_critical_days: must not be more than "
                      "reverse_proxy_certificate_warning_days (CRITICAL comes after WARNING)")
    listen = str(v.get("reverse_proxy_metrics_listen", ""))
    match = re.match(r"^(\[[0-9A-Fa-f:.]+\]|[0-9.]+):([0-9]{1,5})$", listen)
    if not match or not _ip(match.group(1).strip("[]")) or not _port(int(match.group(2))):
        errors.append(f"reverse_proxy_metrics_listen: {listen!r} must be address:port, for example "
                      "127.0.0.1:9113 or [::1]:9113")
    if not _port(v.get("reverse_proxy_metrics_status_port")) or v.get("reverse_proxy_metrics_status_port") in (80, 443):
        errors.append(f"reverse_proxy_metrics_status_port: {v.get('reverse_proxy_metrics_status_port')!r} must "
                      "be a port other than 80 and 443")
    return errors


def _security_update_errors(v):
    errors = []
    for origin in v.get("reverse_proxy_security_updates_origins") or []:
        if not isinstance(origin, str) or not ORIGIN_PATTERN.fullmatch(origin):
            errors.append(f"reverse_proxy_security_updates_origins: {origin!r} is not an origin pattern "
                          "(key=value pairs separated by commas, for example origin=Debian,codename=bookworm-updates)")
    uri = v.get("reverse_proxy_security_source_uri") or ""
    if uri and not MIRROR_URL.fullmatch(str(uri)):
        errors.append(f"reverse_proxy_security_source_uri: {uri!r} is not an http or https URL of a mirror")
    return errors


def _high_availability_errors(v):
    vip = v.get("reverse_proxy_ha_vip") or ""
    if not vip:
        return ["reverse_proxy_ha_vip6: set, but reverse_proxy_ha_vip is empty (the IPv6 address moves with the "
                "pair's IPv4 address)"] if v.get("reverse_proxy_ha_vip6") else []
    errors = []
    try:
        address = ipaddress.IPv4Interface(str(vip))
        if "/" not in str(vip) or address.network.prefixlen > 30 or address.ip in (
                address.network.network_address, address.network.broadcast_address):
            raise ValueError
    except ValueError:
        errors.append(f"reverse_proxy_ha_vip: {vip!r} must be an IPv4 host address with the prefix length of "
                      "its network, for example 192.0.2.10/24")
    vip6 = v.get("reverse_proxy_ha_vip6") or ""
    if vip6:
        try:
            address = ipaddress.IPv6Interface(str(vip6))
            if "/" not in str(vip6) or address.network.prefixlen > 126 or address.ip == address.network.network_address:
                raise ValueError
        except ValueError:
            errors.append(f"reverse_proxy_ha_vip6: {vip6!r} must be an IPv6 host address with the prefix length of "
                          "its network, for example 2001:db8::10/64")
    interface = v.get("reverse_proxy_ha_interface") or ""
    if interface and not INTERFACE.match(str(interface)):
        errors.append(f"reverse_proxy_ha_interface: {interface!r} is not a network interface name")
    errors += _whole_number_errors(v, "reverse_proxy_ha_router_id", 1, 255)
    if v.get("reverse_proxy_ha_priority") not in (None, ""):
        errors += _whole_number_errors(v, "reverse_proxy_ha_priority", 1, 254)
    return errors


CHECKS = (_site_errors, _upstream_errors, _health_gate_errors, _capacity_errors, _tls_errors, _header_errors,
          _access_rule_errors, _extra_directive_errors, _logging_errors, _login_protection_errors,
          _monitoring_errors, _security_update_errors, _high_availability_errors, _certificate_errors)


# How an argument spec's types are checked for the keys of a site, which stand for single-site
# options (the spec of reverse_proxy_sites describes its keys by reference to them): with the
# conversions the argument specs allow (3600 for a str, "yes" for a bool), as 1.x accepted them.
SPEC_TYPES = {"str": lambda value: check_type_str(value, allow_conversion=True), "path": check_type_path,
              "int": check_type_int, "bool": check_type_bool, "list": check_type_list, "dict": check_type_dict}


def _spec_errors(name, value, spec):
    """A value against an option's type, elements and choices, as the argument specs would check it."""
    if value is None:
        return []
    convert = SPEC_TYPES.get(spec.get("type"), lambda anything: anything)
    try:
        value = convert(value)
        if spec.get("type") == "list" and spec.get("elements") in SPEC_TYPES:
            value = [SPEC_TYPES[spec["elements"]](element) for element in value]
    except (TypeError, ValueError):
        of = f" with elements of type {spec['elements']}" if spec.get("elements") else ""
        return [f"{name}: {value!r} is not of type {spec['type']}{of}"]
    if "choices" in spec and value not in spec["choices"]:
        return [f"{name}: {value!r} is not one of {', '.join(map(str, spec['choices']))}"]
    return []


def _site_list_errors(entries, options):
    """The list itself: entries are dictionaries of site keys, typed as the single-site options they
    stand for, each names itself and its server names, and neither a site name nor a server name
    belongs to two sites."""
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        return ["reverse_proxy_sites: must be a list of sites, each a dictionary (name, server_names, ...)"]
    errors = []
    owners = {}
    names = [str(entry.get("name") or "") for entry in entries]
    for index, entry in enumerate(entries):
        site = f"reverse_proxy_sites[{names[index]}]" if names[index] else f"reverse_proxy_sites[{index}]"
        for key in REQUIRED_KEYS:
            if not entry.get(key):
                errors.append(f"{site}.{key}: every site needs it")
        if not isinstance(entry.get("server_names") or [], list):
            errors.append(f"{site}.server_names: must be a list of DNS names")
            continue
        for key in sorted(set(map(str, entry)) - set(SITE_KEYS)):
            if f"reverse_proxy_{key}" in options:
                errors.append(f"{site}.{key}: belongs to the host, not to a site (set reverse_proxy_{key})")
            else:
                close = difflib.get_close_matches(key, SITE_KEYS, n=1)
                errors.append(f"{site}.{key}: not a key of a site" + (f" (did you mean {close[0]}?)" if close else ""))
        for key in (key for key in SITE_KEYS if key in entry and isinstance(options, dict)):
            errors += _spec_errors(f"{site}.{key}", entry[key], options.get(variable(key), {}))
        for server_name in entry.get("server_names") or []:
            owner = owners.setdefault(str(server_name).lower(), names[index])
            if owner != names[index]:
                errors.append(f"{site}.server_names: {server_name!r} is already a name of site {owner!r} "
                              "(a name belongs to one site)")
    for name in sorted({name for name in names if name and names.count(name) > 1}):
        errors.append(f"reverse_proxy_sites: the site name {name!r} is used more than once")
    # A site's files are <tls dir>/<name>.<what> and its upstream block ucserver_<name with _ for
    # anything but letters and digits>: no name may run into another's.
    for name in sorted(set(names)):
        for other in sorted(set(names) - {name}):
            if name and other and (other.startswith(name + ".") or re.sub(r"\W", "_", name) == re.sub(r"\W", "_", other)):
                errors.append(f"reverse_proxy_sites[{other}].name: too close to the site name {name!r} (their "
                              "files or upstream blocks would share names)")
    return errors


SITE_VARIABLE = re.compile(r"\breverse_proxy_[a-z0-9_]+\b")


def _in_site(message, site):
    """A message about a site's value, naming the site's key instead of the single-site variable."""
    keys = {variable(key): key for key in SITE_KEYS}
    return SITE_VARIABLE.sub(lambda m: f"reverse_proxy_sites[{site}].{keys[m.group(0)]}" if m.group(0) in keys
                             else m.group(0), message)


def reverse_proxy_input_errors(variables, known):
    """All problems with the role's inputs; `known` is the role's options (their argument specs, or
    only their names). With reverse_proxy_sites, every site's keys are checked against the specs of
    the single-site options they stand for, every site is checked with the single-site variables as
    its defaults, and messages about a site's values name the site and its key."""
    v = dict(variables)
    errors = []
    for name in sorted(set(v) - set(known)):
        close = difflib.get_close_matches(name, list(known), n=1)
        errors.append(f"{name}: not an option of the role" + (f" (did you mean {close[0]}?)" if close else ""))
    entries = v.get("reverse_proxy_sites") or []
    if entries:
        errors += _site_list_errors(entries, known)
        if errors:
            return errors
    for site in site_variables(v):
        for check in CHECKS:
            for message in check({**v, **site}):
                message = _in_site(message, site["reverse_proxy_site_name"]) if entries else message
                if message not in errors:
                    errors.append(message)
    return errors


def reverse_proxy_certificate_sources(variables):
    """The certificates the files/existing variables name, each with its key (and chain): their values
    under certificate/key/chain, and the variables' names under <that>_variable."""
    return certificate_sources(dict(variables))


def reverse_proxy_certificate_problems(site, certificates, keys):
    """What is wrong with the certificates a site names in files or existing mode, each message
    naming the variable: `certificates` and `keys` are what community.crypto's x509_certificate_info
    and openssl_privatekey_info say of each of site["certificate_sources"], in that order."""
    problems = []
    for index, (source, certificate, key) in enumerate(zip(site["certificate_sources"], certificates, keys)):
        if certificate["public_key"] != key["public_key"]:
            problems.append(f"{source['certificate_variable']}: the certificate does not belong to the private key "
                            f"in {source['key_variable']};")
        if (key["type"] != "ECC") if index == 1 else (key["type"] != "RSA" and site["dual_certificate"]):
            problems.append(f"{source['key_variable']}: the key is {key['type']}, but with two certificates the "
                            "first one must have an RSA key and the _ecdsa one an ECDSA (ECC) key;")
        if certificate["expired"]:
            problems.append(f"{source['certificate_variable']}: the certificate expired on {certificate['not_after']};")
        names = certificate.get("subject_alt_name") or []
        uncovered = reverse_proxy_uncovered_names(names, site["server_names"])
        if uncovered and not site["certificate_allow_name_mismatch"]:
            # In a list, the usual cause is a site that inherits the single-site certificate.
            inherits = (" (a site that leaves them out serves the single-site certificate)"
                        if source["certificate_variable"].startswith("reverse_proxy_sites[") else "")
            problems.append(f"{site['shown']['server_names']}: {', '.join(uncovered)} not covered by the certificate "
                            f"in {source['certificate_variable']} (it names {', '.join(names)}); give the site a "
                            f"certificate that names them in {source['certificate_variable']} and "
                            f"{source['key_variable']}{inherits}, or set "
                            f"{site['shown']['certificate_allow_name_mismatch']}: true to serve this one anyway.")
    return problems


def reverse_proxy_uncovered_names(subject_alt_names, server_names):
    """Server names no DNS entry of the certificate's subjectAltName covers."""
    dns = [san[4:] for san in subject_alt_names or [] if san.startswith("DNS:")]
    return [name for name in server_names if not any(covers(pattern, name) for pattern in dns)]


class FilterModule:
    def filters(self):
        return {
            "reverse_proxy_input_errors": reverse_proxy_input_errors,
            "reverse_proxy_certificate_sources": reverse_proxy_certificate_sources,
            "reverse_proxy_uncovered_names": reverse_proxy_uncovered_names,
            "reverse_proxy_certificate_problems": reverse_proxy_certificate_problems,
        }
