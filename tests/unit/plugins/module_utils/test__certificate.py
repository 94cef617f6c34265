# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""CA facts: canonical PEM, dates, status, X.509 details and the verification certificate, on real certificates."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import datetime
import hashlib
import importlib.util
import inspect
import random
import os
import re
import subprocess
import sys

import pytest

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from cryptography.x509.oid import NameOID

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils import _ca_certificate, _certificate, _x509
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_certificate import describe_ca
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import CryptographyMissing, canonical_pem, iso8601_utc
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._x509 import CRYPTOGRAPHY_IMPORT_ERROR, HAS_CRYPTOGRAPHY

DAY_MS = 24 * 60 * 60 * 1000
SN = 'sn-0001'
REGISTRATION_CODE = 'a1b2c3d4e5f6a7b8c9d0'
REQUEST_ID = '5C4E8E0F-1A2B-4C3D-9E8F-00112233AABB'
NOT_BEFORE = datetime.datetime(2024, 1, 2, 3, 4, 5)
NOT_AFTER = datetime.datetime(2034, 5, 6, 7, 8, 9)
CA_SERIAL = 0x1234567890ABCDEF1234567890
UNKNOWN_OID = '1.3.6.1.4.1.99999.7'
PSS_SIGNING_SUPPORTED = 'rsa_padding' in inspect.signature(x509.CertificateBuilder.sign).parameters

FACT_KEYS = {
    'sn', 'name', 'status', 'registration_code', 'ca_pem', 'verification_pem', 'valid_begin', 'valid_end',
    'valid_begin_ms', 'valid_end_ms', 'expired', 'days_remaining', 'x509', 'verification', 'request_id',
}
X509_KEYS = {
    'subject', 'issuer', 'serial_number', 'fingerprints', 'not_before', 'not_after', 'signature_algorithm',
    'public_key_type', 'public_key_size', 'is_ca', 'self_signed', 'certificates_in_pem',
}

# kind -> (signature_algorithm, public_key_type, public_key_size), names as community.crypto reports them
CA_KINDS = {
    'rsa': ('sha256WithRSAEncryption', 'RSA', 2048),
    'rsa-pss': ('rsassaPss', 'RSA', 2048),
    'ec': ('ecdsa-with-SHA256', 'ECC', 256),
    'ed25519': ('ED25519', 'Ed25519', 256),
    'ed448': ('ED448', 'Ed448', 456),
    'dsa': ('dsa_with_SHA256', 'DSA', 2048),
}


MISSING = object()


def epoch_ms(moment):
    return calendar.timegm(moment.timetuple()) * 1000


def colon_hex(hexdigest):
    return ':'.join(re.findall('..', hexdigest))


def pem_of(*certificates):
    return ''.join(certificate.public_bytes(serialization.Encoding.PEM).decode('ascii') for certificate in certificates)


def name(common_name=None, organization='Example IoT'):
    attributes = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization)]
    if common_name is not None:
        attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def pss(hash_algorithm, salt_length):
    return padding.PSS(mgf=padding.MGF1(hash_algorithm), salt_length=salt_length)


def issue(subject_key, subject, signer_key, issuer, serial=1000, *, is_ca=False, not_before=NOT_BEFORE, not_after=NOT_AFTER, rsa_padding=None,
          digest=hashes.SHA256()):
    """A certificate for ``subject_key`` signed by ``signer_key``; SHA-256 and PKCS#1 v1.5 unless told otherwise."""
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(subject_key.public_key())
               .serial_number(serial).not_valid_before(not_before).not_valid_after(not_after))
    if is_ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    if isinstance(signer_key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
        digest = None
    if rsa_padding is not None:
        return builder.sign(signer_key, digest, rsa_padding=rsa_padding)
    return builder.sign(signer_key, digest)


def ca_data(ca_pem, verification_pem=None, **overrides):
    """A GetCaCertificate ``Data`` object; an override of ``MISSING`` removes the field."""
    data = {
        'Sn': SN, 'CaName': 'fleet-ca', 'RegistrationCode': REGISTRATION_CODE, 'Status': '1',
        'CaContent': ca_pem, 'VerificationContent': verification_pem,
        'ValidBegin': str(epoch_ms(NOT_BEFORE)), 'ValidEnd': str(epoch_ms(NOT_AFTER)),
    }
    data.update(overrides)
    return dict((key, value) for key, value in data.items() if value is not MISSING)


class Pki:
    """Every certificate the tests need, made once per module (key generation is the slow part)."""

    def __init__(self):
        self.verification_key = ec.generate_private_key(ec.SECP256R1())
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ca_keys = {
            'rsa': rsa_key,
            'ec': ec.generate_private_key(ec.SECP256R1()),
            'ed25519': ed25519.Ed25519PrivateKey.generate(),
            'ed448': ed448.Ed448PrivateKey.generate(),
            'dsa': dsa.generate_private_key(key_size=2048),
        }
        if PSS_SIGNING_SUPPORTED:
            self.ca_keys['rsa-pss'] = rsa_key
        self.ca_subject = x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, 'CN'),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, 'Zhejiang'),
            x509.NameAttribute(NameOID.LOCALITY_NAME, 'Hangzhou'),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'Example IoT'),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, 'Devices'),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, 'Fleet'),
            x509.NameAttribute(NameOID.COMMON_NAME, 'Example Fleet CA'),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, 'pki@example.com'),
            x509.NameAttribute(x509.ObjectIdentifier(UNKNOWN_OID), 'custom value'),
        ])
        self.cas = dict((kind, issue(key, self.ca_subject, key, self.ca_subject, CA_SERIAL, is_ca=True,
                                     rsa_padding=pss(hashes.SHA256(), 32) if kind == 'rsa-pss' else None))
                        for kind, key in self.ca_keys.items())
        self.verifications = dict((kind, self.issue_verification(self.ca_keys[kind], self.ca_subject))
                                  for kind in self.cas)
        self.foreign_verification = self.issue_verification(self.other_key, self.ca_subject)
        self.wrong_cn_verification = issue(self.verification_key, name('someone-else'), rsa_key, self.ca_subject)
        self.no_cn_verification = issue(self.verification_key, name(), rsa_key, self.ca_subject)
        self.intermediate = issue(self.other_key, name('Example Intermediate'), rsa_key, self.ca_subject, 2001, is_ca=True)
        self.under_intermediate = self.issue_verification(self.other_key, name('Example Intermediate'))
        self.leaf = issue(self.verification_key, name('device-1'), rsa_key, self.ca_subject, 3001)
        self.impostor = issue(self.other_key, self.ca_subject, rsa_key, self.ca_subject, 4001, is_ca=True)
        self.pss_variants = {} if not PSS_SIGNING_SUPPORTED else {
            'sha384, longest salt': issue(self.verification_key, name(REGISTRATION_CODE), rsa_key, self.ca_subject,
                                          rsa_padding=pss(hashes.SHA384(), padding.PSS.MAX_LENGTH), digest=hashes.SHA384()),
            'sha512, digest-long salt': issue(self.verification_key, name(REGISTRATION_CODE), rsa_key, self.ca_subject,
                                              rsa_padding=pss(hashes.SHA512(), 64), digest=hashes.SHA512()),
        }
        self.expired = issue(rsa_key, name('Old CA'), rsa_key, name('Old CA'), 5001, is_ca=True,
                             not_before=datetime.datetime(2019, 1, 1), not_after=datetime.datetime(2020, 1, 1))

    def issue_verification(self, signer_key, issuer):
        return issue(self.verification_key, name(REGISTRATION_CODE), signer_key, issuer, 7001)


@pytest.fixture(scope='module')
def pki():
    return Pki()


def ca_kind(kind):
    if kind == 'rsa-pss':
        skip_without_pss_signing()
    return kind


def skip_without_pss_signing():
    if not PSS_SIGNING_SUPPORTED:
        pytest.skip('this cryptography cannot sign certificates with RSA-PSS')


def describe(data, now_ms=None):
    return describe_ca(data, REQUEST_ID, epoch_ms(NOT_BEFORE) if now_ms is None else now_ms)


def described_without_warnings(data, now_ms=None):
    facts, warnings = describe(data, now_ms)
    assert warnings == []
    return facts


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


# --- plain facts -------------------------------------------------------------------------------------

def test_facts_have_exactly_the_documented_keys_and_values(pki):
    ca_pem, verification_pem = pem_of(pki.cas['rsa']), pem_of(pki.verifications['rsa'])
    data = ca_data(ca_pem.replace('\n', '\\n'), verification_pem.replace('\n', '\r\n'))
    original = dict(data)
    facts = described_without_warnings(data)
    assert set(facts) == FACT_KEYS
    assert data == original
    assert (facts['sn'], facts['name'], facts['registration_code'], facts['request_id']) == (SN, 'fleet-ca', REGISTRATION_CODE, REQUEST_ID)
    assert facts['ca_pem'] == ca_pem
    assert facts['verification_pem'] == verification_pem
    assert (facts['valid_begin'], facts['valid_end']) == ('2024-01-02T03:04:05Z', '2034-05-06T07:08:09Z')
    assert (facts['valid_begin_ms'], facts['valid_end_ms']) == (1704164645000, 2030512089000)


def test_epoch_milliseconds_are_accepted_as_integers_and_truncated_in_iso(pki):
    data = ca_data(pem_of(pki.cas['rsa']), ValidBegin=epoch_ms(NOT_BEFORE) + 999, ValidEnd=epoch_ms(NOT_AFTER))
    facts = described_without_warnings(data)
    assert (facts['valid_begin_ms'], facts['valid_end_ms']) == (1704164645999, 2030512089000)
    assert (facts['valid_begin'], facts['valid_end']) == ('2024-01-02T03:04:05Z', '2034-05-06T07:08:09Z')


def test_request_id_is_passed_through(pki):
    assert describe_ca(ca_data(pem_of(pki.cas['rsa'])), 'req-42', 0)[0]['request_id'] == 'req-42'


@pytest.mark.parametrize('status, expected', [
    ('1', 'active'), ('0', 'inactive'), (1, 'active'), (0, 'inactive'),
    ('2', '2'), (3, '3'), ('ACTIVE', 'ACTIVE'), ('', ''),
])
def test_status_mapping(pki, status, expected):
    assert described_without_warnings(ca_data(pem_of(pki.cas['ec']), Status=status))['status'] == expected


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
def test_days_remaining_rounds_down_on_both_sides_of_zero(pki, ms_left, days_remaining, expired):
    facts = described_without_warnings(ca_data(pem_of(pki.cas['ec'])), now_ms=epoch_ms(NOT_AFTER) - ms_left)
    assert (facts['days_remaining'], facts['expired']) == (days_remaining, expired)


def test_expired_certificate(pki):
    data = ca_data(pem_of(pki.expired), ValidEnd=str(epoch_ms(datetime.datetime(2020, 1, 1))))
    facts = described_without_warnings(data, now_ms=epoch_ms(datetime.datetime(2026, 1, 1)))
    assert (facts['expired'], facts['days_remaining'], facts['valid_end']) == (True, -2192, '2020-01-01T00:00:00Z')
    assert facts['x509']['not_after'] == '20200101000000Z'


@pytest.mark.parametrize('verification_content', [MISSING, None, '', ' \r\n\t'])
def test_no_verification_certificate(pki, verification_content):
    facts = described_without_warnings(ca_data(pem_of(pki.cas['rsa']), VerificationContent=verification_content))
    assert (facts['verification_pem'], facts['verification']) == (None, None)


# --- x509 --------------------------------------------------------------------------------------------

def test_x509_of_an_rsa_ca_matches_independent_computation(pki):
    certificate = pki.cas['rsa']
    der = certificate.public_bytes(serialization.Encoding.DER)
    expected_name = {
        'countryName': 'CN', 'stateOrProvinceName': 'Zhejiang', 'localityName': 'Hangzhou',
        'organizationName': 'Example IoT', 'organizationalUnitName': 'Fleet', 'commonName': 'Example Fleet CA',
        'emailAddress': 'pki@example.com', UNKNOWN_OID: 'custom value',
    }
    facts = described_without_warnings(ca_data(pem_of(certificate)))
    assert facts['x509'] == {
        'subject': expected_name,
        'issuer': expected_name,
        'serial_number': CA_SERIAL,
        'fingerprints': {
            'sha1': colon_hex(hashlib.sha1(der).hexdigest()),
            'sha256': colon_hex(hashlib.sha256(der).hexdigest()),
        },
        'not_before': '20240102030405Z',
        'not_after': '20340506070809Z',
        'signature_algorithm': 'sha256WithRSAEncryption',
        'public_key_type': 'RSA',
        'public_key_size': 2048,
        'is_ca': True,
        'self_signed': True,
        'certificates_in_pem': 1,
    }


@pytest.mark.parametrize('kind', sorted(CA_KINDS))
def test_x509_names_algorithms_and_sizes_per_key_type(pki, kind):
    certificate = pki.cas[ca_kind(kind)]
    x509_facts = described_without_warnings(ca_data(pem_of(certificate)))['x509']
    assert set(x509_facts) == X509_KEYS
    assert (x509_facts['signature_algorithm'], x509_facts['public_key_type'], x509_facts['public_key_size']) == CA_KINDS[kind]
    assert (x509_facts['self_signed'], x509_facts['is_ca']) == (True, True)
    assert x509_facts['fingerprints']['sha256'] == colon_hex(certificate.fingerprint(hashes.SHA256()).hex())


def test_x509_describes_the_first_certificate_of_a_chain(pki):
    x509_facts = described_without_warnings(ca_data(pem_of(pki.intermediate, pki.cas['rsa'])))['x509']
    assert (x509_facts['certificates_in_pem'], x509_facts['serial_number']) == (2, 2001)
    assert x509_facts['subject'] == {'organizationName': 'Example IoT', 'commonName': 'Example Intermediate'}
    assert x509_facts['issuer']['commonName'] == 'Example Fleet CA'
    assert (x509_facts['is_ca'], x509_facts['self_signed']) == (True, False)


def test_x509_without_basic_constraints_is_not_a_ca(pki):
    x509_facts = described_without_warnings(ca_data(pem_of(pki.leaf)))['x509']
    assert (x509_facts['is_ca'], x509_facts['self_signed'], x509_facts['public_key_type']) == (False, False, 'ECC')


def test_x509_same_subject_and_issuer_but_foreign_signature_is_not_self_signed(pki):
    x509_facts = described_without_warnings(ca_data(pem_of(pki.impostor)))['x509']
    assert x509_facts['subject'] == x509_facts['issuer']
    assert x509_facts['self_signed'] is False


# --- verification ------------------------------------------------------------------------------------

@pytest.mark.parametrize('kind', sorted(CA_KINDS))
def test_verification_signed_by_the_ca_with_the_registration_code(pki, kind):
    kind = ca_kind(kind)
    facts = described_without_warnings(ca_data(pem_of(pki.cas[kind]), pem_of(pki.verifications[kind])))
    assert facts['verification'] == {'common_name': REGISTRATION_CODE, 'matches_registration_code': True, 'signed_by_ca': True}


def test_verification_signed_by_another_key(pki):
    facts = described_without_warnings(ca_data(pem_of(pki.cas['rsa']), pem_of(pki.foreign_verification)))
    assert facts['verification'] == {'common_name': REGISTRATION_CODE, 'matches_registration_code': True, 'signed_by_ca': False}


def test_verification_signed_by_a_ca_of_another_key_type(pki):
    facts = described_without_warnings(ca_data(pem_of(pki.cas['ec']), pem_of(pki.verifications['ed25519'])))
    assert facts['verification']['signed_by_ca'] is False


def test_verification_with_another_common_name(pki):
    facts = described_without_warnings(ca_data(pem_of(pki.cas['rsa']), pem_of(pki.wrong_cn_verification)))
    assert facts['verification'] == {'common_name': 'someone-else', 'matches_registration_code': False, 'signed_by_ca': True}


def test_verification_without_common_name(pki):
    facts = described_without_warnings(ca_data(pem_of(pki.cas['rsa']), pem_of(pki.no_cn_verification)))
    assert facts['verification'] == {'common_name': None, 'matches_registration_code': False, 'signed_by_ca': True}


def test_verification_is_checked_against_the_first_certificate_of_a_chain(pki):
    chain = pem_of(pki.intermediate, pki.cas['rsa'])
    by_root = described_without_warnings(ca_data(chain, pem_of(pki.verifications['rsa'])))
    by_intermediate = described_without_warnings(ca_data(chain, pem_of(pki.under_intermediate)))
    assert (by_root['verification']['signed_by_ca'], by_intermediate['verification']['signed_by_ca']) == (False, True)


class PssParametersUnreadable:
    """An RSASSA-PSS certificate as cryptography < 41 shows it: neither the PSS parameters nor their hash."""

    def __init__(self, certificate):
        self._certificate = certificate

    @property
    def signature_hash_algorithm(self):
        raise UnsupportedAlgorithm('Signature algorithm OID: 1.2.840.113549.1.1.10 not recognized')

    def __getattr__(self, attribute):
        if attribute == 'signature_algorithm_parameters':
            raise AttributeError(attribute)
        return getattr(self._certificate, attribute)


@pytest.mark.parametrize('variant', ['sha384, longest salt', 'sha512, digest-long salt'])
def test_pss_signature_verifies_where_cryptography_cannot_read_its_parameters(pki, variant):
    skip_without_pss_signing()
    certificate = PssParametersUnreadable(pki.pss_variants[variant])
    assert _x509._is_signed_by(certificate, pki.cas['rsa'].public_key()) is True
    assert _x509._is_signed_by(certificate, pki.intermediate.public_key()) is False


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
def test_unparsable_ca_pem_gives_null_x509_and_a_warning(pki, garbage):
    facts, warnings = describe(ca_data(garbage, pem_of(pki.verifications['rsa'])))
    assert facts['x509'] is None
    assert facts['ca_pem'] == canonical_pem(garbage)
    assert facts['status'] == 'active'
    assert facts['verification'] == {'common_name': REGISTRATION_CODE, 'matches_registration_code': True, 'signed_by_ca': False}
    assert_one_warning_about(warnings, 'ca_pem')


def test_truncated_ca_pem_gives_null_x509_and_a_warning(pki):
    lines = pem_of(pki.cas['rsa']).splitlines()
    facts, warnings = describe(ca_data('\n'.join(lines[:3] + lines[-1:])))
    assert facts['x509'] is None
    assert_one_warning_about(warnings, 'ca_pem')


@pytest.mark.parametrize('garbage', GARBAGE_PEMS)
def test_unparsable_verification_pem_gives_null_verification_and_a_warning(pki, garbage):
    facts, warnings = describe(ca_data(pem_of(pki.cas['rsa']), garbage))
    assert facts['verification'] is None
    assert facts['verification_pem'] == canonical_pem(garbage)
    assert facts['x509']['serial_number'] == CA_SERIAL
    assert_one_warning_about(warnings, 'verification_pem')


# --- malformed API data ------------------------------------------------------------------------------

@pytest.mark.parametrize('overrides, fragments', [
    ({'Sn': MISSING}, ['Sn', 'SN unknown']),
    ({'Sn': 7}, ['Sn must be a string', 'int 7', 'SN unknown']),
    ({'CaName': None}, ['CaName', SN]),
    ({'RegistrationCode': MISSING}, ['RegistrationCode', SN]),
    ({'Status': MISSING}, ['Status', SN]),
    ({'CaContent': MISSING}, ['CaContent', SN]),
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
    ({'CaContent': 12345}, ['CaContent', 'int', SN]),
    ({'CaContent': b'-----BEGIN CERTIFICATE-----'}, ['CaContent', 'bytes', SN]),
    ({'CaContent': ' \\n\r\n'}, ['CaContent is empty', SN]),
    ({'VerificationContent': ['x']}, ['VerificationContent', 'list', SN]),
])
def test_malformed_data_raises_a_one_line_value_error(pki, overrides, fragments):
    with pytest.raises(ValueError) as raised:
        describe(ca_data(pem_of(pki.cas['ec']), **overrides))
    message = str(raised.value)
    assert '\n' not in message
    for fragment in fragments:
        assert fragment in message


def test_malformed_data_message_does_not_carry_a_long_value(pki):
    with pytest.raises(ValueError) as raised:
        describe(ca_data(pem_of(pki.cas['ec']), ValidEnd='x' * 5000))
    message = str(raised.value)
    assert 'ValidEnd' in message and 'str' in message and SN in message
    assert len(message) < 300


@pytest.mark.parametrize('data', [None, [], 'Data'])
def test_data_that_is_not_an_object_raises_value_error(data):
    with pytest.raises(ValueError, match='Data must be an object'):
        describe(data)


# --- optional dependency -----------------------------------------------------------------------------

def test_cryptography_is_detected():
    assert (HAS_CRYPTOGRAPHY, CRYPTOGRAPHY_IMPORT_ERROR) == (True, None)


def load_without_cryptography(monkeypatch, module, name):
    """A fresh copy of ``module`` imported while cryptography cannot be."""
    monkeypatch.setitem(sys.modules, 'cryptography', None)
    spec = importlib.util.spec_from_file_location(name, module.__file__)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def test_import_without_cryptography_keeps_the_traceback_and_the_pure_functions(monkeypatch):
    module = load_without_cryptography(monkeypatch, _x509, 'x509_without_cryptography')
    assert module.HAS_CRYPTOGRAPHY is False
    assert module.CRYPTOGRAPHY_IMPORT_ERROR.startswith('Traceback') and 'cryptography' in module.CRYPTOGRAPHY_IMPORT_ERROR
    pure = load_without_cryptography(monkeypatch, _certificate, 'certificate_without_cryptography')
    assert pure.canonical_pem('a\r\nb') == 'a\nb\n'
    assert pure.iso8601_utc(1000) == '1970-01-01T00:00:01Z'


def test_describing_a_certificate_without_cryptography_raises_cryptography_missing(monkeypatch, pki):
    without = load_without_cryptography(monkeypatch, _x509, 'x509_without_cryptography')
    package, dummy, name = _x509.__name__.rpartition('.')
    monkeypatch.setitem(sys.modules, _x509.__name__, without)
    monkeypatch.setattr(sys.modules[package], name, without)
    with pytest.raises(CryptographyMissing) as raised:
        describe(ca_data(pem_of(pki.cas['rsa'])))
    assert raised.value.import_error == without.CRYPTOGRAPHY_IMPORT_ERROR


def test_malformed_api_data_fails_before_cryptography_is_needed(monkeypatch, pki):
    def no_cryptography():
        raise AssertionError('cryptography was asked for')
    monkeypatch.setattr(_ca_certificate, 'x509_module', no_cryptography)
    with pytest.raises(ValueError, match='ValidEnd'):
        describe(ca_data(pem_of(pki.cas['rsa']), ValidEnd='soon'))


def test_the_modules_own_pure_part_does_not_import_cryptography():
    code = ('import sys; '
            'from ansible_collections.alibabacloud.apsaramq.plugins.module_utils import _certificate, _ca_certificate, _ca_certificate_info; '
            'print(sorted(name for name in sys.modules if name.split(".")[0] == "cryptography" or name.endswith("._x509")))')
    listed = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True,
                            env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))).stdout
    assert listed.strip() == '[]'


def test_each_certificate_is_parsed_and_its_key_loaded_once(monkeypatch, pki):
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
    facts = described_without_warnings(ca_data(pem_of(pki.cas['rsa']), pem_of(pki.verifications['rsa'])))
    assert facts['x509']['self_signed'] is True and facts['verification']['signed_by_ca'] is True
    assert (len(loads), len(keys)) == (2, 1)
