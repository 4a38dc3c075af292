"""A 1.x inventory in acme mode deploys what it deployed before (molecule_support/upgrade.py): the
role's files and certbot's links, renewal settings and drop-in stay as they are, and no
certificate is ordered."""
from molecule_support.ansible_runs import converge
from molecule_support.host_paths import CERTBOT_DROPIN, SITE
from molecule_support.upgrade import upgrade_changes_only_what_it_names
from molecule_support.scenario import proxy_backends

testinfra_hosts = proxy_backends()


def test_an_upgrade_from_the_previous_release_in_acme_mode_changes_only_what_it_names(host, tmp_path):
    converge()  # the scenario's own site and names, whatever an earlier test left
    # certbot's archive holds one file more per order.
    upgrade_changes_only_what_it_names(host, tmp_path, ["/etc/letsencrypt/live", "/etc/letsencrypt/renewal",
                                                        SITE.acme_lineage, CERTBOT_DROPIN])
