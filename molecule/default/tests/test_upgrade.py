"""A 1.x inventory deploys what it deployed before: the previous release's role (the collection as
it was just before galaxy.yml got the current version, taken from git), run on a proxy this release
converged with the same single-site variables, changes no configuration: every file the old role
renders or places (nginx.conf, the site file, certificates, keys, DH parameters, check settings,
fail2ban and systemd files) is byte for byte what this release wrote, and nginx is not even
reloaded. Only the programs the role installs (the monitoring check) are the old release's own.
One exception, for a previous release before 1.5: it names OpenSSL's patch level in nginx.conf's
profile comment, where 1.5 names only the release series (so that a security update of OpenSSL
changes no file); that line, and the reload it brings, may differ."""
import re
import subprocess

import pytest
import yaml

from molecule_support import CONVERGE, REPO, run_playbook

PROXY = "ucproxy-deb12"
# The programs a release brings along (not configuration): the old role puts its own version back.
PROGRAMS = {"The monitoring check is installed at /usr/local/lib/ucproxy-nginx/check_ucproxy",
            "The probe the check shares with the health gate is in place"}


# Before 1.5: the tasks that rewrite the profile comment in nginx.conf, and the only lines they may change.
COMMENT_REWRITE = {"Nginx main configuration carries the TLS profile",
                   "Nginx runs the new configuration (reload, or restart for a new open-file limit)",
                   "Digest is written", "Backups of replaced files are removed"}
COMMENT_LINE = re.compile(r'^[-+] +# TLS profile "[a-z]+" for nginx [0-9.]+ with OpenSSL [0-9.]+[.]$')


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", REPO, *args], capture_output=True, text=True, check=True, timeout=60).stdout


def previous_release() -> str:
    """The commit of the previous release: the parent of the commit that set galaxy.yml's version."""
    def version(commit):
        return yaml.safe_load(git("show", f"{commit}:galaxy.yml"))["version"]

    current, bump = version("HEAD"), None
    for commit in git("log", "--format=%H", "--first-parent", "--", "galaxy.yml").split():
        if version(commit) != current:
            return git("rev-parse", f"{bump}^").strip()
        bump = commit
    pytest.fail("no earlier release in the git history (the suite needs a full clone, not a shallow one)")
    return ""


def test_the_previous_release_changes_nothing_on_a_proxy_this_release_deployed(tmp_path):
    release = previous_release()
    collection = tmp_path / "ansible_collections" / "ucproxy" / "nginx"
    collection.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", REPO, "archive", release], capture_output=True, check=True, timeout=60)
    subprocess.run(["tar", "-x", "-C", str(collection)], input=archive.stdout, check=True, timeout=60)
    old_version = yaml.safe_load((collection / "galaxy.yml").read_text())["version"]

    result = run_playbook(CONVERGE, args=("--limit", PROXY, "--diff"), env={"ANSIBLE_COLLECTIONS_PATH": str(tmp_path)})
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    # The old role ran, not this checkout's: the task files it included are the extracted release's.
    assert "TASK [ucproxy.nginx.reverse_proxy : Nginx main configuration carries the TLS profile]" in result.stdout
    included = re.findall(r"^included: (\S+) for ", result.stdout, re.M)
    assert included and all(path.startswith(str(collection)) for path in included), included
    tasks = re.findall(r"^TASK \[ucproxy\.nginx\.reverse_proxy : (.+?)\] \**$(.*?)(?=^TASK |^PLAY )",
                       result.stdout, re.M | re.S)
    changed = [task for task, body in tasks if re.search(rf"^changed: \[{PROXY}\]", body, re.M)]
    print(f"\nrelease {old_version} ({release[:10]}) on {PROXY} changed: {changed}")
    assert re.search(rf"^{PROXY}\s+: ok=\d+\s+changed={len(changed)}\s", result.stdout, re.M), output[-3000:]
    allowed = PROGRAMS
    if tuple(int(part) for part in old_version.split(".")[:2]) < (1, 5):
        allowed = PROGRAMS | COMMENT_REWRITE
        diff = dict(tasks).get("Nginx main configuration carries the TLS profile", "")
        changed_lines = [line for line in diff.splitlines()
                         if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
        assert all(COMMENT_LINE.match(line) for line in changed_lines), changed_lines
    assert set(changed) <= allowed, f"the previous release changed {sorted(set(changed) - allowed)}"
