# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The lookup joined with the facts: no work repeated per SN, no thread for a single request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils import _ca_certificate_info
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_certificate_info import ca_certificate_facts
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError

INSTANCE = 'post-cn-test01'


class FakeClient:
    """Answers GetCaCertificate from memory and records each call and the thread that made it."""

    def __init__(self, missing=()):
        self.calls = []
        self.threads = set()
        self._missing = set(missing)

    def call(self, action, params):
        self.calls.append((action, params['Sn']))
        self.threads.add(threading.current_thread().name)
        if params['Sn'] in self._missing:
            raise ApiError(action, 'FindCaBySnError', 'no such CA', 'REQ-%s' % params['Sn'], 400)
        return {'RequestId': 'REQ-%s' % params['Sn'], 'Data': {'Sn': params['Sn']}}


@pytest.fixture
def described(monkeypatch):
    """Replaces describe_ca (certificates are test__ca_certificate.py's business) and lists the SNs it was given."""
    seen = []

    def fake_describe(data, request_id, now_ms):
        seen.append(data['Sn'])
        return {'sn': data['Sn'], 'request_id': request_id}, ['warning about %s' % data['Sn']]
    monkeypatch.setattr(_ca_certificate_info, 'describe_ca', fake_describe)
    return seen


@pytest.mark.parametrize('max_concurrency', [1, 16])
def test_a_repeated_sn_is_fetched_and_described_once_and_listed_twice(described, max_concurrency):
    client = FakeClient()
    certificates, warnings = ca_certificate_facts(client, INSTANCE, ['b', 'a', 'b', 'b'], 0, max_concurrency)
    assert [facts['sn'] for facts in certificates] == ['b', 'a', 'b', 'b']
    assert sorted(sn for dummy, sn in client.calls) == ['a', 'b']
    assert described == ['b', 'a']
    assert warnings == ['warning about b', 'warning about a']


@pytest.mark.parametrize('sns, max_concurrency', [(['a'], 16), (['a', 'a'], 16), (['a', 'b', 'c'], 1)])
def test_a_single_request_at_a_time_runs_in_the_calling_thread(described, sns, max_concurrency):
    client = FakeClient()
    ca_certificate_facts(client, INSTANCE, sns, 0, max_concurrency)
    assert client.threads == {threading.current_thread().name}


def test_several_sns_are_fetched_by_a_pool(described):
    client = FakeClient()
    ca_certificate_facts(client, INSTANCE, ['a', 'b', 'c'], 0, 16)
    assert threading.current_thread().name not in client.threads


@pytest.mark.parametrize('max_concurrency', [1, 16])
def test_the_first_failing_sn_in_the_order_asked_is_reported(described, max_concurrency):
    with pytest.raises(ApiError, match='^SN x: GetCaCertificate failed: FindCaBySnError'):
        ca_certificate_facts(FakeClient(missing=['x', 'y']), INSTANCE, ['a', 'x', 'y'], 0, max_concurrency)
    assert described == []


def test_an_empty_list_asks_nothing(described):
    client = FakeClient()
    assert ca_certificate_facts(client, INSTANCE, [], 0, 16) == ([], [])
    assert client.calls == [] and described == []
