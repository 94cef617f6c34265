# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""When to try a request again, and how long to wait: exponential backoff with full jitter.

Pure apart from the clock, the sleep and the random source, which the caller may replace.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import time

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError

DEFAULT_RETRIES = 5
# No new attempt starts once this many seconds have passed since the first one: a playbook must not hang.
DEFAULT_BUDGET_SECONDS = 60.0
BASE_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 10.0

THROTTLING_CODES = frozenset(['Throttling', 'SystemOverFlow'])
RETRYABLE_CODES = THROTTLING_CODES | frozenset(['ServiceUnavailable', 'InternalError'])
RETRYABLE_HTTP_STATUSES = frozenset([429, 500, 502, 503, 504])


def retryable_answer(code, http_status):
    """Whether an error answer is worth another attempt: by the API's error code when it gave one, else by the HTTP status.

    The code decides alone because the service maps codes to statuses loosely (FindCaBySnError has come as HTTP 500,
    SystemOverFlow as 403).
    """
    if code:
        return code in RETRYABLE_CODES or code.startswith('Throttling.')
    return http_status in RETRYABLE_HTTP_STATUSES


def refused_answer(code, http_status):
    """Whether an error answer says that the request was not carried out: throttled, or refused with a 4xx status.

    A 5xx answer (``InternalError``, ``ServiceUnavailable``, a gateway's page) leaves it open.
    """
    if code and (code in THROTTLING_CODES or code.startswith('Throttling.')):
        return True
    return 400 <= http_status < 500


def retry_after_seconds(header_value):
    """The ``x-acs-retry-after`` header (milliseconds) in seconds; None when absent or not a non-negative number."""
    try:
        milliseconds = float(header_value)
    except (TypeError, ValueError):
        return None
    return milliseconds / 1000.0 if 0 <= milliseconds < float('inf') else None


class RetryPolicy:
    """Runs an attempt until it succeeds, fails for good, or ``retries`` extra attempts or the time budget are spent.

    An attempt fails retryably by raising an ApsaraMQError whose ``retryable`` is true; its ``retry_after``
    (seconds, the server's wish) replaces the computed delay. An attempt that is not ``repeatable`` is tried again only
    after a failure that was ``not_carried_out``.
    """

    def __init__(self, retries=DEFAULT_RETRIES, budget=DEFAULT_BUDGET_SECONDS, base_delay=BASE_DELAY_SECONDS, max_delay=MAX_DELAY_SECONDS,
                 clock=time.monotonic, sleep=time.sleep, uniform=random.uniform):
        if retries < 0:
            raise ApsaraMQError('retries must be 0 or more, got %s' % retries)
        self.retries = retries
        self.budget = budget
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._clock = clock
        self._sleep = sleep
        self._uniform = uniform

    def delay(self, retry_number, retry_after=None):
        """Seconds to wait before retry ``retry_number`` (1 for the first): the server's wish, else full jitter."""
        if retry_after is not None:
            return retry_after
        ceiling = min(self._max_delay, self._base_delay * 2 ** (retry_number - 1))
        return self._uniform(0, ceiling)

    def run(self, attempt, on_retry=None, repeatable=True):
        """``attempt()``'s result; ``on_retry(error, retry_number, delay)`` is told of each retry before its wait.

        The error that ends the run says how many attempts were made when there was more than one.
        """
        started = self._clock()
        retry_number = 0
        while True:
            try:
                return attempt()
            except ApsaraMQError as exc:
                if not exc.retryable or not (repeatable or exc.not_carried_out):
                    raise
                retry_number += 1
                attempts = retry_number
                if retry_number > self.retries:
                    if attempts > 1:
                        exc.add_detail('gave up after %d attempts' % attempts)
                    raise
                delay = self.delay(retry_number, getattr(exc, 'retry_after', None))
                elapsed = self._clock() - started
                if elapsed + delay > self.budget:
                    exc.add_detail('gave up after %d attempt%s: waiting %.1f s more would pass the %d s time budget for retries'
                                   % (attempts, '' if attempts == 1 else 's', delay, self.budget))
                    raise
                if on_retry is not None:
                    on_retry(exc, retry_number, delay)
                self._sleep(delay)
