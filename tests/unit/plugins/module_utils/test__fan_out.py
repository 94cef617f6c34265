# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._fan_out import fetch_each, try_each


class Recorder:
    """fetch(key): ``key * 2``, or a failure for the keys in ``failing``; records the keys and the threads."""

    def __init__(self, failing=(), gate=None):
        self.keys, self.threads = [], set()
        self._failing, self._gate = set(failing), gate
        self._lock = threading.Lock()

    def __call__(self, key):
        with self._lock:
            self.keys.append(key)
            self.threads.add(threading.current_thread().name)
        if self._gate is not None:
            self._gate.wait(5)
        if key in self._failing:
            raise ApsaraMQError('no %s' % key)
        return key * 2


@pytest.mark.parametrize('max_concurrency', [1, 4])
def test_every_key_once_in_a_dict_by_key(max_concurrency):
    fetch = Recorder()
    assert fetch_each(['a', 'b', 'c'], fetch, max_concurrency, 'item %s') == {'a': 'aa', 'b': 'bb', 'c': 'cc'}
    assert sorted(fetch.keys) == ['a', 'b', 'c']


@pytest.mark.parametrize('keys, max_concurrency', [(['only'], 8), (['a', 'b'], 1)])
def test_one_key_or_one_at_a_time_needs_no_thread(keys, max_concurrency):
    fetch = Recorder()
    fetch_each(keys, fetch, max_concurrency, 'item %s')
    assert fetch.threads == {threading.current_thread().name}


def test_several_at_a_time_run_in_parallel():
    gate = threading.Barrier(3)
    fetch = Recorder(gate=gate)
    fetch_each(['a', 'b', 'c'], fetch, 3, 'item %s')  # the barrier opens only when all three are in flight
    assert len(fetch.threads) == 3


@pytest.mark.parametrize('max_concurrency', [1, 4])
def test_the_failure_is_that_of_the_first_failing_key_in_the_order_given(max_concurrency):
    with pytest.raises(ApsaraMQError, match=r'^item b: no b$'):
        fetch_each(['a', 'b', 'c', 'd'], Recorder(failing=['d', 'b']), max_concurrency, 'item %s')


def test_keys_not_started_are_cancelled_after_a_failure():
    started = []

    def fetch(key):
        started.append(key)
        if key == 0:
            raise ApsaraMQError('no 0')
        time.sleep(0.2)
    with pytest.raises(ApsaraMQError, match='^item 0: no 0$'):
        fetch_each(list(range(200)), fetch, 2, 'item %s')
    assert len(started) < 20


@pytest.mark.parametrize('max_concurrency', [1, 16])
def test_no_key_asks_nothing(max_concurrency):
    fetch = Recorder()
    assert fetch_each([], fetch, max_concurrency, 'item %s') == {} and fetch.keys == []
    assert try_each([], fetch, max_concurrency) == ({}, {}) and fetch.keys == []


@pytest.mark.parametrize('max_concurrency', [1, 4])
def test_try_each_tries_every_key_and_returns_the_successes_and_the_failures_in_the_order_given(max_concurrency):
    keys = list(range(40))
    attempt = Recorder(failing=[0, 7, 39, 3])
    results, failures = try_each(keys, attempt, max_concurrency)
    assert sorted(attempt.keys) == keys
    assert list(results.items()) == [(key, key * 2) for key in keys if key not in (0, 3, 7, 39)]
    assert [(key, str(error)) for key, error in failures.items()] == [(0, 'no 0'), (3, 'no 3'), (7, 'no 7'), (39, 'no 39')]
    assert all(isinstance(error, ApsaraMQError) for error in failures.values())


def test_try_each_goes_on_after_a_failure_that_comes_first():
    started = []

    def attempt(key):
        started.append(key)
        if key == 0:
            raise ApsaraMQError('no 0')
        time.sleep(0.01)
    results, failures = try_each(list(range(200)), attempt, 2)
    assert sorted(started) == list(range(200)) and len(results) == 199 and list(failures) == [0]


def test_try_each_runs_several_at_a_time():
    attempt = Recorder(gate=threading.Barrier(3))
    try_each(['a', 'b', 'c'], attempt, 3)  # the barrier opens only when all three are in flight
    assert len(attempt.threads) == 3


@pytest.mark.parametrize('max_concurrency', [1, 4])
def test_a_defect_is_no_failure_of_a_key_and_goes_through(max_concurrency):
    def attempt(key):
        if key == 'b':
            raise KeyError(key)
        return key
    with pytest.raises(KeyError):
        try_each(['a', 'b', 'c'], attempt, max_concurrency)
