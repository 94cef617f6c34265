# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Fault injection: the answers of the service's bad days, on demand, for tests and soaks.

A fault replaces the answer of one API request, after the request went through the whole
pipeline (so its nonce is spent and logged as usual). Latency is added to every API request.
"""

import collections
import random
import threading

from _errors import ApiError

# Faults that answer with an API error: kind -> error code.
ERROR_FAULTS = {
    'throttling': 'Throttling.User',
    'overflow': 'SystemOverFlow',
    'unavailable': 'ServiceUnavailable',
}
# Error faults the service answers instead of acting (flow control): the request is not carried out. The others come
# after it was, as a 5xx or a lost answer can.
REFUSING_FAULTS = ('throttling', 'overflow')
# Faults about the delivery of the answer.
DELIVERY_FAULTS = ('drop', 'stall', 'truncated', 'cut_json', 'html')
FAULT_KINDS = tuple(ERROR_FAULTS) + DELIVERY_FAULTS
DEFAULT_STALL_SECONDS = 30.0
MAX_COUNT = 1000000

HTML_502_PAGE = (b'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n'
                 b'<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n')


class FaultSpecError(ValueError):
    """A fault setting that makes no sense; the message says which and why."""


def parse_fault_arg(text):
    """``KIND[:COUNT]`` of the command line -> ``(kind, count)``."""
    kind, _separator, count = text.partition(':')
    return check_kind(kind), check_count(count or '1', 'count')


def check_kind(kind):
    if kind not in FAULT_KINDS:
        raise FaultSpecError(f'unknown fault {kind!r}; faults: {", ".join(FAULT_KINDS)}')
    return kind


def check_count(value, name, maximum=MAX_COUNT):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise FaultSpecError(f'{name} must be a whole number, got {value!r}') from None
    if isinstance(value, bool) or not 0 <= number <= maximum:
        raise FaultSpecError(f'{name} must be between 0 and {maximum}, got {value!r}')
    return number


def check_seconds(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 3600:
        raise FaultSpecError(f'{name} must be a number of seconds between 0 and 3600, got {value!r}')
    return float(value)


class FaultSettings:
    """What to inject: a queue of ``[kind, count, retry_after_ms, action]`` for the next requests (of ``action`` only, when it is
    not None), then random faults."""

    def __init__(self, latency_ms=0, queued=(), random_percent=0.0, random_kinds=FAULT_KINDS, stall_seconds=DEFAULT_STALL_SECONDS, seed=None,
                 max_requests_per_second=None):
        self.latency_ms = latency_ms
        self.max_requests_per_second = max_requests_per_second  # None: no rate limit
        self.queued = [list(item) for item in queued]
        self.random_percent = random_percent
        self.random_kinds = tuple(random_kinds)
        self.stall_seconds = stall_seconds
        self.seed = seed

    def copy(self):
        return FaultSettings(self.latency_ms, self.queued, self.random_percent, self.random_kinds, self.stall_seconds, self.seed,
                             self.max_requests_per_second)

    def as_dict(self):
        return {
            'latency_ms': self.latency_ms,
            'queued': [{'kind': kind, 'count': count, 'retry_after_ms': retry_after, 'action': action}
                       for kind, count, retry_after, action in self.queued],
            'random_percent': self.random_percent,
            'random_kinds': list(self.random_kinds),
            'stall_seconds': self.stall_seconds,
            'seed': self.seed,
            'max_requests_per_second': self.max_requests_per_second,
        }


class FaultInjector:
    """Decides, thread-safely, which fault (if any) the next API request gets, and whether the rate limit refuses it."""

    def __init__(self, baseline=None):
        self._baseline = baseline or FaultSettings()
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        """Back to the start-up settings (the command line's)."""
        with self._lock:
            self._settings = self._baseline.copy()
            self._random = random.Random(self._settings.seed)
            self._admitted = collections.deque()  # arrival times of the requests the rate limit let through, oldest first

    def state(self):
        with self._lock:
            return self._settings.as_dict()

    @property
    def latency_seconds(self):
        with self._lock:
            return self._settings.latency_ms / 1000.0

    @property
    def stall_seconds(self):
        with self._lock:
            return self._settings.stall_seconds

    def configure(self, spec):
        """Applies a control request's JSON object; raises FaultSpecError and changes nothing when any key is wrong."""
        if not isinstance(spec, dict):
            raise FaultSpecError('the body must be a JSON object')
        unknown = set(spec) - {'kind', 'count', 'retry_after_ms', 'action', 'latency_ms', 'random_percent', 'random_kinds', 'stall_seconds', 'seed',
                               'max_requests_per_second', 'clear'}
        if unknown:
            raise FaultSpecError(f'unknown keys: {", ".join(sorted(unknown))}')
        with self._lock:
            settings = self._settings.copy()
            reseed = False
            if spec.get('clear'):
                settings = FaultSettings(stall_seconds=settings.stall_seconds)
            if 'kind' in spec:
                retry_after = spec.get('retry_after_ms')
                action = spec.get('action')
                if action is not None and (not isinstance(action, str) or not action):
                    raise FaultSpecError(f'action must be the name of an API action, got {action!r}')
                settings.queued.append([check_kind(spec['kind']), check_count(spec.get('count', 1), 'count'),
                                        None if retry_after is None else check_count(retry_after, 'retry_after_ms', 3600000), action])
            elif 'count' in spec or 'retry_after_ms' in spec or 'action' in spec:
                raise FaultSpecError('count, retry_after_ms and action go with kind')
            if 'latency_ms' in spec:
                settings.latency_ms = check_count(spec['latency_ms'], 'latency_ms', 3600000)
            if 'random_percent' in spec:
                settings.random_percent = check_percent(spec['random_percent'])
            if 'random_kinds' in spec:
                if not isinstance(spec['random_kinds'], list) or not spec['random_kinds']:
                    raise FaultSpecError('random_kinds must be a non-empty list of faults')
                settings.random_kinds = tuple(check_kind(kind) for kind in spec['random_kinds'])
            if 'stall_seconds' in spec:
                settings.stall_seconds = check_seconds(spec['stall_seconds'], 'stall_seconds')
            if 'seed' in spec:
                settings.seed, reseed = check_count(spec['seed'], 'seed', 2 ** 63), True
            if 'max_requests_per_second' in spec:
                settings.max_requests_per_second = check_rate(spec['max_requests_per_second'])
            self._settings = settings
            if reseed:
                self._random = random.Random(settings.seed)
            return settings.as_dict()

    def admit(self, now):
        """Whether the rate limit lets an API request arriving at `now` (seconds) through: at most max_requests_per_second in any
        sliding one-second window (now - 1, now]; a request refused does not count."""
        with self._lock:
            limit = self._settings.max_requests_per_second
            if limit is None:
                return True
            while self._admitted and self._admitted[0] <= now - 1:
                self._admitted.popleft()
            if len(self._admitted) >= limit:
                return False
            self._admitted.append(now)
            return True

    def next_fault(self, action=None):
        """``(kind, retry_after_ms)`` for the request of ``action`` being answered, or None: the first queued fault for any
        action or for this one, then the random draw."""
        with self._lock:
            queued = self._settings.queued
            queued[:] = [item for item in queued if item[1] > 0]
            for item in queued:
                if item[3] is None or item[3] == action:
                    item[1] -= 1
                    return item[0], item[2]
            if self._settings.random_percent and self._random.random() * 100 < self._settings.random_percent:
                return self._random.choice(self._settings.random_kinds), None
            return None


def check_percent(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise FaultSpecError(f'random_percent must be a number from 0 to 100, got {value!r}')
    return float(value)


def check_rate(value):
    """max_requests_per_second: a whole number from 1, or None (or 0) for no limit."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise FaultSpecError(f'max_requests_per_second must be a whole number, got {value!r}')
    return check_count(value, 'max_requests_per_second') or None


def error_fault(kind):
    """The ApiError of an error fault."""
    return ApiError(ERROR_FAULTS[kind])
