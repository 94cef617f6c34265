# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mqtt_device_certificate as Ansible runs it, against the emulator: lock out, let in, delete many devices in one task, the
requests each run sends, what a device connecting sees afterwards, every refusal."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

MODULE = 'mqtt_device_certificate'
INSTANCE = 'post-cn-emulator01'
CA_SN = '00e0a1c0ffee000001'
ACTIVE, INACTIVE = '00dec1ce0100000001', '00dec1ce0100000002'
READ = 'GetDeviceCertificate'
WRITES = {'ActiveDeviceCertificate', 'InactivateDeviceCertificate', 'DeleteDeviceCertificate'}
NEVER_CREATES = ('device certificates cannot be created, the broker registers one when a device first connects with it')


def fixture_devices(fixtures, ca_sn=CA_SN):
    return [entry['data'] for entry in fixtures['instances'][INSTANCE]['device_certificates'] if entry['data']['CaSn'] == ca_sn]


@pytest.fixture
def device_task(run_module, module_keys):
    """Function: device_task(server, device_sn, check_mode=False, ca_sn=CA_SN, **options) -> (result, actions sent): one run of the
    module, with request_attempts checked against the emulator's log."""
    def run(server, device_sn, check_mode=False, ca_sn=CA_SN, **options):
        before = server.requests_log()['count']  # not reset: that would undo the writes of earlier runs too
        args = dict(module_keys, instance_id=INSTANCE, endpoint=server.url, ca_sn=ca_sn, device_sn=device_sn, _ansible_check_mode=check_mode,
                    _ansible_diff=True, **options)
        result, dummy = run_module(args, module=MODULE)
        log = server.requests_log()['requests'][before:]
        assert result.get('request_attempts') == len(log), result
        return result, [entry['action'] for entry in log]
    return run


@pytest.fixture
def statuses(run_module, module_keys):
    """Function: statuses(server, ca_sn=CA_SN) -> {device SN: status} of the CA's registered devices, through the info module."""
    def read(server, ca_sn=CA_SN):
        result, dummy = run_module(dict(module_keys, instance_id=INSTANCE, endpoint=server.url, ca_sn=ca_sn), module='mqtt_device_certificate_info')
        assert not result.get('failed'), result
        return dict((facts['device_sn'], facts['status']) for facts in result['device_certificates'])
    return read


@pytest.fixture
def fleet(start_emulator, fleet_fixtures_path):
    """An emulator of this test's own whose CA ...01 has 2 default and 10 more device certificates, all but one active."""
    return start_emulator(fixtures=fleet_fixtures_path(40))


def test_inactivate_then_activate_several_devices_only_those_that_differ_are_written(fleet, device_task, statuses):
    sns = [data['DeviceSn'] for data in fixture_devices(fleet.fixtures)][:5]
    before = statuses(fleet)
    assert [before[sn] for sn in sns] == ['active', 'inactive', 'active', 'active', 'active']
    for status, write in (('inactive', 'InactivateDeviceCertificate'), ('active', 'ActiveDeviceCertificate')):
        differing = [sn for sn in sns if statuses(fleet)[sn] != status]
        checked, actions = device_task(fleet, sns, check_mode=True, status=status)
        assert checked['changed'] is True and actions == [READ] * 5
        assert [facts['status'] for facts in checked['device_certificates']] == [status] * 5
        result, actions = device_task(fleet, sns, status=status, max_concurrency=4)
        assert result['changed'] is True
        assert sorted(actions) == sorted([READ] * 5 + [write] * len(differing))
        assert [(facts['device_sn'], facts['status']) for facts in result['device_certificates']] == [(sn, status) for sn in sns]
        assert result['diff']['after'] == dict((sn, status) for sn in sns)
        assert result['diff']['before'] == dict((sn, status if sn not in differing else ('active', 'inactive')[status == 'active']) for sn in sns)
        assert checked['diff'] == result['diff']
        assert [dict(facts, request_id=None) for facts in checked['device_certificates']] == [
            dict(facts, request_id=None) for facts in result['device_certificates']]
        assert dict((sn, statuses(fleet)[sn]) for sn in sns) == dict((sn, status) for sn in sns)
        again, actions = device_task(fleet, sns, status=status, max_concurrency=4)
        assert again['changed'] is False and actions == [READ] * 5
        assert again['diff']['before'] == again['diff']['after']


def test_check_mode_sends_no_write(fleet, device_task, statuses):
    sns = [data['DeviceSn'] for data in fixture_devices(fleet.fixtures)][:5]
    before = statuses(fleet)
    for options in ({'status': 'inactive'}, {'status': 'active'}, {'state': 'absent'}):
        result, actions = device_task(fleet, sns, check_mode=True, **options)
        assert result['changed'] is True and not WRITES.intersection(actions)
    assert statuses(fleet) == before


def test_absent_deletes_the_registered_ones_leaves_them_out_and_then_changes_nothing(fleet, device_task, statuses):
    sns = [ACTIVE, 'never-registered', INACTIVE]
    result, actions = device_task(fleet, sns, state='absent')
    assert result['changed'] is True and result['device_certificates'] == []
    assert sorted(actions) == sorted([READ] * 3 + ['DeleteDeviceCertificate'] * 2)
    assert result['diff'] == {'before': {ACTIVE: 'active', 'never-registered': 'absent', INACTIVE: 'inactive'},
                              'after': dict((sn, 'absent') for sn in sns)}
    assert not {ACTIVE, INACTIVE}.intersection(statuses(fleet)) and len(statuses(fleet)) == len(fixture_devices(fleet.fixtures)) - 2
    again, actions = device_task(fleet, sns, state='absent')
    assert again['changed'] is False and actions == [READ] * 3 and again['device_certificates'] == []


@pytest.mark.parametrize('status', ['inactive', None])
def test_present_never_creates_and_sends_no_write_even_for_the_devices_that_exist(fleet, device_task, statuses, status):
    result, actions = device_task(fleet, [ACTIVE, 'not-registered-1', INACTIVE, 'not-registered-2'], **({'status': status} if status else {}))
    assert result['failed'] is True and '\n' not in result['msg']
    assert result['msg'] == 'CA %s has no registered device certificate of SN not-registered-1, not-registered-2: %s' % (CA_SN, NEVER_CREATES)
    assert actions == [READ] * 4
    assert statuses(fleet)[ACTIVE] == 'active'


def test_present_without_status_changes_nothing_and_returns_the_facts(emulator, device_task):
    emulator.reset()
    result, actions = device_task(emulator, [INACTIVE, ACTIVE])
    assert result['changed'] is False and actions == [READ, READ]
    assert [(facts['device_sn'], facts['status'], facts['name']) for facts in result['device_certificates']] == [
        (INACTIVE, 'inactive', 'emulator-device-rsa-inactive'), (ACTIVE, 'active', 'emulator-device-rsa-active')]
    assert result['device_certificates'][1]['x509']['issuer']['commonName'] == 'emulator-rsa2048-active'


def test_a_device_locked_out_cannot_connect_and_one_deleted_is_registered_again_when_it_connects(start_emulator, device_task, statuses):
    server = start_emulator()
    instance = server.fixtures['instances'][INSTANCE]
    spare = [entry['data'] for entry in instance['spare_device_certificates'] if entry['data']['CaSn'] == CA_SN][0]
    deleted = [data for data in fixture_devices(server.fixtures) if data['DeviceSn'] == ACTIVE][0]
    result, dummy = device_task(server, [spare['DeviceSn']], status='inactive')
    assert result['failed'] is True and NEVER_CREATES in result['msg']
    assert server.connect(INSTANCE, spare['DeviceContent'])['registered'] is True  # the broker registers it, active
    locked, actions = device_task(server, [spare['DeviceSn']], status='inactive')
    assert locked['changed'] is True and actions == [READ, 'InactivateDeviceCertificate']
    assert locked['device_certificates'][0]['name'] == spare['DeviceName']
    assert server.connect(INSTANCE, spare['DeviceContent'])['connected'] is False
    assert device_task(server, [spare['DeviceSn']], status='active')[0]['changed'] is True
    assert server.connect(INSTANCE, spare['DeviceContent'])['connected'] is True

    assert device_task(server, [ACTIVE], state='absent')[0]['changed'] is True
    assert ACTIVE not in statuses(server)
    reconnected = server.connect(INSTANCE, deleted['DeviceContent'])
    assert (reconnected['connected'], reconnected['registered']) == (True, True)
    result, actions = device_task(server, [ACTIVE], status='active')
    assert result['changed'] is False and actions == [READ] and result['device_certificates'][0]['status'] == 'active'


def test_throttled_writes_are_retried(fleet, device_task, warning_texts, statuses):
    sns = [data['DeviceSn'] for data in fixture_devices(fleet.fixtures)][2:4]
    fleet.inject(kind='throttling', count=2, action='InactivateDeviceCertificate')
    result, actions = device_task(fleet, sns, status='inactive', max_concurrency=1)
    assert result['changed'] is True, result
    assert actions == [READ, READ] + ['InactivateDeviceCertificate'] * 4
    assert [entry['code'] for entry in fleet.requests_log()['requests'][-4:]] == ['Throttling.User', 'Throttling.User', None, None]
    assert len([text for text in warning_texts(result) if 'Throttling.User' in text]) == 2
    assert [statuses(fleet)[sn] for sn in sns] == ['inactive', 'inactive']


def test_many_devices_in_one_task(start_emulator, fleet_fixtures_path, device_task, statuses):
    server = start_emulator(fixtures=fleet_fixtures_path(800))
    ca_sn = '00e0a1c0ffee000002'  # the CA that has inactive and expired devices in a fleet
    devices = fixture_devices(server.fixtures, ca_sn)[2:]
    sns = [data['DeviceSn'] for data in devices]
    active = [data['DeviceSn'] for data in devices if data['Status'] == '1']
    assert len(sns) == 200 and 0 < len(active) < 200
    result, actions = device_task(server, sns, ca_sn=ca_sn, status='inactive', max_concurrency=16)
    assert result['changed'] is True and [facts['device_sn'] for facts in result['device_certificates']] == sns
    assert sorted(actions) == sorted([READ] * 200 + ['InactivateDeviceCertificate'] * len(active))
    assert [sn for sn, status in statuses(server, ca_sn).items() if status == 'active'] == ['00dec1ce0200000001', '00dec1ce0200000002']
    again, actions = device_task(server, sns, ca_sn=ca_sn, status='inactive', max_concurrency=16)
    assert again['changed'] is False and actions == [READ] * 200


def test_an_empty_device_sn_list_changes_nothing_and_sends_nothing(emulator, device_task):
    emulator.reset()
    result, actions = device_task(emulator, [], status='inactive')
    assert (result.get('changed'), result.get('device_certificates'), actions) == (False, [], []), result.get('msg')


def test_an_unknown_ca_has_none_of_the_devices(emulator, device_task):
    emulator.reset()
    result, actions = device_task(emulator, [ACTIVE], ca_sn='no-such-ca', status='inactive')
    assert result['msg'] == 'CA no-such-ca has no registered device certificate of SN %s: %s' % (ACTIVE, NEVER_CREATES)
    assert actions == [READ]


@pytest.mark.parametrize('options, message', [
    ({'ca_sn': None}, 'missing required arguments: ca_sn'),
    ({'device_sn': None}, 'missing required arguments: device_sn'),
    ({'device_sn': ['x' * 129]}, 'is 129 bytes long; a device certificate serial number has 1 to 128 bytes'),
    ({'device_sn': [ACTIVE, '']}, "device_sn '' is 0 bytes long; a device certificate serial number has 1 to 128 bytes"),
    ({'device_sn': ['a\tb']}, "device_sn 'a\\tb' holds a control character (a line break, a tab...); a device certificate serial number has none"),
    ({'ca_sn': ''}, "ca_sn '' is 0 bytes long; a CA serial number has 1 to 128 bytes"),
    ({'ca_sn': 'x' * 129}, 'is 129 bytes long; a CA serial number has 1 to 128 bytes'),
    ({'ca_sn': 'ca\n'}, "ca_sn 'ca\\n' holds a control character"),
    ({'max_concurrency': 0}, 'max_concurrency must be at least 1, got 0'),
    ({'status': 'revoked'}, 'value of status must be one of: active, inactive, got: revoked'),
    ({'state': 'gone'}, 'value of state must be one of: present, absent, got: gone'),
    ({'instance_id': ' '}, 'instance_id must not be empty'),
    ({'state': 'absent'}, 'status goes with state: present; state: absent deletes the registrations'),
])
def test_bad_options_fail_in_one_line_before_any_request(emulator, module_keys, module_failure, options, message):
    emulator.reset()
    args = dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, ca_sn=CA_SN, device_sn=[ACTIVE], status='inactive')
    args.update(options)
    result = module_failure(dict((key, value) for key, value in args.items() if value is not None), module=MODULE)
    assert message in result['msg'], result['msg']
    assert emulator.requests_log()['count'] == 0


def test_the_secret_appears_in_no_output(emulator, module_keys, run_module):
    emulator.reset()
    result, process = run_module(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, ca_sn=CA_SN, device_sn=['missing'],
                                      _ansible_diff=True), module=MODULE)
    assert result['failed'] and module_keys['access_key_secret'] not in process.stdout + process.stderr


@pytest.mark.parametrize('fault', ['unavailable', 'drop'])
def test_a_deletion_whose_answer_is_lost_is_not_a_failure(start_emulator, device_task, statuses, fault):
    server = start_emulator()
    server.inject(kind=fault, action='DeleteDeviceCertificate')  # the emulator deletes it, then the answer is lost; the client sends it again
    result, actions = device_task(server, [ACTIVE], state='absent')
    assert not result.get('failed'), result['msg']
    assert result['changed'] is True and result['device_certificates'] == [] and ACTIVE not in statuses(server)
    assert actions[:2] == [READ, 'DeleteDeviceCertificate']


@pytest.mark.parametrize('fault', ['unavailable', 'drop'])
def test_a_status_change_whose_answer_is_lost_is_sent_again(start_emulator, device_task, statuses, fault):
    server = start_emulator()
    server.inject(kind=fault, action='InactivateDeviceCertificate')
    result, actions = device_task(server, [ACTIVE], status='inactive')
    assert result['changed'] is True and actions == [READ, 'InactivateDeviceCertificate', 'InactivateDeviceCertificate']
    assert statuses(server)[ACTIVE] == 'inactive'


# --- a bulk write whose answers are faulted (issue 20): every write tried, each device reported changed or failed ---------------------
LOCK_OUT_CA = '00e0a1c0ffee000002'  # in a fleet of 1,200, 300 bulk devices of its own, one in five inactive


@pytest.fixture
def big_fleet(start_emulator, fleet_fixtures_path):
    return start_emulator(fixtures=fleet_fixtures_path(1200))


def bulk_sns(server, count):
    """The first ``count`` bulk device SNs of LOCK_OUT_CA, and those of them that are active."""
    devices = fixture_devices(server.fixtures, LOCK_OUT_CA)[2:2 + count]
    return [data['DeviceSn'] for data in devices], [data['DeviceSn'] for data in devices if data['Status'] == '1']


def faults_sent(server, since, action):
    return [entry['fault'] for entry in server.requests_log()['requests'][since:] if entry['action'] == action]


def test_a_lock_out_whose_first_write_is_answered_with_cut_json_inactivates_every_device_and_says_so(big_fleet, device_task, statuses):
    sns, active = bulk_sns(big_fleet, 300)
    assert len(sns) == 300 and 200 < len(active) < 300
    big_fleet.inject(kind='cut_json', action='InactivateDeviceCertificate')  # carried out, answered HTTP 200 with half a JSON body
    result, actions = device_task(big_fleet, sns, ca_sn=LOCK_OUT_CA, status='inactive')
    assert not result.get('failed'), result['msg']
    assert result['changed'] is True and result['changed_device_sns'] == active and result['failed_device_sns'] == []
    assert set(statuses(big_fleet, LOCK_OUT_CA)[sn] for sn in sns) == {'inactive'}
    assert [facts['device_sn'] for facts in result['device_certificates']] == sns
    assert set(facts['status'] for facts in result['device_certificates']) == {'inactive'}
    assert result['diff']['after'] == dict((sn, 'inactive') for sn in sns)
    assert [sn for sn, status in result['diff']['before'].items() if status == 'active'] == active
    writes = actions.count('InactivateDeviceCertificate')
    # The cut answer is settled by a re-read, or by sending the write again where the client retries it: one request more either way.
    assert writes in (len(active), len(active) + 1) and actions.count(READ) + writes == 300 + len(active) + 1
    assert faults_sent(big_fleet, 0, 'InactivateDeviceCertificate').count('cut_json') == 1


def test_persistent_faults_on_some_writes_fail_those_devices_and_every_other_device_is_changed(big_fleet, device_task, statuses):
    sns, active = bulk_sns(big_fleet, 60)
    for kind in ('throttling', 'cut_json', 'unavailable', 'drop'):  # refused (not carried out), then three carried out but not answered well
        big_fleet.inject(kind=kind, count=3, action='InactivateDeviceCertificate')
    before = big_fleet.requests_log()['count']
    result, actions = device_task(big_fleet, sns, ca_sn=LOCK_OUT_CA, status='inactive', retries=0, max_concurrency=8)
    held = statuses(big_fleet, LOCK_OUT_CA)
    failed = [entry['device_sn'] for entry in result['failed_device_sns']]
    assert result['failed'] is True and result['changed'] is True
    assert len(failed) == 3 and failed == [sn for sn in active if sn in failed] and set(held[sn] for sn in failed) == {'active'}
    assert result['changed_device_sns'] == [sn for sn in active if sn not in failed]
    assert set(held[sn] for sn in sns) == {'inactive', 'active'} and [sn for sn in sns if held[sn] == 'active'] == failed
    for entry in result['failed_device_sns']:
        assert entry['error']['code'] == 'Throttling.User' and entry['error']['http_status'] == 400 and entry['error']['request_id']
        assert entry['msg'].startswith('InactivateDeviceCertificate failed: Throttling.User: ') and '\n' not in entry['msg']
    assert result['error']['code'] == 'Throttling.User'
    assert result['msg'].startswith('3 of %d device certificates could not be inactivated: %s (InactivateDeviceCertificate failed: Throttling.User: '
                                    % (len(active), failed[0]))
    assert '\n' not in result['msg']
    # Every device that needed it was written once; the nine carried out but answered badly were read again.
    assert actions.count('InactivateDeviceCertificate') == len(active) and actions.count(READ) == 60 + 9
    assert sorted(fault for fault in faults_sent(big_fleet, before, 'InactivateDeviceCertificate') if fault) == sorted(
        ['throttling', 'cut_json', 'unavailable', 'drop'] * 3)
    assert result['diff']['after'] == dict((sn, held[sn]) for sn in sns)
    assert [(facts['device_sn'], facts['status']) for facts in result['device_certificates']] == [(sn, held[sn]) for sn in sns]


def test_a_bulk_deletion_with_persistent_faults_deletes_every_device_it_can_and_reports_the_others(big_fleet, device_task, statuses):
    sns, dummy = bulk_sns(big_fleet, 40)
    big_fleet.inject(kind='throttling', count=3, action='DeleteDeviceCertificate')
    big_fleet.inject(kind='cut_json', count=3, action='DeleteDeviceCertificate')
    result, actions = device_task(big_fleet, sns, ca_sn=LOCK_OUT_CA, state='absent', retries=0, max_concurrency=8)
    held = statuses(big_fleet, LOCK_OUT_CA)
    failed = [entry['device_sn'] for entry in result['failed_device_sns']]
    assert result['failed'] is True and result['changed'] is True
    assert len(failed) == 3 and [sn for sn in sns if sn in held] == failed
    assert result['changed_device_sns'] == [sn for sn in sns if sn not in failed]
    assert result['msg'].startswith('3 of 40 device certificates could not be deleted: %s (DeleteDeviceCertificate failed: Throttling.User: '
                                    % failed[0])
    assert [facts['device_sn'] for facts in result['device_certificates']] == failed
    assert result['diff']['after'] == dict((sn, held.get(sn, 'absent')) for sn in sns)
    assert actions.count('DeleteDeviceCertificate') == 40 and actions.count(READ) == 40 + 3


@pytest.mark.parametrize('options', [{'status': 'inactive'}, {'state': 'absent'}])
def test_a_bulk_write_in_check_mode_sends_no_write_and_lists_what_a_run_would_change(big_fleet, device_task, options):
    sns, active = bulk_sns(big_fleet, 50)
    big_fleet.inject(kind='cut_json', count=5, action='InactivateDeviceCertificate')
    result, actions = device_task(big_fleet, sns, check_mode=True, ca_sn=LOCK_OUT_CA, **options)
    assert not result.get('failed') and result['changed'] is True and result['failed_device_sns'] == []
    assert result['changed_device_sns'] == (active if options.get('status') else sns)
    assert actions == [READ] * 50
    assert big_fleet.inject()['queued'][0]['count'] == 5  # no write came to take a fault


def test_a_run_that_changes_nothing_lists_nothing(fleet, device_task):
    result, actions = device_task(fleet, [ACTIVE, INACTIVE], state='present')
    assert (result['changed'], result['changed_device_sns'], result['failed_device_sns'], actions) == (False, [], [], [READ, READ])
