"""Entries for host_files and what a run changed, from registered results of host_files and of
community.crypto's modules (a loop of them too)."""
import pytest

from ansible_collections.ucproxy.nginx.plugins.filter.host_files import (
    reverse_proxy_changed_files, reverse_proxy_file_entries, reverse_proxy_templates_of)


def test_files_get_their_contents_and_options_or_are_absent():
    assert reverse_proxy_file_entries(["/etc/a", "/etc/b"], ["A", "B"], mode="0755") == [
        {"path": "/etc/a", "content": "A", "mode": "0755"}, {"path": "/etc/b", "content": "B", "mode": "0755"}]
    assert reverse_proxy_file_entries(["/etc/a"]) == [{"path": "/etc/a", "state": "absent"}]
    with pytest.raises(ValueError):
        reverse_proxy_file_entries(["/etc/a", "/etc/b"], ["A"])


def test_a_file_s_template_is_at_its_path_under_templates():
    assert reverse_proxy_templates_of(["/etc/fail2ban/jail.d/x.conf"]) == ["etc/fail2ban/jail.d/x.conf.j2"]
    assert reverse_proxy_templates_of("/etc/x") == "etc/x.j2"


def test_each_change_is_put_back_from_its_backup_its_link_or_by_removal():
    host_files = {"changed": True, "results": [
        {"path": "/etc/nginx/nginx.conf", "changed": True, "previous": "file", "backup_file": "/etc/nginx/nginx.conf.1~"},
        {"path": "/etc/nginx/sites-enabled/default", "changed": True, "previous": "link",
         "previous_src": "/etc/nginx/sites-available/default"},
        {"path": "/etc/nginx/sites-enabled/alpha", "changed": True, "previous": "absent"},
        {"path": "/etc/nginx/tls", "changed": True, "previous": "directory"},
        {"path": "/var/lib/x/y/marker", "changed": True, "previous": "absent",
         "created_parents": ["/var/lib/x/y", "/var/lib/x"]},
        {"path": "/etc/nginx/tls/x.pem", "changed": False, "previous": "file"}]}
    crypto_loop = {"changed": True, "results": [
        {"changed": True, "filename": "/etc/nginx/tls/a.key", "backup_file": "/etc/nginx/tls/a.key.2~"},
        {"changed": True, "filename": "/etc/nginx/tls/b.key"},
        {"changed": False, "filename": "/etc/nginx/tls/c.key"}]}
    skipped = {"changed": False, "skipped": True}
    # The last change first: a created directory goes after what is in it.
    assert reverse_proxy_changed_files([host_files, crypto_loop, skipped, {}]) == list(reversed([
        {"path": "/etc/nginx/nginx.conf", "backup_file": "/etc/nginx/nginx.conf.1~",
         "restore": {"path": "/etc/nginx/nginx.conf", "copy_from": "/etc/nginx/nginx.conf.1~"}},
        {"path": "/etc/nginx/sites-enabled/default",
         "restore": {"path": "/etc/nginx/sites-enabled/default", "state": "link",
                     "src": "/etc/nginx/sites-available/default"}},
        {"path": "/etc/nginx/sites-enabled/alpha",
         "restore": {"path": "/etc/nginx/sites-enabled/alpha", "state": "absent"}},
        {"path": "/var/lib/x", "restore": {"path": "/var/lib/x", "state": "absent"}},
        {"path": "/var/lib/x/y", "restore": {"path": "/var/lib/x/y", "state": "absent"}},
        {"path": "/var/lib/x/y/marker", "restore": {"path": "/var/lib/x/y/marker", "state": "absent"}},
        {"path": "/etc/nginx/tls/a.key", "backup_file": "/etc/nginx/tls/a.key.2~",
         "restore": {"path": "/etc/nginx/tls/a.key", "copy_from": "/etc/nginx/tls/a.key.2~"}},
        {"path": "/etc/nginx/tls/b.key", "restore": {"path": "/etc/nginx/tls/b.key", "state": "absent"}}]))
