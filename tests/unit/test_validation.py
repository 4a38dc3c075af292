"""The input checks of plugins/filter/validation.py, without a host (the molecule `faults`
scenario runs the same kind of inputs through the role against a real one)."""
import importlib.util
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("validation", ROOT / "plugins" / "filter" / "validation.py")
validation = importlib.util.module_from_spec(spec)
spec.loader.exec_module(validation)

DEFAULTS = yaml.safe_load((ROOT / "roles" / "reverse_proxy" / "defaults" / "main.yml").read_text())
VALID = dict(DEFAULTS, reverse_proxy_server_names=["uc.example.com", "*.uc.example.com"],
             reverse_proxy_upstream_host="10.0.0.5")


def errors(**changes):
    return validation.reverse_proxy_input_errors(dict(VALID, **changes), list(DEFAULTS))


def test_defaults_with_names_and_upstream_are_valid():
    assert errors() == []


@pytest.mark.parametrize("changes,variable", [
    ({"reverse_proxy_server_names": ["a;b"]}, "reverse_proxy_server_names"),
    ({"reverse_proxy_upstream_host": "fe80::1"}, None),
    ({"reverse_proxy_upstream_host": "host name"}, "reverse_proxy_upstream_host"),
    ({"reverse_proxy_proxy_read_timeout": "1h30m"}, None),
    ({"reverse_proxy_proxy_read_timeout": "0s"}, "reverse_proxy_proxy_read_timeout"),
    ({"reverse_proxy_client_max_body_size": "0"}, None),
    ({"reverse_proxy_extra_headers": [{"name": "X-Frame-Options", "value": "DENY"}]}, None),
    ({"reverse_proxy_extra_headers": [{"name": "X-A", "value": "a;b"}]}, "reverse_proxy_extra_headers"),
    ({"reverse_proxy_access_rules": [{"path": "/ws/direct/", "allow": ["2001:db8::/32", "192.0.2.1"]}]}, None),
    ({"reverse_proxy_extra_location_directives": ['add_header X-A "b c"']}, None),
    ({"reverse_proxy_extra_location_directives": ['add_header X-A "b c']}, "reverse_proxy_extra_location_directives"),
    ({"reverse_proxy_tls_dir": "/etc/nginx/../tls"}, "reverse_proxy_tls_dir"),
    ({"reverse_proxy_certificate_ecdsa_file": "ec.crt"}, "reverse_proxy_certificate_ecdsa_key_file"),
    ({"reverse_proxy_health_gate_websocket_path": ""}, None),
    ({"reverse_proxy_health_gate_path": "/x HTTP/1.1\r\nHost: evil"}, "reverse_proxy_health_gate_path"),
    ({"reverse_proxy_health_gate_path": ""}, "reverse_proxy_health_gate_path"),
    ({"reverse_proxy_health_gate_timeout": 0}, "reverse_proxy_health_gate_timeout"),
    ({"reverse_proxy_certificate_mode": "acme", "reverse_proxy_acme_agree_tos": True,
      "reverse_proxy_server_names": ["uc.example.com"], "reverse_proxy_acme_email": "admin@example.com",
      "reverse_proxy_acme_directory_url": "https://acme.example.com:14000/dir"}, None),
    ({"reverse_proxy_certificate_mode": "acme", "reverse_proxy_acme_agree_tos": True,
      "reverse_proxy_server_names": ["uc.example.com"], "reverse_proxy_acme_email": "admin"}, "reverse_proxy_acme_email"),
    ({"reverse_proxy_certificate_mode": "acme", "reverse_proxy_acme_agree_tos": True,
      "reverse_proxy_server_names": ["uc.example.com"], "reverse_proxy_acme_directory_url": "http://acme.example.com/d"},
     "reverse_proxy_acme_directory_url"),
    ({"reverse_proxy_certificate_ecdsa_key_path": "/etc/ssl/ec.key"}, "reverse_proxy_certificate_ecdsa_path"),
    ({"reverse_proxy_certificate_ecdsa_path": "/etc/ssl/ec crt", "reverse_proxy_certificate_ecdsa_key_path": "/k"},
     "reverse_proxy_certificate_ecdsa_path"),
])
def test_single_inputs(changes, variable):
    found = errors(**changes)
    if variable is None:
        assert found == []
    else:
        assert found and all(message.startswith(variable) for message in found), found


def test_acme_needs_agreed_terms_and_names_http01_can_validate():
    found = errors(reverse_proxy_certificate_mode="acme")  # VALID has a wildcard name
    assert [message.split(":")[0] for message in found] == ["reverse_proxy_acme_agree_tos",
                                                            "reverse_proxy_server_names"], found


def test_unknown_variable_gets_a_suggestion():
    found = validation.reverse_proxy_input_errors(dict(VALID, reverse_proxy_upstream_hots="x"), list(DEFAULTS))
    assert found == ["reverse_proxy_upstream_hots: not an option of the role (did you mean reverse_proxy_upstream_host?)"]


@pytest.mark.parametrize("sans,names,uncovered", [
    (["DNS:uc.example.com"], ["uc.example.com"], []),
    (["DNS:*.example.com"], ["uc.example.com", "a.b.example.com"], ["a.b.example.com"]),
    (["DNS:UC.example.com", "IP:192.0.2.1"], ["uc.example.com", "other.example.com"], ["other.example.com"]),
    (["DNS:*.example.com"], ["*.example.com"], []),
])
def test_certificate_name_coverage(sans, names, uncovered):
    assert validation.reverse_proxy_uncovered_names(sans, names) == uncovered
