# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The retry policy on its own: what is retried, the waits, the limits; a simulated clock, no network."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError, ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._retry import RetryPolicy, retry_after_seconds, retryable_answer


@pytest.mark.parametrize('code, status, expected', [
    ('Throttling', 400, True),
    ('Throttling.User', 400, True),
    ('Throttling.Api', 503, True),
    ('SystemOverFlow', 403, True),
    ('ServiceUnavailable', 503, True),
    ('InternalError', 417, True),
    ('FindCaBySnError', 500, False),  # the code decides, not the status
    ('ParameterFieldCheckFailed', 500, False),
    ('SignatureNonceUsed', 400, False),
    ('ThrottlingX', 400, False),
    (None, 429, True),
    (None, 500, True),
    (None, 502, True),
    (None, 503, True),
    (None, 504, True),
    (None, 501, False),
    (None, 400, False),
    (None, 200, False),
])
def test_retryable_by_code_first_then_status(code, status, expected):
    assert retryable_answer(code, status) is expected


@pytest.mark.parametrize('header, expected', [
    ('1500', 1.5), ('0', 0.0), ('250.5', 0.2505), (None, None), ('', None), ('soon', None), ('-5', None), ('inf', None), ('nan', None),
])
def test_retry_after_header_is_milliseconds(header, expected):
    assert retry_after_seconds(header) == expected


class SimulatedTime:
    """A clock that only the policy's sleeps (and the attempts' own durations) move."""

    def __init__(self, attempt_seconds=0.0):
        self.now = 100.0
        self.sleeps = []
        self.attempt_seconds = attempt_seconds

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def failing_then(answers, simulated):
    """An attempt that raises each exception of ``answers`` in turn and returns any other value."""
    calls = []

    def attempt():
        calls.append(simulated.now)
        simulated.now += simulated.attempt_seconds
        answer = answers[len(calls) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return attempt, calls


def throttled(retry_after=None):
    return ApiError('GetCaCertificate', 'Throttling.User', 'Request was denied due to user flow control.', 'R1', 400,
                    retryable=True, retry_after=retry_after)


def policy(simulated, retries=5, **options):
    # uniform returns the ceiling: the longest wait full jitter can draw
    return RetryPolicy(retries, clock=simulated.clock, sleep=simulated.sleep, uniform=lambda low, high: high, **options)


def test_waits_grow_exponentially_up_to_the_cap():
    simulated = SimulatedTime()
    attempt, calls = failing_then([throttled()] * 5 + ['done'], simulated)
    assert policy(simulated).run(attempt) == 'done'
    assert simulated.sleeps == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert len(calls) == 6
    assert RetryPolicy(9, uniform=lambda low, high: high).delay(7) == 10.0


def test_full_jitter_draws_between_zero_and_the_ceiling():
    drawn = []
    jittered = RetryPolicy(uniform=lambda low, high: drawn.append((low, high)) or low)
    assert [jittered.delay(number) for number in (1, 2, 3)] == [0, 0, 0]
    assert drawn == [(0, 0.5), (0, 1.0), (0, 2.0)]


def test_the_server_retry_after_replaces_the_computed_wait():
    simulated = SimulatedTime()
    attempt, dummy = failing_then([throttled(retry_after=3.25), 'done'], simulated)
    assert policy(simulated).run(attempt) == 'done'
    assert simulated.sleeps == [3.25]


def test_each_retry_is_reported_before_its_wait():
    simulated = SimulatedTime()
    reported = []
    errors = [throttled(), throttled()]
    attempt, dummy = failing_then(errors + ['done'], simulated)
    policy(simulated).run(attempt, lambda error, number, delay: reported.append((error, number, delay, len(simulated.sleeps))))
    assert reported == [(errors[0], 1, 0.5, 0), (errors[1], 2, 1.0, 1)]


def test_retries_run_out_with_the_last_error_saying_how_many_attempts():
    simulated = SimulatedTime()
    errors = [throttled() for dummy in range(3)]
    attempt, calls = failing_then(errors, simulated)
    with pytest.raises(ApiError) as failure:
        policy(simulated, retries=2).run(attempt)
    assert failure.value is errors[2]
    assert str(failure.value).endswith('(request ID R1, HTTP 400); gave up after 3 attempts')
    assert len(calls) == 3


def test_no_retries_means_one_attempt_and_the_message_as_it_was():
    simulated = SimulatedTime()
    attempt, calls = failing_then([throttled()], simulated)
    with pytest.raises(ApiError, match=r'\(request ID R1, HTTP 400\)$'):
        policy(simulated, retries=0).run(attempt)
    assert len(calls) == 1 and simulated.sleeps == []


def test_not_retryable_fails_on_the_first_answer():
    simulated = SimulatedTime()
    not_found = ApiError('GetCaCertificate', 'FindCaBySnError', 'Failed to find the CA by the SN.', 'R2', 500)
    attempt, calls = failing_then([not_found, 'never'], simulated)
    with pytest.raises(ApiError) as failure:
        policy(simulated).run(attempt)
    assert failure.value is not_found and len(calls) == 1 and simulated.sleeps == []


def test_no_retry_starts_past_the_time_budget():
    simulated = SimulatedTime(attempt_seconds=10.0)  # every attempt times out after 10 s
    timeouts = [ApsaraMQError('No answer within 10 seconds', retryable=True) for dummy in range(6)]
    attempt, calls = failing_then(timeouts, simulated)
    with pytest.raises(ApsaraMQError) as failure:
        policy(simulated).run(attempt)
    # attempts start at 0, 10.5, 21.5, 33.5 and 47.5 s; the sixth would start at 57.5 + 8 s, past the 60 s budget
    assert [start - 100.0 for start in calls] == [0, 10.5, 21.5, 33.5, 47.5]
    assert str(failure.value) == ('No answer within 10 seconds; gave up after 5 attempts: waiting 8.0 s more would pass the 60 s '
                                  'time budget for retries')


def test_a_retry_after_beyond_the_budget_ends_at_once():
    simulated = SimulatedTime()
    attempt, calls = failing_then([throttled(retry_after=90.0), 'never'], simulated)
    with pytest.raises(ApiError, match=r'gave up after 1 attempt: waiting 90\.0 s more would pass the 60 s time budget for retries$'):
        policy(simulated).run(attempt)
    assert len(calls) == 1 and simulated.sleeps == []


def test_negative_retries_are_refused():
    with pytest.raises(ApsaraMQError, match='^retries must be 0 or more, got -1$'):
        RetryPolicy(-1)
