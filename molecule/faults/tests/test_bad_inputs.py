"""Every invalid input stops the play with a message naming the variable, before anything on
the host changes (files, links and the running nginx compared before and after)."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from molecule_support.ansible_runs import CONVERGE, run_playbook
from molecule_support.pki import private_key_pem, self_signed_certificate
from molecule_support.scenario import SERVER_NAMES, proxy_backends
from molecule_support.scenario_state import host_state

testinfra_hosts = proxy_backends()

# One input per way the role refuses, run against the real host: the argument specs, the
# validation filter (one case for nginx syntax in a value, one for a misspelled variable), the sites
# filter, the pair's network check, the controller's files and each certificate check. Every rule
# of the filters is proven by their unit tests (tests/unit/plugins/filter/test_validation.py).
CASES = {
    "unknown TLS profile (argument specs)": ({"reverse_proxy_tls_profile": "old"}, "reverse_proxy_tls_profile"),
    "misspelled variable": ({"reverse_proxy_server_name": ["uc.example.test"]}, "reverse_proxy_server_names"),
    "block in a server directive": ({"reverse_proxy_extra_server_directives": ["return 200; }"]},
                                    "reverse_proxy_extra_server_directives"),
    "a pair of one proxy": ({"reverse_proxy_ha_vip": "192.0.2.10/24"}, "reverse_proxy_ha_vip"),
    "a server name in two sites": ({"reverse_proxy_sites": [
        {"name": "one", "server_names": ["uc.example.test"], "upstream_host": "ucserver"},
        {"name": "two", "server_names": ["UC.example.test"], "upstream_host": "ucserver"}]},
        "reverse_proxy_sites[two].server_names"),
    "a misspelt key of a site": ({"reverse_proxy_sites": [
        {"name": "one", "server_names": ["uc.example.test"], "upstream_hots": "ucserver"}]},
        "reverse_proxy_sites[one].upstream_hots: not a key of a site (did you mean upstream_host?)"),
    "certificate file missing on the controller": ({"reverse_proxy_certificate_mode": "files",
                                                    "reverse_proxy_certificate_file": "/nonexistent/uc.crt",
                                                    "reverse_proxy_certificate_key_file": "/nonexistent/uc.key"},
                                                   "reverse_proxy_certificate_file"),
}


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """Certificates on the controller that files mode must refuse."""
    directory = tmp_path_factory.mktemp("certificates")
    key, other_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    files = {
        "key": private_key_pem(key),
        "valid": self_signed_certificate(key, SERVER_NAMES, 90),
        "other key": self_signed_certificate(other_key, SERVER_NAMES, 90),
        "expired": self_signed_certificate(key, SERVER_NAMES, -1),
        "wrong names": self_signed_certificate(key, ["intranet.example.test"], 90),
        "rsa key": private_key_pem(rsa_key),
        "rsa valid": self_signed_certificate(rsa_key, SERVER_NAMES, 90),
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


# The escape for special cases passes validation; checked with --check, so nothing changes either.
NAME_MISMATCH_ACCEPTED = "name mismatch accepted explicitly"


@pytest.fixture(scope="module")
def refused_runs(host, certificates):
    """Runs every bad input, and the accepted name mismatch in check mode, four at a time; records
    the host before and after all of them."""
    runs = {case: (extra_vars, ()) for case, (extra_vars, _variable) in CASES.items()}
    for case, (files, _variable, _text) in CERTIFICATE_CASES.items():
        runs[case] = ({"reverse_proxy_certificate_mode": "files",
                       **{variable: certificates[name] for variable, name in files.items()}}, ())
    runs[NAME_MISMATCH_ACCEPTED] = ({"reverse_proxy_certificate_mode": "files",
                                     "reverse_proxy_certificate_file": certificates["wrong names"],
                                     "reverse_proxy_certificate_key_file": certificates["key"],
                                     "reverse_proxy_certificate_allow_name_mismatch": True}, ("--check",))
    before = host_state(host)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(zip(runs, pool.map(lambda run: run_playbook(CONVERGE, run[0], args=run[1]), runs.values())))
    return before, host_state(host), results


def _assert_refused_without_change(refused_runs, case, variable, text=""):
    before, after, results = refused_runs
    result = results[case]
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    assert variable in output, output[-3000:]
    assert text in output, output[-3000:]
    assert after == before, "a refused run changed the host"


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_refused_naming_the_variable_and_nothing_changes(refused_runs, case):
    _assert_refused_without_change(refused_runs, case, CASES[case][1])


@pytest.mark.parametrize("case", sorted(CERTIFICATE_CASES))
def test_bad_certificate_is_refused_naming_the_variable_and_nothing_changes(refused_runs, case):
    _files, variable, text = CERTIFICATE_CASES[case]
    _assert_refused_without_change(refused_runs, case, variable, text)


def test_name_mismatch_can_be_accepted_explicitly(refused_runs):
    before, after, results = refused_runs
    result = results[NAME_MISMATCH_ACCEPTED]
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert after == before


def test_a_misspelt_key_of_a_site_is_told_without_the_argument_specs(refused_runs):
    _before, _after, results = refused_runs
    output = results["a misspelt key of a site"].stdout
    # The argument specs' own refusal would list every parameter and dump the whole spec.
    assert "Supported parameters include" not in output and "argument_spec" not in output, output[-3000:]
