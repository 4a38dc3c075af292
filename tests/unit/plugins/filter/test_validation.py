"""The input rules of plugins/filter/validation.py, without a host. The molecule `faults`
scenario runs a representative set of the same inputs through the role against a real host."""
from pathlib import Path

import pytest
import yaml

from ansible_collections.ucproxy.nginx.plugins.filter import validation

ROOT = Path(__file__).resolve().parents[4]
DEFAULTS = yaml.safe_load((ROOT / "roles" / "reverse_proxy" / "defaults" / "main.yml").read_text())
VALID = dict(DEFAULTS, reverse_proxy_server_names=["uc.example.com", "*.uc.example.com"],
             reverse_proxy_upstream_host="10.0.0.5")
ACME = {"reverse_proxy_certificate_mode": "acme", "reverse_proxy_acme_agree_tos": True,
        "reverse_proxy_server_names": ["uc.example.com"]}
PAIR = {"reverse_proxy_ha_vip": "192.0.2.10/24"}
RFC2136 = {"dns_rfc2136_server": "192.0.2.53", "dns_rfc2136_name": "certbot.", "dns_rfc2136_secret": "c2VjcmV0",
           "dns_rfc2136_algorithm": "HMAC-SHA512"}
DNS = {**ACME, "reverse_proxy_acme_challenge": "dns-01", "reverse_proxy_acme_dns_credentials": RFC2136}
CSP = "default-src 'self'; frame-ancestors 'none'; connect-src 'self' wss://uc.example.com"


def errors(**changes):
    return validation.reverse_proxy_input_errors(dict(VALID, **changes), list(DEFAULTS))


def test_defaults_with_names_and_upstream_are_valid():
    assert errors() == []


# Inputs the role must refuse, each with the variable (or variables) its messages start with.
REFUSED = {
    "no server name": ({"reverse_proxy_server_names": []}, "reverse_proxy_server_names"),
    "semicolon in a server name": ({"reverse_proxy_server_names": ["uc.example.test;"]}, "reverse_proxy_server_names"),
    "braces in a server name": ({"reverse_proxy_server_names": ["uc.example.test { }"]}, "reverse_proxy_server_names"),
    "newline in a server name": ({"reverse_proxy_server_names": ["uc.example.test\nlisten 8080"]},
                                 "reverse_proxy_server_names"),
    "space in a server name": ({"reverse_proxy_server_names": ["uc example.test"]}, "reverse_proxy_server_names"),
    "wildcard inside a server name": ({"reverse_proxy_server_names": ["uc.*.example.test"]},
                                      "reverse_proxy_server_names"),
    "server name twice": ({"reverse_proxy_server_names": ["uc.example.test", "uc.example.test"]},
                          "reverse_proxy_server_names"),
    "no upstream": ({"reverse_proxy_upstream_host": ""}, "reverse_proxy_upstream_host"),
    "directive in the upstream": ({"reverse_proxy_upstream_host": "ucserver; return 200"},
                                  "reverse_proxy_upstream_host"),
    "space in the upstream": ({"reverse_proxy_upstream_host": "host name"}, "reverse_proxy_upstream_host"),
    "variable as upstream": ({"reverse_proxy_upstream_host": "$host"}, "reverse_proxy_upstream_host"),
    "port out of range": ({"reverse_proxy_upstream_port": 70000}, "reverse_proxy_upstream_port"),
    "port not a number": ({"reverse_proxy_upstream_port": "http"}, "reverse_proxy_upstream_port"),
    "upstream CA with http": ({"reverse_proxy_upstream_ca_file": "ca.pem"}, "reverse_proxy_upstream_ca_file"),
    "negative keepalive": ({"reverse_proxy_upstream_keepalive": -1}, "reverse_proxy_upstream_keepalive"),
    "public port zero": ({"reverse_proxy_public_https_port": 0}, "reverse_proxy_public_https_port"),
    "timeout in words": ({"reverse_proxy_proxy_read_timeout": "1 hour"}, "reverse_proxy_proxy_read_timeout"),
    "timeout zero": ({"reverse_proxy_proxy_read_timeout": "0s"}, "reverse_proxy_proxy_read_timeout"),
    "directive in the timeout": ({"reverse_proxy_proxy_read_timeout": "3600s; return 200"},
                                 "reverse_proxy_proxy_read_timeout"),
    "shutdown timeout in words": ({"reverse_proxy_worker_shutdown_timeout": "an hour"},
                                  "reverse_proxy_worker_shutdown_timeout"),
    "no clients": ({"reverse_proxy_max_clients": 0}, "reverse_proxy_max_clients"),
    "size with a space": ({"reverse_proxy_client_max_body_size": "10 MB"}, "reverse_proxy_client_max_body_size"),
    "TLS 1.0 in a custom profile": ({"reverse_proxy_tls_profile": "custom",
                                     "reverse_proxy_tls_protocols": ["TLSv1", "TLSv1.2"]}, "reverse_proxy_tls_protocols"),
    "custom profile without protocols": ({"reverse_proxy_tls_profile": "custom"}, "reverse_proxy_tls_protocols"),
    "directive in a cipher": ({"reverse_proxy_tls_profile": "custom", "reverse_proxy_tls_protocols": ["TLSv1.2"],
                               "reverse_proxy_tls_ciphers": ["ECDHE-RSA-AES128-GCM-SHA256;ssl_protocols TLSv1"]},
                              "reverse_proxy_tls_ciphers"),
    "site name leaving sites-available": ({"reverse_proxy_site_name": "../../etc/passwd"}, "reverse_proxy_site_name"),
    "site name default": ({"reverse_proxy_site_name": "default"}, "reverse_proxy_site_name"),
    "quote in a header value": ({"reverse_proxy_extra_headers": [{"name": "X-A", "value": 'a" always; return 200 "x'}]},
                                "reverse_proxy_extra_headers"),
    "backslash in a header value": ({"reverse_proxy_extra_headers": [{"name": "X-A", "value": "a\\"}]},
                                    "reverse_proxy_extra_headers"),
    "variable in a header value": ({"reverse_proxy_extra_headers": [{"name": "X-A", "value": "$request_uri"}]},
                                   "reverse_proxy_extra_headers"),
    "line break in a header value": ({"reverse_proxy_extra_headers": [{"name": "X-A", "value": "a\nadd_header B c"}]},
                                     "reverse_proxy_extra_headers"),
    "empty header value": ({"reverse_proxy_extra_headers": [{"name": "X-A", "value": ""}]},
                           "reverse_proxy_extra_headers"),
    "space in a header name": ({"reverse_proxy_extra_headers": [{"name": "X Bad", "value": "v"}]},
                               "reverse_proxy_extra_headers"),
    "referrer policy with syntax": ({"reverse_proxy_referrer_policy": "no-referrer; x"}, "reverse_proxy_referrer_policy"),
    "brace in an access path": ({"reverse_proxy_access_rules": [{"path": "/ws/direct/ {", "allow": ["10.0.0.0/8"]}]},
                                "reverse_proxy_access_rules"),
    "dot-dot in an access path": ({"reverse_proxy_access_rules": [{"path": "/ws/../x", "allow": ["10.0.0.0/8"]}]},
                                  "reverse_proxy_access_rules"),
    "invalid CIDR": ({"reverse_proxy_access_rules": [{"path": "/ws/direct/", "allow": ["10.0.0.0/33"]}]},
                     "reverse_proxy_access_rules"),
    "access rule without networks": ({"reverse_proxy_access_rules": [{"path": "/ws/direct/", "allow": []}]},
                                     "reverse_proxy_access_rules"),
    "access path twice": ({"reverse_proxy_access_rules": [{"path": "/a/", "allow": ["10.0.0.0/8"]},
                                                          {"path": "/a/", "allow": ["10.0.0.0/8"]}]},
                          "reverse_proxy_access_rules"),
    "block in a server directive": ({"reverse_proxy_extra_server_directives": ["return 200; }"]},
                                    "reverse_proxy_extra_server_directives"),
    "brace in a location directive": ({"reverse_proxy_extra_location_directives": ["proxy_pass http://evil {"]},
                                      "reverse_proxy_extra_location_directives"),
    "unbalanced quote in a directive": ({"reverse_proxy_extra_location_directives": ['add_header X-A "b c']},
                                        "reverse_proxy_extra_location_directives"),
    "comment in a directive": ({"reverse_proxy_extra_server_directives": ["add_header X-A b # c"]},
                               "reverse_proxy_extra_server_directives"),
    "preload without includeSubDomains": ({"reverse_proxy_hsts_preload": True}, "reverse_proxy_hsts_preload"),
    "negative HSTS max-age": ({"reverse_proxy_hsts_max_age": -1}, "reverse_proxy_hsts_max_age"),
    "files mode without files": ({"reverse_proxy_certificate_mode": "files"},
                                 ("reverse_proxy_certificate_file", "reverse_proxy_certificate_key_file")),
    "existing mode without paths": ({"reverse_proxy_certificate_mode": "existing"},
                                    ("reverse_proxy_certificate_path", "reverse_proxy_certificate_key_path")),
    "ECDSA certificate without its key": ({"reverse_proxy_certificate_ecdsa_file": "ec.crt"},
                                          "reverse_proxy_certificate_ecdsa_key_file"),
    "ECDSA key without its certificate": ({"reverse_proxy_certificate_ecdsa_key_path": "/etc/ssl/ec.key"},
                                          "reverse_proxy_certificate_ecdsa_path"),
    "space in a host path": ({"reverse_proxy_certificate_ecdsa_path": "/etc/ssl/ec crt",
                              "reverse_proxy_certificate_ecdsa_key_path": "/k"}, "reverse_proxy_certificate_ecdsa_path"),
    "line break in a controller path": ({"reverse_proxy_certificate_mode": "files",
                                         "reverse_proxy_certificate_file": "a\nb",
                                         "reverse_proxy_certificate_key_file": "k"}, "reverse_proxy_certificate_file"),
    "dhparam size too small": ({"reverse_proxy_dhparam_mode": "generate", "reverse_proxy_dhparam_size": 1024},
                               "reverse_proxy_dhparam_size"),
    "dhparam file mode without a file": ({"reverse_proxy_dhparam_mode": "file"}, "reverse_proxy_dhparam_file"),
    "space in the TLS directory": ({"reverse_proxy_tls_dir": "/etc/nginx/tls dir"}, "reverse_proxy_tls_dir"),
    "dot-dot in the TLS directory": ({"reverse_proxy_tls_dir": "/etc/nginx/../tls"}, "reverse_proxy_tls_dir"),
    "OCSP without resolvers": ({"reverse_proxy_ocsp_stapling": True}, "reverse_proxy_resolvers"),
    "directive in a resolver": ({"reverse_proxy_ocsp_stapling": True, "reverse_proxy_resolvers": ["9.9.9.9; evil"]},
                                "reverse_proxy_resolvers"),
    "health gate path with a request line": ({"reverse_proxy_health_gate_path": "/x HTTP/1.1\r\nHost: evil"},
                                             "reverse_proxy_health_gate_path"),
    "empty health gate path": ({"reverse_proxy_health_gate_path": ""}, "reverse_proxy_health_gate_path"),
    "health gate timeout zero": ({"reverse_proxy_health_gate_timeout": 0}, "reverse_proxy_health_gate_timeout"),
    "nginx syntax in a masked parameter": ({"reverse_proxy_log_masked_parameters": ["pass;"]},
                                           "reverse_proxy_log_masked_parameters"),
    "regex in a masked parameter": ({"reverse_proxy_log_masked_parameters": ["pa.*"]},
                                    "reverse_proxy_log_masked_parameters"),
    "negative login rate": ({"reverse_proxy_login_rate_limit": -1}, "reverse_proxy_login_rate_limit"),
    "ban after zero failures": ({"reverse_proxy_ban_max_failures": 0}, "reverse_proxy_ban_max_failures"),
    "ban for no time": ({"reverse_proxy_ban_time": 0}, "reverse_proxy_ban_time"),
    "trusted network that is not a CIDR": ({"reverse_proxy_ban_trusted_networks": ["office"]},
                                           "reverse_proxy_ban_trusted_networks"),
    "nginx syntax in a trusted proxy": ({"reverse_proxy_trusted_proxies": ["10.0.0.1; allow all"]},
                                        "reverse_proxy_trusted_proxies"),
    "IPv6 client prefix inside a group": ({"reverse_proxy_ipv6_client_prefix": 56}, "reverse_proxy_ipv6_client_prefix"),
    "critical before warning": ({"reverse_proxy_certificate_critical_days": 30}, "reverse_proxy_certificate_critical_days"),
    "no warning days": ({"reverse_proxy_certificate_warning_days": 0}, "reverse_proxy_certificate_warning_days"),
    "exporter address without port": ({"reverse_proxy_metrics_listen": "127.0.0.1"}, "reverse_proxy_metrics_listen"),
    "exporter on a host name": ({"reverse_proxy_metrics_listen": "localhost:9113"}, "reverse_proxy_metrics_listen"),
    "nginx syntax in the exporter address": ({"reverse_proxy_metrics_listen": "127.0.0.1:9113\"; rm"},
                                             "reverse_proxy_metrics_listen"),
    "status listener on a public port": ({"reverse_proxy_metrics_status_port": 443}, "reverse_proxy_metrics_status_port"),
    "apt syntax in an origin": ({"reverse_proxy_security_updates_origins": ['origin=Debian"; };']},
                                "reverse_proxy_security_updates_origins"),
    "origin that is not key=value": ({"reverse_proxy_security_updates_origins": ["Debian"]},
                                     "reverse_proxy_security_updates_origins"),
    "line break after a mirror": ({"reverse_proxy_security_source_uri": "http://mirror.example.com/\nx"},
                                  "reverse_proxy_security_source_uri"),
    "line break after an origin": ({"reverse_proxy_security_updates_origins": ["origin=Debian\n"]},
                                   "reverse_proxy_security_updates_origins"),
    "security mirror that is not a URL": ({"reverse_proxy_security_source_uri": "deb.debian.org bookworm"},
                                          "reverse_proxy_security_source_uri"),
    "virtual address without prefix length": ({"reverse_proxy_ha_vip": "192.0.2.10"}, "reverse_proxy_ha_vip"),
    "virtual address is the network's": ({"reverse_proxy_ha_vip": "192.0.2.0/24"}, "reverse_proxy_ha_vip"),
    "IPv6 virtual address": ({"reverse_proxy_ha_vip": "2001:db8::10/64"}, "reverse_proxy_ha_vip"),
    "keepalived syntax in the virtual address": ({"reverse_proxy_ha_vip": "192.0.2.10/24 }"}, "reverse_proxy_ha_vip"),
    "IPv6 virtual address without the IPv4 one": ({"reverse_proxy_ha_vip6": "2001:db8::10/64"}, "reverse_proxy_ha_vip6"),
    "IPv4 as the IPv6 virtual address": ({**PAIR, "reverse_proxy_ha_vip6": "192.0.2.11/24"}, "reverse_proxy_ha_vip6"),
    "IPv6 virtual address without prefix length": ({**PAIR, "reverse_proxy_ha_vip6": "2001:db8::10"},
                                                   "reverse_proxy_ha_vip6"),
    "keepalived syntax in the IPv6 virtual address": ({**PAIR, "reverse_proxy_ha_vip6": "2001:db8::10/64 }"},
                                                      "reverse_proxy_ha_vip6"),
    "keepalived syntax in the interface": ({**PAIR, "reverse_proxy_ha_interface": "eth0 {"},
                                           "reverse_proxy_ha_interface"),
    "router id out of range": ({**PAIR, "reverse_proxy_ha_router_id": 256}, "reverse_proxy_ha_router_id"),
    "router id zero": ({**PAIR, "reverse_proxy_ha_router_id": 0}, "reverse_proxy_ha_router_id"),
    "priority of an owner": ({**PAIR, "reverse_proxy_ha_priority": 255}, "reverse_proxy_ha_priority"),
    "nginx syntax in an acme peer": ({**ACME, "reverse_proxy_acme_peers": ["10.0.0.2:80; evil"]},
                                     "reverse_proxy_acme_peers"),
    "nginx syntax in an acme peer string": ({**ACME, "reverse_proxy_acme_peers": "10.0.0.2;evil"},
                                            "reverse_proxy_acme_peers"),
    "acme without agreed terms": ({**ACME, "reverse_proxy_acme_agree_tos": False}, "reverse_proxy_acme_agree_tos"),
    "acme with a wildcard": ({**ACME, "reverse_proxy_server_names": ["*.example.com"]}, "reverse_proxy_server_names"),
    "dns-01 without the rfc2136 key": ({**DNS, "reverse_proxy_acme_dns_credentials": {"dns_rfc2136_server": "192.0.2.53"}},
                                       "reverse_proxy_acme_dns_credentials"),
    "dns-01 credential on two lines": ({**DNS, "reverse_proxy_acme_dns_credentials": {
        **RFC2136, "dns_rfc2136_secret": "c2VjcmV0\nevil = 1"}}, "reverse_proxy_acme_dns_credentials"),
    "dns-01 name under a listed wildcard": ({**DNS, "reverse_proxy_server_names": ["*.example.com", "uc.example.com"]},
                                            "reverse_proxy_server_names"),
    "dns-01 credential with a double quote": ({**DNS, "reverse_proxy_acme_dns_credentials": {
        **RFC2136, "dns_rfc2136_secret": 'c2"VjcmV0'}}, "reverse_proxy_acme_dns_credentials"),
    "dns-01 plugin with options": ({**DNS, "reverse_proxy_acme_dns_authenticator": "dns-x --manual"},
                                   "reverse_proxy_acme_dns_authenticator"),
    "dns-01 propagation of a day": ({**DNS, "reverse_proxy_acme_dns_propagation_seconds": 86400},
                                    "reverse_proxy_acme_dns_propagation_seconds"),
    "acme e-mail without domain": ({**ACME, "reverse_proxy_acme_email": "admin"}, "reverse_proxy_acme_email"),
    "acme directory over http": ({**ACME, "reverse_proxy_acme_directory_url": "http://acme.example.com/d"},
                                 "reverse_proxy_acme_directory_url"),
}

ACCEPTED = {
    "IPv6 upstream": {"reverse_proxy_upstream_host": "fe80::1"},
    "pair with an IPv6 virtual address": {**PAIR, "reverse_proxy_ha_vip6": "2001:db8::10/64"},
    "acme in a pair": {**ACME, **PAIR},
    "acme peers by address and name": {**ACME, "reverse_proxy_acme_peers": ["10.0.0.2", "2001:db8::2", "proxy2.example.com"]},
    "acme peers as one string": {**ACME, "reverse_proxy_acme_peers": "10.0.0.2, proxy2.example.com"},
    "dns-01 with a wildcard": {**DNS, "reverse_proxy_server_names": ["*.uc.example.com", "uc.example.com"]},
    "dns-01 credential with # and ,": {**DNS, "reverse_proxy_acme_dns_credentials": {
        **RFC2136, "dns_rfc2136_secret": "a#b,c'd"}},
    "dns-01 with another plugin": {**DNS, "reverse_proxy_acme_dns_authenticator": "dns-cloudflare",
                                   "reverse_proxy_acme_dns_credentials": {"dns_cloudflare_api_token": "0123abc"}},
    "timeout with units": {"reverse_proxy_proxy_read_timeout": "1h30m"},
    "unlimited body size": {"reverse_proxy_client_max_body_size": "0"},
    "plain header": {"reverse_proxy_extra_headers": [{"name": "X-Frame-Options", "value": "DENY"}]},
    # ; and ' are harmless inside nginx's double-quoted string, and every real CSP needs both.
    "content security policy": {"reverse_proxy_extra_headers": [{"name": "Content-Security-Policy", "value": CSP}]},
    "permissions policy": {"reverse_proxy_extra_headers": [{"name": "Permissions-Policy",
                                                            "value": "camera=(), microphone=(), geolocation=()"}]},
    "access rule with IPv6 and a single address": {
        "reverse_proxy_access_rules": [{"path": "/ws/direct/", "allow": ["2001:db8::/32", "192.0.2.1"]}]},
    "directive with a quoted argument": {"reverse_proxy_extra_location_directives": ['add_header X-A "b c"']},
    "no WebSocket check in the gate": {"reverse_proxy_health_gate_websocket_path": ""},
    "login limit off": {"reverse_proxy_login_rate_limit": 0},
    "IPv6 client prefix from -e": {"reverse_proxy_ipv6_client_prefix": "48"},
    "trusted networks and proxies": {"reverse_proxy_ban_trusted_networks": ["192.0.2.0/24", "2001:db8::1"],
                                     "reverse_proxy_trusted_proxies": ["10.0.0.5"]},
    "exporter on every IPv6 address": {"reverse_proxy_metrics": True, "reverse_proxy_metrics_listen": "[::]:9113"},
    "warning and critical on the same day": {"reverse_proxy_certificate_warning_days": 7,
                                             "reverse_proxy_certificate_critical_days": 7},
    "more origins and an own security mirror": {
        "reverse_proxy_security_updates_origins": ["origin=Debian,codename=${distro_codename}-updates,label=Debian"],
        "reverse_proxy_security_source_uri": "https://mirror.example.com/debian-security"},
    "pair on an interface with a priority": {**PAIR, "reverse_proxy_ha_interface": "ens3.100",
                                             "reverse_proxy_ha_priority": 200, "reverse_proxy_ha_router_id": 1},
    "router id without a pair is not looked at": {"reverse_proxy_ha_router_id": 0},
    "wildcard as the first server name": {"reverse_proxy_server_names": ["*.example.com", "uc.example.com"]},
    "acme with e-mail and own directory": {**ACME, "reverse_proxy_acme_email": "admin@example.com",
                                           "reverse_proxy_acme_directory_url": "https://acme.example.com:14000/dir"},
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_bad_input_is_refused_naming_the_variable(case):
    changes, variables = REFUSED[case]
    variables = (variables,) if isinstance(variables, str) else variables
    found = errors(**changes)
    assert [message.partition(":")[0] for message in found] == list(variables), found


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_good_input_is_accepted(case):
    assert errors(**ACCEPTED[case]) == []


def test_every_problem_is_reported_at_once():
    found = errors(reverse_proxy_upstream_host="", reverse_proxy_max_clients=0)
    assert [message.partition(":")[0] for message in found] == ["reverse_proxy_upstream_host", "reverse_proxy_max_clients"]


def test_unknown_variable_gets_a_suggestion():
    found = errors(reverse_proxy_upstream_hots="x")
    assert found == ["reverse_proxy_upstream_hots: not an option of the role (did you mean reverse_proxy_upstream_host?)"]


@pytest.mark.parametrize("mode,changes,expected", [
    ("selfsigned", {}, []),
    ("acme", {}, []),
    ("files", {"reverse_proxy_certificate_file": "a.crt", "reverse_proxy_certificate_key_file": "a.key"},
     [{"certificate": "a.crt", "chain": "", "key": "a.key",
       "certificate_variable": "reverse_proxy_certificate_file",
       "chain_variable": "reverse_proxy_certificate_chain_file",
       "key_variable": "reverse_proxy_certificate_key_file"}]),
    ("existing", {"reverse_proxy_certificate_path": "/a.crt", "reverse_proxy_certificate_key_path": "/a.key",
                  "reverse_proxy_certificate_ecdsa_path": "/e.crt", "reverse_proxy_certificate_ecdsa_key_path": "/e.key"},
     [{"certificate": "/a.crt", "key": "/a.key", "certificate_variable": "reverse_proxy_certificate_path",
       "key_variable": "reverse_proxy_certificate_key_path"},
      {"certificate": "/e.crt", "key": "/e.key", "certificate_variable": "reverse_proxy_certificate_ecdsa_path",
       "key_variable": "reverse_proxy_certificate_ecdsa_key_path"}]),
])
def test_certificate_sources_per_mode(mode, changes, expected):
    variables = dict(VALID, reverse_proxy_certificate_mode=mode, **changes)
    assert validation.reverse_proxy_certificate_sources(variables) == expected


@pytest.mark.parametrize("sans,names,uncovered", [
    (["DNS:uc.example.com"], ["uc.example.com"], []),
    (["DNS:*.example.com"], ["uc.example.com", "a.b.example.com"], ["a.b.example.com"]),
    (["DNS:UC.example.com", "IP:192.0.2.1"], ["uc.example.com", "other.example.com"], ["other.example.com"]),
    (["DNS:*.example.com"], ["*.example.com"], []),
])
def test_certificate_name_coverage(sans, names, uncovered):
    assert validation.reverse_proxy_uncovered_names(sans, names) == uncovered
