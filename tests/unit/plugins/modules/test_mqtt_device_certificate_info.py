# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mqtt_device_certificate_info as Ansible runs it, against the emulator: by SN, by CA, the whole instance, the filters, every
return key, the requests each run sends, every refusal."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import datetime
import json
import re
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

MODULE = 'mqtt_device_certificate_info'
INSTANCE = 'post-cn-emulator01'
CA_SN = '00e0a1c0ffee000001'
DAY_MS = 86400000
FLEET = 2000


def fixture_devices(fixtures):
    return [entry['data'] for entry in fixtures['instances'][INSTANCE]['device_certificates']]


def expected_facts(data, before_ms, after_ms):
    """The spec's return keys but x509 (and request_id), from the API data, written independently of the collection's code:
    ``expired`` and ``days_remaining`` as the sets of values a clock between ``before_ms`` and ``after_ms`` gives."""
    pem = re.sub(r'\\r\\n|\\n|\r\n', '\n', data['DeviceContent']).strip() + '\n'
    end = int(data['ValidEnd'])

    def iso(epoch_ms):
        return datetime.datetime.fromtimestamp(int(epoch_ms) // 1000, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    return {
        'device_sn': data['DeviceSn'], 'ca_sn': data['CaSn'], 'name': data.get('DeviceName'),
        'status': {'1': 'active', '0': 'inactive'}[data['Status']], 'device_pem': pem,
        'valid_begin': iso(data['ValidBegin']), 'valid_end': iso(data['ValidEnd']),
        'valid_begin_ms': int(data['ValidBegin']), 'valid_end_ms': end,
        'expired': {before_ms > end, after_ms > end}, 'days_remaining': {(end - before_ms) // DAY_MS, (end - after_ms) // DAY_MS},
    }


def assert_facts_match(facts, data, before_ms, after_ms):
    """Every return key of the spec against the API data the emulator holds."""
    expected = expected_facts(data, before_ms, after_ms)
    assert set(facts) == set(expected) | {'x509', 'request_id'}
    for key, value in expected.items():
        assert facts[key] in value if isinstance(value, set) else facts[key] == value, key
    certificate = x509.load_pem_x509_certificate(expected['device_pem'].encode())
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
    assert facts['x509']['fingerprints']['sha256'] == ':'.join(fingerprint[i:i + 2] for i in range(0, len(fingerprint), 2))
    assert facts['x509']['serial_number'] == certificate.serial_number == int(data['DeviceSn'], 16)
    assert facts['x509']['subject']['commonName'] == certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    assert facts['x509']['issuer']['commonName'] == certificate.issuer.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    assert (facts['x509']['is_ca'], facts['x509']['certificates_in_pem']) == (False, 1)
    assert re.match(r'^[0-9A-F-]{36}$', facts['request_id'])


@pytest.fixture
def audit(run_module, module_keys):
    """Function: audit(server, **options) -> (result, before_ms, after_ms, actions sent) of one run with the emulator's keys."""
    def run(server, **options):
        server.reset()
        before = int(time.time() * 1000)
        result, dummy = run_module(dict(module_keys, instance_id=INSTANCE, endpoint=server.url, **options), module=MODULE)
        after = int(time.time() * 1000)
        log = server.requests_log()
        assert result.get('request_attempts') == log['count'], result
        return result, before, after, [entry['action'] for entry in log['requests']]
    return run


def test_the_whole_instance_with_every_return_key(emulator, audit):
    result, before, after, actions = audit(emulator)
    assert result['changed'] is False and not result.get('failed') and 'warnings' not in result
    devices = fixture_devices(emulator.fixtures)
    assert [facts['device_sn'] for facts in result['device_certificates']] == [data['DeviceSn'] for data in devices]
    for facts, data in zip(result['device_certificates'], devices):
        assert_facts_match(facts, data, before, after)
    assert actions == ['ListDeviceCertificate']


def test_the_default_devices_are_what_the_emulator_says(emulator, audit):
    by_name = dict((facts['name'], facts) for facts in audit(emulator)[0]['device_certificates'])
    assert by_name['emulator-device-rsa-inactive']['status'] == by_name['emulator-device-chain-inactive']['status'] == 'inactive'
    assert by_name['emulator-device-expired']['expired'] is True and by_name['emulator-device-expired']['status'] == 'active'
    assert by_name['emulator-device-ec-expiring']['days_remaining'] == 5
    assert by_name['emulator-device-chain-active']['x509']['issuer']['commonName'] == 'emulator-chain-crlf'
    assert '\r' not in by_name['emulator-device-chain-active']['device_pem']


@pytest.mark.parametrize('max_concurrency', [1, 16])
def test_device_sns_come_back_in_the_order_given_and_repeats_are_fetched_once(emulator, audit, max_concurrency):
    sns = ['00dec1ce0100000002', '00dec1ce0100000001', '00dec1ce0100000002']
    result, before, after, actions = audit(emulator, ca_sn=CA_SN, device_sn=sns, max_concurrency=max_concurrency)
    assert [facts['device_sn'] for facts in result['device_certificates']] == sns
    by_sn = dict((data['DeviceSn'], data) for data in fixture_devices(emulator.fixtures))
    for facts in result['device_certificates']:
        assert_facts_match(facts, by_sn[facts['device_sn']], before, after)
    assert actions == ['GetDeviceCertificate'] * 2


def test_several_device_sns_are_fetched_in_parallel(start_emulator, fleet_fixtures_path, module_keys, run_module):
    server = start_emulator('--latency-ms', '1000', fixtures=fleet_fixtures_path(40))
    sns = [data['DeviceSn'] for data in fixture_devices(server.fixtures) if data['CaSn'] == CA_SN][:8]
    started = time.monotonic()
    result, dummy = run_module(dict(module_keys, instance_id=INSTANCE, endpoint=server.url, ca_sn=CA_SN, device_sn=sns), module=MODULE)
    # one at a time would take at least len(sns) seconds
    assert time.monotonic() - started < len(sns) / 2
    assert [facts['device_sn'] for facts in result['device_certificates']] == sns and result['request_attempts'] == len(sns)


def test_a_ca_with_pages_of_devices_is_listed_whole_in_api_order(start_emulator, fleet_fixtures_path, audit):
    server = start_emulator(fixtures=fleet_fixtures_path(FLEET))
    devices = [data for data in fixture_devices(server.fixtures) if data['CaSn'] == '00e0a1c0ffee000007']
    result, before, after, actions = audit(server, ca_sn='00e0a1c0ffee000007')
    assert len(devices) == FLEET // 4 and 'warnings' not in result
    assert [facts['device_sn'] for facts in result['device_certificates']] == [data['DeviceSn'] for data in devices]
    for facts, data in zip(result['device_certificates'], devices):
        assert_facts_match(facts, data, before, after)
    pages = len(devices) // 100 + 1
    assert set(actions) == {'ListDeviceCertificateByCaSn'} and pages <= len(actions) <= pages + 16 - 1


@pytest.mark.parametrize('list_total', ['items', 'pages'])
def test_a_big_fleet_is_listed_whole_with_at_most_a_window_past_the_last_page(start_emulator, fleet_fixtures_path, audit, list_total):
    fixtures = json.loads(fleet_fixtures_path(FLEET).read_text(encoding='utf-8'))
    fixtures['instances'][INSTANCE]['list_total'] = list_total
    server = start_emulator(fixtures=fixtures)
    devices = fixture_devices(fixtures)
    result, dummy, dummy, actions = audit(server, max_concurrency=8)
    assert [facts['device_sn'] for facts in result['device_certificates']] == [data['DeviceSn'] for data in devices]
    assert len(devices) == FLEET + 7
    pages = len(devices) // 100 + 1
    assert set(actions) == {'ListDeviceCertificate'} and pages <= len(actions) <= pages + 8 - 1
    if list_total == 'items':  # a Total that is right costs nothing past the end
        assert len(actions) == pages


FILTERS = [{'status': 'inactive'}, {'status': 'active'}, {'expires_within_days': 0}, {'expires_within_days': 30},
           {'status': 'active', 'expires_within_days': 100}, {'status': 'inactive', 'expires_within_days': 400}]


@pytest.mark.parametrize('by', ['instance', 'ca', 'sn'])
def test_the_filters_return_only_the_matching_devices_expired_ones_included(start_emulator, fleet_fixtures_path, audit, by):
    server = start_emulator(fixtures=fleet_fixtures_path(200))
    devices, scope = fixture_devices(server.fixtures), {}
    if by != 'instance':  # the CA that has inactive and expired devices in a fleet
        devices = [data for data in devices if data['CaSn'] == '00e0a1c0ffee000002']
        scope = dict(ca_sn='00e0a1c0ffee000002', **({'device_sn': [data['DeviceSn'] for data in devices]} if by == 'sn' else {}))
    for filters in FILTERS:
        result, before, after, dummy = audit(server, max_concurrency=4, **dict(scope, **filters))

        def kept(data, now):
            return (filters.get('status') in (None, {'1': 'active', '0': 'inactive'}[data['Status']])
                    and ('expires_within_days' not in filters or (int(data['ValidEnd']) - now) // DAY_MS < filters['expires_within_days']))
        expected = [data['DeviceSn'] for data in devices if kept(data, before)]
        assert expected == [data['DeviceSn'] for data in devices if kept(data, after)], 'a device crossed a day boundary during the run'
        assert [facts['device_sn'] for facts in result['device_certificates']] == expected and expected, filters
        if filters.get('expires_within_days') == 0:
            assert all(facts['expired'] for facts in result['device_certificates'])


def test_the_filters_apply_before_parsing(start_emulator, emulator, audit, warning_texts):
    fixtures = copy.deepcopy(emulator.fixtures)
    unreadable = [entry['data'] for entry in fixtures['instances'][INSTANCE]['device_certificates'] if entry['data']['Status'] == '0']
    for data in unreadable:
        data['DeviceContent'] = 'not a certificate'
    server = start_emulator(fixtures=fixtures)
    for options in ({}, {'ca_sn': CA_SN}, {'ca_sn': CA_SN, 'device_sn': ['00dec1ce0100000001', '00dec1ce0100000002']}):
        filtered = audit(server, status='active', **options)[0]
        assert filtered['device_certificates'] and 'warnings' not in filtered
        unfiltered = audit(server, **options)[0]
        unreadable_sns = [facts['device_sn'] for facts in unfiltered['device_certificates'] if facts['x509'] is None]
        assert unreadable_sns and [text.split(':')[0] for text in warning_texts(unfiltered)] == [
            'Device certificate %s' % sn for sn in unreadable_sns]


def test_check_mode_returns_the_same_facts(emulator, audit):
    normal = audit(emulator, ca_sn=CA_SN)[0]
    checked = audit(emulator, ca_sn=CA_SN, _ansible_check_mode=True)[0]
    assert checked['changed'] is False and len(checked['device_certificates']) == 2
    assert [dict(facts, request_id=None) for facts in checked['device_certificates']] == [
        dict(facts, request_id=None) for facts in normal['device_certificates']]


def test_a_ca_without_devices_or_an_instance_without_any_is_an_empty_list(emulator, module_keys, run_module):
    for options in ({'ca_sn': '00e0a1c0ffee000003'}, {'instance_id': 'post-cn-emulator02'}):
        result = run_module(dict(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url), **options), module=MODULE)[0]
        assert result['device_certificates'] == [] and not result.get('failed')


@pytest.mark.parametrize('max_concurrency', [1, 16])
def test_an_empty_device_sn_list_returns_nothing_and_sends_nothing(emulator, audit, max_concurrency):
    result, dummy, dummy, actions = audit(emulator, ca_sn=CA_SN, device_sn=[], max_concurrency=max_concurrency)
    assert result.get('device_certificates') == [] and actions == [], result.get('msg')


@pytest.mark.parametrize('max_concurrency', [1, 16])
def test_an_unknown_device_sn_fails_with_find_device_by_sn_error_and_its_request_id(emulator, module_keys, module_failure, max_concurrency):
    result = module_failure(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, ca_sn=CA_SN, max_concurrency=max_concurrency,
                                 device_sn=['00dec1ce0100000001', 'no-such-device', 'nor-this-one']), module=MODULE)
    error = result['error']
    assert set(error) == {'code', 'message', 'request_id', 'http_status'}
    assert (error['code'], error['http_status']) == ('FindDeviceBySnError', 400)
    assert error['message'] == 'Failed to find the device certificate by the SN. Please check sn is valid'
    assert result['msg'] == ('device SN no-such-device: GetDeviceCertificate failed: FindDeviceBySnError: Failed to find the device certificate '
                             'by the SN. Please check sn is valid (request ID %s, HTTP 400)' % error['request_id'])


def test_an_unknown_instance_fails_with_the_api_code(emulator, module_keys, module_failure):
    result = module_failure(dict(module_keys, instance_id='post-cn-nothere', endpoint=emulator.url), module=MODULE)
    assert result['error']['code'] == 'MqttInstanceNotFound' and 'ListDeviceCertificate failed: MqttInstanceNotFound' in result['msg']


@pytest.mark.parametrize('options, message', [
    ({'device_sn': ['00dec1ce0100000001']}, 'device_sn needs ca_sn: the API finds a device certificate by the SN of its CA and its own'),
    ({'ca_sn': CA_SN, 'device_sn': ['x' * 129]}, "is 129 bytes long; a device certificate serial number has 1 to 128 bytes"),
    ({'ca_sn': CA_SN, 'device_sn': ['00dec1ce0100000001', '']}, "device_sn '' is 0 bytes long; a device certificate serial number has 1 to 128"),
    ({'ca_sn': CA_SN, 'device_sn': ['x\n']}, "device_sn 'x\\n' holds a control character (a line break, a tab...); a device certificate serial"),
    ({'ca_sn': '\u00e9' * 65}, "is 130 bytes long; a CA serial number has 1 to 128 bytes"),
    ({'ca_sn': ''}, "ca_sn '' is 0 bytes long; a CA serial number has 1 to 128 bytes"),
    ({'ca_sn': '\x1b[2J'}, "ca_sn '\\x1b[2J' holds a control character"),
    ({'expires_within_days': -1}, 'expires_within_days must be 0 or more, got -1'),
    ({'max_concurrency': 0}, 'max_concurrency must be at least 1, got 0'),
    ({'max_concurrency': -2}, 'max_concurrency must be at least 1, got -2'),
    ({'status': 'revoked'}, 'value of status must be one of: active, inactive, got: revoked'),
    ({'instance_id': ' '}, 'instance_id must not be empty'),
])
def test_bad_options_fail_in_one_line_before_any_request(emulator, module_keys, module_failure, options, message):
    emulator.reset()
    result = module_failure(dict(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url), **options), module=MODULE)
    assert message in result['msg'] and '\x1b' not in result['msg']
    assert emulator.requests_log()['count'] == 0


def test_the_secret_appears_in_no_output(emulator, module_keys, run_module):
    result, process = run_module(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, ca_sn=CA_SN, device_sn=['no-such-device']),
                                 module=MODULE)
    assert result['failed'] and module_keys['access_key_secret'] not in process.stdout + process.stderr


def test_a_hostile_servers_text_reaches_the_warnings_as_one_escaped_line(start_emulator, emulator, audit, warning_texts):
    fixtures = copy.deepcopy(emulator.fixtures)
    fixtures['instances'][INSTANCE]['device_certificates'] = [
        {'data': dict(fixture_devices(emulator.fixtures)[0], DeviceSn='evil\n\x1b[2J', DeviceContent='not a certificate')}]
    result = audit(start_emulator(fixtures=fixtures))[0]
    assert result['device_certificates'][0]['x509'] is None
    assert [text for text in warning_texts(result) if text.startswith('Device certificate')] == [
        'Device certificate evil \\x1b[2J: device_pem cannot be read as an X.509 certificate (no "BEGIN CERTIFICATE" block found); x509 is null']


# --- a fleet that moves while it is listed (the emulator's listing hooks) ---------------------------------------------------------
CA_EC = '00e0a1c0ffee000002'
FIRST_BULK_SPARE = 3  # the fleet's bulk spares follow the three default ones


@pytest.fixture
def moving_audit(fleet_emulator, run_module, module_keys):
    """Function: moving_audit(hooks, **options) -> (result, device SNs returned, the hooks as fired): one run on the fleet with
    the listing hooks ``hooks`` (a list of listing_hook keyword arguments), every one of which must fire."""
    def run(hooks, **options):
        fleet_emulator.reset()
        for hook in hooks:
            fleet_emulator.listing_hook(**hook)
        result, dummy = run_module(dict(module_keys, instance_id=INSTANCE, endpoint=fleet_emulator.url, **options), module=MODULE)
        fired = fleet_emulator.listing_hooks()
        fleet_emulator.reset()
        assert fired['pending'] == [] and all(not hook['problems'] for hook in fired['fired']), fired
        assert 'failed' not in result, result
        return result, [facts['device_sn'] for facts in result['device_certificates']], fired['fired']
    return run


def in_fixture_order(sns, devices):
    """Whether ``sns`` keep the order the fixtures list them in."""
    order = dict((data['DeviceSn'], index) for index, data in enumerate(devices))
    return [order[sn] for sn in sns if sn in order] == sorted(order[sn] for sn in sns if sn in order)


@pytest.mark.parametrize('max_concurrency', [1, 16])
def test_a_device_deleted_mid_listing_loses_no_other_device(fleet_emulator, moving_audit, max_concurrency):
    devices = fixture_devices(fleet_emulator.fixtures)
    deleted = devices[5]  # on page 1, read before the deletion: devices[100] slips into page 1
    result, sns, dummy = moving_audit([dict(action='ListDeviceCertificate', page=2, delete_devices=[(deleted['CaSn'], deleted['DeviceSn'])])],
                                      max_concurrency=max_concurrency)
    assert sns == [data['DeviceSn'] for data in devices]  # the deleted device too: it existed while page 1 was read
    assert 'warnings' not in result


@pytest.mark.parametrize('max_concurrency', [1, 16])
def test_a_ca_deleted_mid_listing_loses_no_device_of_another_ca(fleet_emulator, moving_audit, max_concurrency):
    devices = fixture_devices(fleet_emulator.fixtures)
    result, sns, dummy = moving_audit([dict(action='ListDeviceCertificate', page=2, delete_ca=CA_EC)], max_concurrency=max_concurrency)
    others = [data['DeviceSn'] for data in devices if data['CaSn'] != CA_EC]
    assert set(others) <= set(sns) and len(sns) == len(set(sns))
    assert in_fixture_order(sns, devices) or max_concurrency > 1  # pages in flight may show the fleet before and after
    assert set(sns) - set(others) <= set(data['DeviceSn'] for data in devices[:100] if data['CaSn'] == CA_EC)  # read before it went
    assert 'warnings' not in result


@pytest.mark.parametrize('max_concurrency', [1, 16])
def test_devices_registering_mid_listing_fail_nothing_and_every_device_comes_once(fleet_emulator, moving_audit, max_concurrency):
    devices = fixture_devices(fleet_emulator.fixtures)
    spares = [entry['data'] for entry in fleet_emulator.fixtures['instances'][INSTANCE]['spare_device_certificates']][FIRST_BULK_SPARE:][:3]
    result, sns, fired = moving_audit([dict(action='ListDeviceCertificate', page=2, register=[data['DeviceContent'] for data in spares],
                                            position=0)], max_concurrency=max_concurrency)
    assert fired[0]['registered'] == [data['DeviceSn'] for data in spares]
    assert sns == [data['DeviceSn'] for data in spares + devices]  # the second look found the registrations too, in their place
    assert 'warnings' not in result
