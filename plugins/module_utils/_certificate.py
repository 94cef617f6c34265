# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Facts about one CA certificate of ApsaraMQ for MQTT, from the API's ``Data`` object.

Pure functions: no network, no module object; the caller supplies the clock.
``describe_ca`` raises ``ValueError`` (one line, naming the field and the SN) only for API data
that makes the facts meaningless; certificates that do not parse become ``None`` plus a warning.
Callers must check ``HAS_CRYPTOGRAPHY`` first (``missing_required_lib('cryptography')``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re
import traceback

try:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa, x448, x25519
    from cryptography.x509.oid import NameOID, SignatureAlgorithmOID
except ImportError:
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None

MS_PER_DAY = 86400000
_EPOCH = datetime.datetime(1970, 1, 1)
_STATUS_NAMES = {'1': 'active', '0': 'inactive'}
_REQUIRED_FIELDS = ('Sn', 'CaName', 'RegistrationCode', 'Status', 'CaContent', 'ValidBegin', 'ValidEnd')
_TEXT_FIELDS = ('Sn', 'CaName', 'RegistrationCode', 'CaContent', 'VerificationContent')
_DIGITS = re.compile(r'\A[0-9]+\Z')
_LITERAL_LINE_BREAK = re.compile(r'\\r\\n|\\n')
_CERTIFICATE_BLOCK = re.compile(r'-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----', re.DOTALL)
_MAX_VALUE_REPR = 40

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


def canonical_pem(text):
    """PEM text with LF line breaks, no blank edges and one final newline; None when there is no content.

    The API documentation shows literal backslash-n sequences, so those count as line breaks too.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError('canonical_pem expects a str, got %s' % type(text).__name__)
    text = _LITERAL_LINE_BREAK.sub('\n', text).replace('\r\n', '\n').replace('\r', '\n').strip()
    return text + '\n' if text else None


def iso8601_utc(epoch_ms):
    """``YYYY-MM-DDTHH:MM:SSZ`` of epoch milliseconds; ValueError when out of the datetime range."""
    try:
        moment = _EPOCH + datetime.timedelta(seconds=epoch_ms // 1000)
    except OverflowError:
        raise ValueError('epoch milliseconds out of range: %d' % epoch_ms) from None
    return '%04d-%02d-%02dT%02d:%02d:%02dZ' % moment.timetuple()[:6]


def describe_ca(data, request_id, now_ms):
    """Return ``(facts, warnings)`` for one CA: ``data`` is the API's ``Data`` object, ``now_ms`` the clock."""
    sn = _validated_sn(data)
    valid_begin_ms, valid_begin = _epoch_ms_field(data, 'ValidBegin', sn)
    valid_end_ms, valid_end = _epoch_ms_field(data, 'ValidEnd', sn)
    ca_pem = canonical_pem(data['CaContent'])
    if ca_pem is None:
        raise _malformed(sn, 'CaContent is empty')
    verification_pem = canonical_pem(data.get('VerificationContent'))

    warnings = []
    described = _attempt(warnings, sn, 'ca_pem', 'x509', _describe_certificate_bundle, ca_pem)
    ca_certificate, x509_facts = described or (None, None)
    verification = None
    if verification_pem is not None:
        verification = _attempt(warnings, sn, 'verification_pem', 'verification', _describe_verification,
                                verification_pem, ca_certificate, data['RegistrationCode'])

    facts = {
        'sn': sn,
        'name': data['CaName'],
        'status': _status_name(data['Status']),
        'registration_code': data['RegistrationCode'],
        'ca_pem': ca_pem,
        'verification_pem': verification_pem,
        'valid_begin': valid_begin,
        'valid_end': valid_end,
        'valid_begin_ms': valid_begin_ms,
        'valid_end_ms': valid_end_ms,
        'expired': now_ms > valid_end_ms,
        'days_remaining': (valid_end_ms - now_ms) // MS_PER_DAY,
        'x509': x509_facts,
        'verification': verification,
        'request_id': request_id,
    }
    return facts, warnings


# --- API data validation ---------------------------------------------------------------------------


def _malformed(sn, problem):
    where = 'SN %r' % sn if sn is not None else 'SN unknown'
    return ValueError('malformed CA certificate data (%s): %s' % (where, problem))


def _value_summary(value):
    """Type and a bounded repr: enough to diagnose, never a whole certificate in an error line."""
    shown = repr(value)
    if len(shown) > _MAX_VALUE_REPR:
        shown = shown[:_MAX_VALUE_REPR - 3] + '...'
    return '%s %s' % (type(value).__name__, shown)


def _validated_sn(data):
    """The SN, once ``data`` has proven to be an object with every required field, text fields being strings."""
    if not isinstance(data, dict):
        raise _malformed(None, 'Data must be an object, got %s' % _value_summary(data))
    sn = data.get('Sn') if isinstance(data.get('Sn'), str) else None
    for field in _REQUIRED_FIELDS:
        if data.get(field) is None:
            raise _malformed(sn, 'required field %s is missing or null' % field)
    for field in _TEXT_FIELDS:
        value = data.get(field)
        if value is not None and not isinstance(value, str):
            raise _malformed(sn, '%s must be a string, got %s' % (field, _value_summary(value)))
    return sn


def _epoch_ms_field(data, field, sn):
    """``(epoch milliseconds, ISO 8601)`` of a timestamp field."""
    value = data[field]
    # bool is an int subclass, but True is no timestamp.
    is_integer = isinstance(value, int) and not isinstance(value, bool)
    if not (is_integer or (isinstance(value, str) and _DIGITS.match(value))):
        raise _malformed(sn, '%s must be epoch milliseconds (an integer or a string of digits), got %s' % (field, _value_summary(value)))
    epoch_ms = int(value)
    try:
        return epoch_ms, iso8601_utc(epoch_ms)
    except ValueError:
        raise _malformed(sn, '%s is out of range, got %s' % (field, _value_summary(value))) from None


def _status_name(status):
    return _STATUS_NAMES.get(str(status), str(status))


# --- certificate parsing ---------------------------------------------------------------------------


def _attempt(warnings, sn, source, result, describe, *args):
    """``describe(*args)``, or None plus a one-line warning when the certificate in ``source`` cannot be described."""
    try:
        return describe(*args)
    # cryptography signals bad input with many exception types (ValueError, UnsupportedAlgorithm,
    # TypeError, Rust-side errors) that differ between versions; none of them may fail the module.
    except Exception as error:  # pylint: disable=broad-exception-caught
        reason = ' '.join(str(error).split()) or type(error).__name__
        warnings.append('CA certificate %s: %s cannot be read as an X.509 certificate (%s); %s is null' % (sn, source, reason, result))
        return None


def _load_first_certificate(pem):
    """The first certificate of a PEM text and the number of certificate blocks it holds."""
    blocks = _CERTIFICATE_BLOCK.findall(pem)
    if not blocks:
        raise ValueError('no "BEGIN CERTIFICATE" block found')
    return x509.load_pem_x509_certificate(blocks[0].encode('utf-8')), len(blocks)


def _describe_certificate_bundle(pem):
    certificate, count = _load_first_certificate(pem)
    return certificate, _x509_facts(certificate, count)


def _describe_verification(pem, ca_certificate, registration_code):
    certificate = _load_first_certificate(pem)[0]
    common_names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    common_name = common_names[0].value if common_names else None
    return {
        'common_name': common_name,
        'matches_registration_code': common_name is not None and common_name == registration_code,
        'signed_by_ca': ca_certificate is not None and _is_signed_by(certificate, ca_certificate),
    }


def _x509_facts(certificate, certificates_in_pem):
    public_key = certificate.public_key()
    return {
        'subject': _name_dict(certificate.subject),
        'issuer': _name_dict(certificate.issuer),
        'serial_number': certificate.serial_number,
        'fingerprints': {
            'sha1': _colon_hex(certificate.fingerprint(hashes.SHA1())),
            'sha256': _colon_hex(certificate.fingerprint(hashes.SHA256())),
        },
        'not_before': _asn1_time(_utc_attribute(certificate, 'not_valid_before')),
        'not_after': _asn1_time(_utc_attribute(certificate, 'not_valid_after')),
        'signature_algorithm': _oid_name(certificate.signature_algorithm_oid),
        'public_key_type': _public_key_type(public_key),
        'public_key_size': _public_key_size(public_key),
        'is_ca': _is_ca(certificate),
        'self_signed': certificate.subject == certificate.issuer and _is_signed_by(certificate, certificate),
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


def _public_key_type(public_key):
    # Names as community.crypto reports them.
    for key_class, type_name in ((rsa.RSAPublicKey, 'RSA'), (dsa.DSAPublicKey, 'DSA'), (ec.EllipticCurvePublicKey, 'ECC'),
                                 (ed25519.Ed25519PublicKey, 'Ed25519'), (ed448.Ed448PublicKey, 'Ed448'),
                                 (x25519.X25519PublicKey, 'X25519'), (x448.X448PublicKey, 'X448')):
        if isinstance(public_key, key_class):
            return type_name
    return 'unknown (%s)' % type(public_key).__name__


def _public_key_size(public_key):
    """Bits: the modulus for RSA/DSA, the curve for EC, the raw public key for Ed25519/Ed448/X25519/X448."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return public_key.curve.key_size
    if isinstance(public_key, (rsa.RSAPublicKey, dsa.DSAPublicKey)):
        return public_key.key_size
    if isinstance(public_key, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey, x25519.X25519PublicKey, x448.X448PublicKey)):
        return 8 * len(public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    return None


def _is_ca(certificate):
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _is_signed_by(certificate, issuer_certificate):
    """True when the issuer's public key verifies the certificate's signature; False when it does not or cannot."""
    try:
        _verify_signature(issuer_certificate.public_key(), certificate)
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
    elif isinstance(public_key, dsa.DSAPublicKey):
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
