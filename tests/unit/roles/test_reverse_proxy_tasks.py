"""Conventions of the role's task files that keep a failed change restorable: every task that
writes a file nginx reads (ucproxy.nginx.host_files before the health gate, community.crypto's
modules with a backup) registers __reverse_proxy_<what>_written, the name vars/main/files.yml
collects the changed files by (__reverse_proxy_changed_files); a task left out would silently not
be rolled back, and its backup (possibly of a private key) would stay on the host."""
import re
from pathlib import Path

import pytest
import yaml

ROLE = Path(__file__).resolve().parents[3] / "roles" / "reverse_proxy"
WRITTEN = re.compile(r"^__reverse_proxy_.+_written$")
# The task files that run before the health gate passed (tasks/main.yml's block).
BEFORE_THE_GATE = ("nginx_files.yml", "activate.yml", "acme.yml")


def tasks(entries, path):
    for task in entries or []:
        yield path, task
        for section in ("block", "rescue", "always"):
            yield from tasks(task.get(section), path)


ALL_TASKS = [pair for path in sorted((ROLE / "tasks").glob("*.yml"))
             for pair in tasks(yaml.safe_load(path.read_text()), path.name)]


def module(task):
    return next(((key, value) for key, value in task.items() if "." in key and isinstance(value, dict)), ("", {}))


WRITERS = [(path, task) for path, task in ALL_TASKS
           if module(task)[1].get("backup") is True
           or (module(task)[0] == "ucproxy.nginx.host_files" and path in BEFORE_THE_GATE)]
REGISTERED = [(path, task) for path, task in ALL_TASKS if WRITTEN.match(str(task.get("register", "")))]


def test_the_role_has_tasks_that_write_files_nginx_reads():
    assert len(WRITERS) >= 5, [task["name"] for _path, task in WRITERS]


@pytest.mark.parametrize("path,task", WRITERS, ids=[task["name"] for _path, task in WRITERS])
def test_a_task_that_writes_what_nginx_reads_registers_its_result_for_the_rollback(path, task):
    assert WRITTEN.match(str(task.get("register", ""))), (
        f"{path}: '{task['name']}' writes files nginx reads but does not register __reverse_proxy_<what>_written")


@pytest.mark.parametrize("path,task", REGISTERED, ids=[task["name"] for _path, task in REGISTERED])
def test_only_tasks_that_write_files_nginx_reads_use_the_written_name(path, task):
    assert (path, task) in WRITERS, (
        f"{path}: '{task['name']}' registers {task['register']} without writing files nginx reads; "
        "a rollback would put back what it names")
