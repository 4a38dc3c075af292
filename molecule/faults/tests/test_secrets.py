"""Private key material never shows up in Ansible's output, not even with -vvv and --diff."""

from cryptography.hazmat.primitives.asymmetric import rsa

from molecule_support import PROXIES, converge, private_key_pem, self_signed_certificate

testinfra_hosts = PROXIES
NAMES = ["uc.example.test", "ucproxy.example.test"]


def test_private_key_is_never_printed_and_is_root_only(host, tmp_path, converged):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private_key_pem(key).decode()
    (tmp_path / "proxy.key").write_text(pem)
    (tmp_path / "proxy.crt").write_bytes(self_signed_certificate(key, NAMES, 90))
    files_mode = {"reverse_proxy_certificate_mode": "files",
                  "reverse_proxy_certificate_file": str(tmp_path / "proxy.crt"),
                  "reverse_proxy_certificate_key_file": str(tmp_path / "proxy.key")}
    result = converge(files_mode, args=("-vvv", "--diff"))
    output = result.stdout + result.stderr
    assert "PRIVATE KEY" not in output
    leaked = [line for line in pem.splitlines()[1:-1] if line in output]
    assert not leaked, f"{len(leaked)} lines of the private key appear in the output"
    installed = host.file("/etc/nginx/tls/reverseproxy.key")
    assert (installed.user, installed.group, installed.mode) == ("root", "root", 0o600)
    assert installed.content_string == pem
