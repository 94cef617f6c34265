# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The facts of one CA from the API's Data object: every documented key, the CA's X.509 facts and its verification
certificate's, nulls with a warning for what does not parse, one-line errors for data that makes no sense."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import datetime

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils import _ca_certificate, _x509
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_certificate import describe_ca
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import CryptographyMissing, canonical_pem

SN = 'sn-0001'
REQUEST_ID = '5C4E8E0F-1A2B-4C3D-9E8F-00112233AABB'
MISSING = object()

FACT_KEYS = {
    'sn', 'name', 'status', 'registration_code', 'ca_pem', 'verification_pem', 'valid_begin', 'valid_end',
    'valid_begin_ms', 'valid_end_ms', 'expired', 'days_remaining', 'x509', 'verification', 'request_id',
}


def epoch_ms(moment):
    return calendar.timegm(moment.timetuple()) * 1000


@pytest.fixture
def ca_data(pki):
    """Function: ca_data(ca_pem, verification_pem=None, **overrides) -> a GetCaCertificate ``Data`` object valid from the pki's
    not_before to its not_after; an override of ``MISSING`` removes the field."""
    def data_object(ca_pem, verification_pem=None, **overrides):
        data = {
            'Sn': SN, 'CaName': 'fleet-ca', 'RegistrationCode': pki.registration_code, 'Status': '1',
            'CaContent': ca_pem, 'VerificationContent': verification_pem,
            'ValidBegin': str(epoch_ms(pki.not_before)), 'ValidEnd': str(epoch_ms(pki.not_after)),
        }
        data.update(overrides)
        return dict((key, value) for key, value in data.items() if value is not MISSING)
    return data_object


@pytest.fixture
def describe(pki):
    """Function: describe(data, now_ms=None) -> describe_ca's ``(facts, warnings)`` at ``now_ms``, by default the pki's not_before."""
    def described(data, now_ms=None):
        return describe_ca(data, REQUEST_ID, epoch_ms(pki.not_before) if now_ms is None else now_ms)
    return described


@pytest.fixture
def described_without_warnings(describe):
    """Function: like describe, returning the facts of a description that drew no warning."""
    def described(data, now_ms=None):
        facts, warnings = describe(data, now_ms)
        assert warnings == []
        return facts
    return described


# --- plain facts -------------------------------------------------------------------------------------

def test_facts_have_exactly_the_documented_keys_and_values(pki, ca_data, described_without_warnings):
    ca_pem, verification_pem = pki.pem(pki.cas['rsa']), pki.pem(pki.verifications['rsa'])
    data = ca_data(ca_pem.replace('\n', '\\n'), verification_pem.replace('\n', '\r\n'))
    original = dict(data)
    facts = described_without_warnings(data)
    assert set(facts) == FACT_KEYS
    assert data == original
    assert (facts['sn'], facts['name'], facts['registration_code'], facts['request_id']) == (SN, 'fleet-ca', pki.registration_code, REQUEST_ID)
    assert facts['status'] == 'active'
    assert facts['ca_pem'] == ca_pem
    assert facts['verification_pem'] == verification_pem
    assert (facts['valid_begin'], facts['valid_end']) == ('2024-01-02T03:04:05Z', '2034-05-06T07:08:09Z')
    assert (facts['valid_begin_ms'], facts['valid_end_ms']) == (1704164645000, 2030512089000)
    assert (facts['expired'], facts['days_remaining']) == (False, (2030512089000 - 1704164645000) // 86400000)
    assert facts['x509'] == _x509.describe_bundle(ca_pem)[1]
    assert facts['verification'] == {'common_name': pki.registration_code, 'matches_registration_code': True, 'signed_by_ca': True}


def test_request_id_is_passed_through(pki, ca_data):
    assert describe_ca(ca_data(pki.pem(pki.cas['rsa'])), 'req-42', 0)[0]['request_id'] == 'req-42'


@pytest.mark.parametrize('status, expected', [('0', 'inactive'), ('2', '2')])
def test_the_status_is_named_or_passed_through(pki, ca_data, described_without_warnings, status, expected):
    assert described_without_warnings(ca_data(pki.pem(pki.cas['ec']), Status=status))['status'] == expected


def test_expired_certificate(pki, ca_data, described_without_warnings):
    data = ca_data(pki.pem(pki.expired), ValidEnd=str(epoch_ms(datetime.datetime(2020, 1, 1))))
    facts = described_without_warnings(data, now_ms=epoch_ms(datetime.datetime(2026, 1, 1)))
    assert (facts['expired'], facts['days_remaining'], facts['valid_end']) == (True, -2192, '2020-01-01T00:00:00Z')
    assert facts['x509']['not_after'] == '20200101000000Z'


@pytest.mark.parametrize('verification_content', [MISSING, None, '', ' \r\n\t'])
def test_no_verification_certificate(pki, ca_data, described_without_warnings, verification_content):
    facts = described_without_warnings(ca_data(pki.pem(pki.cas['rsa']), VerificationContent=verification_content))
    assert (facts['verification_pem'], facts['verification']) == (None, None)


def test_verification_is_checked_against_the_first_certificate_of_a_chain(pki, ca_data, described_without_warnings):
    chain = pki.pem(pki.intermediate, pki.cas['rsa'])
    by_root = described_without_warnings(ca_data(chain, pki.pem(pki.verifications['rsa'])))
    by_intermediate = described_without_warnings(ca_data(chain, pki.pem(pki.under_intermediate)))
    assert (by_root['verification']['signed_by_ca'], by_intermediate['verification']['signed_by_ca']) == (False, True)


@pytest.mark.parametrize('kind', ['ec', 'ed25519'])
def test_the_verification_is_checked_with_the_registration_code_and_the_cas_key(pki, ca_data, described_without_warnings, kind):
    facts = described_without_warnings(ca_data(pki.pem(pki.cas[kind]), pki.pem(pki.verifications[kind])))
    assert facts['verification'] == {'common_name': pki.registration_code, 'matches_registration_code': True, 'signed_by_ca': True}
    other_code = described_without_warnings(ca_data(pki.pem(pki.cas[kind]), pki.pem(pki.verifications[kind]), RegistrationCode='other'))
    assert other_code['verification']['matches_registration_code'] is False


# --- certificates that do not parse ------------------------------------------------------------------

GARBAGE_PEMS = [
    pytest.param('not a certificate at all', id='no PEM block'),
    pytest.param('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', id='not DER inside'),
    pytest.param('-----BEGIN CERTIFICATE-----\n@@@@ not base64\n-----END CERTIFICATE-----', id='not base64'),
    pytest.param('-----BEGIN CERTIFICATE-----\n\u00e9\u4e2d\n-----END CERTIFICATE-----', id='non-ASCII'),
    pytest.param('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', id='other PEM type'),
]


def assert_one_warning_about(warnings, source):
    assert len(warnings) == 1
    assert SN in warnings[0] and source in warnings[0]
    assert '\n' not in warnings[0]


@pytest.mark.parametrize('garbage', GARBAGE_PEMS)
def test_unparsable_ca_pem_gives_null_x509_and_a_warning(pki, ca_data, describe, garbage):
    facts, warnings = describe(ca_data(garbage, pki.pem(pki.verifications['rsa'])))
    assert facts['x509'] is None
    assert facts['ca_pem'] == canonical_pem(garbage)
    assert facts['status'] == 'active'
    assert facts['verification'] == {'common_name': pki.registration_code, 'matches_registration_code': True, 'signed_by_ca': False}
    assert_one_warning_about(warnings, 'ca_pem')


def test_truncated_ca_pem_gives_null_x509_and_a_warning(pki, ca_data, describe):
    lines = pki.pem(pki.cas['rsa']).splitlines()
    facts, warnings = describe(ca_data('\n'.join(lines[:3] + lines[-1:])))
    assert facts['x509'] is None
    assert_one_warning_about(warnings, 'ca_pem')


@pytest.mark.parametrize('garbage', GARBAGE_PEMS)
def test_unparsable_verification_pem_gives_null_verification_and_a_warning(pki, ca_data, describe, garbage):
    facts, warnings = describe(ca_data(pki.pem(pki.cas['rsa']), garbage))
    assert facts['verification'] is None
    assert facts['verification_pem'] == canonical_pem(garbage)
    assert facts['x509']['serial_number'] == pki.ca_serial
    assert_one_warning_about(warnings, 'verification_pem')


# --- malformed CA data -------------------------------------------------------------------------------

@pytest.mark.parametrize('overrides, fragments', [
    ({'Sn': MISSING}, ['Sn', 'SN unknown']),
    ({'Sn': 7}, ['Sn must be a string', 'int 7', 'SN unknown']),
    ({'CaName': None}, ['CaName', SN]),
    ({'CaName': 1}, ['CaName must be a string', SN]),
    ({'RegistrationCode': MISSING}, ['RegistrationCode', SN]),
    ({'RegistrationCode': ['x']}, ['RegistrationCode must be a string', SN]),
    ({'Status': MISSING}, ['Status', SN]),
    ({'CaContent': MISSING}, ['CaContent', SN]),
    ({'ValidBegin': MISSING}, ['ValidBegin', SN]),
    ({'ValidEnd': None}, ['ValidEnd', SN]),
    ({'ValidEnd': 'soon'}, ['ValidEnd', "str 'soon'", SN]),
    ({'CaContent': 12345}, ['CaContent', 'int', SN]),
    ({'CaContent': b'-----BEGIN CERTIFICATE-----'}, ['CaContent', 'bytes', SN]),
    ({'CaContent': ' \\n\r\n'}, ['CaContent is empty', SN]),
    ({'VerificationContent': ['x']}, ['VerificationContent', 'list', SN]),
])
def test_malformed_ca_data_raises_a_one_line_value_error(pki, ca_data, describe, overrides, fragments):
    with pytest.raises(ValueError) as raised:
        describe(ca_data(pki.pem(pki.cas['ec']), **overrides))
    message = str(raised.value)
    assert message.startswith('malformed CA certificate data (')
    assert '\n' not in message
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize('data', [None, [], 'Data'])
def test_ca_data_that_is_not_an_object_raises_value_error(describe, data):
    with pytest.raises(ValueError, match='^malformed CA certificate data .*Data must be an object'):
        describe(data)


# --- cryptography, and how often a certificate is parsed ---------------------------------------------

def test_describing_a_certificate_without_cryptography_raises_cryptography_missing(pki, ca_data, describe, x509_without_cryptography):
    with pytest.raises(CryptographyMissing) as raised:
        describe(ca_data(pki.pem(pki.cas['rsa'])))
    assert raised.value.import_error == x509_without_cryptography.CRYPTOGRAPHY_IMPORT_ERROR


def test_malformed_api_data_fails_before_cryptography_is_needed(monkeypatch, pki, ca_data, describe):
    def no_cryptography():
        raise AssertionError('cryptography was asked for')
    monkeypatch.setattr(_ca_certificate, 'x509_module', no_cryptography)
    with pytest.raises(ValueError, match='ValidEnd'):
        describe(ca_data(pki.pem(pki.cas['rsa']), ValidEnd='soon'))


def test_each_certificate_is_parsed_and_its_key_loaded_once(monkeypatch, pki, ca_data, described_without_warnings):
    loads, keys = [], []
    real_load, real_init = _x509.x509.load_pem_x509_certificate, _x509.ParsedCertificate.__init__

    def counting_load(data, *args):
        loads.append(data)
        return real_load(data, *args)

    def counting_init(self, certificate):
        keys.append(certificate)
        real_init(self, certificate)
    monkeypatch.setattr(_x509.x509, 'load_pem_x509_certificate', counting_load)
    monkeypatch.setattr(_x509.ParsedCertificate, '__init__', counting_init)
    facts = described_without_warnings(ca_data(pki.pem(pki.cas['rsa']), pki.pem(pki.verifications['rsa'])))
    assert facts['x509']['self_signed'] is True and facts['verification']['signed_by_ca'] is True
    assert (len(loads), len(keys)) == (2, 1)
