"""A 1.x inventory deploys what it deployed before (molecule_support/upgrade.py): on the Debian 12
proxy with the scenario's single-site variables, every file the role writes (nginx.conf, the site
file, certificates, keys, DH parameters, check settings, fail2ban, apt and systemd files)."""
from molecule_support.upgrade import upgrade_changes_only_what_it_names

testinfra_hosts = ["podman://ucproxy-deb12"]


def test_an_upgrade_from_the_previous_release_changes_only_what_it_names(host, tmp_path):
    upgrade_changes_only_what_it_names(host, tmp_path)
