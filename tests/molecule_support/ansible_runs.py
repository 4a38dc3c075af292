"""Running Ansible from the tests as molecule runs it: a playbook or one module against the
scenario's inventory, with the scenario's ansible.cfg and this checkout's collection."""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from molecule_support.scenario import REPO, ephemeral_directory, inventory_file

# Every scenario's converge (.config/molecule/config.yml names it for molecule).
CONVERGE = str(REPO / "tests" / "playbooks" / "converge.yml")


def run_playbook(playbook: str, extra_vars: dict | None = None, env: dict | None = None, args: tuple = (),
                 timeout: int = 600, record_scenario_state: bool = False) -> subprocess.CompletedProcess:
    """ansible-playbook against the scenario's inventory, as molecule runs it; the result, whatever
    the outcome. The converge records the proxies' state for the tests only when asked to
    (record_scenario_state, for runs with the scenario's own variables: converge() decides)."""
    command = [_ansible_program("ansible-playbook"), "-i", inventory_file(), *args, playbook]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as variables:
        json.dump({**(extra_vars or {}), "record_scenario_state": record_scenario_state}, variables)
    command += ["-e", f"@{variables.name}"]
    try:
        # A session of its own, so a test can kill the whole run (workers included).
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=_ansible_environment(env),
                              start_new_session=True, check=False)
    finally:
        os.unlink(variables.name)


def converge(extra_vars: dict | None = None, env: dict | None = None, args: tuple = ()) -> subprocess.CompletedProcess:
    """The scenario's converge, which must succeed; the result. A run with the scenario's own
    variables (none given here; --limit allowed) records the state it leaves for the tests. (A
    run that may or must fail is `run_playbook(CONVERGE, ...)`.)"""
    own_variables = not extra_vars and not env and "--check" not in args
    result = run_playbook(CONVERGE, extra_vars, env=env, args=args, record_scenario_state=own_variables)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return result


def run_module(host_name: str, module: str, module_args: str) -> subprocess.CompletedProcess:
    """One module on one host of the scenario's inventory, ad hoc (`ansible -m`); the result."""
    command = [_ansible_program("ansible"), "-i", inventory_file(), host_name, "-m", module, "-a", module_args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=_ansible_environment(None),
                          check=False)


def collection_used(env: dict | None = None) -> tuple:
    """(directory, version) of the ucproxy.nginx that runs with these settings: the first one found."""
    listed = subprocess.run([_ansible_program("ansible-galaxy"), "collection", "list", "ucproxy.nginx", "--format",
                             "json"], capture_output=True, text=True, timeout=120, env=_ansible_environment(env),
                            cwd=REPO, check=True)
    directory, collections = next(iter(json.loads(listed.stdout).items()))
    return directory, collections["ucproxy.nginx"]["version"]


def install_collection(tarball: Path, path: Path) -> subprocess.CompletedProcess:
    """Installs a collection tarball as an admin does (offline, its dependencies already there) into
    path/ansible_collections."""
    return subprocess.run([_ansible_program("ansible-galaxy"), "collection", "install", "--offline", "--no-deps",
                           "-p", str(path), str(tarball)], capture_output=True, text=True, timeout=120,
                          env=_ansible_environment(None), cwd=REPO, check=False)


def output_of(result: subprocess.CompletedProcess) -> str:
    """A run's output as one line: Ansible wraps warnings at the terminal width, also after hyphens."""
    return re.sub(r"-\s+", "-", " ".join((result.stdout + result.stderr).split()))


def _ansible_program(name: str) -> str:
    return os.path.join(os.path.dirname(sys.executable), name)


def _ansible_environment(env: dict | None) -> dict:
    """Ansible's settings as molecule runs it (the scenario's ansible.cfg, the checkout's collection)."""
    environment = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(REPO / "collections"),
                       ANSIBLE_CONFIG=str(ephemeral_directory() / "ansible.cfg"), ANSIBLE_NOCOLOR="1",
                       ANSIBLE_FORCE_COLOR="0")
    environment.update(env or {})
    return environment
