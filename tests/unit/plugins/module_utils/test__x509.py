# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The X.509 facts of a certificate and of a verification certificate, on real certificates of every key type: names,
algorithms, key sizes, fingerprints, CA flags and signatures (RSA-PSS too)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import importlib.abc
import importlib.util
import re
import sys
import types
import warnings

import pytest

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives import asymmetric
from cryptography.hazmat.primitives.asymmetric import dsa
from cryptography.utils import CryptographyDeprecationWarning

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils import _x509
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._x509 import (
    CRYPTOGRAPHY_IMPORT_ERROR, HAS_CRYPTOGRAPHY, ParsedCertificate, describe_bundle, describe_verification,
)

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


def colon_hex(hexdigest):
    return ':'.join(re.findall('..', hexdigest))


def x509_facts(pki, *certificates):
    return describe_bundle(pki.pem(*certificates))[1]


def verification(pki, certificate, ca):
    """The verification facts of ``certificate`` against the CA certificate ``ca``, with the pki's registration code."""
    return describe_verification(pki.pem(certificate), ParsedCertificate(ca), pki.registration_code)


# --- the facts of a certificate ----------------------------------------------------------------------

def test_x509_of_an_rsa_ca_matches_independent_computation(pki):
    certificate = pki.cas['rsa']
    der = certificate.public_bytes(serialization.Encoding.DER)
    expected_name = {
        'countryName': 'CN', 'stateOrProvinceName': 'Zhejiang', 'localityName': 'Hangzhou',
        'organizationName': 'Example IoT', 'organizationalUnitName': 'Fleet', 'commonName': 'Example Fleet CA',
        'emailAddress': 'pki@example.com', pki.unknown_oid: 'custom value',
    }
    assert x509_facts(pki, certificate) == {
        'subject': expected_name,
        'issuer': expected_name,
        'serial_number': pki.ca_serial,
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
    certificate = pki.cas[pki.kind(kind)]
    facts = x509_facts(pki, certificate)
    assert set(facts) == X509_KEYS
    assert (facts['signature_algorithm'], facts['public_key_type'], facts['public_key_size']) == CA_KINDS[kind]
    assert (facts['self_signed'], facts['is_ca']) == (True, True)
    assert facts['fingerprints']['sha256'] == colon_hex(certificate.fingerprint(hashes.SHA256()).hex())


def test_x509_describes_the_first_certificate_of_a_chain(pki):
    parsed, facts = describe_bundle(pki.pem(pki.intermediate, pki.cas['rsa']))
    assert parsed.certificate == pki.intermediate
    assert (facts['certificates_in_pem'], facts['serial_number']) == (2, 2001)
    assert facts['subject'] == {'organizationName': 'Example IoT', 'commonName': 'Example Intermediate'}
    assert facts['issuer']['commonName'] == 'Example Fleet CA'
    assert (facts['is_ca'], facts['self_signed']) == (True, False)


def test_x509_without_basic_constraints_is_not_a_ca(pki):
    facts = x509_facts(pki, pki.leaf)
    assert (facts['is_ca'], facts['self_signed'], facts['public_key_type']) == (False, False, 'ECC')


def test_x509_same_subject_and_issuer_but_foreign_signature_is_not_self_signed(pki):
    facts = x509_facts(pki, pki.impostor)
    assert facts['subject'] == facts['issuer']
    assert facts['self_signed'] is False


def test_a_text_without_a_certificate_block_is_refused():
    with pytest.raises(ValueError, match='^no "BEGIN CERTIFICATE" block found$'):
        describe_bundle('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')


# --- verification: the common name and the CA's signature --------------------------------------------

@pytest.mark.parametrize('kind', sorted(CA_KINDS))
def test_verification_signed_by_the_ca_with_the_registration_code(pki, kind):
    kind = pki.kind(kind)
    assert verification(pki, pki.verifications[kind], pki.cas[kind]) == {
        'common_name': pki.registration_code, 'matches_registration_code': True, 'signed_by_ca': True}


def test_verification_signed_by_another_key(pki):
    assert verification(pki, pki.foreign_verification, pki.cas['rsa']) == {
        'common_name': pki.registration_code, 'matches_registration_code': True, 'signed_by_ca': False}


def test_verification_signed_by_a_ca_of_another_key_type(pki):
    assert verification(pki, pki.verifications['ed25519'], pki.cas['ec'])['signed_by_ca'] is False


def test_verification_with_another_common_name(pki):
    assert verification(pki, pki.wrong_cn_verification, pki.cas['rsa']) == {
        'common_name': 'someone-else', 'matches_registration_code': False, 'signed_by_ca': True}


def test_verification_without_common_name(pki):
    assert verification(pki, pki.no_cn_verification, pki.cas['rsa']) == {
        'common_name': None, 'matches_registration_code': False, 'signed_by_ca': True}


def test_verification_without_a_ca_is_not_signed_by_it(pki):
    facts = describe_verification(pki.pem(pki.verifications['rsa']), None, pki.registration_code)
    assert facts == {'common_name': pki.registration_code, 'matches_registration_code': True, 'signed_by_ca': False}


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
    pki.skip_without_pss_signing()
    certificate = PssParametersUnreadable(pki.pss_variants[variant])
    assert _x509.is_signed_by(certificate, pki.cas['rsa'].public_key()) is True
    assert _x509.is_signed_by(certificate, pki.intermediate.public_key()) is False


# --- cryptography ------------------------------------------------------------------------------------

def test_cryptography_is_detected():
    assert (HAS_CRYPTOGRAPHY, CRYPTOGRAPHY_IMPORT_ERROR) == (True, None)


def test_import_without_cryptography_keeps_the_traceback(load_without_cryptography):
    module = load_without_cryptography(_x509, 'x509_without_cryptography')
    assert module.HAS_CRYPTOGRAPHY is False
    assert module.CRYPTOGRAPHY_IMPORT_ERROR.startswith('Traceback') and 'cryptography' in module.CRYPTOGRAPHY_IMPORT_ERROR


DSA_MODULE = dsa.__name__
DSA_DEPRECATION = 'DSA is deprecated and support will be removed in a future release.'


class DeprecatedDsaModule(types.ModuleType):
    """cryptography 51's dsa module: reading any of its public names warns."""

    def __getattribute__(self, name):
        if not name.startswith('_'):
            warnings.warn(DSA_DEPRECATION, CryptographyDeprecationWarning, stacklevel=2)
        return super().__getattribute__(name)


class DeprecatedDsaFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports cryptography's dsa module as a cryptography that deprecates DSA does: warning when imported, and when
    any of its names is read."""

    def __init__(self):
        self.imported = False

    def find_spec(self, fullname, path=None, target=None):
        return importlib.util.spec_from_loader(fullname, self) if fullname == DSA_MODULE else None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        self.imported = True
        warnings.warn(DSA_DEPRECATION, CryptographyDeprecationWarning)
        module.__dict__.update((name, value) for name, value in vars(dsa).items() if not name.startswith('__'))
        module.__class__ = DeprecatedDsaModule


def load_x509_copy(name):
    spec = importlib.util.spec_from_file_location(name, _x509.__file__)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def test_a_cryptography_that_deprecates_dsa_warns_neither_at_import_nor_at_use(monkeypatch, pki):
    finder = DeprecatedDsaFinder()
    monkeypatch.delitem(sys.modules, DSA_MODULE)
    monkeypatch.delattr(asymmetric, 'dsa')
    monkeypatch.setattr(sys, 'meta_path', [finder] + sys.meta_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        module = load_x509_copy('x509_deprecated_dsa')
        dsa_facts = module.describe_bundle(pki.pem(pki.cas['dsa']))[1]
        ec_facts = module.describe_bundle(pki.pem(pki.cas['ec']))[1]
    assert finder.imported and [str(warning.message) for warning in caught] == []
    assert module.HAS_CRYPTOGRAPHY is True
    assert (dsa_facts['public_key_type'], dsa_facts['public_key_size'], dsa_facts['self_signed']) == ('DSA', 2048, True)
    assert (ec_facts['public_key_type'], ec_facts['self_signed']) == ('ECC', True)


def test_import_with_a_cryptography_without_dsa_parses_the_other_kinds(monkeypatch, pki):
    monkeypatch.setitem(sys.modules, DSA_MODULE, None)
    monkeypatch.delattr(asymmetric, 'dsa')
    module = load_x509_copy('x509_without_dsa')
    assert (module.HAS_CRYPTOGRAPHY, module.CRYPTOGRAPHY_IMPORT_ERROR) == (True, None)
    facts = module.describe_bundle(pki.pem(pki.cas['ec']))[1]
    assert (facts['public_key_type'], facts['self_signed']) == ('ECC', True)
    # A DSA key is then a kind it does not know: named, never a crash.
    assert module.describe_bundle(pki.pem(pki.cas['dsa']))[1]['public_key_type'] == 'unknown (%s)' % type(pki.cas['dsa'].public_key()).__name__
