"""How the update_status and host_state modules read apt: which pending updates of nginx and OpenSSL
come from a security suite, and which source files name the security suite."""
from ansible_collections.ucproxy.nginx.plugins.module_utils.update_status import pending_security_updates, source_files

PACKAGES = "^(nginx|libnginx|libssl|openssl)"

SIMULATION = """NOTE: This is only a simulation!
Reading package lists...
Inst libssl3 [3.0.20-1~deb12u2] (3.0.22-1~deb12u2 Debian-Security:12/oldstable-security [amd64])
Inst nginx-common [1.22.1-9+deb12u9] (1.22.1-9+deb12u11 Debian-Security:12/oldstable-security [all])
Inst nginx [1.22.1-9+deb12u9] (1.22.1-9+deb12u11 Debian-Security:12/oldstable-security [amd64])
Inst tzdata [2025a-0+deb12u1] (2025b-0+deb12u1 Debian:12.12/oldstable [all])
Inst openssl [3.0.20-1~deb12u2] (3.0.21-1~deb12u1 Debian:12.12/oldstable [amd64])
Inst libssl3t64 [3.0.13-0ubuntu3.5] (3.0.13-0ubuntu3.6 Ubuntu:24.04/noble-security [amd64])
Inst libnginx-mod-stream (1.26.3-2ubuntu0.1 Ubuntu:24.04/noble-security [amd64])
Conf libssl3 (3.0.22-1~deb12u2 Debian-Security:12/oldstable-security [amd64])
"""


def test_security_updates_of_nginx_and_openssl_on_debian_and_ubuntu_are_pending():
    assert pending_security_updates(SIMULATION, PACKAGES) == [
        "libnginx-mod-stream", "libssl3", "libssl3t64", "nginx", "nginx-common"]


def test_updates_from_other_suites_and_other_packages_are_not_security_updates_of_nginx():
    lines = [line for line in SIMULATION.splitlines() if "tzdata" in line or "openssl [" in line]
    assert pending_security_updates("\n".join(lines), PACKAGES) == []


def test_nothing_to_upgrade_is_nothing_pending():
    assert pending_security_updates("Reading package lists...\n0 upgraded, 0 newly installed.\n", PACKAGES) == []


INDEX_TARGETS = """bookworm bookworm /etc/apt/sources.list:1
oldstable-security bookworm-security /etc/apt/sources.list.d/debian.sources:7
bookworm-security $(CODENAME) /etc/apt/sources.list.d/ucproxy-nginx-security.list:2
bookworm-updates bookworm-updates /etc/apt/sources.list.d/debian.sources:1
"""


def test_each_source_file_names_its_suites_as_written_and_by_codename():
    assert source_files(INDEX_TARGETS) == {
        "/etc/apt/sources.list": {"bookworm"},
        "/etc/apt/sources.list.d/debian.sources": {"oldstable-security", "bookworm-security", "bookworm-updates"},
        # lists not yet downloaded: apt does not know the codename
        "/etc/apt/sources.list.d/ucproxy-nginx-security.list": {"bookworm-security", "$(CODENAME)"}}
