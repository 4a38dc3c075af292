"""One run in files mode with a certificate 10 days from expiry, with -vvv and --diff, proves two
things: private key material never shows up in Ansible's output or the host's journal (and the
key is installed root-only), and a run against a certificate near expiry warns, naming the file and the date, and
still succeeds. The way back to the scenario's self-signed certificate proves a third: a
self-signed certificate 10 days from expiry (the one files mode left) is renewed, for at most
Mozilla's 366 days. (That a fresh one is kept is molecule's idempotence step.)"""
import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from molecule_support.ansible_runs import converge, output_of
from molecule_support.clients import served_certificate
from molecule_support.host_paths import SITE
from molecule_support.pki import days_left, private_key_pem, self_signed_certificate
from molecule_support.scenario import SERVER_NAMES, proxy_backends
from molecule_support.scenario_state import ensure_services_running

testinfra_hosts = proxy_backends()


@pytest.fixture(scope="module", autouse=True)
def scenario_state():
    """Overrides the shared fixture: the files-mode run replaces the certificate and key whatever
    the proxy served, and the way back is a converge with the scenario's variables, so the module
    starts from any converged state (an earlier module's change may be left)."""
    ensure_services_running()


@pytest.fixture(scope="module")
def files_mode_run(tmp_path_factory):
    """The key's PEM and the run's output. (The proxy stays in files mode until the way back.)"""
    directory = tmp_path_factory.mktemp("files-mode")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private_key_pem(key).decode()
    (directory / "proxy.key").write_text(pem)
    (directory / "proxy.crt").write_bytes(self_signed_certificate(key, SERVER_NAMES, 10))
    result = converge({"reverse_proxy_certificate_mode": "files",
                       "reverse_proxy_certificate_file": str(directory / "proxy.crt"),
                       "reverse_proxy_certificate_key_file": str(directory / "proxy.key")},
                      args=("-vvv", "--diff"))
    return pem, result.stdout + result.stderr, output_of(result)


def test_private_key_is_never_printed_and_is_root_only(host, files_mode_run):
    pem, output, _line = files_mode_run
    assert "PRIVATE KEY" not in output
    leaked = [line for line in pem.splitlines()[1:-1] if line in output]
    assert not leaked, f"{len(leaked)} lines of the private key appear in the output"
    installed = host.file(SITE.key)
    assert (installed.user, installed.group, installed.mode) == ("root", "root", 0o600)
    assert installed.content_string == pem
    # Nor in the host's journal, where Ansible logs each module call.
    assert host.run(f"journalctl --no-pager | grep -cF -- {pem.splitlines()[1]!r}").stdout.strip() == "0"


def test_a_run_warns_about_a_certificate_10_days_from_expiry(files_mode_run):
    _pem, _output, line = files_mode_run
    expiry = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=10)).strftime("%Y-%m-%d")
    assert f"The certificate {SITE.certificate} expires on {expiry}" in line, line[-3000:]


def test_back_to_self_signed_a_certificate_10_days_from_expiry_is_renewed_for_at_most_366_days(
        host, client, files_mode_run):
    # Files mode left its certificate, self-signed by the key the role keeps, 10 days from expiry.
    assert days_left(served_certificate(client)["pem"]) < 11
    result = converge()
    assert "changed=0" not in result.stdout
    assert 364 < days_left(served_certificate(client)["pem"]) <= 366
    assert 364 < days_left(host.file(SITE.certificate).content_string) <= 366
