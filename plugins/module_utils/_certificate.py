# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Facts about one CA certificate of ApsaraMQ for MQTT, from the API's ``Data`` object.

Pure functions: no network, no module object; the caller supplies the clock.
``describe_ca`` raises ``ValueError`` (one line, naming the field and the SN) only for API data
that makes the facts meaningless; certificates that do not parse become ``None`` plus a warning.
The certificates are parsed by ``_x509``, imported on the first call that has one to parse, so
that runs without a certificate never load ``cryptography``; when it cannot be imported,
``describe_ca`` raises ``CryptographyMissing`` (callers report ``missing_required_lib('cryptography')``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

MS_PER_DAY = 86400000
_EPOCH = datetime.datetime(1970, 1, 1)
_STATUS_NAMES = {'1': 'active', '0': 'inactive'}
_REQUIRED_FIELDS = ('Sn', 'CaName', 'RegistrationCode', 'Status', 'CaContent', 'ValidBegin', 'ValidEnd')
_TEXT_FIELDS = ('Sn', 'CaName', 'RegistrationCode', 'CaContent', 'VerificationContent')
_DIGITS = re.compile(r'\A[0-9]+\Z')
_LITERAL_LINE_BREAK = re.compile(r'\\r\\n|\\n')
_MAX_VALUE_REPR = 40


class CryptographyMissing(Exception):
    """A certificate is to be parsed and ``cryptography`` cannot be imported; ``import_error`` is the import's traceback."""

    def __init__(self, import_error):
        super(CryptographyMissing, self).__init__('cryptography cannot be imported')
        self.import_error = import_error


def _x509():
    """The ``_x509`` module, imported on first use; raises CryptographyMissing when cryptography cannot be imported."""
    from ansible_collections.alibabacloud.apsaramq.plugins.module_utils import _x509 as x509_module
    if not x509_module.HAS_CRYPTOGRAPHY:
        raise CryptographyMissing(x509_module.CRYPTOGRAPHY_IMPORT_ERROR)
    return x509_module


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

    x509 = _x509()
    warnings = []
    described = _attempt(warnings, sn, 'ca_pem', 'x509', x509.describe_bundle, ca_pem)
    ca_certificate, x509_facts = described or (None, None)
    verification = None
    if verification_pem is not None:
        verification = _attempt(warnings, sn, 'verification_pem', 'verification', x509.describe_verification,
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
