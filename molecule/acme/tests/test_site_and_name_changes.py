"""Changes of what the ACME certificate must cover: a changed name list orders a certificate for
the new names; a site that leaves the list (here: the single site renamed) takes its certbot
lineage along, and the site under its new name gets an order and a lineage of its own."""
from acme_support import served
from acme_support import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from molecule_support.ansible_runs import converge
from molecule_support.host_paths import TLS_DIR, SitePaths
from molecule_support.scenario import SECOND_NAME, SERVER_NAME, proxy_backends

testinfra_hosts = proxy_backends()
NAMES = [SERVER_NAME, SECOND_NAME]
SITE, RENAMED = SitePaths(), SitePaths("renamed")


def test_changed_server_names_order_a_certificate_for_them(client):
    assert f"DNS:{SECOND_NAME}" not in served(client)["names"]  # the scenario's single name
    converge({"reverse_proxy_server_names": NAMES})
    certificate = served(client, SECOND_NAME)
    assert all(f"DNS:{name}" in certificate["names"] for name in NAMES), certificate


def test_a_renamed_site_gets_a_lineage_of_its_own_and_the_old_one_is_deleted(host, client):
    converge({"reverse_proxy_site_name": RENAMED.site, "reverse_proxy_server_names": NAMES})
    assert host.file(RENAMED.acme_renewal).exists
    assert not host.file(SITE.acme_renewal).exists
    assert not host.file(SITE.acme_lineage).exists
    assert not host.file(SITE.file).exists
    assert host.run(f"ls {TLS_DIR} | grep '^{SITE.site}\\.'").stdout == ""
    assert "Pebble" in served(client, SECOND_NAME)["issuer"]
