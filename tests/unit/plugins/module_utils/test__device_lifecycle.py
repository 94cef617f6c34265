# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Device certificates of one CA brought to a status or deleted, against the emulator: what is read, what is written, what is returned."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import time

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._device_lifecycle import DeviceLifecycle, DeviceOutcome, confirm_written
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError, ApsaraMQError

INSTANCE = 'post-cn-emulator01'
CA_SN = '00e0a1c0ffee000001'
ACTIVE, INACTIVE = '00dec1ce0100000001', '00dec1ce0100000002'
READ = 'GetDeviceCertificate'


@pytest.fixture
def lifecycle(acs_client):
    """Function: lifecycle(server, check_mode=False, max_concurrency=1) -> a DeviceLifecycle of CA_SN on the server."""
    def make(server, check_mode=False, max_concurrency=1):
        return DeviceLifecycle(acs_client(server.url), INSTANCE, CA_SN, int(time.time() * 1000), check_mode, max_concurrency)
    return make


def outcome_of(outcome):
    """(changed, certificates, diff) of a DeviceOutcome in which no write failed."""
    assert outcome.failures == [], outcome.failure_message()
    return outcome.changed, outcome.certificates, outcome.diff


def sent(server, since=0):
    return [entry['action'] for entry in server.requests_log()['requests'][since:]]


def statuses(server, lifecycle, device_sns):
    """What the emulator holds now, through a run that changes nothing."""
    certificates = lifecycle(server).ensure(device_sns).certificates
    return dict((facts['device_sn'], facts['status']) for facts in certificates)


@pytest.mark.parametrize('max_concurrency', [1, 8])
@pytest.mark.parametrize('status, differs, write', [('inactive', ACTIVE, 'InactivateDeviceCertificate'), ('active', INACTIVE, 'ActiveDeviceCertificate')])
def test_only_the_devices_that_differ_are_written_then_nothing(clean_emulator, lifecycle, max_concurrency, status, differs, write):
    changed, certificates, diff = outcome_of(lifecycle(clean_emulator, max_concurrency=max_concurrency).ensure([ACTIVE, INACTIVE], status=status))
    assert changed is True
    assert sorted(sent(clean_emulator)) == sorted([READ, READ, write])
    assert [(facts['device_sn'], facts['status']) for facts in certificates] == [(ACTIVE, status), (INACTIVE, status)]
    assert diff == {'before': {ACTIVE: 'active', INACTIVE: 'inactive'}, 'after': {ACTIVE: status, INACTIVE: status}}
    count = clean_emulator.requests_log()['count']
    again = outcome_of(lifecycle(clean_emulator, max_concurrency=max_concurrency).ensure([ACTIVE, INACTIVE], status=status))
    assert again[0] is False and again[2]['before'] == again[2]['after'] == {ACTIVE: status, INACTIVE: status}
    assert [(facts['device_sn'], facts['status']) for facts in again[1]] == [(ACTIVE, status), (INACTIVE, status)]
    assert sent(clean_emulator, count) == [READ, READ]


def test_the_facts_returned_are_those_a_read_would_give_after_the_task(clean_emulator, lifecycle):
    written = lifecycle(clean_emulator).ensure([ACTIVE], status='inactive').certificates
    read = lifecycle(clean_emulator).ensure([ACTIVE]).certificates
    assert [dict(facts, request_id=None) for facts in written] == [dict(facts, request_id=None) for facts in read]
    assert read[0]['x509']['subject']['commonName'] == 'emulator-device-rsa-active'


def test_check_mode_writes_nothing_and_says_what_a_run_would_do(clean_emulator, lifecycle):
    changed, certificates, diff = outcome_of(lifecycle(clean_emulator, check_mode=True, max_concurrency=4).ensure([ACTIVE, INACTIVE], status='inactive'))
    assert changed is True and [facts['status'] for facts in certificates] == ['inactive', 'inactive']
    assert diff['after'] == {ACTIVE: 'inactive', INACTIVE: 'inactive'}
    assert sent(clean_emulator) == [READ, READ]
    assert statuses(clean_emulator, lifecycle, [ACTIVE]) == {ACTIVE: 'active'}


def test_without_status_present_changes_nothing(clean_emulator, lifecycle):
    changed, certificates, diff = outcome_of(lifecycle(clean_emulator, max_concurrency=4).ensure([INACTIVE, ACTIVE]))
    assert changed is False and [facts['status'] for facts in certificates] == ['inactive', 'active']
    assert diff['before'] == diff['after'] == {ACTIVE: 'active', INACTIVE: 'inactive'}
    assert sent(clean_emulator) == [READ, READ]


@pytest.mark.parametrize('max_concurrency', [1, 8])
def test_a_device_asked_twice_is_read_and_written_once_and_returned_twice(clean_emulator, lifecycle, max_concurrency):
    changed, certificates, diff = outcome_of(lifecycle(clean_emulator, max_concurrency=max_concurrency).ensure([ACTIVE, ACTIVE], status='inactive'))
    assert changed is True and [facts['device_sn'] for facts in certificates] == [ACTIVE, ACTIVE]
    assert certificates[0] == certificates[1] and certificates[0] is not certificates[1]
    assert sent(clean_emulator) == [READ, 'InactivateDeviceCertificate'] and diff['after'] == {ACTIVE: 'inactive'}


@pytest.mark.parametrize('max_concurrency', [1, 8])
def test_absent_deletes_the_registered_ones_and_leaves_the_others_out(clean_emulator, lifecycle, max_concurrency):
    devices = lifecycle(clean_emulator, max_concurrency=max_concurrency)
    changed, certificates, diff = outcome_of(devices.ensure([ACTIVE, 'never-registered', INACTIVE], state='absent'))
    assert changed is True and certificates == []
    assert sorted(sent(clean_emulator)) == sorted([READ] * 3 + ['DeleteDeviceCertificate'] * 2)
    assert diff == {'before': {ACTIVE: 'active', 'never-registered': 'absent', INACTIVE: 'inactive'},
                    'after': {ACTIVE: 'absent', 'never-registered': 'absent', INACTIVE: 'absent'}}
    count = clean_emulator.requests_log()['count']
    assert outcome_of(lifecycle(clean_emulator, max_concurrency=max_concurrency).ensure([ACTIVE, INACTIVE], state='absent'))[:2] == (False, [])
    assert sent(clean_emulator, count) == [READ, READ]


def test_absent_in_check_mode_deletes_nothing(clean_emulator, lifecycle):
    changed, certificates, diff = outcome_of(lifecycle(clean_emulator, check_mode=True).ensure([ACTIVE], state='absent'))
    assert (changed, certificates, diff['after']) == (True, [], {ACTIVE: 'absent'})
    assert sent(clean_emulator) == [READ]
    assert statuses(clean_emulator, lifecycle, [ACTIVE]) == {ACTIVE: 'active'}


@pytest.mark.parametrize('max_concurrency', [1, 8])
def test_present_never_creates_and_writes_nothing_when_one_is_missing(clean_emulator, lifecycle, max_concurrency):
    with pytest.raises(ApsaraMQError) as raised:
        lifecycle(clean_emulator, max_concurrency=max_concurrency).ensure(['new-2', ACTIVE, 'new-1', 'new-2'], status='inactive')
    assert str(raised.value) == ('CA %s has no registered device certificate of SN new-2, new-1: device certificates cannot be created, the broker '
                                 'registers one when a device first connects with it' % CA_SN)
    assert sent(clean_emulator) == [READ] * 3
    assert statuses(clean_emulator, lifecycle, [ACTIVE]) == {ACTIVE: 'active'}


def test_a_device_of_another_ca_is_not_one_of_this_cas(clean_emulator, lifecycle):
    with pytest.raises(ApsaraMQError, match='^CA %s has no registered device certificate of SN 00dec1ce0200000001: ' % CA_SN):
        lifecycle(clean_emulator).ensure(['00dec1ce0200000001'], status='inactive')


def test_a_device_that_connects_again_after_deletion_is_registered_and_can_be_locked_out(clean_emulator, lifecycle):
    data = [entry['data'] for entry in clean_emulator.fixtures['instances'][INSTANCE]['device_certificates'] if entry['data']['DeviceSn'] == ACTIVE][0]
    lifecycle(clean_emulator).ensure([ACTIVE], state='absent')
    assert clean_emulator.connect(INSTANCE, data['DeviceContent'])['registered'] is True
    assert lifecycle(clean_emulator).ensure([ACTIVE], status='inactive').changed is True
    refused = clean_emulator.connect(INSTANCE, data['DeviceContent'])
    assert (refused['connected'], refused['registered']) == (False, False)


@pytest.fixture
def device_without_status(start_emulator, emulator):
    fixtures = copy.deepcopy(emulator.fixtures)
    del fixtures['instances'][INSTANCE]['device_certificates'][0]['data']['Status']
    return start_emulator(fixtures=fixtures)


@pytest.mark.parametrize('state', ['present', 'absent'])
def test_an_answer_that_makes_no_sense_fails_in_one_line_before_any_write(device_without_status, lifecycle, state):
    with pytest.raises(ApsaraMQError) as raised:
        lifecycle(device_without_status, max_concurrency=4).ensure([INACTIVE, ACTIVE], state=state, status='active' if state == 'present' else None)
    assert str(raised.value).startswith("device SN %s: The API answered with device certificate data this collection cannot read: malformed "
                                        "device certificate data (SN '%s'): required field Status is missing or null (request ID " % (ACTIVE, ACTIVE))
    assert sent(device_without_status) == [READ, READ]


def writing_lifecycle(acs_client, server, max_concurrency=1, check_mode=False):
    """A DeviceLifecycle whose client does not retry: each write is sent once, and a fault decides its fate."""
    return DeviceLifecycle(acs_client(server.url, retries=0), INSTANCE, CA_SN, int(time.time() * 1000), check_mode, max_concurrency)


@pytest.mark.parametrize('fault', ['cut_json', 'unavailable', 'drop'])
@pytest.mark.parametrize('state, status, write', [('present', 'inactive', 'InactivateDeviceCertificate'), ('absent', None, 'DeleteDeviceCertificate')])
def test_a_write_carried_out_but_answered_unreadably_or_not_at_all_is_read_again_and_counts_as_changed(
        clean_emulator, acs_client, fault, state, status, write):
    clean_emulator.inject(kind=fault, action=write)
    outcome = writing_lifecycle(acs_client, clean_emulator).ensure([ACTIVE], state=state, status=status)
    assert outcome.failures == [] and outcome.changed is True and outcome.changed_device_sns == [ACTIVE]
    assert sent(clean_emulator) == [READ, write, READ]
    assert outcome.diff['after'] == {ACTIVE: status or 'absent'}
    assert [facts['status'] for facts in outcome.certificates] == ([status] if status else [])
    assert held(acs_client, clean_emulator, [ACTIVE]) == {ACTIVE: status or 'absent'}


def held(acs_client, server, device_sns):
    """{device SN: active, inactive or absent}: what the server holds now, read by a run that writes nothing."""
    return writing_lifecycle(acs_client, server, check_mode=True).ensure(device_sns, state='absent').diff['before']


@pytest.mark.parametrize('max_concurrency', [1, 4])
def test_a_refused_write_fails_alone_and_every_other_write_is_still_sent(clean_emulator, acs_client, max_concurrency):
    clean_emulator.inject(kind='throttling', action='DeleteDeviceCertificate')  # refused: not carried out, nothing to read again
    outcome = writing_lifecycle(acs_client, clean_emulator, max_concurrency).ensure([ACTIVE, INACTIVE, 'never-registered'], state='absent')
    assert sorted(sent(clean_emulator)) == sorted([READ] * 3 + ['DeleteDeviceCertificate'] * 2)
    assert len(outcome.failures) == 1 and len(outcome.changed_device_sns) == 1 and outcome.changed is True
    failed_sn, error = outcome.failures[0]
    assert isinstance(error, ApiError) and error.code == 'Throttling.User'
    assert outcome.changed_device_sns == [sn for sn in (ACTIVE, INACTIVE) if sn != failed_sn]
    left = held(acs_client, clean_emulator, [ACTIVE, INACTIVE, 'never-registered'])
    assert [sn for sn, status in left.items() if status != 'absent'] == [failed_sn]
    assert outcome.diff['after'] == left and outcome.diff['after'][failed_sn] == outcome.diff['before'][failed_sn]
    assert [facts['device_sn'] for facts in outcome.certificates] == [failed_sn]  # still registered, as before the task
    assert outcome.failure_message().startswith('1 of 2 device certificates could not be deleted: %s (DeleteDeviceCertificate failed: '
                                                'Throttling.User: ' % failed_sn)
    assert outcome.failed_device_sns() == [{'device_sn': failed_sn, 'msg': str(error), 'error': error.as_dict()}]
    assert outcome.first_api_error()['code'] == 'Throttling.User'
    assert outcome.return_values() == {'changed': True, 'changed_device_sns': outcome.changed_device_sns, 'failed_device_sns': outcome.failed_device_sns(),
                                       'device_certificates': outcome.certificates, 'diff': outcome.diff, 'error': error.as_dict()}


def test_in_check_mode_each_device_that_differs_would_change_and_nothing_is_written(clean_emulator, acs_client):
    outcome = writing_lifecycle(acs_client, clean_emulator, 4, check_mode=True).ensure([INACTIVE, ACTIVE], status='active')
    assert (outcome.changed_device_sns, outcome.failures, sent(clean_emulator)) == ([INACTIVE], [], [READ, READ])


def answer(status):
    return {'DeviceSn': ACTIVE, 'Status': status}, 'request-id'


@pytest.mark.parametrize('read_again, wanted', [
    (lambda: answer('0'), 'inactive'), (lambda: answer('1'), 'active'), (lambda: None, 'absent'),
])
def test_a_write_whose_outcome_was_open_counts_as_done_when_the_service_holds_what_was_wanted(read_again, wanted):
    assert confirm_written(ApsaraMQError('the answer was lost'), read_again, wanted) is None


def failed_reading():
    raise ApiError('GetDeviceCertificate', 'ServiceUnavailable', 'try later', 'RID-2', 503)


@pytest.mark.parametrize('read_again, wanted, detail', [
    (lambda: answer('1'), 'inactive', 'read again, it is active'),
    (lambda: None, 'inactive', 'read again, it is not registered'),
    (lambda: answer('0'), 'absent', 'read again, it is inactive'),
    (failed_reading, 'inactive', 'reading the device certificate again, to learn whether it was written, failed too: GetDeviceCertificate failed: '
                                 'ServiceUnavailable: try later (request ID RID-2, HTTP 503)'),
])
def test_a_write_whose_outcome_was_open_fails_with_its_own_error_and_what_the_read_found(read_again, wanted, detail):
    failure = ApiError('InactivateDeviceCertificate', 'InternalError', 'oops', 'RID-1', 500)
    with pytest.raises(ApiError) as raised:
        confirm_written(failure, read_again, wanted)
    assert raised.value is failure and raised.value.code == 'InternalError' and raised.value.request_id == 'RID-1'
    assert str(raised.value) == 'InactivateDeviceCertificate failed: InternalError: oops (request ID RID-1, HTTP 500); ' + detail


def test_the_failure_message_counts_the_failures_of_the_writes_tried_and_names_the_first_few():
    failures = [('sn-%d' % number, ApsaraMQError('lost %d' % number)) for number in range(5)]
    failures.insert(2, ('sn-api', ApiError('ActiveDeviceCertificate', 'InternalError', 'oops', 'RID', 500)))
    outcome = DeviceOutcome(['ok-%d' % number for number in range(250)], failures, [], {}, 'active')
    assert outcome.changed is True
    assert outcome.failure_message() == ('6 of 256 device certificates could not be activated: sn-0 (lost 0), sn-1 (lost 1), sn-api '
                                         '(ActiveDeviceCertificate failed: InternalError: oops (request ID RID, HTTP 500)); and 3 more, see failed_device_sns')
    assert outcome.failed_device_sns()[:3] == [
        {'device_sn': 'sn-0', 'msg': 'lost 0', 'error': None}, {'device_sn': 'sn-1', 'msg': 'lost 1', 'error': None},
        {'device_sn': 'sn-api', 'msg': 'ActiveDeviceCertificate failed: InternalError: oops (request ID RID, HTTP 500)',
         'error': {'code': 'InternalError', 'message': 'oops', 'request_id': 'RID', 'http_status': 500}}]
    assert outcome.first_api_error() == {'code': 'InternalError', 'message': 'oops', 'request_id': 'RID', 'http_status': 500}
    two = DeviceOutcome([], failures[:2], [], {}, 'inactive')
    assert two.changed is False and two.first_api_error() is None and 'error' not in two.return_values()
    assert two.failure_message() == '2 of 2 device certificates could not be inactivated: sn-0 (lost 0), sn-1 (lost 1)'


def test_an_empty_list_asks_nothing(clean_emulator, lifecycle):
    assert outcome_of(lifecycle(clean_emulator, max_concurrency=16).ensure([], status='inactive')) == (False, [], {'before': {}, 'after': {}})
    assert sent(clean_emulator) == []
