"""The release version is written in galaxy.yml; the execution environment installs that version."""
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_execution_environment_installs_the_version_of_galaxy_yml():
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    environment = yaml.safe_load((ROOT / "execution-environment.yml").read_text())
    ours = [c for c in environment["dependencies"]["galaxy"]["collections"] if "ucproxy.nginx" in c["name"]]
    assert [c["version"] for c in ours] == [version]
    assert f"ucproxy-nginx-ee:{version}" in (ROOT / "execution-environment.yml").read_text()
