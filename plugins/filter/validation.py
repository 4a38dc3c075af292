"""Input checks for the reverse_proxy role that argument specs cannot express.

Every check returns messages that start with the offending variable's name, so a play that
fails validation tells the admin exactly what to fix, before anything on the host changes.
Values end up inside nginx configuration files, so anything that could carry nginx syntax
(a ; { } quote, newline or stray $) is rejected, never escaped.
"""
import difflib
import ipaddress
import re


LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
HOSTNAME = re.compile(rf"^{LABEL}(\.{LABEL})*\.?$")
SERVER_NAME = re.compile(rf"^(\*\.)?{LABEL}(\.{LABEL})*$")
SITE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
NGINX_TIME = re.compile(r"^([0-9]+(ms|[smhdwMy])?)+$")
NGINX_SIZE = re.compile(r"^[0-9]+[kKmMgG]?$")
URL_PATH = re.compile(r"^/[A-Za-z0-9._~/-]*$")
HEADER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
HEADER_VALUE = re.compile(r"^[\x20-\x7e]*$")
DIRECTIVE = re.compile(r"^[a-z_][a-z0-9_]*(\s+\S.*)?$")
CIPHER = re.compile(r"^[A-Za-z0-9_+!@=.-]+$")
HOST_PATH = re.compile(r"^/[A-Za-z0-9._@+,=/-]*$")
FORBIDDEN = set(';{}"\'$\\\n\r\t')
TLS_PROTOCOLS = ("TLSv1.2", "TLSv1.3")


def _syntax(value):
    """The nginx syntax characters in a value, for the message."""
    return sorted({repr(c) for c in str(value) if c in FORBIDDEN or not c.isprintable()})


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
    return isinstance(value, str) and (_ip(value) or bool(HOSTNAME.match(value)))


def _check_names(v, errors):
    names = v.get("reverse_proxy_server_names") or []
    if not names:
        errors.append("reverse_proxy_server_names: give at least one DNS name the UCServer is published under")
    for name in names:
        if not isinstance(name, str) or not SERVER_NAME.match(name) or len(name) > 253:
            errors.append(f"reverse_proxy_server_names: {name!r} is not a DNS name (a leading '*.' wildcard "
                          "is allowed)")
    if len(set(names)) != len(names):
        errors.append("reverse_proxy_server_names: names are listed more than once")
    site = v.get("reverse_proxy_site_name", "")
    if not isinstance(site, str) or not SITE_NAME.match(site) or site in ("default", "..", "."):
        errors.append(f"reverse_proxy_site_name: {site!r} must be a plain file name (letters, digits, . _ -) "
                      "other than 'default'")


def _check_upstream(v, errors):
    host = v.get("reverse_proxy_upstream_host", "")
    if not host:
        errors.append("reverse_proxy_upstream_host: give the UCServer's host name or IP address")
    elif not _host(host):
        errors.append(f"reverse_proxy_upstream_host: {host!r} is neither a host name nor an IP address")
    port = v.get("reverse_proxy_upstream_port")
    if port not in (None, "") and not _port(port):
        errors.append(f"reverse_proxy_upstream_port: {port!r} is not a port (1-65535)")
    if not _port(v.get("reverse_proxy_public_https_port")):
        errors.append(f"reverse_proxy_public_https_port: {v.get('reverse_proxy_public_https_port')!r} is not a "
                      "port (1-65535)")
    keepalive = v.get("reverse_proxy_upstream_keepalive", 0)
    if not isinstance(keepalive, int) or keepalive < 0:
        errors.append(f"reverse_proxy_upstream_keepalive: {keepalive!r} must be 0 or more")
    if v.get("reverse_proxy_upstream_ca_file") and v.get("reverse_proxy_upstream_scheme") != "https":
        errors.append("reverse_proxy_upstream_ca_file: only used with reverse_proxy_upstream_scheme: https")


def _check_syntax_values(v, errors):
    timeout = str(v.get("reverse_proxy_proxy_read_timeout", ""))
    if not NGINX_TIME.match(timeout) or not re.search(r"[1-9]", timeout):
        errors.append(f"reverse_proxy_proxy_read_timeout: {timeout!r} is not an nginx time above zero "
                      "(e.g. 3600s, 60m, 1h)")
    shutdown = str(v.get("reverse_proxy_worker_shutdown_timeout") or "")
    if shutdown and not NGINX_TIME.match(shutdown):
        errors.append(f"reverse_proxy_worker_shutdown_timeout: {shutdown!r} is not an nginx time (e.g. 1h, 600s) "
                      "or empty")
    clients = v.get("reverse_proxy_max_clients", 1)
    if not isinstance(clients, int) or clients < 1:
        errors.append(f"reverse_proxy_max_clients: {clients!r} must be at least 1")
    size = str(v.get("reverse_proxy_client_max_body_size", ""))
    if not NGINX_SIZE.match(size):
        errors.append(f"reverse_proxy_client_max_body_size: {size!r} is not an nginx size (e.g. 10m, 512k, 0)")
    if v.get("reverse_proxy_tls_profile") == "custom":
        protocols = v.get("reverse_proxy_tls_protocols") or []
        if not protocols or any(p not in TLS_PROTOCOLS for p in protocols):
            errors.append(f"reverse_proxy_tls_protocols: {protocols!r} must list TLSv1.2 and/or TLSv1.3 "
                          "(TLS 1.0/1.1 are deprecated by RFC 8996)")
    for cipher in v.get("reverse_proxy_tls_ciphers") or []:
        if not isinstance(cipher, str) or not CIPHER.match(cipher):
            errors.append(f"reverse_proxy_tls_ciphers: {cipher!r} is not an OpenSSL cipher name")
    for resolver in v.get("reverse_proxy_resolvers") or []:
        if not _host(str(resolver).rsplit(":", 1)[0] if str(resolver).count(":") == 1 else str(resolver)):
            errors.append(f"reverse_proxy_resolvers: {resolver!r} is not a resolver address")
    if v.get("reverse_proxy_hsts_max_age", 0) < 0:
        errors.append("reverse_proxy_hsts_max_age: must be 0 or more seconds")


def _check_health_gate(v, errors):
    for name, may_be_empty in (("reverse_proxy_health_gate_path", False),
                               ("reverse_proxy_health_gate_websocket_path", True)):
        value = v.get(name) or ""
        if not (may_be_empty and value == "") and not URL_PATH.match(str(value)):
            errors.append(f"{name}: {value!r} must be a path starting with / (letters, digits and . _ ~ / -)")
    if not str(v.get("reverse_proxy_health_gate_timeout")).isdigit() or int(v["reverse_proxy_health_gate_timeout"]) < 1:
        errors.append("reverse_proxy_health_gate_timeout: must be a whole number of seconds, at least 1")


def _check_paths(v, errors):
    for name in ("reverse_proxy_tls_dir", "reverse_proxy_certificate_path", "reverse_proxy_certificate_key_path",
                 "reverse_proxy_certificate_ecdsa_path", "reverse_proxy_certificate_ecdsa_key_path"):
        value = v.get(name) or ""
        if value and (not HOST_PATH.match(value) or "/../" in value + "/"):
            errors.append(f"{name}: {value!r} must be an absolute path without spaces, quotes, ; {{ }} $ or '..'")
    for name in ("reverse_proxy_certificate_file", "reverse_proxy_certificate_chain_file",
                 "reverse_proxy_certificate_key_file", "reverse_proxy_certificate_ecdsa_file",
                 "reverse_proxy_certificate_ecdsa_chain_file", "reverse_proxy_certificate_ecdsa_key_file",
                 "reverse_proxy_dhparam_file", "reverse_proxy_upstream_ca_file", "reverse_proxy_acme_ca_file"):
        value = v.get(name) or ""
        if any(c in value for c in "\n\r"):
            errors.append(f"{name}: {value!r} contains a line break")


def _check_headers_and_rules(v, errors):
    for header in v.get("reverse_proxy_extra_headers") or []:
        name = header.get("name", "") if isinstance(header, dict) else ""
        value = str(header.get("value", "")) if isinstance(header, dict) else ""
        if not HEADER_NAME.match(str(name)):
            errors.append(f"reverse_proxy_extra_headers: header name {name!r} must be letters, digits and '-'")
        if not value or not HEADER_VALUE.match(value) or _syntax(value):
            errors.append(f"reverse_proxy_extra_headers: value of {name!r} must be non-empty printable text without "
                          f"; {{ }} quotes $ or backslash (found {', '.join(_syntax(value)) or 'none/empty'})")
    referrer = v.get("reverse_proxy_referrer_policy", "")
    if referrer and not re.match(r"^[a-z-]+(,\s*[a-z-]+)*$", str(referrer)):
        errors.append(f"reverse_proxy_referrer_policy: {referrer!r} is not a Referrer-Policy value")
    paths = []
    for rule in v.get("reverse_proxy_access_rules") or []:
        path = rule.get("path", "") if isinstance(rule, dict) else ""
        paths.append(path)
        if not URL_PATH.match(str(path)) or "/../" in str(path) + "/":
            errors.append(f"reverse_proxy_access_rules: path {path!r} must start with / and use only "
                          "letters, digits and . _ ~ / -")
        allow = rule.get("allow") if isinstance(rule, dict) else None
        if not isinstance(allow, list) or not allow:
            errors.append(f"reverse_proxy_access_rules: rule for {path!r} needs a non-empty 'allow' list of CIDRs")
        for cidr in allow or []:
            if not _cidr(str(cidr)):
                errors.append(f"reverse_proxy_access_rules: {cidr!r} (rule for {path!r}) is not an IP address or CIDR")
    if len(set(map(str, paths))) != len(paths):
        errors.append("reverse_proxy_access_rules: a path is listed more than once")
    for name in ("reverse_proxy_extra_server_directives", "reverse_proxy_extra_location_directives"):
        for directive in v.get(name) or []:
            text = str(directive)
            bad = sorted({repr(c) for c in text if c in ";{}#\n\r"})
            if bad or not DIRECTIVE.match(text.strip()) or text.count('"') % 2 or text.count("'") % 2:
                errors.append(f"{name}: {text!r} must be one nginx directive without the trailing ';' "
                              f"(no ; {{ }} # or line breaks, balanced quotes; found {', '.join(bad) or 'bad form'})")


def _check_acme(v, errors):
    if v.get("reverse_proxy_acme_agree_tos") is not True:
        errors.append("reverse_proxy_acme_agree_tos: set it to true to agree to the ACME CA's terms of service "
                      "(required with reverse_proxy_certificate_mode: acme)")
    for name in v.get("reverse_proxy_server_names") or []:
        if str(name).startswith("*."):
            errors.append(f"reverse_proxy_server_names: {name!r} is a wildcard; the http-01 challenge cannot "
                          "validate wildcards (use files or existing mode for a wildcard certificate)")
    email = v.get("reverse_proxy_acme_email") or ""
    if email and not re.match(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$", str(email)):
        errors.append(f"reverse_proxy_acme_email: {email!r} is not an e-mail address")
    url = v.get("reverse_proxy_acme_directory_url") or ""
    if url and not re.match(r"^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/%-]*)?$", str(url)):
        errors.append(f"reverse_proxy_acme_directory_url: {url!r} must be an https:// URL")


def _check_modes(v, errors):
    mode = v.get("reverse_proxy_certificate_mode")
    if mode == "files":
        for name in ("reverse_proxy_certificate_file", "reverse_proxy_certificate_key_file"):
            if not v.get(name):
                errors.append(f"{name}: required with reverse_proxy_certificate_mode: files (a file on the controller)")
    if mode == "existing":
        for name in ("reverse_proxy_certificate_path", "reverse_proxy_certificate_key_path"):
            if not v.get(name):
                errors.append(f"{name}: required with reverse_proxy_certificate_mode: existing (a path on the host)")
    for certificate, key in (("reverse_proxy_certificate_ecdsa_file", "reverse_proxy_certificate_ecdsa_key_file"),
                             ("reverse_proxy_certificate_ecdsa_path", "reverse_proxy_certificate_ecdsa_key_path")):
        if bool(v.get(certificate)) != bool(v.get(key)):
            errors.append(f"{key if v.get(certificate) else certificate}: the ECDSA certificate needs both "
                          f"{certificate} and {key}")
    if mode == "acme":
        _check_acme(v, errors)
    if v.get("reverse_proxy_dhparam_mode") == "file" and not v.get("reverse_proxy_dhparam_file"):
        errors.append("reverse_proxy_dhparam_file: required with reverse_proxy_dhparam_mode: file")
    if v.get("reverse_proxy_dhparam_mode") == "generate" and v.get("reverse_proxy_dhparam_size") not in (2048, 3072, 4096):
        errors.append(f"reverse_proxy_dhparam_size: {v.get('reverse_proxy_dhparam_size')!r} must be 2048, 3072 or 4096")
    if v.get("reverse_proxy_ocsp_stapling") and not v.get("reverse_proxy_resolvers"):
        errors.append("reverse_proxy_resolvers: reverse_proxy_ocsp_stapling needs DNS resolvers nginx can ask")
    if v.get("reverse_proxy_hsts_preload") and not (
            v.get("reverse_proxy_hsts_include_subdomains") and v.get("reverse_proxy_hsts_max_age", 0) >= 31536000):
        errors.append("reverse_proxy_hsts_preload: needs reverse_proxy_hsts_include_subdomains: true and "
                      "reverse_proxy_hsts_max_age >= 31536000")


def reverse_proxy_input_errors(variables, known):
    """All problems with the role's inputs; `known` lists the role's option names."""
    v = dict(variables)
    errors = []
    for name in sorted(set(v) - set(known)):
        close = difflib.get_close_matches(name, known, n=1)
        errors.append(f"{name}: not an option of the role" + (f" (did you mean {close[0]}?)" if close else ""))
    _check_names(v, errors)
    _check_upstream(v, errors)
    _check_syntax_values(v, errors)
    _check_paths(v, errors)
    _check_headers_and_rules(v, errors)
    _check_modes(v, errors)
    _check_health_gate(v, errors)
    return errors


def _covers(pattern, name):
    pattern, name = pattern.lower().rstrip("."), name.lower().rstrip(".")
    if pattern == name:
        return True
    if pattern.startswith("*.") and not name.startswith("*."):
        head, dot, rest = name.partition(".")
        return bool(head and dot) and rest == pattern[2:]
    return False


def reverse_proxy_uncovered_names(subject_alt_names, server_names):
    """Server names no DNS entry of the certificate's subjectAltName covers."""
    dns = [san[4:] for san in subject_alt_names or [] if san.startswith("DNS:")]
    return [name for name in server_names if not any(_covers(pattern, name) for pattern in dns)]


class FilterModule:
    def filters(self):
        return {
            "reverse_proxy_input_errors": reverse_proxy_input_errors,
            "reverse_proxy_uncovered_names": reverse_proxy_uncovered_names,
        }
