# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""The rate limit (--max-requests-per-second, POST /_emulator/faults max_requests_per_second): an onsmqtt request past N in any
sliding one-second window is answered Throttling.User, not carried out, and logged with rate_limited true."""

import subprocess
import time
import urllib.error

import pytest

from emulator_client import GET_PARAMS, api_call

INSTANCE = 'post-cn-emulator01'
ACTIVE_DEVICE = {'MqttInstanceId': INSTANCE, 'CaSn': '00e0a1c0ffee000001', 'DeviceSn': '00dec1ce0100000001'}
LIMIT = 5


def codes(answers):
    return [answer.json().get('Code') for answer in answers]


def burst(server, count):
    return [api_call(server, 'GetCaCertificate', GET_PARAMS) for _index in range(count)]


def assert_one_second(log_entries):
    """The burst's requests all arrived within one second: else the machine was too slow for the test to mean anything."""
    times = [entry['time'] for entry in log_entries]
    assert times[-1] - times[0] < 1, f'the burst took {times[-1] - times[0]:.2f} s: too slow a machine for this test'


def test_the_request_past_the_limit_in_one_second_is_throttled_and_logged_so(start_emulator):
    server = start_emulator('--max-requests-per-second', str(LIMIT))
    answers = burst(server, LIMIT + 1)
    log = server.requests_log()['requests']
    assert_one_second(log)
    assert codes(answers) == [None] * LIMIT + ['Throttling.User']
    assert (answers[-1].status, answers[-1].json()['Message']) == (400, 'Request was denied due to user flow control.')
    assert [entry['rate_limited'] for entry in log] == [False] * LIMIT + [True]
    assert [(entry['code'], entry['fault']) for entry in log][-1] == ('Throttling.User', None)
    assert 'rate_limited=True' in server.log_text()
    # The window slides: a second after the first admitted request, there is room again.
    time.sleep(max(0.0, log[0]['time'] + 1.05 - time.time()))
    assert codes(burst(server, 1)) == [None]


def test_a_client_paced_under_the_limit_is_never_throttled(start_emulator):
    server = start_emulator('--max-requests-per-second', str(LIMIT))
    answers = []
    for _index in range(3 * LIMIT):
        started = time.monotonic()
        answers.extend(burst(server, 1))
        time.sleep(max(0.0, 1.2 / LIMIT - (time.monotonic() - started)))
    assert codes(answers) == [None] * (3 * LIMIT)
    assert not any(entry['rate_limited'] for entry in server.requests_log()['requests'])


def test_a_throttled_write_is_not_carried_out(start_emulator):
    server = start_emulator('--max-requests-per-second', '1')
    assert codes(burst(server, 1)) == [None]
    refused = api_call(server, 'InactivateDeviceCertificate', ACTIVE_DEVICE, method='POST')
    assert_one_second(server.requests_log()['requests'])
    assert refused.json()['Code'] == 'Throttling.User'
    time.sleep(1.05)
    assert api_call(server, 'GetDeviceCertificate', ACTIVE_DEVICE).json()['Data']['Status'] == '1'


def test_the_limit_set_at_run_time_lasts_until_a_reset_which_restores_the_command_lines(start_emulator):
    server = start_emulator('--max-requests-per-second', '50')
    assert server.inject()['max_requests_per_second'] == 50
    assert server.inject(max_requests_per_second=2)['max_requests_per_second'] == 2
    answers = burst(server, 3)
    assert_one_second(server.requests_log()['requests'])
    assert codes(answers) == [None, None, 'Throttling.User']
    assert server.reset() == {'reset': True}
    assert server.inject()['max_requests_per_second'] == 50
    assert server.inject(clear=True)['max_requests_per_second'] is None
    assert server.inject(max_requests_per_second=3)['max_requests_per_second'] == 3
    assert server.inject(max_requests_per_second=0)['max_requests_per_second'] is None


def test_without_a_limit_nothing_is_throttled(emulator):
    emulator.reset()
    assert emulator.inject()['max_requests_per_second'] is None
    assert codes(burst(emulator, 20)) == [None] * 20
    assert not any(entry['rate_limited'] for entry in emulator.requests_log()['requests'])


def test_sts_calls_do_not_count(start_emulator):
    server = start_emulator('--max-requests-per-second', '1')
    for _index in range(3):
        assume = api_call(server, 'AssumeRole', {'RoleArn': 'acs:ram::1234567890123456:role/emulator-role', 'RoleSessionName': 'rate'},
                          version='2015-04-01')
        assert assume.status == 200, assume.body
    assert codes(burst(server, 2)) == [None, 'Throttling.User']


@pytest.mark.parametrize('value', [-1, 'ten', True, 1.5])
def test_a_bad_limit_is_refused_and_changes_nothing(emulator, value):
    emulator.reset()
    with pytest.raises(urllib.error.HTTPError) as refused:
        emulator.inject(max_requests_per_second=value)
    assert refused.value.code == 400 and 'max_requests_per_second must be' in refused.value.read().decode()
    assert emulator.inject()['max_requests_per_second'] is None


def test_a_bad_limit_on_the_command_line_stops_the_start(emulator_command):
    finished = subprocess.run([*emulator_command, '--port', '0', '--max-requests-per-second', '-3'], capture_output=True, text=True, timeout=60,
                              check=False)
    assert finished.returncode == 2
    assert 'max_requests_per_second must be between 0 and 1000000' in finished.stderr
