# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What describes any certificate: canonical PEM, ISO dates and expiry, status words, API field checks, X.509 parsed or
warned, and cryptography imported only when a certificate is to be parsed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import random
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import hashes

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils import _certificate, _x509
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import (
    ApiFields, CryptographyMissing, canonical_pem, iso8601_utc, parsed_or_warning, sha256_fingerprint, status_name, x509_module,
)

DAY_MS = 24 * 60 * 60 * 1000
SN = 'sn-0001'
VALID_BEGIN_MS = 1704164645000  # 2024-01-02T03:04:05Z
VALID_END_MS = 2030512089000  # 2034-05-06T07:08:09Z
# An API object of some kind, as the CA's and the device certificate's are declared.
FIELDS = ApiFields('test certificate', 'Sn', required=('Sn', 'Name', 'Content', 'ValidBegin', 'ValidEnd'), text=('Sn', 'Name', 'Content', 'Extra'))
MISSING = object()


def api_data(**overrides):
    """A ``Data`` object of FIELDS' kind; an override of ``MISSING`` removes the field."""
    data = {'Sn': SN, 'Name': 'fleet', 'Content': 'certificate text', 'Extra': None, 'ValidBegin': str(VALID_BEGIN_MS), 'ValidEnd': str(VALID_END_MS)}
    data.update(overrides)
    return dict((key, value) for key, value in data.items() if value is not MISSING)


def checked(data, now_ms=VALID_BEGIN_MS):
    """The checks a describe function makes, in its order: the fields, then the validity."""
    return FIELDS.validity(data, FIELDS.checked_sn(data), now_ms)


# --- canonical_pem -----------------------------------------------------------------------------------

PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\nZm9vYmFy\n-----END CERTIFICATE-----\n'


@pytest.mark.parametrize('raw', [
    pytest.param(PEM, id='already canonical'),
    pytest.param(PEM.replace('\n', '\r\n'), id='CRLF'),
    pytest.param(PEM.replace('\n', '\r'), id='lone CR'),
    pytest.param(PEM.replace('\n', '\\n'), id='literal backslash-n as in the docs JSON sample'),
    pytest.param(PEM.replace('\n', '\\r\\n'), id='literal backslash-r-backslash-n'),
    pytest.param(PEM.replace('\n', '\\n', 1).replace('\n', '\r\n', 1), id='mixed separators'),
    pytest.param('\n\n \t\r\n' + PEM, id='blank leading lines and whitespace'),
    pytest.param(PEM.rstrip('\n'), id='no final newline'),
    pytest.param(PEM + '\n\n\n', id='several final newlines'),
    pytest.param(PEM + ' \t\r\n\r\n  ', id='trailing whitespace and blank lines'),
])
def test_canonical_pem_normalizes_line_breaks_and_edges(raw):
    assert canonical_pem(raw) == PEM


def test_canonical_pem_keeps_inner_content_of_a_bundle():
    assert canonical_pem(PEM + '\r\n' + PEM) == PEM + '\n' + PEM


@pytest.mark.parametrize('raw', [None, '', ' ', '\r\n\t \n', '\\n\\r\\n'])
def test_canonical_pem_is_none_without_content(raw):
    assert canonical_pem(raw) is None


def test_canonical_pem_rejects_bytes():
    with pytest.raises(TypeError, match='bytes'):
        canonical_pem(PEM.encode('ascii'))


def test_canonical_pem_is_idempotent_and_never_raises_on_arbitrary_text():
    alphabet = ['\\', 'n', 'r', '\r', '\n', ' ', '\t', 'A', '-', '\u2028', '\x0b', '\u00e9']
    generator = random.Random(20260420)
    for attempt in range(3000):
        raw = ''.join(generator.choices(alphabet, k=generator.randint(0, 12)))
        once = canonical_pem(raw)
        context = 'attempt %d: %r' % (attempt, raw)
        assert canonical_pem(once) == once, context
        if once is not None:
            assert once == once.strip() + '\n' and once.strip(), context
            assert '\r' not in once and '\\n' not in once, context


# --- iso8601_utc -------------------------------------------------------------------------------------

@pytest.mark.parametrize('value, expected', [
    (0, '1970-01-01T00:00:00Z'),
    (999, '1970-01-01T00:00:00Z'),
    (1000, '1970-01-01T00:00:01Z'),
    (1654137303000, '2022-06-02T02:35:03Z'),
    (1654137303999, '2022-06-02T02:35:03Z'),
    (253402300799999, '9999-12-31T23:59:59Z'),
    (-1, '1969-12-31T23:59:59Z'),
])
def test_iso8601_utc_truncates_milliseconds(value, expected):
    assert iso8601_utc(value) == expected


def test_iso8601_utc_rejects_dates_past_year_9999():
    with pytest.raises(ValueError, match='out of range'):
        iso8601_utc(253402300800000)


# --- status_name -------------------------------------------------------------------------------------

@pytest.mark.parametrize('status, expected', [
    ('1', 'active'), ('0', 'inactive'), (1, 'active'), (0, 'inactive'),
    ('2', '2'), (3, '3'), ('ACTIVE', 'ACTIVE'), ('', ''),
])
def test_status_mapping(status, expected):
    assert status_name(status) == expected


# --- ApiFields: validity -----------------------------------------------------------------------------

def test_validity_gives_iso_dates_and_epoch_milliseconds():
    assert checked(api_data()) == {
        'valid_begin': '2024-01-02T03:04:05Z', 'valid_end': '2034-05-06T07:08:09Z',
        'valid_begin_ms': VALID_BEGIN_MS, 'valid_end_ms': VALID_END_MS,
        'expired': False, 'days_remaining': (VALID_END_MS - VALID_BEGIN_MS) // DAY_MS,
    }


def test_epoch_milliseconds_are_accepted_as_integers_and_truncated_in_iso():
    validity = checked(api_data(ValidBegin=VALID_BEGIN_MS + 999, ValidEnd=VALID_END_MS))
    assert (validity['valid_begin_ms'], validity['valid_end_ms']) == (1704164645999, 2030512089000)
    assert (validity['valid_begin'], validity['valid_end']) == ('2024-01-02T03:04:05Z', '2034-05-06T07:08:09Z')


@pytest.mark.parametrize('ms_left, days_remaining, expired', [
    pytest.param(DAY_MS * 3 // 2, 1, False, id='1.5 days left'),
    pytest.param(DAY_MS, 1, False, id='exactly one day left'),
    pytest.param(DAY_MS - 1, 0, False, id='1 ms short of a day'),
    pytest.param(1, 0, False, id='1 ms left'),
    pytest.param(0, 0, False, id='at the end'),
    pytest.param(-1, -1, True, id='1 ms past the end'),
    pytest.param(-DAY_MS, -1, True, id='exactly one day past'),
    pytest.param(-DAY_MS - 1, -2, True, id='one day and 1 ms past'),
    pytest.param(-DAY_MS * 3 // 2, -2, True, id='1.5 days past'),
])
def test_days_remaining_rounds_down_on_both_sides_of_zero(ms_left, days_remaining, expired):
    validity = checked(api_data(), now_ms=VALID_END_MS - ms_left)
    assert (validity['days_remaining'], validity['expired']) == (days_remaining, expired)


@pytest.mark.parametrize('valid_end', [VALID_END_MS, 253402300799999, 0, 1, 999])
def test_days_remaining_alone_is_validitys(valid_end):
    data = api_data(ValidEnd=str(valid_end))
    assert FIELDS.days_remaining(data, SN, VALID_BEGIN_MS) == checked(data)['days_remaining']


@pytest.mark.parametrize('overrides', [
    pytest.param({'ValidEnd': '253402300800000'}, id='ValidEnd in year 10000'),
    pytest.param({'ValidBegin': '9' * 20}, id='ValidBegin out of range'),
    pytest.param({'ValidBegin': -62135596800001}, id='ValidBegin 1 ms before year 1'),
    pytest.param({'ValidBegin': 'soon'}, id='ValidBegin not a number'),
])
def test_days_remaining_alone_checks_both_fields_as_validity_does(overrides):
    data = api_data(**overrides)
    with pytest.raises(ValueError) as by_validity:
        checked(data)
    with pytest.raises(ValueError) as alone:
        FIELDS.days_remaining(data, SN, VALID_BEGIN_MS)
    assert str(alone.value) == str(by_validity.value)


# --- ApiFields: malformed API data -------------------------------------------------------------------

@pytest.mark.parametrize('overrides, fragments', [
    ({'Sn': MISSING}, ['Sn', 'SN unknown']),
    ({'Sn': 7}, ['Sn must be a string', 'int 7', 'SN unknown']),
    ({'Name': None}, ['Name', SN]),
    ({'Content': MISSING}, ['Content', SN]),
    ({'ValidBegin': MISSING}, ['ValidBegin', SN]),
    ({'ValidEnd': None}, ['ValidEnd', SN]),
    ({'ValidEnd': 'soon'}, ['ValidEnd', "str 'soon'", SN]),
    ({'ValidEnd': '12.5'}, ['ValidEnd', 'str', SN]),
    ({'ValidEnd': ' 1704164645000'}, ['ValidEnd', 'str', SN]),
    ({'ValidEnd': '-1'}, ['ValidEnd', 'str', SN]),
    ({'ValidEnd': '\u0661\u0662\u0663'}, ['ValidEnd', 'str', SN]),
    ({'ValidEnd': 1.7e12}, ['ValidEnd', 'float', SN]),
    ({'ValidBegin': True}, ['ValidBegin', 'bool', SN]),
    ({'ValidBegin': ''}, ['ValidBegin', 'str', SN]),
    ({'ValidEnd': '9' * 20}, ['ValidEnd', 'out of range', SN]),
    ({'Content': 12345}, ['Content', 'int', SN]),
    ({'Content': b'-----BEGIN CERTIFICATE-----'}, ['Content', 'bytes', SN]),
    ({'Extra': ['x']}, ['Extra', 'list', SN]),
])
def test_malformed_data_raises_a_one_line_value_error(overrides, fragments):
    with pytest.raises(ValueError) as raised:
        checked(api_data(**overrides))
    message = str(raised.value)
    assert message.startswith('malformed test certificate data (')
    assert '\n' not in message
    for fragment in fragments:
        assert fragment in message


def test_malformed_data_message_does_not_carry_a_long_value():
    with pytest.raises(ValueError) as raised:
        checked(api_data(ValidEnd='x' * 5000))
    message = str(raised.value)
    assert 'ValidEnd' in message and 'str' in message and SN in message
    assert len(message) < 300


@pytest.mark.parametrize('data', [None, [], 'Data'])
def test_data_that_is_not_an_object_raises_value_error(data):
    with pytest.raises(ValueError, match='Data must be an object'):
        FIELDS.checked_sn(data)


# --- parsed_or_warning -------------------------------------------------------------------------------

def test_parsed_or_warning_returns_what_describes_the_certificate():
    warnings = []
    assert parsed_or_warning(warnings, 'CA certificate x', 'ca_pem', 'x509', lambda *args: args, 'pem', 'code') == ('pem', 'code')
    assert warnings == []


class NoMessage(Exception):
    pass


@pytest.mark.parametrize('error, reason', [
    (ValueError('no "BEGIN CERTIFICATE" block found'), 'no "BEGIN CERTIFICATE" block found'),
    (TypeError('bad\n  certificate\tdata'), 'bad certificate data'),
    (NoMessage(), 'NoMessage'),
])
def test_parsed_or_warning_turns_any_error_into_null_and_one_warning_line(error, reason):
    def describe(dummy):
        raise error
    warnings = ['an earlier warning']
    assert parsed_or_warning(warnings, 'CA certificate x', 'verification_pem', 'verification', describe, 'pem') is None
    assert warnings == ['an earlier warning',
                        'CA certificate x: verification_pem cannot be read as an X.509 certificate (%s); verification is null' % reason]


# --- cryptography, imported when a certificate is to be parsed ---------------------------------------

def test_x509_module_is_the_x509_module():
    assert x509_module() is _x509


def test_x509_module_without_cryptography_raises_cryptography_missing(x509_without_cryptography):
    with pytest.raises(CryptographyMissing) as raised:
        x509_module()
    assert raised.value.import_error == x509_without_cryptography.CRYPTOGRAPHY_IMPORT_ERROR


def test_the_pure_functions_work_without_cryptography(load_without_cryptography):
    pure = load_without_cryptography(_certificate, 'certificate_without_cryptography')
    assert pure.canonical_pem('a\r\nb') == 'a\nb\n'
    assert pure.iso8601_utc(1000) == '1970-01-01T00:00:01Z'


def test_the_modules_own_pure_part_does_not_import_cryptography():
    code = ('import sys; '
            'from ansible_collections.alibabacloud.apsaramq.plugins.module_utils import _certificate, _ca_certificate, _ca_certificate_info; '
            'print(sorted(name for name in sys.modules if name.split(".")[0] == "cryptography" or name.endswith("._x509")))')
    listed = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True,
                            env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))).stdout
    assert listed.strip() == '[]'


def test_the_sha256_fingerprint_of_the_first_certificate_is_the_x509_facts_one_without_parsing(pki):
    expected = ':'.join('%02x' % byte for byte in pki.cas['ec'].fingerprint(hashes.SHA256()))
    pem = pki.pem(pki.cas['ec'], pki.leaf)
    assert sha256_fingerprint(pem) == expected
    assert sha256_fingerprint(pem.replace('\n', '\\n')) == expected  # the API's literal line breaks
    assert sha256_fingerprint('no certificate') is None and sha256_fingerprint(None) is None
    assert sha256_fingerprint('-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----') is None
