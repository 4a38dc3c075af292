"""The upgrade test's parts (molecule/*/tests/test_upgrade.py): the previous release's role (its
tarball, kept in tests/releases/ because a clone need not carry tags or history) converges a proxy
with the scenario's variables, as before an upgrade; then this release converges it again, as
after the upgrade. Every file the old role rendered or placed is byte for byte what this release
writes, except the files this release changes on purpose (CHANGED_SINCE, said in the changelog);
the upgrade then reloads nginx without restarting it (restarts it, if nginx's systemd drop-ins
are among them), and without such files it neither changes nor reloads nginx. Files only this
release writes (ADDED_SINCE) are removed before the previous release runs, as on a host that
never ran this release. Only the programs the role installs (the monitoring check and its probe)
are each release's own, and the files 1.x kept per site that belong to the host now
(/var/lib/ucproxy-nginx/<site>.applied) are removed."""
import os
import re
from pathlib import Path

import yaml

from molecule_support.ansible_runs import CONVERGE, collection_used, install_collection, run_playbook
from molecule_support.host_paths import (APT_CONF, FAIL2BAN_JAIL, MONITORING_CHECK,
                                         MONITORING_CHECK_SETTINGS, NGINX_CONF, NGINX_DROPIN, NGINX_SANDBOX,
                                         NGINX_UNIT_DROPINS, POLICY_RC_D, SANDBOX_DROPIN, STATE_DIR, SITE,
                                         UPGRADE_AFTER_DRAIN)
from molecule_support.scenario import REPO

# Everything the role writes, and what each file is: path, mode, owner and content checksum (a
# link: its target).
ROLE_FILES = ["/etc/nginx", os.path.dirname(os.path.dirname(FAIL2BAN_JAIL)), NGINX_UNIT_DROPINS, APT_CONF,
              POLICY_RC_D, os.path.dirname(MONITORING_CHECK), os.path.dirname(MONITORING_CHECK_SETTINGS), STATE_DIR]
PROGRAMS = {MONITORING_CHECK, os.path.join(os.path.dirname(MONITORING_CHECK), "proxy_probe.py")}
# Files this release writes differently from the release before it, on purpose (per previous release).
CHANGED_SINCE = {
    # The sandbox: nginx's pid file moves to /run/nginx/ (nginx.conf, the unit's drop-in), a drop-in
    # of its own, and fail2ban's ban in nginx rewrites its file in place; the binary upgrade's hook
    # starts its sandboxed helper unit.
    "1.13.0": {NGINX_CONF, NGINX_DROPIN, NGINX_SANDBOX, "/etc/fail2ban/action.d/ucproxy-nginx-ban.conf",
               os.path.join(os.path.dirname(MONITORING_CHECK), "nginx-binary-upgrade")},
}
# Files this release adds that the previous one does not know (shell patterns).
ADDED_SINCE = {
    "1.13.0": [f"/etc/systemd/system/*.service.d/{SANDBOX_DROPIN}", f"/etc/systemd/system/{UPGRADE_AFTER_DRAIN}",
               "/etc/tmpfiles.d/ucproxy-nginx.conf"],
}
# The record 1.x kept per site of the configuration nginx ran.
FILES_OF_1X = re.compile("^" + re.escape(SITE.state_files).replace(r"\*", "[^/]+") + "$")


def previous_release() -> Path:
    """The tarball of the previous release (docs/releases.md says when it is replaced)."""
    tarballs = sorted((REPO / "tests" / "releases").glob("ucproxy-nginx-*.tar.gz"))
    assert len(tarballs) == 1, f"tests/releases/ must hold the previous release's tarball alone: {tarballs}"
    return tarballs[0]


def role_files(host, paths: list) -> dict:
    """Each file, link and directory under `paths`, with what it is."""
    listing = host.check_output(
        f"find {' '.join(paths)} -xdev \\( -type f -printf '%p %m %u:%g ' -exec sh -c 'sha256sum < \"$1\"' _ {{}} \\; \\) "
        "-o \\( -type l -printf '%p -> %l\\n' \\) -o \\( -type d -printf '%p/ %m %u:%g\\n' \\) 2>/dev/null || true")
    return dict(line.split(" ", 1) for line in listing.splitlines() if line)


def nginx_processes(host) -> str:
    """The master and its workers: a reload replaces the workers."""
    return host.check_output("pgrep -a nginx | sort")


def master(processes: str) -> str:
    return next(line for line in processes.splitlines() if "master process" in line)


def upgrade_changes_only_what_it_names(host, tmp_path, paths: list = ()) -> None:
    """The upgrade of the proxy behind `host` from the previous release, checked on ROLE_FILES and
    `paths`; the host ends as this release's converge left it."""
    proxy, paths = host.backend.name, ROLE_FILES + list(paths)
    release = previous_release()
    install = install_collection(release, tmp_path)
    assert install.returncode == 0, install.stdout + install.stderr
    this_release = role_files(host, paths)

    old_settings = {"ANSIBLE_COLLECTIONS_PATH": str(tmp_path)}
    # The old role runs, not this checkout's.
    directory, old_version = collection_used(old_settings)
    assert directory == str(tmp_path / "ansible_collections")
    assert release.name == f"ucproxy-nginx-{old_version}.tar.gz"
    assert old_version != yaml.safe_load((REPO / "galaxy.yml").read_text())["version"]
    host.run_expect([0], f"rm -f {' '.join(ADDED_SINCE.get(old_version, []))} && systemctl daemon-reload")
    old = run_playbook(CONVERGE, {"record_scenario_state": False}, args=("--limit", proxy), env=old_settings)
    assert old.returncode == 0, (old.stdout + old.stderr)[-3000:]
    before_upgrade = role_files(host, paths)
    rendered_differently = {path for path in set(this_release) | set(before_upgrade)
                            if this_release.get(path) != before_upgrade.get(path)
                            and path not in PROGRAMS and not FILES_OF_1X.match(path)}
    print(f"\nrelease {old_version} on {proxy}: files of 1.x "
          f"{sorted(path for path in before_upgrade if FILES_OF_1X.match(path))}")
    changed_on_purpose = CHANGED_SINCE.get(old_version, set())
    assert rendered_differently == changed_on_purpose, f"release {old_version} wrote these differently: " \
                                                       f"{sorted(rendered_differently)}"
    processes = nginx_processes(host)

    upgrade = run_playbook(CONVERGE, args=("--limit", proxy))
    assert upgrade.returncode == 0, (upgrade.stdout + upgrade.stderr)[-3000:]
    upgraded = role_files(host, paths)
    assert upgraded == this_release, {path: (this_release.get(path), upgraded.get(path))
                                      for path in set(upgraded) | set(this_release)
                                      if upgraded.get(path) != this_release.get(path)}
    if any(path.startswith(NGINX_UNIT_DROPINS + "/") for path in changed_on_purpose):
        assert master(nginx_processes(host)) != master(processes), "the upgrade did not restart nginx"
    elif NGINX_CONF in changed_on_purpose:
        assert master(nginx_processes(host)) == master(processes), "the upgrade restarted nginx"
    else:
        assert nginx_processes(host) == processes, "the upgrade reloaded or restarted nginx"
    assert not any(FILES_OF_1X.match(path) for path in role_files(host, paths))
