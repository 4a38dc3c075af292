"""certbot's renewal service runs sandboxed within its documented exposure, next to nginx,
fail2ban and the upgrade's helper (molecule_support/sandbox.py); the renewal tests prove it still
renews and reloads nginx so."""
from molecule_support.host_paths import UPGRADE_AFTER_DRAIN
from molecule_support.sandbox import assert_units_within_documented_exposure
from molecule_support.scenario import proxy_backends

testinfra_hosts = proxy_backends()


def test_certbot_is_within_its_documented_exposure(host):
    assert_units_within_documented_exposure(
        host, {"nginx.service", "fail2ban.service", "certbot.service", UPGRADE_AFTER_DRAIN})
