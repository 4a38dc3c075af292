"""One run in files mode with a certificate 10 days from expiry, with -vvv and --diff, proves two
things: private key material never shows up in Ansible's output (and the key is installed
root-only), and a run against a certificate near expiry warns, naming the file and the date, and
still succeeds."""
import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from molecule_support import CERTIFICATE, PROXIES, SERVER_NAMES, converge, private_key_pem, self_signed_certificate

testinfra_hosts = PROXIES


@pytest.fixture(scope="module")
def files_mode_run(tmp_path_factory):
    """The key's PEM and the run's output. Afterwards the proxy is converged back: a certificate
    10 days from expiry is within the renewal window, so it gets a fresh self-signed one, as the
    scenario's converge made (test_monitoring.py counts on a year left)."""
    directory = tmp_path_factory.mktemp("files-mode")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private_key_pem(key).decode()
    (directory / "proxy.key").write_text(pem)
    (directory / "proxy.crt").write_bytes(self_signed_certificate(key, SERVER_NAMES, 10))
    result = converge({"reverse_proxy_certificate_mode": "files",
                       "reverse_proxy_certificate_file": str(directory / "proxy.crt"),
                       "reverse_proxy_certificate_key_file": str(directory / "proxy.key")},
                      args=("-vvv", "--diff"))
    yield pem, result.stdout + result.stderr
    converge()


def test_private_key_is_never_printed_and_is_root_only(host, files_mode_run):
    pem, output = files_mode_run
    assert "PRIVATE KEY" not in output
    leaked = [line for line in pem.splitlines()[1:-1] if line in output]
    assert not leaked, f"{len(leaked)} lines of the private key appear in the output"
    installed = host.file("/etc/nginx/tls/reverseproxy.key")
    assert (installed.user, installed.group, installed.mode) == ("root", "root", 0o600)
    assert installed.content_string == pem


def test_a_run_warns_about_a_certificate_10_days_from_expiry(files_mode_run):
    _pem, output = files_mode_run
    expiry = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=10)).strftime("%Y-%m-%d")
    output = " ".join(output.split())  # warnings are wrapped at the terminal width
    assert f"The certificate {CERTIFICATE} expires on {expiry}" in output, output[-3000:]
