# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures of the module_utils tests: real certificates of every key type (``pki``), and the certificate code imported
as if cryptography were not installed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import importlib.util
import inspect
import sys

import pytest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from cryptography.x509.oid import NameOID

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils import _x509


def _name(common_name=None, organization='Example IoT'):
    attributes = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization)]
    if common_name is not None:
        attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _pss(hash_algorithm, salt_length):
    return padding.PSS(mgf=padding.MGF1(hash_algorithm), salt_length=salt_length)


class Pki:
    """Every certificate the tests need, made once per session (key generation is the slow part).

    ``cas``: a self-signed CA per key kind (``rsa``, ``rsa-pss`` where this cryptography can sign with PSS, ``ec``,
    ``ed25519``, ``ed448``, ``dsa``) with ``ca_subject`` and ``ca_serial``; ``verifications``: per kind, a verification
    certificate whose common name is ``registration_code``, signed by that CA. The rest are the odd cases: signed by
    another key, another common name or none, an intermediate CA and a certificate under it, a leaf, an impostor with the
    CA's subject, an expired CA, PSS signatures with other hashes and salts.
    """

    registration_code = 'a1b2c3d4e5f6a7b8c9d0'
    ca_serial = 0x1234567890ABCDEF1234567890
    unknown_oid = '1.3.6.1.4.1.99999.7'
    not_before = datetime.datetime(2024, 1, 2, 3, 4, 5)
    not_after = datetime.datetime(2034, 5, 6, 7, 8, 9)
    pss_signing_supported = 'rsa_padding' in inspect.signature(x509.CertificateBuilder.sign).parameters

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
        if self.pss_signing_supported:
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
            x509.NameAttribute(x509.ObjectIdentifier(self.unknown_oid), 'custom value'),
        ])
        self.cas = dict((kind, self.issue(key, self.ca_subject, key, self.ca_subject, self.ca_serial, is_ca=True,
                                          rsa_padding=_pss(hashes.SHA256(), 32) if kind == 'rsa-pss' else None))
                        for kind, key in self.ca_keys.items())
        self.verifications = dict((kind, self.issue_verification(self.ca_keys[kind], self.ca_subject))
                                  for kind in self.cas)
        self.foreign_verification = self.issue_verification(self.other_key, self.ca_subject)
        self.wrong_cn_verification = self.issue(self.verification_key, _name('someone-else'), rsa_key, self.ca_subject)
        self.no_cn_verification = self.issue(self.verification_key, _name(), rsa_key, self.ca_subject)
        self.intermediate = self.issue(self.other_key, _name('Example Intermediate'), rsa_key, self.ca_subject, 2001, is_ca=True)
        self.under_intermediate = self.issue_verification(self.other_key, _name('Example Intermediate'))
        self.leaf = self.issue(self.verification_key, _name('device-1'), rsa_key, self.ca_subject, 3001)
        self.impostor = self.issue(self.other_key, self.ca_subject, rsa_key, self.ca_subject, 4001, is_ca=True)
        self.pss_variants = {} if not self.pss_signing_supported else {
            'sha384, longest salt': self.issue(self.verification_key, _name(self.registration_code), rsa_key, self.ca_subject,
                                               rsa_padding=_pss(hashes.SHA384(), padding.PSS.MAX_LENGTH), digest=hashes.SHA384()),
            'sha512, digest-long salt': self.issue(self.verification_key, _name(self.registration_code), rsa_key, self.ca_subject,
                                                   rsa_padding=_pss(hashes.SHA512(), 64), digest=hashes.SHA512()),
        }
        self.expired = self.issue(rsa_key, _name('Old CA'), rsa_key, _name('Old CA'), 5001, is_ca=True,
                                  not_before=datetime.datetime(2019, 1, 1), not_after=datetime.datetime(2020, 1, 1))

    def issue(self, subject_key, subject, signer_key, issuer, serial=1000, *, is_ca=False, not_before=None, not_after=None, rsa_padding=None,
              digest=hashes.SHA256()):
        """A certificate for ``subject_key`` signed by ``signer_key``; SHA-256 and PKCS#1 v1.5 unless told otherwise."""
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(subject_key.public_key())
                   .serial_number(serial).not_valid_before(not_before or self.not_before).not_valid_after(not_after or self.not_after))
        if is_ca:
            builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        if isinstance(signer_key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
            digest = None
        if rsa_padding is not None:
            return builder.sign(signer_key, digest, rsa_padding=rsa_padding)
        return builder.sign(signer_key, digest)

    def issue_verification(self, signer_key, issuer):
        return self.issue(self.verification_key, _name(self.registration_code), signer_key, issuer, 7001)

    @staticmethod
    def pem(*certificates):
        """The PEM text of ``certificates``, one after the other."""
        return ''.join(certificate.public_bytes(serialization.Encoding.PEM).decode('ascii') for certificate in certificates)

    def kind(self, kind):
        """``kind``, after skipping the test when it is ``rsa-pss`` and this cryptography cannot sign with PSS."""
        if kind == 'rsa-pss':
            self.skip_without_pss_signing()
        return kind

    def skip_without_pss_signing(self):
        if not self.pss_signing_supported:
            pytest.skip('this cryptography cannot sign certificates with RSA-PSS')


@pytest.fixture(scope='session')
def pki():
    return Pki()


@pytest.fixture
def load_without_cryptography(monkeypatch):
    """Function: load_without_cryptography(module, name) -> a fresh copy of ``module`` imported while cryptography cannot be."""
    def load(module, name):
        monkeypatch.setitem(sys.modules, 'cryptography', None)
        spec = importlib.util.spec_from_file_location(name, module.__file__)
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
        return loaded
    return load


@pytest.fixture
def x509_without_cryptography(monkeypatch, load_without_cryptography):
    """A copy of _x509 imported without cryptography, in the place of _x509 until the test ends."""
    without = load_without_cryptography(_x509, 'x509_without_cryptography')
    package, dummy, name = _x509.__name__.rpartition('.')
    monkeypatch.setitem(sys.modules, _x509.__name__, without)
    monkeypatch.setattr(sys.modules[package], name, without)
    return without


@pytest.fixture
def clean_emulator(emulator):
    """The session's emulator with an empty request log, and its fault and metadata settings as started, before and after the test."""
    emulator.reset()
    yield emulator
    emulator.reset()
