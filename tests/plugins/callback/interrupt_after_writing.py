# Used by the fault tests only: simulates a run that dies (power loss, kill -9, Ctrl-C of the
# whole process group) right after it wrote a given file on a host, whichever task wrote it.
import os
import signal

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: interrupt_after_writing
type: aggregate
short_description: Kills ansible-playbook right after a task changed the file in UCPROXY_INTERRUPT_AFTER_WRITING
description:
  - Test helper; sends SIGKILL to the playbook's process group once a task result reports the
    file named by the environment variable UCPROXY_INTERRUPT_AFTER_WRITING (its C(dest) or
    C(path)) as changed, on any host.
"""


def _wrote(result: dict, path: str) -> bool:
    results = result.get("results") or [result]  # a loop's items, or the task's own result
    return any(item.get("changed") and path in (item.get("dest"), item.get("path")) for item in results)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "interrupt_after_writing"
    CALLBACK_NEEDS_ENABLED = True

    def v2_runner_on_ok(self, result):
        path = os.environ.get("UCPROXY_INTERRUPT_AFTER_WRITING")
        if path and _wrote(result._result, path):
            os.killpg(os.getpgrp(), signal.SIGKILL)
