# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module as Ansible runs it against an emulator that throttles, fails, drops, stalls and cuts answers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re
import time

import pytest

INSTANCE = 'post-cn-emulator01'
SN = '00e0a1c0ffee000001'


@pytest.fixture
def lookup_args(module_keys):
    """Function: lookup_args(server, **options) -> the arguments of a lookup of SN with the emulator's keys."""
    def args(server, **options):
        return dict(module_keys, instance_id=INSTANCE, endpoint=server.url, sn=[SN], **options)
    return args


@pytest.fixture
def succeeded(run_module):
    """Function: succeeded(args) -> the result of a run that succeeds with the facts of SN."""
    def run(args):
        result, process = run_module(args)
        assert process.returncode == 0 and not result.get('failed'), result
        assert [facts['sn'] for facts in result['certificates']] == [SN]
        return result
    return run


def test_three_throttled_answers_then_success(start_emulator, warning_texts, lookup_args, succeeded):
    server = start_emulator()
    server.inject(kind='throttling', count=3, retry_after_ms=20)
    result = succeeded(lookup_args(server))
    log = server.requests_log()
    assert log['count'] == 4 and result['request_attempts'] == 4
    assert [entry['code'] for entry in log['requests']] == ['Throttling.User'] * 3 + [None]
    assert len({entry['nonce'] for entry in log['requests']}) == 4
    retries = [text for text in warning_texts(result) if 'retry' in text]
    assert len(retries) == 3
    assert all(text.startswith('GetCaCertificate: retry %d of at most 5 in 0.0 s after: GetCaCertificate failed: Throttling.User: '
                               'Request was denied due to user flow control. (request ID ' % number)
               for number, text in zip((1, 2, 3), retries))


def test_unknown_sn_is_one_request_naming_find_ca_by_sn_error_and_the_request_id(start_emulator, module_failure, warning_texts, lookup_args):
    server = start_emulator()
    result = module_failure(dict(lookup_args(server), sn=['no-such-sn']))
    log = server.requests_log()
    assert log['count'] == 1 and result['request_attempts'] == 1
    assert 'FindCaBySnError' in result['msg']
    assert 'request ID %s' % result['error']['request_id'] in result['msg']
    assert not [text for text in warning_texts(result) if 'retry' in text]


def test_a_30_second_stall_fails_within_5_seconds_with_timeout_2_and_no_retries(start_emulator, module_failure, lookup_args):
    server = start_emulator('--fault', 'stall', '--stall-seconds', '30')
    started = time.monotonic()
    result = module_failure(lookup_args(server, timeout=2, retries=0))
    assert time.monotonic() - started < 5
    assert result['msg'] == 'SN %s: No answer from %s to GetCaCertificate within 2.0 seconds; check network access to the endpoint, or raise timeout' % (
        SN, server.url)
    assert result['request_attempts'] == 1


@pytest.mark.parametrize('fault, message', [
    ('drop', r'Could not connect to http://127\.0\.0\.1:\d+ \(.*\); check region or endpoint, proxy settings and network access'),
    ('truncated', r'The answer of http://127\.0\.0\.1:\d+ to GetCaCertificate broke off before its end \(.*\); check network access and proxy'),
    ('html', r"GetCaCertificate: http://127\.0\.0\.1:\d+ answered HTTP 502 with text/html instead of a JSON object \('<html> <head><title>502 Bad Gateway"),
])
def test_broken_answers_fail_in_one_line_without_retries(start_emulator, fault, message, module_failure, lookup_args):
    server = start_emulator('--fault', fault)
    result = module_failure(lookup_args(server, retries=0))
    assert re.fullmatch(r'SN %s: %s.*' % (SN, message), result['msg'])
    assert result['request_attempts'] == 1 and server.requests_log()['count'] == 1


@pytest.mark.parametrize('fault, cause', [
    ('drop', 'Could not connect to'),
    ('truncated', 'broke off before its end'),
    ('html', 'answered HTTP 502 with text/html'),
    ('overflow', 'SystemOverFlow'),
    ('unavailable', 'ServiceUnavailable'),
])
def test_broken_answers_succeed_on_the_retry(start_emulator, fault, cause, warning_texts, lookup_args, succeeded):
    server = start_emulator('--fault', fault)
    result = succeeded(lookup_args(server))
    assert result['request_attempts'] == 2
    assert [text for text in warning_texts(result) if 'retry 1 of at most 5' in text and cause in text]
    nonces = [entry['nonce'] for entry in server.requests_log()['requests']]
    assert len(nonces) == 2 and nonces[0] != nonces[1]


def test_dropped_kept_alive_connections_cost_a_counted_retry_never_a_reused_nonce(start_emulator, emulator, run_module, warning_texts, lookup_args):
    server = start_emulator()
    server.inject(random_percent=50, random_kinds=['drop'], seed=1)
    sns = [entry['data']['Sn'] for entry in emulator.fixtures['instances'][INSTANCE]['ca_certificates'][:4]]
    result, process = run_module(dict(lookup_args(server, max_concurrency=1), sn=sns))
    assert process.returncode == 0 and not result.get('failed'), result
    log = server.requests_log()
    assert [facts['sn'] for facts in result['certificates']] == sns
    assert result['request_attempts'] == log['count'] == len({entry['nonce'] for entry in log['requests']})
    retries = [text for text in warning_texts(result) if 'retry' in text]
    assert 0 < len(retries) <= log['count'] - len(sns)  # at most: Ansible shows a warning repeated word for word once


def test_retries_run_out_with_the_last_error_and_the_attempt_count(start_emulator, module_failure, warning_texts, lookup_args):
    server = start_emulator()
    server.inject(kind='unavailable', count=10, retry_after_ms=10)
    result = module_failure(lookup_args(server, retries=2))
    assert result['error']['code'] == 'ServiceUnavailable'
    assert result['msg'].endswith('gave up after 3 attempts')
    assert result['request_attempts'] == 3 and server.requests_log()['count'] == 3
    assert len([text for text in warning_texts(result) if 'retry' in text]) == 2


def test_every_result_reports_its_attempts(start_emulator, module_failure, lookup_args, succeeded):
    server = start_emulator()
    assert succeeded(lookup_args(server))['request_attempts'] == 1
    assert module_failure(dict(lookup_args(server), instance_id=' '))['request_attempts'] == 0


def fixtures_with_first_ca(emulator, **data):
    """The default fixture document with fields of the first CA replaced."""
    document = copy.deepcopy(emulator.fixtures)
    document['instances'][INSTANCE]['ca_certificates'][0]['data'].update(data)
    return document


def test_a_malformed_field_fails_in_one_line_with_the_request_id(start_emulator, emulator, module_failure, lookup_args):
    server = start_emulator(fixtures=fixtures_with_first_ca(emulator, ValidEnd='soon'))
    result = module_failure(lookup_args(server))
    answered = server.requests_log()['requests'][0]
    assert re.fullmatch(r"The API answered with CA data this collection cannot read: .*ValidEnd.*'soon'.* \(request ID [0-9A-F-]{36}\)",
                        result['msg'])
    assert answered['status'] == 200 and result['request_attempts'] == 1


def test_an_unknown_status_is_passed_through(start_emulator, emulator, lookup_args, succeeded):
    server = start_emulator(fixtures=fixtures_with_first_ca(emulator, Status='2'))
    assert succeeded(lookup_args(server))['certificates'][0]['status'] == '2'
