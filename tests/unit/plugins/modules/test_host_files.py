"""The host_files module on a directory of the test's own: it writes only what differs, says what each
path was before, keeps backups, never shows a secret, and what it reports is enough to put the tree
back (reverse_proxy_changed_files)."""
import getpass
import grp
import json
import os
import socket

import pytest

from ansible.module_utils.testing import patch_module_args
from ansible_collections.ucproxy.nginx.plugins.filter.host_files import reverse_proxy_changed_files
from ansible_collections.ucproxy.nginx.plugins.modules import host_files

USER, GROUP = getpass.getuser(), grp.getgrgid(os.getgid()).gr_name
SECRET = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n"


def run(capsys, files, **args):
    """host_files with these entries (owned by the test's user); (exit code, result)."""
    entries = [dict({"owner": USER, "group": GROUP}, **entry) for entry in files]
    with patch_module_args(dict(args, files=entries)):
        with pytest.raises(SystemExit) as exit_info:
            host_files.main()
    return exit_info.value.code, json.loads(capsys.readouterr().out)


def tree(root):
    """Every path under root: a file's content and mode, a link's target."""
    found = {}
    for directory, _subdirectories, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            found[os.path.relpath(path, root)] = (("->", os.readlink(path)) if os.path.islink(path)
                                                  else (open(path).read(), oct(os.stat(path).st_mode & 0o7777)))
    return found


@pytest.fixture
def host(tmp_path):
    (tmp_path / "conf").write_text("old\n")
    (tmp_path / "default").write_text("stock site\n")
    os.symlink(tmp_path / "default", tmp_path / "enabled-default")
    return tmp_path


def entries(host):
    return [{"path": str(host / "conf"), "content": "new\n", "backup": True},
            {"path": str(host / "tls" / "site.key"), "secret_content": SECRET, "mode": "0600", "backup": True},
            {"path": str(host / "enabled-site"), "state": "link", "src": str(host / "conf")},
            {"path": str(host / "enabled-default"), "state": "absent"}]


def test_what_differs_is_written_and_each_path_says_what_it_was(host, capsys):
    code, result = run(capsys, entries(host))
    assert code == 0 and result["changed"], result
    conf, key, link, default = result["results"]
    assert (conf["previous"], open(conf["backup_file"]).read()) == ("file", "old\n")
    assert (key["previous"], oct(os.stat(host / "tls" / "site.key").st_mode & 0o777)) == ("absent", "0o600")
    assert (link["previous"], os.readlink(host / "enabled-site")) == ("absent", str(host / "conf"))
    assert (default["previous"], default["previous_src"]) == ("link", str(host / "default"))
    assert not os.path.lexists(host / "enabled-default")
    assert (host / "conf").read_text() == "new\n" and (host / "tls" / "site.key").read_text() == SECRET


def test_a_second_run_changes_nothing(host, capsys):
    run(capsys, entries(host))
    code, result = run(capsys, entries(host))
    assert code == 0 and not result["changed"], result
    assert not any(entry["changed"] for entry in result["results"])


def test_check_mode_writes_nothing_and_the_diff_never_shows_a_secret(host, capsys):
    before = tree(host)
    code, result = run(capsys, entries(host), _ansible_check_mode=True, _ansible_diff=True)
    assert code == 0 and result["changed"], result
    assert tree(host) == before
    assert {"before": "old\n", "after": "new\n"}.items() <= result["diff"][0].items()
    assert "c2VjcmV0" not in json.dumps(result)


def test_the_results_put_everything_back(host, capsys):
    before = tree(host)
    _code, result = run(capsys, entries(host))
    changed = reverse_proxy_changed_files([result])
    code, restored = run(capsys, [entry["restore"] for entry in changed])
    assert code == 0, restored
    for entry in changed:
        if "backup_file" in entry:
            os.unlink(entry["backup_file"])
    # The directory created for the key went with it: the tree is as it was.
    assert tree(host) == before and not (host / "tls").exists()


def test_a_write_failing_halfway_reports_what_was_written_so_that_it_can_be_put_back(host, capsys):
    before = tree(host)
    files = [{"path": str(host / "conf"), "content": "new\n", "backup": True},
             {"path": str(host / "dhparam.pem"), "content": "x\n"}]
    # A socket cannot be read: comparing the wanted content with it fails, as a real path can.
    with socket.socket(socket.AF_UNIX) as unreadable:
        unreadable.bind(str(host / "dhparam.pem"))
        # Nothing else due: the check whether the marker is due reads it first, and says so.
        code, result = run(capsys, [dict(files[0], content="old\n"), files[1]],
                           pending_marker=str(host / "state" / "pending"))
        assert code == 1 and result["msg"].startswith(str(host / "dhparam.pem")) and result["results"] == []
        code, result = run(capsys, files, pending_marker=str(host / "state" / "pending"))
    os.unlink(host / "dhparam.pem")
    assert code == 1 and str(host / "dhparam.pem") in result["msg"], result
    assert (host / "conf").read_text() == "new\n" and (host / "state" / "pending").exists()
    changed = reverse_proxy_changed_files([result])
    run(capsys, [entry["restore"] for entry in changed])
    for entry in changed:
        if "backup_file" in entry:
            os.unlink(entry["backup_file"])
    assert tree(host) == before


def test_putting_a_key_back_with_diff_shows_neither_key(host, capsys):
    key = {"path": str(host / "site.key"), "secret_content": SECRET, "mode": "0600", "backup": True}
    run(capsys, [key])
    _code, result = run(capsys, [dict(key, secret_content=SECRET.replace("c2VjcmV0", "bmV3a2V5"))])
    restore = reverse_proxy_changed_files([result])[0]["restore"]
    code, restored = run(capsys, [restore], _ansible_diff=True)
    assert code == 0 and restored["changed"], restored
    assert (host / "site.key").read_text() == SECRET
    assert "c2VjcmV0" not in json.dumps(restored) and "bmV3a2V5" not in json.dumps(restored)
    assert restored["diff"][0]["after"]["restored_from"] == restore["copy_from"]


def test_a_directory_goes_only_when_it_is_empty(host, capsys):
    (host / "full").mkdir()
    (host / "full" / "file").write_text("x")
    (host / "empty").mkdir()
    _code, result = run(capsys, [{"path": str(host / "full"), "state": "absent"},
                                 {"path": str(host / "empty"), "state": "absent"}])
    assert [entry["changed"] for entry in result["results"]] == [False, True]
    assert (host / "full" / "file").exists() and not (host / "empty").exists()


def test_force_false_only_creates_a_missing_file(host, capsys):
    _code, result = run(capsys, [{"path": str(host / "conf"), "content": "other\n", "force": False},
                                 {"path": str(host / "bans"), "content": "", "force": False}])
    assert [entry["changed"] for entry in result["results"]] == [False, True]
    assert (host / "conf").read_text() == "old\n" and (host / "bans").read_text() == ""


def test_the_pending_marker_comes_before_a_change_and_only_with_one(host, capsys):
    marker = host / "state" / "pending"
    run(capsys, [{"path": str(host / "conf"), "content": "old\n"}], pending_marker=str(marker))
    assert not marker.exists()
    run(capsys, [{"path": str(host / "conf"), "content": "old\n"}], pending_marker=str(marker), pending=True)
    assert marker.exists()
    marker.unlink()
    _code, result = run(capsys, [{"path": str(host / "conf"), "content": "new\n"}], pending_marker=str(marker))
    assert marker.exists()
    # Reported first, so that a rollback removes it like any file the run created.
    assert result["results"][0] == {"path": str(marker), "state": "file", "changed": True, "previous": "absent",
                                    "created_parents": []}


def test_a_mode_change_alone_keeps_the_content_and_needs_no_backup(host, capsys):
    _code, result = run(capsys, [{"path": str(host / "conf"), "content": "old\n", "mode": "0600", "backup": True}])
    assert result["results"][0]["changed"] and "backup_file" not in result["results"][0]
    assert oct(os.stat(host / "conf").st_mode & 0o777) == "0o600"
    assert reverse_proxy_changed_files([result]) == []


def test_no_secret_reaches_the_hosts_journal(capsys, monkeypatch, tmp_path):
    """Ansible logs each module call ("Invoked with ...") to the journal or syslog of the host."""
    logged = []
    monkeypatch.setattr("ansible.module_utils.basic.has_journal", False)
    monkeypatch.setattr("syslog.syslog", lambda *args: logged.append(args[-1]))
    key = str(tmp_path / "key.pem")
    # As Ansible's executor calls it (a task without no_log).
    code, _result = run(capsys, [{"path": key, "secret_content": SECRET, "mode": "0600"}], _ansible_no_log=False)
    assert code == 0
    assert logged == [f"Invoked with files={key} (file)"]
