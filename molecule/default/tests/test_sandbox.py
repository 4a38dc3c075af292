"""nginx and the services next to it run sandboxed by systemd (molecule_support/sandbox.py): each
within its documented exposure, and nginx where a breach can neither change its configuration nor
read root's files, which root outside the sandbox can."""
import pytest

from molecule_support.host_paths import NGINX_CONF, UPGRADE_AFTER_DRAIN
from molecule_support.sandbox import assert_units_within_documented_exposure, in_nginx_namespace
from molecule_support.scenario import proxy_backends

testinfra_hosts = proxy_backends()
PROBE = "ucproxy-sandbox-probe"


def test_nginx_fail2ban_and_the_upgrade_helper_are_within_their_documented_exposure(host):
    assert_units_within_documented_exposure(host, {"nginx.service", "fail2ban.service", UPGRADE_AFTER_DRAIN})


@pytest.fixture
def root_secret(host):
    host.run_expect([0], f"echo secret > /root/{PROBE}")
    yield f"/root/{PROBE}"
    host.run(f"rm -f /root/{PROBE} /etc/nginx/{PROBE}")


@pytest.mark.parametrize("user", ["root", "www-data"])
def test_inside_nginx_neither_master_nor_workers_can_write_its_configuration_or_read_root(
        host, root_secret, user):
    # Outside the sandbox, root can do both.
    host.run_expect([0], f"touch /etc/nginx/{PROBE} && rm /etc/nginx/{PROBE} && cat {root_secret}")
    written = in_nginx_namespace(host, user, f"touch /etc/nginx/{PROBE}")
    assert written.rc != 0 and "Read-only file system" in written.stderr, written
    read = in_nginx_namespace(host, user, f"cat {root_secret}")
    assert read.rc != 0 and read.stdout == "", read
    # The namespace is nginx's: it reads its configuration there.
    assert in_nginx_namespace(host, user, f"head -c 1 {NGINX_CONF}").rc == 0
