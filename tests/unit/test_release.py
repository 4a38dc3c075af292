"""The release version is written in galaxy.yml; the execution environment installs that version,
and the README's examples name it."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_execution_environment_installs_the_version_of_galaxy_yml():
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    environment = yaml.safe_load((ROOT / "execution-environment.yml").read_text())
    ours = [c for c in environment["dependencies"]["galaxy"]["collections"] if "ucproxy.nginx" in c["name"]]
    assert [c["version"] for c in ours] == [version]
    assert f"ucproxy-nginx-ee:{version}" in (ROOT / "execution-environment.yml").read_text()


# The README's examples: `version:` of requirements.yml and the tarball's name. docs/ may show them
# too; every version such an example names is the one galaxy.yml gives.
EXAMPLES = re.compile(r"^\s*version:\s*[\"']?(\d+\.\d+\.\d+)|ucproxy-nginx-(\d+\.\d+\.\d+)\.tar\.gz", re.MULTILINE)


def named_versions(path: Path) -> list:
    return [pinned or tarball for pinned, tarball in EXAMPLES.findall(path.read_text())]


def test_the_readme_examples_name_the_version_of_galaxy_yml():
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    readme = named_versions(ROOT / "README.md")
    assert len(readme) >= 2, "the README no longer pins a version in requirements.yml and names the tarball"
    for page in [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md")):
        stale = [named for named in named_versions(page) if named != version]
        assert not stale, f"{page.relative_to(ROOT)} names {stale} in its examples; galaxy.yml says {version}"


def test_the_changelog_has_an_entry_for_the_version_of_galaxy_yml():
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    released = yaml.safe_load((ROOT / "changelogs" / "changelog.yaml").read_text())["releases"]
    assert version in released, f"changelogs/changelog.yaml has no release {version}: antsibull-changelog release"
    anchor = "v" + version.replace(".", "-")
    assert f'<a id="{anchor}"></a>' in (ROOT / "CHANGELOG.md").read_text(), f"CHANGELOG.md has no entry {anchor}"


def version_key(version: str) -> tuple:
    return tuple(int(part) for part in version.split("."))


def test_the_upgrade_test_starts_from_the_previous_release():
    """tests/releases/ holds the tarball the upgrade test deploys first: not older than the release
    before galaxy.yml's version (changelogs/changelog.yaml), and older than galaxy.yml's version."""
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    released = yaml.safe_load((ROOT / "changelogs" / "changelog.yaml").read_text())["releases"]
    previous = max((v for v in released if version_key(v) < version_key(version)), key=version_key)
    tarballs = [path.name for path in (ROOT / "tests" / "releases").glob("ucproxy-nginx-*.tar.gz")]
    assert len(tarballs) == 1, f"tests/releases/ must hold one tarball, the previous release's: {tarballs}"
    baseline = re.fullmatch(r"ucproxy-nginx-(\d+\.\d+\.\d+)\.tar\.gz", tarballs[0]).group(1)
    assert version_key(previous) <= version_key(baseline) < version_key(version), (
        f"tests/releases/{tarballs[0]}: the upgrade test must start from release {previous} (docs/releases.md)")
