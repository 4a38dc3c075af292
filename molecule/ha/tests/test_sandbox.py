"""keepalived and the Prometheus exporter (on ha-proxy2) run sandboxed within their documented
exposure, next to nginx, fail2ban and the upgrade's helper (molecule_support/sandbox.py); the
failover and exporter tests prove they still do their work so."""
from molecule_support.host_paths import UPGRADE_AFTER_DRAIN
from molecule_support.sandbox import assert_units_within_documented_exposure
from molecule_support.scenario import proxy_backends, proxy_vars

testinfra_hosts = proxy_backends()


def test_the_pairs_services_are_within_their_documented_exposure(host):
    metrics = proxy_vars(host).get("reverse_proxy_metrics", False)
    assert_units_within_documented_exposure(
        host, {"nginx.service", "fail2ban.service", "keepalived.service", UPGRADE_AFTER_DRAIN}
        | ({"prometheus-nginx-exporter.service"} if metrics else set()))
