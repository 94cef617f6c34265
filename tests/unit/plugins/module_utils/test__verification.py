# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The verification certificate: made from the CA's key for a registration code, or a given one checked; the key refusals."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._verification import (
    check_key_matches, check_unexpired, check_verification_pem, load_ca_certificate, load_ca_key, make_verification_pem,
)

NOW = datetime.datetime(2026, 12, 2, 12, 0, 0)
NOW_UTC = NOW.replace(tzinfo=datetime.timezone.utc)
PASSPHRASE = 'a passphrase'


def key_pem(key, passphrase=None):
    encryption = serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


@pytest.mark.parametrize('kind', ['rsa', 'ec'])
def test_the_made_certificate_has_the_code_as_cn_is_signed_by_the_ca_and_has_a_key_of_its_own(pki, kind):
    ca_certificate, ca_key = pki.cas[kind], pki.ca_keys[kind]
    made = x509.load_pem_x509_certificate(make_verification_pem(ca_certificate, ca_key, pki.registration_code, NOW).encode())
    assert made.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == pki.registration_code
    assert made.issuer == ca_certificate.subject
    check_verification_pem(pki.pem(made), ca_certificate, pki.registration_code)  # what the service checks
    assert made.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) != \
        ca_key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert made.not_valid_before_utc <= NOW_UTC < made.not_valid_after_utc <= NOW_UTC + datetime.timedelta(days=1)


def test_each_made_certificate_has_a_fresh_key(pki):
    first, second = (x509.load_pem_x509_certificate(make_verification_pem(pki.cas['ec'], pki.ca_keys['ec'], 'code', NOW).encode())
                     for dummy in range(2))
    assert first.public_key().public_numbers() != second.public_key().public_numbers()


@pytest.mark.parametrize('kind', ['ed25519', 'dsa'])
def test_keys_other_than_rsa_and_ec_are_refused(pki, kind):
    with pytest.raises(ApsaraMQError, match='RSA and EC keys are supported'):
        make_verification_pem(pki.cas[kind], pki.ca_keys[kind], 'code', NOW)


@pytest.mark.parametrize('passphrase', [None, PASSPHRASE])
def test_a_key_loads_with_its_passphrase_and_must_be_the_cas(pki, passphrase):
    key = load_ca_key(key_pem(pki.ca_keys['rsa'], passphrase), passphrase, 'ca_private_key')
    check_key_matches(pki.cas['rsa'], key, 'ca_private_key')
    with pytest.raises(ApsaraMQError, match=r"^ca_private_key is not the key of the CA in ca_pem: its public key differs from the certificate's$"):
        check_key_matches(pki.cas['ec'], key, 'ca_private_key')


@pytest.mark.parametrize('pem, passphrase, message', [
    ('encrypted', 'wrong passphrase', '^ca_private_key cannot be decrypted with ca_private_key_passphrase, or is no PEM private key$'),
    ('encrypted', None, '^ca_private_key is encrypted: give its passphrase in ca_private_key_passphrase$'),
    ('plain', PASSPHRASE, '^ca_private_key is not encrypted: drop ca_private_key_passphrase$'),
    ('garbage', None, '^ca_private_key is no PEM private key$'),
])
def test_a_key_that_cannot_be_loaded_is_one_line_naming_nothing_of_it(pki, pem, passphrase, message):
    content = {'encrypted': key_pem(pki.ca_keys['ec'], PASSPHRASE), 'plain': key_pem(pki.ca_keys['ec']), 'garbage': b'-----BEGIN PRIVATE KEY-----\nAAAA'}[pem]
    with pytest.raises(ApsaraMQError, match=message) as failure:
        load_ca_key(content, passphrase, 'ca_private_key')
    assert PASSPHRASE not in str(failure.value) and 'BEGIN' not in str(failure.value)


def test_a_verification_certificate_for_another_code_or_by_another_key_is_refused(pki):
    with pytest.raises(ApsaraMQError, match=r"^verification_pem has the common name 'someone-else'; the instance's registration code is 'a1b2"):
        check_verification_pem(pki.pem(pki.wrong_cn_verification), pki.cas['rsa'], pki.registration_code)
    with pytest.raises(ApsaraMQError, match=r'^verification_pem is not signed by the key of the CA in ca_pem$'):
        check_verification_pem(pki.pem(pki.foreign_verification), pki.cas['rsa'], pki.registration_code)
    with pytest.raises(ApsaraMQError, match=r'^verification_pem is not a PEM certificate \('):
        check_verification_pem('not a certificate', pki.cas['rsa'], pki.registration_code)


def test_ca_pem_that_is_no_certificate_is_one_line(pki):
    assert load_ca_certificate(pki.pem(pki.cas['ec'], pki.leaf)) == pki.cas['ec']
    with pytest.raises(ApsaraMQError, match=r'^ca_pem is not a PEM certificate \(no "BEGIN CERTIFICATE" block found\)$'):
        load_ca_certificate('hello')


def test_a_leaf_certificate_is_refused_as_ca_pem_whether_it_says_ca_false_or_nothing(pki):
    said_false = (x509.CertificateBuilder().subject_name(pki.leaf.subject).issuer_name(pki.ca_subject).public_key(pki.verification_key.public_key())
                  .serial_number(3002).not_valid_before(pki.not_before).not_valid_after(pki.not_after)
                  .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True).sign(pki.ca_keys['rsa'], hashes.SHA256()))
    with pytest.raises(ApsaraMQError, match=r"^ca_pem is not a CA certificate: its basic constraints say CA:FALSE \(a device's or a server's "
                                            r"certificate\?\); give the certificate of the CA that issues the devices' certificates$"):
        load_ca_certificate(pki.pem(said_false, pki.cas['rsa']))  # the first certificate counts
    with pytest.raises(ApsaraMQError, match=r'^ca_pem is not a CA certificate: it has no basic constraints extension, and a CA needs one with CA:TRUE'):
        load_ca_certificate(pki.pem(pki.leaf))


def test_an_expired_ca_is_refused_naming_the_day_it_expired(pki):
    with pytest.raises(ApsaraMQError, match=r'^ca_pem expired on 2020-01-01T00:00:00Z: no device can authenticate under it'):
        check_unexpired(load_ca_certificate(pki.pem(pki.expired)), NOW)
    check_unexpired(pki.cas['rsa'], NOW)
    with pytest.raises(ApsaraMQError, match=r'^ca_pem expired on 2034-05-06T07:08:09Z'):
        check_unexpired(pki.cas['rsa'], datetime.datetime(2034, 5, 6, 7, 8, 9))
