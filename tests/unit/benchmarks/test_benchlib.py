# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""tests/benchmarks/benchlib.py: the statistics and the must-reach checks of make bench, so that a miss is a miss."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import pathlib

import pytest

PATH = pathlib.Path(__file__).resolve().parents[2] / 'benchmarks' / 'benchlib.py'
SPEC = importlib.util.spec_from_file_location('benchlib', PATH)
benchlib = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(benchlib)


def test_summary_of_an_odd_and_an_even_number_of_samples():
    odd = benchlib.summarize([3.0, 1.0, 2.0, 10.0, 4.0])
    assert (odd['median'], odd['min'], odd['max'], odd['runs']) == (3.0, 1.0, 10.0, 5)
    assert (odd['q1'], odd['q3']) == (2.0, 4.0)
    assert odd['samples'] == [3.0, 1.0, 2.0, 10.0, 4.0]
    assert benchlib.summarize([1.0, 2.0, 3.0, 4.0])['median'] == 2.5


def test_a_median_of_counts_is_a_count_when_it_can_be():
    assert benchlib.summarize([1, 1])['median'] == 1 and isinstance(benchlib.summarize([1, 1])['median'], int)
    assert benchlib.summarize([1, 2])['median'] == 1.5


def test_one_sample_is_its_own_spread_and_none_is_an_error():
    one = benchlib.summarize([1.5])
    assert (one['median'], one['min'], one['max'], one['q1'], one['q3']) == (1.5,) * 5
    with pytest.raises(ValueError):
        benchlib.summarize([])


def test_ratio_and_slope_use_medians():
    fast, slow = benchlib.summarize([1.0, 1.0, 9.0]), benchlib.summarize([2.0, 2.0, 0.1])
    assert benchlib.ratio(slow, fast) == 2.0
    assert benchlib.slope(10, benchlib.summarize([5.0]), 500, benchlib.summarize([250.0])) == 0.5
    with pytest.raises(ValueError):
        benchlib.ratio(fast, 0)
    with pytest.raises(ValueError):
        benchlib.slope(500, 1.0, 10, 2.0)


@pytest.mark.parametrize('value, operator, limit, ok', [
    (1.0, '<=', 1.0, True), (1.01, '<=', 1.0, False),
    (10.0, '>=', 10.0, True), (9.99, '>=', 10.0, False),
    ([3], '==', [3], True), ([3, 4], '==', [3], False),
])
def test_a_check_passes_at_its_limit_and_misses_past_it(value, operator, limit, ok):
    check = benchlib.Check('the name', value, operator, limit, 'what')
    assert check.ok is ok
    assert check.as_dict()['ok'] is ok
    assert check.line().startswith('ok   the name' if ok else 'MISS the name')


def test_missed_lists_the_failed_checks_in_order():
    checks = [benchlib.Check('a', 2, '<=', 1), benchlib.Check('b', 1, '<=', 1), benchlib.Check('c', 0, '>=', 1)]
    assert benchlib.missed(checks) == ['a', 'c']
    with pytest.raises(ValueError):
        benchlib.Check('d', 1, '<', 2)


def test_table_pads_columns_and_aligns_numbers_right():
    table = benchlib.format_table(['case', 'median'], [['a', 1.25], ['longer case', 12.5]])
    lines = table.splitlines()
    assert lines[0].split() == ['case', 'median']
    assert lines[1] == '-' * 11 + '  ' + '-' * 6
    assert lines[2] == 'a' + ' ' * 13 + '1.250'
    assert lines[3] == 'longer case' + ' ' * 4 + '12.5'


@pytest.mark.parametrize('value, text', [(1.0012, '1.001'), (38.66, '38.7'), (377.4, '377'), (3, '3'), ([1], '[1]'), (True, 'True')])
def test_numbers_show_three_decimals_below_ten(value, text):
    assert benchlib.format_number(value) == text


def test_first_difference_names_the_first_item_that_differs_or_the_lengths():
    assert benchlib.first_difference(['a', 'b'], ['a', 'b']) is None
    assert benchlib.first_difference([], []) is None
    assert benchlib.first_difference(['a', 'b', 'c'], ['a', 'c', 'b']) == "item 1 is 'c', not 'b'"
    assert benchlib.first_difference(['a', 'b'], ['a']) == '1 items, not 2'
    assert benchlib.first_difference(['a'], ['a', 'b']) == '2 items, not 1'


def test_action_counts_keep_refused_requests_apart():
    log = [{'action': 'GetDeviceCertificate', 'code': None}, {'action': 'InactivateDeviceCertificate', 'code': None},
           {'action': 'GetDeviceCertificate', 'code': None}, {'action': 'GetDeviceCertificate', 'code': 'Throttling.User'}]
    assert benchlib.action_counts(log) == {'GetDeviceCertificate': 2, 'InactivateDeviceCertificate': 1, 'GetDeviceCertificate (Throttling.User)': 1}
    assert benchlib.action_counts([]) == {}


def device(sn, ca_sn='ca1', status='1', valid_end='2000'):
    return {'DeviceSn': sn, 'CaSn': ca_sn, 'Status': status, 'ValidEnd': valid_end}


def test_devices_in_status_are_the_first_of_the_ca_in_that_status_and_valid():
    devices = [device('other-ca', ca_sn='ca2'), device('inactive', status='0'), device('expired', valid_end='999'),
               device('d1'), device('d2', valid_end=3000), device('d3')]
    assert benchlib.devices_in_status(devices, 'ca1', '1', 1000, 2) == ['d1', 'd2']
    assert benchlib.devices_in_status(devices, 'ca1', '0', 1000, 1) == ['inactive']
    with pytest.raises(ValueError, match='CA ca1 has 3 valid device certificates in status 1, not 4'):
        benchlib.devices_in_status(devices, 'ca1', '1', 1000, 4)
