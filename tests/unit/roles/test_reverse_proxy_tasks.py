"""Conventions of the role's task files that keep a failed change restorable: every task that
replaces a file with a backup registers __reverse_proxy_<what>_written, the name vars/main.yml
collects the changed files by (__reverse_proxy_changed_files); a task left out would silently not
be rolled back, and its backup (possibly of a private key) would stay on the host."""
import re
from pathlib import Path

import pytest
import yaml

ROLE = Path(__file__).resolve().parents[3] / "roles" / "reverse_proxy"
WRITTEN = re.compile(r"^__reverse_proxy_.+_written$")


def tasks(entries, path):
    for task in entries or []:
        yield path, task
        for section in ("block", "rescue", "always"):
            yield from tasks(task.get(section), path)


ALL_TASKS = [pair for path in sorted((ROLE / "tasks").glob("*.yml"))
             for pair in tasks(yaml.safe_load(path.read_text()), path.name)]


def module_arguments(task):
    return next((value for key, value in task.items() if "." in key and isinstance(value, dict)), {})


BACKED_UP = [(path, task) for path, task in ALL_TASKS if module_arguments(task).get("backup") is True]
REGISTERED = [(path, task) for path, task in ALL_TASKS if WRITTEN.match(str(task.get("register", "")))]


def test_the_role_has_tasks_that_replace_files_with_backups():
    assert len(BACKED_UP) >= 8, [task["name"] for _path, task in BACKED_UP]


@pytest.mark.parametrize("path,task", BACKED_UP, ids=[task["name"] for _path, task in BACKED_UP])
def test_task_with_a_backup_registers_its_result_for_the_rollback(path, task):
    assert WRITTEN.match(str(task.get("register", ""))), (
        f"{path}: '{task['name']}' writes with backup: true but does not register __reverse_proxy_<what>_written")


@pytest.mark.parametrize("path,task", REGISTERED, ids=[task["name"] for _path, task in REGISTERED])
def test_only_tasks_that_write_files_nginx_reads_use_the_written_name(path, task):
    arguments = module_arguments(task)
    assert arguments.get("backup") is True or arguments.get("state") == "link", (
        f"{path}: '{task['name']}' registers {task['register']} without writing a file with a backup or a link; "
        "a rollback would delete what it names")
