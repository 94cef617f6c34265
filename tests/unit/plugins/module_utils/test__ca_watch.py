# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What changed between two looks, on facts shaped as the info modules describe them (the emulator-driven tests of the
event source, tests/unit/extensions/eda/, cover the looks themselves)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_watch import CaWatch

INSTANCE = 'post-cn-test01'


def ca(sn, days_remaining, status='active', valid_end='2027-01-01T00:00:00Z'):
    return {'sn': sn, 'name': 'name-%s' % sn, 'status': status, 'valid_end': valid_end, 'days_remaining': days_remaining,
            'expired': days_remaining < 0}


def device(ca_sn, device_sn, status='active'):
    return dict(ca(device_sn, 100, status), ca_sn=ca_sn, device_sn=device_sn)


def summary(events):
    return [(event['apsaramq']['type'], event['apsaramq']['sn'], event['apsaramq']['threshold']) for event in events]


def test_thresholds_are_kept_once_each_and_widest_first_whatever_order_they_come_in():
    watch = CaWatch(INSTANCE, [1, 30, 7, 30])
    assert watch.thresholds == [30, 7, 1]
    assert summary(watch.changes([ca('A', 40)])) == []
    assert summary(watch.changes([ca('A', 0)])) == [('ca_expiring', 'A', 30), ('ca_expiring', 'A', 7), ('ca_expiring', 'A', 1)]
    assert summary(watch.changes([ca('A', 0)])) == []


def test_a_threshold_of_zero_is_the_last_day():
    watch = CaWatch(INSTANCE, [0])
    assert summary(watch.changes([ca('A', 1)])) == []
    assert summary(watch.changes([ca('A', 0)])) == [('ca_expiring', 'A', 0)]


def test_an_expired_ca_at_first_sight_is_expired_only():
    watch = CaWatch(INSTANCE, [30, 7])
    assert summary(watch.changes([ca('A', -3)])) == [('ca_expired', 'A', None)]
    assert summary(watch.changes([ca('A', -4)])) == []


def test_a_ca_given_another_end_is_watched_anew():
    watch = CaWatch(INSTANCE, [30, 7])
    watch.changes([ca('A', 5)])
    renewed = ca('A', 20, valid_end='2027-06-01T00:00:00Z')
    assert summary(watch.changes([renewed])) == [('ca_expiring', 'A', 30)]
    assert summary(watch.changes([dict(renewed, days_remaining=6)])) == [('ca_expiring', 'A', 7)]


def test_a_deleted_ca_is_reported_with_what_was_last_seen_of_it():
    watch = CaWatch(INSTANCE, [30])
    watch.changes([ca('A', 300, status='inactive'), ca('B', 300)])
    (event,) = watch.changes([ca('B', 300)])
    assert event == {'apsaramq': {'type': 'ca_deleted', 'instance_id': INSTANCE, 'sn': 'A', 'name': 'name-A', 'status': 'inactive',
                                  'valid_end': '2027-01-01T00:00:00Z', 'days_remaining': 300, 'threshold': None, 'previous_status': None}}


def test_a_ca_registered_after_the_first_look_is_announced_then_its_tightest_threshold():
    watch = CaWatch(INSTANCE, [30, 7])
    watch.changes([])
    assert summary(watch.changes([ca('A', 3)])) == [('ca_registered', 'A', None), ('ca_expiring', 'A', 7)]


def test_device_certificates_are_told_apart_by_their_ca_and_their_sn():
    watch = CaWatch(INSTANCE, [30], include_device_certificates=True)
    watch.changes([], [device('CA1', 'D1')])
    events = watch.changes([], [device('CA1', 'D1'), device('CA2', 'D1', 'inactive')])
    assert [(event['apsaramq']['type'], event['apsaramq']['ca_sn'], event['apsaramq']['sn']) for event in events] == [
        ('device_certificate_registered', 'CA2', 'D1')]
    events = watch.changes([], [device('CA2', 'D1', 'active')])
    assert [(event['apsaramq']['type'], event['apsaramq']['ca_sn'], event['apsaramq']['previous_status']) for event in events] == [
        ('device_certificate_status_changed', 'CA2', 'inactive'), ('device_certificate_deleted', 'CA1', None)]


def test_no_device_event_without_device_facts():
    watch = CaWatch(INSTANCE, [30])
    watch.changes([ca('A', 300)])
    assert watch.changes([ca('A', 300)], None) == []
