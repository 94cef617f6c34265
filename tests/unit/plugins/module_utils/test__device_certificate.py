# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The facts of one device certificate from the API's device object, and the audit filters that read the API's fields only."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils import _device_certificate, _x509
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._device_certificate import audit_filter, describe_device, describe_devices
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError

DEVICE_SN = 'dev-0001'
CA_SN = 'ca-0001'
REQUEST_ID = '5C4E8E0F-1A2B-4C3D-9E8F-00112233AABB'
DAY_MS = 86400000
MISSING = object()

FACT_KEYS = {
    'device_sn', 'ca_sn', 'name', 'status', 'device_pem', 'valid_begin', 'valid_end', 'valid_begin_ms', 'valid_end_ms', 'expired',
    'days_remaining', 'x509', 'request_id',
}


def epoch_ms(moment):
    return calendar.timegm(moment.timetuple()) * 1000


@pytest.fixture
def device_data(pki):
    """Function: device_data(**overrides) -> a GetDeviceCertificate ``Data`` object holding the pki's leaf, valid from the pki's
    not_before to its not_after; an override of ``MISSING`` removes the field."""
    def data_object(**overrides):
        data = {
            'DeviceSn': DEVICE_SN, 'CaSn': CA_SN, 'DeviceName': 'sensor-1', 'Status': '1', 'DeviceContent': pki.pem(pki.leaf),
            'ValidBegin': str(epoch_ms(pki.not_before)), 'ValidEnd': str(epoch_ms(pki.not_after)),
        }
        data.update(overrides)
        return dict((key, value) for key, value in data.items() if value is not MISSING)
    return data_object


@pytest.fixture
def no_parsing(monkeypatch):
    """Fails the test if a certificate is parsed: cryptography is never asked for."""
    def refuse():
        raise AssertionError('a certificate was parsed')
    monkeypatch.setattr(_device_certificate, 'x509_module', refuse)


# --- describe_device ---------------------------------------------------------------------------------

def test_facts_have_exactly_the_documented_keys_and_values(pki, device_data):
    data = device_data(DeviceContent=pki.pem(pki.leaf).replace('\n', '\r\n'))
    original = dict(data)
    facts, warnings = describe_device(data, REQUEST_ID, epoch_ms(pki.not_before))
    assert warnings == [] and data == original
    assert set(facts) == FACT_KEYS
    assert (facts['device_sn'], facts['ca_sn'], facts['name'], facts['status'], facts['request_id']) == (
        DEVICE_SN, CA_SN, 'sensor-1', 'active', REQUEST_ID)
    assert facts['device_pem'] == pki.pem(pki.leaf)
    assert (facts['valid_begin'], facts['valid_end']) == ('2024-01-02T03:04:05Z', '2034-05-06T07:08:09Z')
    assert (facts['valid_begin_ms'], facts['valid_end_ms']) == (1704164645000, 2030512089000)
    assert (facts['expired'], facts['days_remaining']) == (False, (2030512089000 - 1704164645000) // DAY_MS)
    assert facts['x509'] == _x509.describe_bundle(pki.pem(pki.leaf))[1]
    assert (facts['x509']['subject']['commonName'], facts['x509']['is_ca']) == ('device-1', False)


@pytest.mark.parametrize('name', [MISSING, None])
def test_a_device_without_a_name_has_name_null(device_data, name):
    assert describe_device(device_data(DeviceName=name), None, 0)[0]['name'] is None


@pytest.mark.parametrize('status, expected', [('0', 'inactive'), ('1', 'active'), ('2', '2')])
def test_the_status_is_named_or_passed_through(device_data, status, expected):
    assert describe_device(device_data(Status=status), None, 0)[0]['status'] == expected


def test_an_expired_device_certificate_has_negative_days_remaining(pki, device_data):
    now = epoch_ms(pki.not_after) + DAY_MS + 1
    facts = describe_device(device_data(), None, now)[0]
    assert (facts['expired'], facts['days_remaining']) == (True, -2)


def test_content_with_literal_backslash_n_sequences_is_canonical_and_parsed(pki, device_data):
    facts, warnings = describe_device(device_data(DeviceContent=pki.pem(pki.leaf).strip().replace('\n', '\\n')), None, 0)
    assert warnings == [] and facts['device_pem'] == pki.pem(pki.leaf)
    assert facts['x509']['serial_number'] == pki.leaf.serial_number


@pytest.mark.parametrize('garbage', [
    pytest.param('not a certificate at all', id='no PEM block'),
    pytest.param('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', id='not DER inside'),
    pytest.param('-----BEGIN CERTIFICATE-----\n\u00e9\u4e2d\n-----END CERTIFICATE-----', id='non-ASCII'),
])
def test_unparsable_content_gives_null_x509_and_one_warning_line(device_data, garbage):
    facts, warnings = describe_device(device_data(DeviceContent=garbage, Status='0'), REQUEST_ID, 0)
    assert facts['x509'] is None and facts['device_pem'] == garbage.strip() + '\n'
    assert (facts['status'], facts['device_sn']) == ('inactive', DEVICE_SN)
    assert len(warnings) == 1 and '\n' not in warnings[0]
    assert warnings[0].startswith('Device certificate %s: device_pem cannot be read as an X.509 certificate (' % DEVICE_SN)
    assert warnings[0].endswith('; x509 is null')


@pytest.mark.parametrize('overrides, fragments', [
    ({'DeviceSn': MISSING}, ['DeviceSn', 'SN unknown']),
    ({'DeviceSn': 7}, ['DeviceSn must be a string', 'int 7', 'SN unknown']),
    ({'CaSn': None}, ['CaSn', DEVICE_SN]),
    ({'CaSn': ['x']}, ['CaSn must be a string', DEVICE_SN]),
    ({'Status': MISSING}, ['Status', DEVICE_SN]),
    ({'DeviceName': 1}, ['DeviceName must be a string', DEVICE_SN]),
    ({'DeviceContent': MISSING}, ['DeviceContent', DEVICE_SN]),
    ({'DeviceContent': 12345}, ['DeviceContent must be a string', DEVICE_SN]),
    ({'DeviceContent': ' \\n\r\n'}, ['DeviceContent is empty', DEVICE_SN]),
    ({'ValidBegin': MISSING}, ['ValidBegin', DEVICE_SN]),
    ({'ValidEnd': 'soon'}, ['ValidEnd', "str 'soon'", DEVICE_SN]),
    ({'ValidEnd': True}, ['ValidEnd', 'bool True', DEVICE_SN]),
    ({'ValidEnd': '9' * 30}, ['ValidEnd is out of range', DEVICE_SN]),
])
def test_malformed_device_data_raises_a_one_line_value_error_before_any_parsing(device_data, no_parsing, overrides, fragments):
    with pytest.raises(ValueError) as raised:
        describe_device(device_data(**overrides), REQUEST_ID, 0)
    message = str(raised.value)
    assert message.startswith('malformed device certificate data (') and '\n' not in message
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize('data', [None, [], 'Data'])
def test_device_data_that_is_not_an_object_raises_value_error(data):
    with pytest.raises(ValueError, match='^malformed device certificate data .*Data must be an object'):
        describe_device(data, REQUEST_ID, 0)


# --- describe_devices --------------------------------------------------------------------------------

def test_devices_are_described_in_the_order_given_with_their_warnings_in_that_order(device_data):
    answers = [(device_data(DeviceSn='b', DeviceContent='garbage b'), 'R1'), (device_data(DeviceSn='a'), 'R2'),
               (device_data(DeviceSn='c', DeviceContent='garbage c'), 'R3')]
    certificates, warnings = describe_devices(answers, 0)
    assert [(facts['device_sn'], facts['request_id']) for facts in certificates] == [('b', 'R1'), ('a', 'R2'), ('c', 'R3')]
    assert [warning.split(':')[0] for warning in warnings] == ['Device certificate b', 'Device certificate c']


@pytest.mark.parametrize('request_id, shown', [('R9', 'R9'), (None, 'none')])
def test_malformed_data_among_devices_fails_in_one_line_with_the_request_id(device_data, request_id, shown):
    with pytest.raises(ApsaraMQError) as raised:
        describe_devices([(device_data(), 'R1'), (device_data(DeviceSn='bad', Status=MISSING), request_id)], 0)
    assert str(raised.value) == ("The API answered with device certificate data this collection cannot read: malformed device certificate data "
                                 "(SN 'bad'): required field Status is missing or null (request ID %s)" % shown)


def test_no_answers_no_certificates():
    assert describe_devices([], 0) == ([], [])


# --- audit_filter ------------------------------------------------------------------------------------

def test_no_filter_is_none():
    assert audit_filter(None, None, 0) is None


@pytest.mark.parametrize('status, kept', [('active', ['on', 'odd-on']), ('inactive', ['off'])])
def test_the_status_filter_keeps_that_status_only(device_data, no_parsing, status, kept):
    devices = [device_data(DeviceSn='on', Status='1'), device_data(DeviceSn='off', Status='0'), device_data(DeviceSn='odd', Status='2'),
               device_data(DeviceSn='odd-on', Status=1)]
    keep = audit_filter(status, None, 0)
    assert [data['DeviceSn'] for data in devices if keep(data)] == kept


@pytest.mark.parametrize('days, kept', [
    (0, ['expired-long-ago', 'expired-just-now']),
    (1, ['expired-long-ago', 'expired-just-now', 'ends-in-hours']),
    (30, ['expired-long-ago', 'expired-just-now', 'ends-in-hours', 'ends-in-29-days']),
    (31, ['expired-long-ago', 'expired-just-now', 'ends-in-hours', 'ends-in-29-days', 'ends-in-30-days']),
])
def test_expires_within_days_keeps_fewer_days_remaining_expired_ones_included(device_data, no_parsing, days, kept):
    now = 10 ** 12
    ends = {'expired-long-ago': now - 400 * DAY_MS, 'expired-just-now': now - 1, 'ends-in-hours': now + DAY_MS // 2,
            'ends-in-29-days': now + 29 * DAY_MS + 5, 'ends-in-30-days': now + 30 * DAY_MS, 'ends-in-a-year': now + 365 * DAY_MS}
    devices = [device_data(DeviceSn=sn, ValidEnd=str(end)) for sn, end in ends.items()]
    keep = audit_filter(None, days, now)
    assert [data['DeviceSn'] for data in devices if keep(data)] == kept


def test_both_filters_must_keep_a_device(device_data, no_parsing):
    now = 10 ** 12
    keep = audit_filter('inactive', 10, now)
    soon, late = str(now + DAY_MS), str(now + 100 * DAY_MS)
    assert [keep(device_data(Status=status, ValidEnd=end)) for status, end in [('0', soon), ('1', soon), ('0', late), ('1', late)]] == [
        True, False, False, False]


@pytest.mark.parametrize('overrides', [{'Status': MISSING}, {'ValidEnd': 'soon'}, {'DeviceSn': 3}])
def test_a_filter_refuses_data_that_makes_no_sense(device_data, no_parsing, overrides):
    with pytest.raises(ValueError, match='^malformed device certificate data '):
        audit_filter('active', 30, 0)(device_data(**overrides))


def test_a_filter_never_reads_the_certificate(device_data, no_parsing):
    keep = audit_filter('active', 100000, 0)
    assert keep(device_data(DeviceContent='not a certificate')) is True
    assert keep(device_data(DeviceContent='not a certificate', Status='0')) is False
