# Used by the fault tests only: simulates a run that dies (power loss, kill -9, Ctrl-C of the
# whole process group) right after a given task has finished.
DOCUMENTATION = """
name: interrupt_after_task
type: aggregate
short_description: Kills ansible-playbook right after the task named in UCPROXY_INTERRUPT_AFTER
description:
  - Test helper; sends SIGKILL to the playbook's process group once a task whose name contains
    the environment variable UCPROXY_INTERRUPT_AFTER has finished on any host.
"""

import os
import signal

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "interrupt_after_task"
    CALLBACK_NEEDS_ENABLED = True

    def v2_runner_on_ok(self, result):
        marker = os.environ.get("UCPROXY_INTERRUPT_AFTER")
        if marker and marker in result._task.get_name():
            os.killpg(os.getpgrp(), signal.SIGKILL)
