# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The arithmetic of bench.py, kept apart so that it can be tested: summaries, ratios, slopes, limits, the table, and
the comparisons of results and request logs.

Standard library only; no I/O.
"""

import statistics

LESS_OR_EQUAL = '<='
GREATER_OR_EQUAL = '>='
EQUAL = '=='


def summarize(samples):
    """Median, min, max and quartiles of a list of numbers (the quartiles equal the median for one sample)."""
    if not samples:
        raise ValueError('no samples to summarize')
    ordered = sorted(samples)
    median = statistics.median(ordered)
    if len(ordered) > 1:
        q1, dummy, q3 = statistics.quantiles(ordered, n=4, method='inclusive')
    else:
        q1 = q3 = median
    if all(isinstance(sample, int) for sample in ordered):  # counts stay counts when they can
        median, q1, q3 = [int(value) if float(value).is_integer() else value for value in (median, q1, q3)]
    return {'runs': len(ordered), 'median': median, 'min': ordered[0], 'max': ordered[-1], 'q1': q1, 'q3': q3,
            'samples': list(samples)}


def ratio(numerator, denominator):
    """``numerator / denominator`` of two summaries' medians (or two numbers)."""
    top = numerator['median'] if isinstance(numerator, dict) else numerator
    bottom = denominator['median'] if isinstance(denominator, dict) else denominator
    if bottom <= 0:
        raise ValueError('cannot divide by a median of %r' % bottom)
    return top / bottom


def slope(small_count, small, large_count, large):
    """Growth per unit between two sizes, from medians: ``(large - small) / (large_count - small_count)``."""
    if large_count <= small_count:
        raise ValueError('the larger size must be larger: %r <= %r' % (large_count, small_count))
    top = large['median'] if isinstance(large, dict) else large
    bottom = small['median'] if isinstance(small, dict) else small
    return (top - bottom) / (large_count - small_count)


class Check:
    """One must-reach target: ``value OP limit``, with what it compares in words."""

    def __init__(self, name, value, operator, limit, detail=''):
        if operator not in (LESS_OR_EQUAL, GREATER_OR_EQUAL, EQUAL):
            raise ValueError('unknown operator %r' % operator)
        self.name = name
        self.value = value
        self.operator = operator
        self.limit = limit
        self.detail = detail

    @property
    def ok(self):
        if self.operator == LESS_OR_EQUAL:
            return self.value <= self.limit
        if self.operator == GREATER_OR_EQUAL:
            return self.value >= self.limit
        return self.value == self.limit

    def as_dict(self):
        return {'name': self.name, 'value': self.value, 'operator': self.operator, 'limit': self.limit, 'ok': self.ok, 'detail': self.detail}

    def line(self):
        return '%-4s %s: %s %s %s%s' % ('ok' if self.ok else 'MISS', self.name, format_number(self.value), self.operator,
                                        format_number(self.limit), ' (%s)' % self.detail if self.detail else '')


def missed(checks):
    """The names of the checks that failed, in order."""
    return [check.name for check in checks if not check.ok]


def first_difference(expected, actual):
    """None when two lists are equal, else where the first difference is, in words."""
    for index, (wanted, got) in enumerate(zip(expected, actual)):
        if wanted != got:
            return 'item %d is %r, not %r' % (index, got, wanted)
    if len(expected) != len(actual):
        return '%d items, not %d' % (len(actual), len(expected))
    return None


def action_counts(requests):
    """``{action: count}`` of an emulator's request log; a refused request counts under ``action (code)``."""
    counts = {}
    for request in requests:
        key = request['action'] if request.get('code') is None else '%s (%s)' % (request['action'], request['code'])
        counts[key] = counts.get(key, 0) + 1
    return counts


def devices_in_status(devices, ca_sn, status, now_ms, count):
    """The SNs of the first ``count`` API device objects of the CA ``ca_sn`` in ``status`` and not expired at ``now_ms``."""
    sns = [device['DeviceSn'] for device in devices
           if device['CaSn'] == ca_sn and device['Status'] == status and int(device['ValidEnd']) > now_ms][:count]
    if len(sns) < count:
        raise ValueError('CA %s has %d valid device certificates in status %s, not %d' % (ca_sn, len(sns), status, count))
    return sns


def format_number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if abs(value) >= 100:
        return '%.0f' % value
    if abs(value) >= 10:
        return '%.1f' % value
    return '%.3f' % value


def format_table(headers, rows):
    """A plain-text table with columns padded to their widest cell, numbers right-aligned."""
    cells = [[format_number(cell) for cell in row] for row in rows]
    widths = [max([len(header)] + [len(row[index]) for row in cells]) for index, header in enumerate(headers)]
    numeric = [all(isinstance(row[index], (int, float)) and not isinstance(row[index], bool) for row in rows) and rows
               for index in range(len(headers))]
    lines = ['  '.join(header.ljust(width) for header, width in zip(headers, widths)).rstrip(),
             '  '.join('-' * width for width in widths)]
    for row in cells:
        lines.append('  '.join((cell.rjust(width) if numeric[index] else cell.ljust(width))
                               for index, (cell, width) in enumerate(zip(row, widths))).rstrip())
    return '\n'.join(lines)
