# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Benchmark aid: writes each task's wall time (from its start to the next task's start) as JSON to $BENCH_TIMER_FILE,
and with $BENCH_TIMER_RETURNED=KEY:FIELD one field of every item of the list KEY that the task returned."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: bench_timer
type: aggregate
short_description: Task wall times for tests/benchmarks
description:
  - Writes a JSON list of {name, action, seconds, hosts} per task to the file named by the environment variable BENCH_TIMER_FILE.
  - With the environment variable BENCH_TIMER_RETURNED set to KEY:FIELD, a task whose result has a list KEY also gets
    C(returned), the FIELD of each of its items, in order (of the last host's result), and C(returned_seconds), what
    reading them cost (a copy of the result made for this callback); C(seconds) leaves that out.
requirements:
  - enabled in callbacks_enabled
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self._tasks = []
        self._current = None
        self._returned = os.environ.get('BENCH_TIMER_RETURNED', '').partition(':')[::2]

    def _close_current(self):
        if self._current is not None:
            self._current['seconds'] = round(time.monotonic() - self._current.pop('started') - self._current.get('returned_seconds', 0), 4)
            self._tasks.append(self._current)
            self._current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close_current()
        self._current = {'name': task.get_name(), 'action': task.action, 'started': time.monotonic(), 'hosts': 0}

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)

    def _count(self, result):
        if self._current is not None:
            self._current['hosts'] += 1

    v2_runner_on_failed = v2_runner_on_skipped = v2_runner_on_unreachable = _count

    def v2_runner_on_ok(self, result):
        self._count(result)
        key, field = self._returned
        if key and self._current is not None:
            started = time.monotonic()
            items = result.result.get(key)  # a copy made for this callback: its cost is kept apart
            if isinstance(items, list):
                self._current['returned'] = [item.get(field) for item in items]
            self._current['returned_seconds'] = round(time.monotonic() - started, 4)

    def v2_playbook_on_stats(self, stats):
        self._close_current()
        path = os.environ.get('BENCH_TIMER_FILE')
        if path:
            with open(path, 'w') as output:
                json.dump(self._tasks, output)
