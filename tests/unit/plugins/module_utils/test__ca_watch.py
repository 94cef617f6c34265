# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What changed between two looks, on CA facts shaped as the info module describes them and devices as the watch keeps
them; the state kept across restarts (the emulator-driven tests of the event source, tests/unit/extensions/eda/, cover
the looks themselves, the shifted listings among them)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_watch import CaWatch

INSTANCE = 'post-cn-test01'
NOW_MS = 1798761600000 - 100 * 86400000  # 100 days before 2027-01-01T00:00:00Z


def ca(sn, days_remaining, status='active', valid_end='2027-01-01T00:00:00Z'):
    return {'sn': sn, 'name': 'name-%s' % sn, 'status': status, 'valid_end': valid_end, 'days_remaining': days_remaining,
            'expired': days_remaining < 0}


def devices(*entries):
    """{ca_sn: {device_sn: (name, status, valid_end_ms)}} of (ca_sn, device_sn, status) entries, each ending 2027-01-01."""
    kept = {}
    for ca_sn, device_sn, status in entries:
        kept.setdefault(ca_sn, {})[device_sn] = ('name-%s' % device_sn, status, 1798761600000)
    return kept


def summary(events):
    return [(event['apsaramq']['type'], event['apsaramq']['sn'], event['apsaramq']['threshold']) for event in events]


def test_thresholds_are_kept_once_each_and_widest_first_whatever_order_they_come_in():
    watch = CaWatch(INSTANCE, [1, 30, 7, 30])
    assert watch.thresholds == [30, 7, 1]
    assert summary(watch.changes(NOW_MS, [ca('A', 40)])) == []
    assert summary(watch.changes(NOW_MS, [ca('A', 0)])) == [('ca_expiring', 'A', 30), ('ca_expiring', 'A', 7), ('ca_expiring', 'A', 1)]
    assert summary(watch.changes(NOW_MS, [ca('A', 0)])) == []


def test_a_threshold_of_zero_is_the_last_day():
    watch = CaWatch(INSTANCE, [0])
    assert summary(watch.changes(NOW_MS, [ca('A', 1)])) == []
    assert summary(watch.changes(NOW_MS, [ca('A', 0)])) == [('ca_expiring', 'A', 0)]


def test_an_expired_ca_at_first_sight_is_expired_only():
    watch = CaWatch(INSTANCE, [30, 7])
    assert summary(watch.changes(NOW_MS, [ca('A', -3)])) == [('ca_expired', 'A', None)]
    assert summary(watch.changes(NOW_MS, [ca('A', -4)])) == []


def test_a_ca_given_another_end_is_watched_anew():
    watch = CaWatch(INSTANCE, [30, 7])
    watch.changes(NOW_MS, [ca('A', 5)])
    renewed = ca('A', 20, valid_end='2027-06-01T00:00:00Z')
    assert summary(watch.changes(NOW_MS, [renewed])) == [('ca_expiring', 'A', 30)]
    assert summary(watch.changes(NOW_MS, [dict(renewed, days_remaining=6)])) == [('ca_expiring', 'A', 7)]


def test_a_deleted_ca_is_reported_with_what_was_last_seen_of_it():
    watch = CaWatch(INSTANCE, [30])
    watch.changes(NOW_MS, [ca('A', 300, status='inactive'), ca('B', 300)])
    (event,) = watch.changes(NOW_MS, [ca('B', 300)])
    assert event == {'apsaramq': {'type': 'ca_deleted', 'instance_id': INSTANCE, 'sn': 'A', 'name': 'name-A', 'status': 'inactive',
                                  'valid_end': '2027-01-01T00:00:00Z', 'days_remaining': 300, 'threshold': None, 'previous_status': None}}


def test_a_ca_registered_after_the_first_look_is_announced_then_its_tightest_threshold():
    watch = CaWatch(INSTANCE, [30, 7])
    watch.changes(NOW_MS, [])
    assert summary(watch.changes(NOW_MS, [ca('A', 3)])) == [('ca_registered', 'A', None), ('ca_expiring', 'A', 7)]


def test_device_certificates_are_told_apart_by_their_ca_and_their_sn():
    watch = CaWatch(INSTANCE, [30], include_device_certificates=True)
    watch.changes(NOW_MS, [], devices(('CA1', 'D1', 'active')))
    events = watch.changes(NOW_MS, [], devices(('CA1', 'D1', 'active'), ('CA2', 'D1', 'inactive')))
    assert [(event['apsaramq']['type'], event['apsaramq']['ca_sn'], event['apsaramq']['device_sn']) for event in events] == [
        ('device_certificate_registered', 'CA2', 'D1')]
    events = watch.changes(NOW_MS, [], devices(('CA2', 'D1', 'active')))
    assert [(event['apsaramq']['type'], event['apsaramq']['ca_sn'], event['apsaramq']['previous_status']) for event in events] == [
        ('device_certificate_status_changed', 'CA2', 'inactive'), ('device_certificate_deleted', 'CA1', None)]


def test_a_device_event_carries_device_sn_and_ca_sn_and_sn_kept_equal_to_device_sn():
    watch = CaWatch(INSTANCE, [30], include_device_certificates=True)
    watch.changes(NOW_MS, [], {})
    (event,) = watch.changes(NOW_MS, [], devices(('CA1', 'D1', 'active')))
    assert event == {'apsaramq': {'type': 'device_certificate_registered', 'instance_id': INSTANCE, 'sn': 'D1', 'device_sn': 'D1',
                                  'ca_sn': 'CA1', 'name': 'name-D1', 'status': 'active', 'valid_end': '2027-01-01T00:00:00Z',
                                  'days_remaining': 100, 'threshold': None, 'previous_status': None}}


def test_the_state_read_back_from_json_reports_nothing_twice():
    watch = CaWatch(INSTANCE, [30, 7, 1], include_device_certificates=True)
    assert watch.state() is None
    assert summary(watch.changes(NOW_MS, [ca('A', 6), ca('B', -1)], devices(('A', 'D1', 'active')))) == [
        ('ca_expiring', 'A', 7), ('ca_expired', 'B', None)]
    restarted = CaWatch(INSTANCE, [30, 7, 1], include_device_certificates=True)
    restarted.restore(json.loads(json.dumps(watch.state())))
    assert restarted.changes(NOW_MS, [ca('A', 6), ca('B', -1)], devices(('A', 'D1', 'active'))) == []
    assert summary(restarted.changes(NOW_MS, [ca('A', 0), ca('B', -1)], devices(('A', 'D1', 'inactive')))) == [
        ('ca_expiring', 'A', 1), ('device_certificate_status_changed', 'D1', None)]


def test_a_state_without_devices_makes_the_next_device_look_a_first_one():
    watch = CaWatch(INSTANCE, [30])
    watch.changes(NOW_MS, [ca('A', 300)])
    with_devices = CaWatch(INSTANCE, [30], include_device_certificates=True)
    with_devices.restore(json.loads(json.dumps(watch.state())))
    assert with_devices.changes(NOW_MS, [ca('A', 300)], devices(('A', 'D1', 'active'))) == []


@pytest.mark.parametrize('state', [
    {}, {'cas': []}, {'cas': {'A': {'facts': {'sn': 'A'}}}, 'devices': None},
    {'cas': {'A': dict(facts=ca('B', 3), reported=[], expired=False)}, 'devices': None},
    {'cas': {}, 'devices': {'A': {'D1': ['name', 'active', 'soon']}}},
    {'cas': {}, 'devices': {'A': {'D1': ['name', 'active']}}},
])
def test_a_state_that_is_not_one_is_refused_in_one_line_and_changes_nothing(state):
    watch = CaWatch(INSTANCE, [30], include_device_certificates=True)
    watch.changes(NOW_MS, [ca('A', 300)], {})
    kept = watch.state()
    with pytest.raises(ValueError) as raised:
        watch.restore(state)
    assert str(raised.value).startswith('it is not a state this source wrote (') and '\n' not in str(raised.value)
    assert watch.state() == kept


def test_no_device_event_without_device_facts():
    watch = CaWatch(INSTANCE, [30])
    watch.changes(NOW_MS, [ca('A', 300)])
    assert watch.changes(NOW_MS, [ca('A', 300)], None) == []
