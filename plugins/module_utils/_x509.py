# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""X.509 facts of a CA certificate and of its verification certificate, with ``cryptography``.

Imported only when a certificate is to be parsed (``_certificate.x509_module`` does it): a run that
fails its argument checks, gets an API error or has no certificate never loads ``cryptography``.
Each certificate is parsed once and its public key loaded once, however many facts use it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import traceback
import warnings

try:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa, x448, x25519
    from cryptography.utils import CryptographyDeprecationWarning
    from cryptography.x509.oid import NameOID, SignatureAlgorithmOID
except ImportError:
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None


def _dsa_public_key_classes():
    """cryptography's DSA public key class in a tuple, or an empty one. DSA is on its way out of cryptography: 51 warns at each read of a
    name of its dsa module, which would greet every module run, and one without it must not count as no cryptography
    (a DSA key is then of an unknown kind). So the class is read here, once, with the deprecation warning silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', CryptographyDeprecationWarning)
        try:
            from cryptography.hazmat.primitives.asymmetric.dsa import DSAPublicKey
        except ImportError:
            return ()
    return (DSAPublicKey,)


_DSA_PUBLIC_KEYS = _dsa_public_key_classes() if HAS_CRYPTOGRAPHY else ()
_CERTIFICATE_BLOCK = re.compile(r'-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----', re.DOTALL)

# OpenSSL long names, the ones community.crypto.x509_certificate_info reports; any other OID is shown dotted.
_OID_LONG_NAMES = {
    '2.5.4.3': 'commonName',
    '2.5.4.4': 'surname',
    '2.5.4.5': 'serialNumber',
    '2.5.4.6': 'countryName',
    '2.5.4.7': 'localityName',
    '2.5.4.8': 'stateOrProvinceName',
    '2.5.4.9': 'streetAddress',
    '2.5.4.10': 'organizationName',
    '2.5.4.11': 'organizationalUnitName',
    '2.5.4.12': 'title',
    '2.5.4.15': 'businessCategory',
    '2.5.4.17': 'postalCode',
    '2.5.4.42': 'givenName',
    '2.5.4.43': 'initials',
    '2.5.4.44': 'generationQualifier',
    '2.5.4.46': 'dnQualifier',
    '2.5.4.65': 'pseudonym',
    '2.5.4.97': 'organizationIdentifier',
    '0.9.2342.19200300.100.1.1': 'userId',
    '0.9.2342.19200300.100.1.25': 'domainComponent',
    '1.2.840.113549.1.9.1': 'emailAddress',
    '1.2.840.113549.1.9.2': 'unstructuredName',
    '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionLocalityName',
    '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionStateOrProvinceName',
    '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionCountryName',
    '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
    '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
    '1.2.840.113549.1.1.10': 'rsassaPss',
    '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
    '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
    '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
    '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
    '2.16.840.1.101.3.4.3.13': 'RSA-SHA3-224',
    '2.16.840.1.101.3.4.3.14': 'RSA-SHA3-256',
    '2.16.840.1.101.3.4.3.15': 'RSA-SHA3-384',
    '2.16.840.1.101.3.4.3.16': 'RSA-SHA3-512',
    '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
    '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
    '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
    '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
    '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
    '2.16.840.1.101.3.4.3.9': 'ecdsa_with_SHA3-224',
    '2.16.840.1.101.3.4.3.10': 'ecdsa_with_SHA3-256',
    '2.16.840.1.101.3.4.3.11': 'ecdsa_with_SHA3-384',
    '2.16.840.1.101.3.4.3.12': 'ecdsa_with_SHA3-512',
    '1.2.840.10040.4.3': 'dsaWithSHA1',
    '2.16.840.1.101.3.4.3.1': 'dsa_with_SHA224',
    '2.16.840.1.101.3.4.3.2': 'dsa_with_SHA256',
    '2.16.840.1.101.3.4.3.3': 'dsa_with_SHA384',
    '2.16.840.1.101.3.4.3.4': 'dsa_with_SHA512',
    '1.3.101.112': 'ED25519',
    '1.3.101.113': 'ED448',
}

if HAS_CRYPTOGRAPHY:
    # (class, name as community.crypto reports it, bits of the raw public key for the fixed-size kinds):
    # RFC 8032 and RFC 7748 fix those sizes, so no serialization (and its import) is needed to count them.
    _KEY_KINDS = (
        (rsa.RSAPublicKey, 'RSA', None),
        (ec.EllipticCurvePublicKey, 'ECC', None),
        (ed25519.Ed25519PublicKey, 'Ed25519', 256),
        (ed448.Ed448PublicKey, 'Ed448', 456),
        (x25519.X25519PublicKey, 'X25519', 256),
        (x448.X448PublicKey, 'X448', 448),
    ) + tuple((key_class, 'DSA', None) for key_class in _DSA_PUBLIC_KEYS)


class ParsedCertificate:
    """A certificate and its public key, loaded once and shared by every fact that needs them."""

    __slots__ = ('certificate', 'public_key')

    def __init__(self, certificate):
        self.certificate = certificate
        self.public_key = certificate.public_key()


def describe_bundle(pem):
    """``(ParsedCertificate of the first certificate, its x509 facts)``; raises when the first certificate does not parse."""
    certificate, count = load_first_certificate(pem)
    parsed = ParsedCertificate(certificate)
    return parsed, _x509_facts(parsed, count)


def describe_verification(pem, ca, registration_code):
    """The verification facts; ``ca`` is the CA's ParsedCertificate, or None when the CA did not parse."""
    certificate = load_first_certificate(pem)[0]
    common_names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    common_name = common_names[0].value if common_names else None
    return {
        'common_name': common_name,
        'matches_registration_code': common_name is not None and common_name == registration_code,
        'signed_by_ca': ca is not None and is_signed_by(certificate, ca.public_key),
    }


def load_private_key(key_pem, passphrase):
    """The private key of PEM bytes; raises what cryptography raises (TypeError, ValueError...) when it cannot."""
    return serialization.load_pem_private_key(key_pem, passphrase)


def public_key_der(key):
    """The DER SubjectPublicKeyInfo of a public key, to compare two keys."""
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def certificate_pem(certificate):
    return certificate.public_bytes(serialization.Encoding.PEM).decode('ascii')


def load_first_certificate(pem):
    """The first certificate of a PEM text and the number of certificate blocks it holds."""
    blocks = _CERTIFICATE_BLOCK.findall(pem)
    if not blocks:
        raise ValueError('no "BEGIN CERTIFICATE" block found')
    return x509.load_pem_x509_certificate(blocks[0].encode('utf-8')), len(blocks)


def _x509_facts(parsed, certificates_in_pem):
    certificate, public_key = parsed.certificate, parsed.public_key
    key_type, key_size = _public_key_type_and_size(public_key)
    subject, issuer = certificate.subject, certificate.issuer
    return {
        'subject': _name_dict(subject),
        'issuer': _name_dict(issuer),
        'serial_number': certificate.serial_number,
        'fingerprints': {
            'sha1': _colon_hex(certificate.fingerprint(hashes.SHA1())),
            'sha256': _colon_hex(certificate.fingerprint(hashes.SHA256())),
        },
        'not_before': _asn1_time(_utc_attribute(certificate, 'not_valid_before')),
        'not_after': _asn1_time(_utc_attribute(certificate, 'not_valid_after')),
        'signature_algorithm': _oid_name(certificate.signature_algorithm_oid),
        'public_key_type': key_type,
        'public_key_size': key_size,
        'is_ca': _is_ca(certificate),
        'self_signed': subject == issuer and is_signed_by(certificate, public_key),
        'certificates_in_pem': certificates_in_pem,
    }


def _oid_name(oid):
    return _OID_LONG_NAMES.get(oid.dotted_string, oid.dotted_string)


def _name_dict(name):
    # Like community.crypto: one key per attribute type, the last value wins.
    return dict((_oid_name(attribute.oid), attribute.value if isinstance(attribute.value, str) else _colon_hex(attribute.value))
                for attribute in name)


def _colon_hex(data):
    return ':'.join('%02x' % byte for byte in bytearray(data))


def _utc_attribute(certificate, name):
    # cryptography >= 42 deprecates the naive datetimes in favour of the *_utc ones; older has only the naive (UTC) ones.
    moment = getattr(certificate, name + '_utc', None)
    return moment if moment is not None else getattr(certificate, name)


def _asn1_time(moment):
    return '%04d%02d%02d%02d%02d%02dZ' % moment.timetuple()[:6]


def _public_key_type_and_size(public_key):
    """Type as community.crypto names it, and bits: the modulus for RSA/DSA, the curve for EC, the raw key for the others."""
    for key_class, type_name, raw_bits in _KEY_KINDS:
        if isinstance(public_key, key_class):
            if raw_bits is not None:
                return type_name, raw_bits
            return type_name, public_key.curve.key_size if type_name == 'ECC' else public_key.key_size
    return 'unknown (%s)' % type(public_key).__name__, None


def _is_ca(certificate):
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def is_signed_by(certificate, issuer_public_key):
    """True when the issuer's public key verifies the certificate's signature; False when it does not or cannot."""
    try:
        _verify_signature(issuer_public_key, certificate)
    except (InvalidSignature, UnsupportedAlgorithm, TypeError, ValueError):
        return False
    return True


def _verify_signature(public_key, certificate):
    """Raise unless the signature verifies (written out by hand: verify_directly_issued_by needs cryptography >= 40)."""
    signature, signed_bytes = certificate.signature, certificate.tbs_certificate_bytes
    if isinstance(public_key, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)):
        public_key.verify(signature, signed_bytes)
    elif isinstance(public_key, rsa.RSAPublicKey):
        _verify_rsa_signature(public_key, certificate)
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(signature, signed_bytes, ec.ECDSA(certificate.signature_hash_algorithm))
    elif isinstance(public_key, _DSA_PUBLIC_KEYS):
        public_key.verify(signature, signed_bytes, certificate.signature_hash_algorithm)
    else:
        raise TypeError('%s keys cannot sign certificates' % type(public_key).__name__)


def _verify_rsa_signature(public_key, certificate):
    for rsa_padding, hash_algorithm in _rsa_signature_schemes(certificate):
        try:
            public_key.verify(certificate.signature, certificate.tbs_certificate_bytes, rsa_padding, hash_algorithm)
            return
        except InvalidSignature:
            continue
    raise InvalidSignature()


def _rsa_signature_schemes(certificate):
    """The (padding, hash) pairs that may have made the certificate's RSA signature."""
    if certificate.signature_algorithm_oid != SignatureAlgorithmOID.RSASSA_PSS:
        return [(padding.PKCS1v15(), certificate.signature_hash_algorithm)]
    parameters = getattr(certificate, 'signature_algorithm_parameters', None)
    if parameters is not None:
        return [(parameters, certificate.signature_hash_algorithm)]
    # cryptography < 41 reads neither the PSS parameters nor their hash: try the usual ones, MGF1 with the
    # signature hash and a salt as long as the digest (RFC 8017 advice) or as long as possible (OpenSSL's default before 3.1).
    return [(padding.PSS(mgf=padding.MGF1(hash_algorithm), salt_length=salt_length), hash_algorithm)
            for hash_algorithm in (hashes.SHA256(), hashes.SHA384(), hashes.SHA512(), hashes.SHA1())
            for salt_length in (hash_algorithm.digest_size, padding.PSS.MAX_LENGTH)]
