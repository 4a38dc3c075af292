"""reverse_proxy_sites: the list of sites, how it is checked (messages name the site and its key)
and how each site inherits the single-site variables."""
from pathlib import Path

import pytest
import yaml

from ansible_collections.ucproxy.nginx.plugins.filter import sites, validation

ROOT = Path(__file__).resolve().parents[4]
DEFAULTS = yaml.safe_load((ROOT / "roles" / "reverse_proxy" / "defaults" / "main.yml").read_text())
ALPHA = {"name": "alpha", "server_names": ["uc.alpha.test"], "upstream_host": "10.0.0.5"}
BETA = {"name": "beta", "server_names": ["uc.beta.test", "*.beta.test"], "upstream_host": "10.0.0.6",
        "certificate_mode": "existing", "certificate_path": "/etc/ssl/beta.pem",
        "certificate_key_path": "/etc/ssl/beta.key", "health_gate_websocket_path": ""}


def variables(*entries, **changes):
    return dict(DEFAULTS, reverse_proxy_sites=list(entries), **changes)


def errors(*entries, **changes):
    return validation.reverse_proxy_input_errors(variables(*entries, **changes), list(DEFAULTS))


def test_without_a_list_the_single_site_variables_are_the_one_site():
    single = dict(DEFAULTS, reverse_proxy_server_names=["uc.example.test"], reverse_proxy_upstream_host="uc")
    [site] = sites.reverse_proxy_sites(single)
    assert site["reverse_proxy_site_name"] == "reverseproxy"
    assert site["reverse_proxy_server_names"] == ["uc.example.test"]
    assert site["reverse_proxy_upstream_keepalive"] == DEFAULTS["reverse_proxy_upstream_keepalive"]
    assert "reverse_proxy_tls_profile" not in site  # belongs to the host


def test_a_site_takes_what_it_leaves_out_from_the_single_site_variables():
    alpha, beta = sites.reverse_proxy_sites(variables(ALPHA, BETA, reverse_proxy_upstream_scheme="https"))
    assert alpha["reverse_proxy_site_name"] == "alpha" and beta["reverse_proxy_site_name"] == "beta"
    assert alpha["reverse_proxy_upstream_scheme"] == beta["reverse_proxy_upstream_scheme"] == "https"
    assert alpha["reverse_proxy_certificate_mode"] == "selfsigned"
    assert beta["reverse_proxy_certificate_mode"] == "existing"
    assert beta["reverse_proxy_health_gate_websocket_path"] == ""


def test_valid_sites_pass_without_the_single_site_names():
    assert errors(ALPHA, BETA) == []


def test_the_check_targets_each_site_by_its_first_concrete_name():
    targets = sites.reverse_proxy_check_targets(sites.reverse_proxy_sites(variables(ALPHA, BETA)))
    assert [t["server_name"] for t in targets] == ["uc.alpha.test", "uc.beta.test"]
    assert targets[1]["websocket_path"] == ""


@pytest.mark.parametrize("entries, expected", [
    ((ALPHA, dict(ALPHA, server_names=["uc.other.test"])),
     "reverse_proxy_sites: the site name 'alpha' is used more than once"),
    ((ALPHA, dict(BETA, server_names=["UC.alpha.test"])),
     "reverse_proxy_sites[beta].server_names: 'UC.alpha.test' is already a name of site 'alpha'"),
    ((dict(ALPHA, upstream_hots="x"),), "reverse_proxy_sites[alpha].upstream_hots: not a key of a site "
                                        "(did you mean upstream_host?)"),
    ((dict(ALPHA, tls_profile="modern"),), "reverse_proxy_sites[alpha].tls_profile: belongs to the host"),
    (({"server_names": ["uc.alpha.test"]},), "reverse_proxy_sites[0].name: every site needs it"),
    (({"name": "alpha"},), "reverse_proxy_sites[alpha].server_names: every site needs it"),
    ((dict(ALPHA, upstream_host="ucserver; return 200"),), "reverse_proxy_sites[alpha].upstream_host: "),
    ((dict(ALPHA, name="default"),), "reverse_proxy_sites[default].name: 'default' must be a plain file name"),
    ((dict(BETA, certificate_path=""),),
     "reverse_proxy_sites[beta].certificate_path: required with reverse_proxy_sites[beta].certificate_mode: "
     "existing"),
    ((dict(ALPHA, extra_server_directives=["return 200; }"]),), "reverse_proxy_sites[alpha].extra_server_directives"),
    (("alpha",), "reverse_proxy_sites: must be a list of sites, each a dictionary"),
    ((ALPHA, dict(BETA, name="alpha.ecdsa")), "reverse_proxy_sites[alpha.ecdsa].name: too close to the site name 'alpha'"),
    ((dict(ALPHA, name="a.b"), dict(BETA, name="a_b")), "reverse_proxy_sites[a_b].name: too close to the site name 'a.b'"),
    ((dict(ALPHA, server_names="uc.alpha.test"),), "reverse_proxy_sites[alpha].server_names: must be a list"),
    ((dict(ALPHA, name=None), dict(BETA, name=None)), "reverse_proxy_sites[0].name: every site needs it"),
])
def test_a_bad_site_is_refused_naming_the_site_and_the_key(entries, expected):
    assert any(message.startswith(expected) for message in errors(*entries)), errors(*entries)


def test_a_host_error_is_reported_once_however_many_sites():
    found = errors(ALPHA, BETA, reverse_proxy_max_clients=0)
    assert [m for m in found if m.startswith("reverse_proxy_max_clients")] == [
        "reverse_proxy_max_clients: 0 must be at least 1"]


def test_a_pair_refuses_an_acme_site():
    acme = dict(ALPHA, certificate_mode="acme")
    found = errors(acme, reverse_proxy_ha_vip="192.0.2.10/24", reverse_proxy_acme_agree_tos=True)
    assert any(m.startswith("reverse_proxy_ha_vip: a pair cannot use reverse_proxy_sites[alpha].certificate_mode")
               for m in found), found


@pytest.mark.parametrize("inventory", ["example", "example-sites"])
def test_the_example_inventories_are_valid(inventory):
    settings = yaml.safe_load((ROOT / "inventories" / inventory / "group_vars" / "ucproxy" / "main.yml").read_text())
    assert validation.reverse_proxy_input_errors(dict(DEFAULTS, **settings), list(DEFAULTS)) == []
