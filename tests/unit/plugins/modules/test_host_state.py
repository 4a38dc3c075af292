"""What the host_state module reads of a host, on files of the test's own: whether a self-signed
certificate is as wanted, which sites an earlier run wrote that are no longer wanted, which
packages apt offers, and the open-file limits."""
import datetime
import os

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from ansible_collections.ucproxy.nginx.plugins.modules import host_state

NAMES = ["uc.example.test", "ucproxy.example.test"]
CRYPTO = host_state._crypto()


def write_pair(directory, key, names, days):
    now = datetime.datetime.now(datetime.timezone.utc)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=days))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
                   .sign(key, hashes.SHA256()))
    (directory / "site.fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "site.key").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption()))
    return {"certificate": str(directory / "site.fullchain.pem"), "key": str(directory / "site.key"), "names": NAMES}


RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ECDSA = ec.generate_private_key(ec.SECP256R1())


@pytest.mark.parametrize("key, names, days, wanted_type, reason", [
    (RSA, NAMES, 365, "rsa", ""),
    (ECDSA, NAMES, 365, "ecdsa", ""),
    (RSA, NAMES, 365, "ecdsa", "the key is not ECDSA P-256"),
    (ECDSA, NAMES, 365, "rsa", "the key is not RSA 2048"),
    (RSA, NAMES[:1], 365, "rsa", "the names changed"),
    (RSA, list(reversed(NAMES)), 365, "rsa", "the names changed"),
    (RSA, NAMES, 29, "rsa", "it expires within 30 days"),
])
def test_a_self_signed_certificate_is_made_again_only_when_it_is_not_as_wanted(
        tmp_path, key, names, days, wanted_type, reason):
    wanted = dict(write_pair(tmp_path, key, names, days), type=wanted_type)
    assert host_state.selfsigned_reason(wanted, 30, CRYPTO) == reason


def test_a_certificate_of_another_key_or_none_at_all_is_made_again(tmp_path):
    wanted = dict(write_pair(tmp_path, RSA, NAMES, 365), type="rsa")
    assert host_state.selfsigned_reason(dict(wanted, key=str(tmp_path / "none")), 30, CRYPTO) == "it does not exist"
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (tmp_path / "site.key").write_bytes(other.private_bytes(serialization.Encoding.PEM,
                                                            serialization.PrivateFormat.PKCS8,
                                                            serialization.NoEncryption()))
    assert host_state.selfsigned_reason(wanted, 30, CRYPTO) == "the certificate does not belong to the key"
    assert host_state.selfsigned_reason(wanted, 30, None) == "python3-cryptography is not installed"


def test_sites_the_role_wrote_that_are_no_longer_wanted_are_retired(tmp_path):
    available, enabled = tmp_path / "sites-available", tmp_path / "sites-enabled"
    available.mkdir()
    enabled.mkdir()
    for name, text in (("alpha", "# Ansible managed (role ucproxy.nginx.reverse_proxy).\n"),
                       ("beta", "# Ansible managed (role ucproxy.nginx.reverse_proxy).\n"),
                       ("gamma", "# Ansible managed (role ucproxy.nginx.reverse_proxy).\n"),
                       ("admins-own", "server { listen 8081; }\n"),
                       ("beta.1234.2026-12-03@10:00:00~", "# (role ucproxy.nginx.reverse_proxy).\n")):
        (available / name).write_text(text)
    (enabled / "beta").symlink_to(available / "beta")
    (tmp_path / "gamma.conf").write_text("# certbot's renewal settings\n")

    def lineage_of(name):
        return {"renewal_conf": str(tmp_path / f"{name}.conf")}

    assert host_state.retired_sites(str(available), ["alpha"], "(role ucproxy.nginx.reverse_proxy)", lineage_of) == [
        {"name": "beta", "enabled": True, "acme_lineage": False},
        {"name": "gamma", "enabled": False, "acme_lineage": True}]


def test_only_packages_with_a_candidate_are_offered():
    policy = ("nginx:\n  Installed: (none)\n  Candidate: 1.22.1-9+deb12u2\n  Version table:\n"
              "     1.22.1-9+deb12u2 500\n        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n"
              "fail2ban:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n")
    assert host_state.offered(policy) == {"nginx"}
    assert host_state.offered("") == set()


def test_the_open_file_limits_are_read_from_the_limits_table(tmp_path):
    limits = tmp_path / "limits"
    limits.write_text("Limit                     Soft Limit           Hard Limit           Units\n"
                      "Max open files            1024                 20000                files\n")
    assert host_state._open_files_limit(str(limits), hard=True) == "20000"
    assert host_state._open_files_limit(str(limits), hard=False) == "1024"
    assert host_state._open_files_limit(str(tmp_path / "none"), hard=True) is None


def test_the_master_behind_the_pid_file_is_read_with_its_limit_and_sandbox(tmp_path):
    """This test's own process stands in for nginx's master."""
    pid_file = tmp_path / "nginx.pid"
    pid_file.write_text(f"{os.getpid()}\n")
    soft = host_state._open_files_limit("/proc/self/limits", hard=False)
    with open("/proc/self/status", encoding="ascii") as status:
        no_new_privileges = "NoNewPrivs:\t1" in status.read()
    assert host_state.nginx_master(str(pid_file)) == (soft, no_new_privileges)
    assert host_state.nginx_master(str(tmp_path / "missing.pid")) == ("none", None)
