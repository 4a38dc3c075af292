"""reverse_proxy_sites and reverse_proxy_site_records: the list of sites, how it is checked (messages
name the site and its key), how each site inherits the single-site variables, and the record the role
works from (its files, certificates, upstream, headers and what the gate checks)."""
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


def test_a_pair_takes_an_acme_site():
    acme = dict(ALPHA, certificate_mode="acme")
    assert errors(acme, reverse_proxy_ha_vip="192.0.2.10/24", reverse_proxy_acme_agree_tos=True) == []


@pytest.mark.parametrize("inventory", ["example", "example-sites"])
def test_the_example_inventories_are_valid(inventory):
    settings = yaml.safe_load((ROOT / "inventories" / inventory / "group_vars" / "ucproxy" / "main.yml").read_text())
    assert validation.reverse_proxy_input_errors(dict(DEFAULTS, **settings), list(DEFAULTS)) == []


def records(*entries, **changes):
    return sites.reverse_proxy_site_records(variables(*entries, **changes))


def test_a_1x_inventory_is_one_record_with_the_files_1x_wrote():
    single = dict(DEFAULTS, reverse_proxy_server_names=["uc.example.test"], reverse_proxy_upstream_host="uc")
    [site] = sites.reverse_proxy_site_records(single)
    assert (site["name"], site["first"], site["config"], site["link"]) == (
        "reverseproxy", True, "/etc/nginx/sites-available/reverseproxy", "/etc/nginx/sites-enabled/reverseproxy")
    assert site["certificates"] == [{"certificate": "/etc/nginx/tls/reverseproxy.fullchain.pem",
                                     "key": "/etc/nginx/tls/reverseproxy.key"}]
    assert site["selfsigned"] == [dict(site["certificates"][0], type="rsa", names=["uc.example.test"])]
    assert site["upstream"] == {"name": "ucserver_reverseproxy", "scheme": "http", "host": "uc", "port": 7224,
                                "address": "uc:7224", "keepalive": 32, "ca_file": "", "ca": "", "verify": False}
    assert site["check"] == {"server_name": "uc.example.test", "path": "/", "websocket_path": "/ws/client/websocket"}
    assert [h["name"] for h in site["response_headers"]] == [
        "Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy"]
    assert site["response_headers"][0]["value"] == "max-age=63072000"
    assert site["shown"]["server_names"] == "reverse_proxy_server_names"


def test_each_record_has_its_own_files_certificates_and_upstream():
    alpha, beta = records(dict(ALPHA, certificate_key_type="both", upstream_scheme="https", upstream_port=8443,
                               upstream_ca_file="files/uc-ca.pem"),
                          dict(BETA, upstream_host="fd00::6", extra_headers=[{"name": "X-Site", "value": "beta"}]),
                          reverse_proxy_hsts_include_subdomains=True)
    assert (alpha["first"], beta["first"]) == (True, False)
    assert [p["certificate"] for p in alpha["certificates"]] == [
        "/etc/nginx/tls/alpha.fullchain.pem", "/etc/nginx/tls/alpha.ecdsa.fullchain.pem"]
    assert [p["type"] for p in alpha["selfsigned"]] == ["rsa", "ecdsa"] and alpha["dual_certificate"]
    assert alpha["upstream"]["verify"] and alpha["upstream"]["ca"] == "/etc/nginx/tls/alpha.upstream-ca.pem"
    assert alpha["upstream"]["address"] == "10.0.0.5:8443"
    assert alpha["controller_files"] == [{"variable": "reverse_proxy_sites[alpha].upstream_ca_file",
                                          "path": "files/uc-ca.pem"}]
    assert beta["certificates"] == [{"certificate": "/etc/ssl/beta.pem", "key": "/etc/ssl/beta.key"}]
    assert beta["selfsigned"] == [] and beta["certificate_sources"][0]["certificate_variable"] == \
        "reverse_proxy_sites[beta].certificate_path"
    assert beta["upstream"]["address"] == "[fd00::6]:7224"
    assert beta["response_headers"][0]["value"] == "max-age=63072000; includeSubDomains"
    assert beta["response_headers"][-1] == {"name": "X-Site", "value": "beta"}
    # A wildcard first among the names: the gate and the check connect with the concrete one.
    assert beta["check"]["server_name"] == "uc.beta.test" and beta["check"]["websocket_path"] == ""
    assert "/etc/nginx/tls/beta.acme.key" in beta["tls_files"]


def test_an_acme_site_serves_links_to_certbot_s_lineage_named_after_it():
    [site] = records(dict(ALPHA, certificate_mode="acme"), reverse_proxy_acme_key_type="ecdsa")
    assert site["certificates"] == [{"certificate": "/etc/nginx/tls/alpha.acme.fullchain.pem",
                                     "key": "/etc/nginx/tls/alpha.acme.key"}]
    assert site["selfsigned"] == [{"certificate": "/etc/nginx/tls/alpha.acme-bootstrap.fullchain.pem",
                                   "key": "/etc/nginx/tls/alpha.acme-bootstrap.key", "type": "ecdsa",
                                   "names": ["uc.alpha.test"]}]
    assert site["acme"]["live"]["certificate"] == "/etc/letsencrypt/live/alpha/fullchain.pem"
    assert site["acme"]["renewal_conf"] == "/etc/letsencrypt/renewal/alpha.conf"
    assert site["acme"]["previous"]["certificate"] == "/etc/nginx/tls/alpha.fullchain.pem"


def test_a_files_mode_site_copies_each_named_certificate_to_its_own_pair():
    [site] = records(dict(ALPHA, certificate_mode="files", certificate_file="files/a.crt",
                          certificate_key_file="files/a.key", certificate_ecdsa_file="files/a-ec.crt",
                          certificate_ecdsa_key_file="files/a-ec.key"))
    assert [p["key"] for p in site["certificates"]] == ["/etc/nginx/tls/alpha.key", "/etc/nginx/tls/alpha.ecdsa.key"]
    assert [f["path"] for f in site["controller_files"]] == [
        "files/a.crt", "files/a.key", "files/a-ec.crt", "files/a-ec.key"]


def test_a_retired_site_loses_every_file_the_role_wrote_for_it_also_those_of_1x():
    files = sites.reverse_proxy_retired_site_files(["beta"], "/etc/nginx/tls")
    assert files[0] == "/etc/nginx/sites-available/beta"
    assert {"/etc/nginx/tls/beta.key", "/etc/nginx/tls/beta.acme-bootstrap.key", "/etc/nginx/tls/beta.upstream-ca.pem",
            "/etc/nginx/tls/beta.acme-server-ca.pem", "/var/lib/ucproxy-nginx/beta.applied"} <= set(files)


def _info(public_key="A", key_type="RSA", expired=False, names=("DNS:uc.alpha.test",)):
    return ({"public_key": public_key, "expired": expired, "not_after": "20261201000000Z",
             "subject_alt_name": list(names)}, {"public_key": public_key, "type": key_type})


@pytest.mark.parametrize("certificate, key, expected", [
    (_info()[0], _info()[1], []),
    (_info()[0], _info(public_key="B")[1], ["reverse_proxy_sites[alpha].certificate_file: the certificate does not "
                                            "belong to the private key in reverse_proxy_sites[alpha].certificate_key_file;"]),
    (_info(expired=True)[0], _info()[1], ["reverse_proxy_sites[alpha].certificate_file: the certificate expired on "
                                          "20261201000000Z;"]),
    (_info(names=["DNS:other.test"])[0], _info()[1],
     ["reverse_proxy_sites[alpha].server_names: uc.alpha.test not covered by the certificate in "
      "reverse_proxy_sites[alpha].certificate_file (it names DNS:other.test); give the site a certificate that "
      "names them in reverse_proxy_sites[alpha].certificate_file and reverse_proxy_sites[alpha].certificate_key_file "
      "(a site that leaves them out serves the single-site certificate), or set "
      "reverse_proxy_sites[alpha].certificate_allow_name_mismatch: true to serve this one anyway."]),
])
def test_each_certificate_problem_names_the_site_s_key(certificate, key, expected):
    [site] = records(dict(ALPHA, certificate_mode="files", certificate_file="a.crt", certificate_key_file="a.key"))
    assert validation.reverse_proxy_certificate_problems(site, [certificate], [key]) == expected


def test_with_two_certificates_the_first_key_is_rsa_and_the_second_ecdsa():
    [site] = records(dict(ALPHA, certificate_mode="files", certificate_file="a.crt", certificate_key_file="a.key",
                          certificate_ecdsa_file="e.crt", certificate_ecdsa_key_file="e.key"))
    ecc = _info(key_type="ECC")
    problems = validation.reverse_proxy_certificate_problems(site, [ecc[0], ecc[0]], [ecc[1], ecc[1]])
    assert problems == ["reverse_proxy_sites[alpha].certificate_key_file: the key is ECC, but with two certificates "
                        "the first one must have an RSA key and the _ecdsa one an ECDSA (ECC) key;"]
    [site] = records(dict(ALPHA, certificate_mode="files", certificate_file="a.crt", certificate_key_file="a.key"))
    assert validation.reverse_proxy_certificate_problems(site, [ecc[0]], [ecc[1]]) == []


OPTIONS = yaml.safe_load((ROOT / "roles" / "reverse_proxy" / "meta" / "argument_specs.yml").read_text())[
    "argument_specs"]["main"]["options"]


@pytest.mark.parametrize("entry, expected", [
    (dict(ALPHA, upstream_hots="x"), "reverse_proxy_sites[alpha].upstream_hots: not a key of a site "
                                     "(did you mean upstream_host?)"),
    (dict(ALPHA, certificate_mode="bogus"), "reverse_proxy_sites[alpha].certificate_mode: 'bogus' is not one of "
                                            "selfsigned, files, existing, acme"),
    (dict(ALPHA, upstream_port="many"), "reverse_proxy_sites[alpha].upstream_port: 'many' is not of type int"),
    (dict(ALPHA, certificate_allow_name_mismatch="maybe"),
     "reverse_proxy_sites[alpha].certificate_allow_name_mismatch: 'maybe' is not of type bool"),
    (dict(ALPHA, access_rules=["everyone"]),
     "reverse_proxy_sites[alpha].access_rules: ['everyone'] is not of type list with elements of type dict"),
])
def test_a_site_s_keys_are_checked_against_the_single_site_options_they_stand_for(entry, expected):
    found = validation.reverse_proxy_input_errors(variables(entry), OPTIONS)
    assert expected in found, found


def test_a_site_s_keys_convert_as_the_single_site_options_do():
    """What 1.x's argument specs accepted for a site: a number for a text, text for a bool."""
    entry = dict(ALPHA, proxy_read_timeout=3600, client_max_body_size=0, certificate_allow_name_mismatch="no")
    assert validation.reverse_proxy_input_errors(variables(entry), OPTIONS) == []
    [site] = records(entry)
    assert site["certificate_allow_name_mismatch"] is False
    [site] = records(dict(entry, certificate_allow_name_mismatch="yes"))
    assert site["certificate_allow_name_mismatch"] is True
