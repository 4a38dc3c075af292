"""Every invalid input stops the play with a message naming the variable, before anything on
the host changes (files, links and the running nginx compared before and after)."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from molecule_support import CONVERGE, PROXIES, host_state, private_key_pem, run_playbook, self_signed_certificate

testinfra_hosts = PROXIES
NAMES = ["uc.example.test", "ucproxy.example.test"]

CASES = {
    "no server name": ({"reverse_proxy_server_names": []}, "reverse_proxy_server_names"),
    "semicolon in a server name": ({"reverse_proxy_server_names": ["uc.example.test;"]}, "reverse_proxy_server_names"),
    "braces in a server name": ({"reverse_proxy_server_names": ["uc.example.test { }"]}, "reverse_proxy_server_names"),
    "newline in a server name": ({"reverse_proxy_server_names": ["uc.example.test\nlisten 8080"]},
                                 "reverse_proxy_server_names"),
    "space in a server name": ({"reverse_proxy_server_names": ["uc example.test"]}, "reverse_proxy_server_names"),
    "no upstream": ({"reverse_proxy_upstream_host": ""}, "reverse_proxy_upstream_host"),
    "directive in the upstream": ({"reverse_proxy_upstream_host": "ucserver; return 200"},
                                  "reverse_proxy_upstream_host"),
    "variable as upstream": ({"reverse_proxy_upstream_host": "$host"}, "reverse_proxy_upstream_host"),
    "port out of range": ({"reverse_proxy_upstream_port": 70000}, "reverse_proxy_upstream_port"),
    "port not a number": ({"reverse_proxy_upstream_port": "http"}, "reverse_proxy_upstream_port"),
    "unknown scheme": ({"reverse_proxy_upstream_scheme": "ftp"}, "reverse_proxy_upstream_scheme"),
    "public port zero": ({"reverse_proxy_public_https_port": 0}, "reverse_proxy_public_https_port"),
    "timeout in words": ({"reverse_proxy_proxy_read_timeout": "1 hour"}, "reverse_proxy_proxy_read_timeout"),
    "directive in the timeout": ({"reverse_proxy_proxy_read_timeout": "3600s; return 200"},
                                 "reverse_proxy_proxy_read_timeout"),
    "size with a space": ({"reverse_proxy_client_max_body_size": "10 MB"}, "reverse_proxy_client_max_body_size"),
    "unknown TLS profile": ({"reverse_proxy_tls_profile": "old"}, "reverse_proxy_tls_profile"),
    "TLS 1.0 in a custom profile": ({"reverse_proxy_tls_profile": "custom",
                                     "reverse_proxy_tls_protocols": ["TLSv1", "TLSv1.2"]}, "reverse_proxy_tls_protocols"),
    "directive in a cipher": ({"reverse_proxy_tls_profile": "custom", "reverse_proxy_tls_protocols": ["TLSv1.2"],
                               "reverse_proxy_tls_ciphers": ["ECDHE-RSA-AES128-GCM-SHA256;ssl_protocols TLSv1"]},
                              "reverse_proxy_tls_ciphers"),
    "site name leaving sites-available": ({"reverse_proxy_site_name": "../../etc/passwd"}, "reverse_proxy_site_name"),
    "site name default": ({"reverse_proxy_site_name": "default"}, "reverse_proxy_site_name"),
    "quote in a header value": ({"reverse_proxy_extra_headers": [{"name": "X-A", "value": 'a" always; return 200 "x'}]},
                                "reverse_proxy_extra_headers"),
    "space in a header name": ({"reverse_proxy_extra_headers": [{"name": "X Bad", "value": "v"}]},
                               "reverse_proxy_extra_headers"),
    "variable in a header value": ({"reverse_proxy_extra_headers": [{"name": "X-A", "value": "$request_uri"}]},
                                   "reverse_proxy_extra_headers"),
    "brace in an access path": ({"reverse_proxy_access_rules": [{"path": "/ws/direct/ {", "allow": ["10.0.0.0/8"]}]},
                                "reverse_proxy_access_rules"),
    "invalid CIDR": ({"reverse_proxy_access_rules": [{"path": "/ws/direct/", "allow": ["10.0.0.0/33"]}]},
                     "reverse_proxy_access_rules"),
    "access rule without networks": ({"reverse_proxy_access_rules": [{"path": "/ws/direct/", "allow": []}]},
                                     "reverse_proxy_access_rules"),
    "block in a server directive": ({"reverse_proxy_extra_server_directives": ["return 200; }"]},
                                    "reverse_proxy_extra_server_directives"),
    "brace in a location directive": ({"reverse_proxy_extra_location_directives": ["proxy_pass http://evil {"]},
                                      "reverse_proxy_extra_location_directives"),
    "preload without includeSubDomains": ({"reverse_proxy_hsts_preload": True}, "reverse_proxy_hsts_preload"),
    "files mode without files": ({"reverse_proxy_certificate_mode": "files"}, "reverse_proxy_certificate_file"),
    "misspelled variable": ({"reverse_proxy_server_name": ["uc.example.test"]}, "reverse_proxy_server_names"),
    "dhparam size too small": ({"reverse_proxy_dhparam_mode": "generate", "reverse_proxy_dhparam_size": 1024},
                               "reverse_proxy_dhparam_size"),
    "space in the TLS directory": ({"reverse_proxy_tls_dir": "/etc/nginx/tls dir"}, "reverse_proxy_tls_dir"),
    "OCSP without resolvers": ({"reverse_proxy_ocsp_stapling": True}, "reverse_proxy_resolvers"),
    "directive in a resolver": ({"reverse_proxy_ocsp_stapling": True, "reverse_proxy_resolvers": ["9.9.9.9; evil"]},
                                "reverse_proxy_resolvers"),
}


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """Certificates on the controller that files mode must refuse."""
    directory = tmp_path_factory.mktemp("certificates")
    key, other_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    files = {
        "key": private_key_pem(key),
        "valid": self_signed_certificate(key, NAMES, 90),
        "other key": self_signed_certificate(other_key, NAMES, 90),
        "expired": self_signed_certificate(key, NAMES, -1),
        "wrong names": self_signed_certificate(key, ["intranet.example.test"], 90),
        "rsa key": private_key_pem(rsa_key),
        "rsa valid": self_signed_certificate(rsa_key, NAMES, 90),
    }
    for name, pem in files.items():
        (directory / name.replace(" ", "-")).write_bytes(pem)
    return {name: str(directory / name.replace(" ", "-")) for name in files}


# case: (files mode variables -> certificate fixture names, variable the error names, text in it)
CERTIFICATE_CASES = {
    "certificate of another key": (
        {"reverse_proxy_certificate_file": "other key", "reverse_proxy_certificate_key_file": "key"},
        "reverse_proxy_certificate_file", "does not belong"),
    "expired certificate": (
        {"reverse_proxy_certificate_file": "expired", "reverse_proxy_certificate_key_file": "key"},
        "reverse_proxy_certificate_file", "expired"),
    "certificate for other names": (
        {"reverse_proxy_certificate_file": "wrong names", "reverse_proxy_certificate_key_file": "key"},
        "reverse_proxy_server_names", "not covered"),
    "two certificates, the first one not RSA": (
        {"reverse_proxy_certificate_file": "valid", "reverse_proxy_certificate_key_file": "key",
         "reverse_proxy_certificate_ecdsa_file": "valid", "reverse_proxy_certificate_ecdsa_key_file": "key"},
        "reverse_proxy_certificate_key_file", "must have an RSA key"),
    "RSA certificate in the ECDSA place": (
        {"reverse_proxy_certificate_file": "rsa valid", "reverse_proxy_certificate_key_file": "rsa key",
         "reverse_proxy_certificate_ecdsa_file": "rsa valid", "reverse_proxy_certificate_ecdsa_key_file": "rsa key"},
        "reverse_proxy_certificate_ecdsa_key_file", "ECDSA"),
    "ECDSA certificate of another key": (
        {"reverse_proxy_certificate_file": "rsa valid", "reverse_proxy_certificate_key_file": "rsa key",
         "reverse_proxy_certificate_ecdsa_file": "other key", "reverse_proxy_certificate_ecdsa_key_file": "key"},
        "reverse_proxy_certificate_ecdsa_file", "does not belong"),
}


@pytest.fixture(scope="module")
def refused_runs(host, certificates):
    """Runs every bad input (four at a time) and records the host before and after all of them."""
    runs = {case: extra_vars for case, (extra_vars, _variable) in CASES.items()}
    for case, (files, _variable, _text) in CERTIFICATE_CASES.items():
        runs[case] = {"reverse_proxy_certificate_mode": "files",
                      **{variable: certificates[name] for variable, name in files.items()}}
    before = host_state(host)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(zip(runs, pool.map(lambda extra_vars: run_playbook(CONVERGE, extra_vars), runs.values())))
    return before, host_state(host), results


def _assert_refused_without_change(refused_runs, case, variable, text=""):
    before, after, results = refused_runs
    result = results[case]
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    assert variable in output, output[-3000:]
    assert text in output, output[-3000:]
    assert after == before, "a refused run changed the host"


def test_there_are_at_least_25_distinct_bad_inputs():
    assert len(CASES) + len(CERTIFICATE_CASES) >= 25


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_refused_naming_the_variable_and_nothing_changes(refused_runs, case):
    _assert_refused_without_change(refused_runs, case, CASES[case][1])


@pytest.mark.parametrize("case", sorted(CERTIFICATE_CASES))
def test_bad_certificate_is_refused_naming_the_variable_and_nothing_changes(refused_runs, case):
    _files, variable, text = CERTIFICATE_CASES[case]
    _assert_refused_without_change(refused_runs, case, variable, text)


def test_name_mismatch_can_be_accepted_explicitly(host, certificates):
    """The escape for special cases passes validation (checked with --check: nothing changes)."""
    before = host_state(host)
    extra_vars = {"reverse_proxy_certificate_mode": "files",
                  "reverse_proxy_certificate_file": certificates["wrong names"],
                  "reverse_proxy_certificate_key_file": certificates["key"],
                  "reverse_proxy_certificate_allow_name_mismatch": True}
    result = run_playbook(CONVERGE, extra_vars, args=("--check",))
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert host_state(host) == before
