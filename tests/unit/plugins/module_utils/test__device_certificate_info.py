# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The audit's option checks, and its lookups against the emulator: by SN, of one CA, of the instance, filtered before parsing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import time

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._device_certificate_info import check_audit, device_certificate_facts
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError, NotFoundError

INSTANCE = 'post-cn-emulator01'
CA_SN = '00e0a1c0ffee000001'
DAY_MS = 86400000


def fixture_devices(fixtures):
    return [entry['data'] for entry in fixtures['instances'][INSTANCE]['device_certificates']]


def now_ms():
    return int(time.time() * 1000)


# --- check_audit -------------------------------------------------------------------------------------

@pytest.mark.parametrize('instance_id, ca_sn, device_sns, days, concurrency, message', [
    (' ', None, None, None, 1, 'instance_id must not be empty'),
    (INSTANCE, None, None, None, 0, 'max_concurrency must be at least 1, got 0'),
    (INSTANCE, None, ['x'], None, 1, 'device_sn needs ca_sn: the API finds a device certificate by the SN of its CA and its own'),
    (INSTANCE, None, [], None, 1, 'device_sn needs ca_sn: the API finds a device certificate by the SN of its CA and its own'),
    (INSTANCE, '', None, None, 1, "ca_sn '' is 0 bytes long; a CA serial number has 1 to 128 bytes"),
    (INSTANCE, 'c\n', None, None, 1, "ca_sn 'c\\n' holds a control character (a line break, a tab...); a CA serial number has none"),
    (INSTANCE, CA_SN, ['ok', ''], None, 1, "device_sn '' is 0 bytes long; a device certificate serial number has 1 to 128 bytes"),
    (INSTANCE, CA_SN, ['\u00e9' * 65], None, 1, 'is 130 bytes long; a device certificate serial number has 1 to 128 bytes'),
    (INSTANCE, CA_SN, ['a\tb'], None, 1, "device_sn 'a\\tb' holds a control character (a line break, a tab...); a device certificate"),
    (INSTANCE, CA_SN, None, -1, 1, 'expires_within_days must be 0 or more, got -1'),
])
def test_check_audit_refuses_in_one_line(instance_id, ca_sn, device_sns, days, concurrency, message):
    with pytest.raises(ApsaraMQError) as raised:
        check_audit(instance_id, ca_sn, device_sns, days, concurrency)
    assert message in str(raised.value) and '\n' not in str(raised.value)


@pytest.mark.parametrize('ca_sn, device_sns, days', [(None, None, None), (CA_SN, None, 0), (CA_SN, [], None), (CA_SN, ['x' * 128, '\u00e9' * 64], 30)])
def test_check_audit_accepts(ca_sn, device_sns, days):
    check_audit(INSTANCE, ca_sn, device_sns, days, 1)


# --- device_certificate_facts against the emulator ---------------------------------------------------

def actions(emulator):
    return [entry['action'] for entry in emulator.requests_log()['requests']]


@pytest.mark.parametrize('max_concurrency', [1, 8])
def test_sns_in_the_order_given_a_repeated_one_fetched_once(clean_emulator, acs_client, max_concurrency):
    sns = ['00dec1ce0100000002', '00dec1ce0100000001', '00dec1ce0100000002']
    certificates, warnings = device_certificate_facts(acs_client(clean_emulator.url), INSTANCE, CA_SN, sns, now_ms(),
                                                      max_concurrency=max_concurrency)
    assert [facts['device_sn'] for facts in certificates] == sns and warnings == []
    assert [facts['status'] for facts in certificates] == ['inactive', 'active', 'inactive']
    assert certificates[0] == certificates[2] and certificates[0] is not certificates[2]
    assert actions(clean_emulator) == ['GetDeviceCertificate'] * 2


def test_an_empty_sn_list_asks_nothing(clean_emulator, acs_client):
    assert device_certificate_facts(acs_client(clean_emulator.url), INSTANCE, CA_SN, [], now_ms(), 'active', 30, 8) == ([], [])
    assert actions(clean_emulator) == []


@pytest.mark.parametrize('ca_sn, action', [('00e0a1c0ffee000006', 'ListDeviceCertificateByCaSn'), (None, 'ListDeviceCertificate')])
def test_a_listing_returns_the_cas_or_the_instances_devices_in_api_order(clean_emulator, acs_client, ca_sn, action):
    expected = [data['DeviceSn'] for data in fixture_devices(clean_emulator.fixtures) if ca_sn in (None, data['CaSn'])]
    certificates, warnings = device_certificate_facts(acs_client(clean_emulator.url), INSTANCE, ca_sn, None, now_ms(), max_concurrency=4)
    assert [facts['device_sn'] for facts in certificates] == expected and warnings == []
    assert len(expected) > 1 and actions(clean_emulator) == [action]


def test_a_ca_without_devices_lists_nothing(clean_emulator, acs_client):
    assert device_certificate_facts(acs_client(clean_emulator.url), INSTANCE, 'no-such-ca', None, now_ms()) == ([], [])


@pytest.mark.parametrize('status, days', [('active', None), ('inactive', None), (None, 0), (None, 6), (None, 400), ('active', 6)])
@pytest.mark.parametrize('by', ['sn', 'ca', 'instance'])
def test_the_filters_keep_what_the_api_fields_say_on_every_path(clean_emulator, acs_client, by, status, days):
    now = now_ms()
    devices = fixture_devices(clean_emulator.fixtures)
    ca_sn = '00e0a1c0ffee000002' if by != 'instance' else None
    sns = [data['DeviceSn'] for data in devices if data['CaSn'] == ca_sn] if by == 'sn' else None
    expected = [data['DeviceSn'] for data in devices
                if ca_sn in (None, data['CaSn'])
                and status in (None, {'1': 'active', '0': 'inactive'}[data['Status']])
                and (days is None or (int(data['ValidEnd']) - now) // DAY_MS < days)]
    certificates = device_certificate_facts(acs_client(clean_emulator.url), INSTANCE, ca_sn, sns, now, status, days, 4)[0]
    assert [facts['device_sn'] for facts in certificates] == expected


def test_filters_include_the_expired_and_the_expiring(clean_emulator, acs_client):
    certificates = device_certificate_facts(acs_client(clean_emulator.url), INSTANCE, None, None, now_ms(), 'active', 6)[0]
    assert [(facts['name'], facts['expired']) for facts in certificates] == [('emulator-device-ec-expiring', False), ('emulator-device-expired', True)]


@pytest.fixture
def one_unreadable_inactive_device(start_emulator, emulator):
    """An emulator whose inactive device certificate of CA ...01 holds no certificate."""
    fixtures = copy.deepcopy(emulator.fixtures)
    for entry in fixtures['instances'][INSTANCE]['device_certificates']:
        if entry['data']['DeviceSn'] == '00dec1ce0100000002':
            entry['data']['DeviceContent'] = 'not a certificate'
    return start_emulator(fixtures=fixtures)


@pytest.mark.parametrize('ca_sn, sns', [(CA_SN, ['00dec1ce0100000002', '00dec1ce0100000001']), (CA_SN, None), (None, None)],
                         ids=['sn', 'ca', 'instance'])
def test_a_device_filtered_out_is_never_parsed(one_unreadable_inactive_device, acs_client, ca_sn, sns):
    client = acs_client(one_unreadable_inactive_device.url)
    certificates, warnings = device_certificate_facts(client, INSTANCE, ca_sn, sns, now_ms(), status='active', max_concurrency=4)
    assert '00dec1ce0100000001' in [facts['device_sn'] for facts in certificates] and warnings == []
    certificates, warnings = device_certificate_facts(client, INSTANCE, ca_sn, sns, now_ms(), max_concurrency=4)
    assert [facts['x509'] for facts in certificates if facts['device_sn'] == '00dec1ce0100000002'] == [None]
    assert [warning.split(':', maxsplit=1)[0] for warning in warnings] == ['Device certificate 00dec1ce0100000002']


@pytest.mark.parametrize('max_concurrency', [1, 4])
def test_an_unknown_device_sn_is_the_apis_not_found_error_for_the_first_one_asked(clean_emulator, acs_client, max_concurrency):
    with pytest.raises(NotFoundError) as raised:
        device_certificate_facts(acs_client(clean_emulator.url), INSTANCE, CA_SN, ['00dec1ce0100000001', 'missing-1', 'missing-2'], now_ms(),
                                 max_concurrency=max_concurrency)
    assert str(raised.value).startswith('device SN missing-1: GetDeviceCertificate failed: FindDeviceBySnError: Failed to find the device '
                                        'certificate by the SN. Please check sn is valid (request ID ')


def test_a_device_sn_of_another_ca_is_not_found(clean_emulator, acs_client):
    with pytest.raises(NotFoundError, match='^device SN 00dec1ce0200000001: GetDeviceCertificate failed: FindDeviceBySnError'):
        device_certificate_facts(acs_client(clean_emulator.url), INSTANCE, CA_SN, ['00dec1ce0200000001'], now_ms())


@pytest.fixture
def device_without_status(start_emulator, emulator):
    """An emulator whose first device certificate has no Status."""
    fixtures = copy.deepcopy(emulator.fixtures)
    del fixtures['instances'][INSTANCE]['device_certificates'][0]['data']['Status']
    return start_emulator(fixtures=fixtures)


@pytest.mark.parametrize('ca_sn, sns', [(CA_SN, ['00dec1ce0100000001']), (CA_SN, None), (None, None)], ids=['sn', 'ca', 'instance'])
@pytest.mark.parametrize('status', ['active', None])
def test_data_that_makes_no_sense_fails_in_one_line_filtered_or_not(device_without_status, acs_client, ca_sn, sns, status):
    with pytest.raises(ApsaraMQError) as raised:
        device_certificate_facts(acs_client(device_without_status.url), INSTANCE, ca_sn, sns, now_ms(), status=status)
    assert str(raised.value).startswith("The API answered with device certificate data this collection cannot read: malformed device "
                                        "certificate data (SN '00dec1ce0100000001'): required field Status is missing or null")


def test_a_listing_that_moved_during_every_look_says_a_device_may_be_missing(fleet_emulator, acs_client):
    devices = fixture_devices(fleet_emulator.fixtures)
    spares = [entry['data'] for entry in fleet_emulator.fixtures['instances'][INSTANCE]['spare_device_certificates']][3:6]
    fleet_emulator.reset()
    for look, spare in enumerate(spares, 1):  # a registration ahead of the read position at each look's page 2
        fleet_emulator.listing_hook('ListDeviceCertificate', 2, occurrence=look, register=[spare['DeviceContent']], position=0)
    try:
        certificates, warnings = device_certificate_facts(acs_client(fleet_emulator.url), INSTANCE, None, None, now_ms())
        fired = fleet_emulator.listing_hooks()['fired']
    finally:
        fleet_emulator.reset()
    assert [hook['registered'] for hook in fired] == [[spare['DeviceSn']] for spare in spares]
    # The third registration came after the last look had read its page 1: unseen, as a device registered mid-listing may be.
    assert [facts['device_sn'] for facts in certificates] == [data['DeviceSn'] for data in [spares[1], spares[0]] + devices]
    assert warnings == ['Device certificates were registered or deleted during every look at the listing (3 looks); a device certificate '
                        'that existed throughout may be missing: run the task again']
