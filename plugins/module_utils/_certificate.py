# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""What every certificate of the API is described with, whatever it certifies: canonical PEM, ISO 8601 dates and
expiry, status words, API fields checked, X.509 facts parsed without failing.

Pure functions: no network, no module object; the caller supplies the clock. API data that makes the facts
meaningless raises ``ValueError`` (one line, naming the field and the SN). The certificates are parsed by ``_x509``,
imported on the first call that has one to parse (``x509_module``), so that runs without a certificate never load
``cryptography``; when it cannot be imported, ``CryptographyMissing`` is raised (callers report
``missing_required_lib('cryptography')``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import datetime
import hashlib
import re

MS_PER_DAY = 86400000
_EPOCH = datetime.datetime(1970, 1, 1)
_STATUS_NAMES = {'1': 'active', '0': 'inactive'}
_DIGITS = re.compile(r'\A[0-9]+\Z')
# The epoch seconds a datetime can hold (years 1 to 9999): a timestamp is checked against them without building one.
_EPOCH_SECONDS = ((datetime.datetime.min - _EPOCH) // datetime.timedelta(seconds=1), (datetime.datetime.max - _EPOCH) // datetime.timedelta(seconds=1))
_LITERAL_LINE_BREAK = re.compile(r'\\r\\n|\\n')
_MAX_VALUE_REPR = 40
_FIRST_CERTIFICATE = re.compile(r'-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----', re.DOTALL)


class CryptographyMissing(Exception):
    """A certificate is to be parsed and ``cryptography`` cannot be imported; ``import_error`` is the import's traceback."""

    def __init__(self, import_error):
        super(CryptographyMissing, self).__init__('cryptography cannot be imported')
        self.import_error = import_error


def x509_module():
    """The ``_x509`` module, imported on first use; raises CryptographyMissing when cryptography cannot be imported."""
    from ansible_collections.alibabacloud.apsaramq.plugins.module_utils import _x509
    if not _x509.HAS_CRYPTOGRAPHY:
        raise CryptographyMissing(_x509.CRYPTOGRAPHY_IMPORT_ERROR)
    return _x509


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


def sha256_fingerprint(pem):
    """The SHA-256 fingerprint of the first certificate of ``pem``, as x509 facts show it (lowercase, colon-separated);
    None when there is no readable certificate block. No parsing: a listing of many CAs is compared cheaply."""
    block = _FIRST_CERTIFICATE.search(_LITERAL_LINE_BREAK.sub('\n', pem or ''))
    if block is None:
        return None
    try:
        der = base64.b64decode(''.join(block.group(1).split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return ':'.join('%02x' % byte for byte in bytearray(hashlib.sha256(der).digest()))


def iso8601_utc(epoch_ms):
    """``YYYY-MM-DDTHH:MM:SSZ`` of epoch milliseconds; ValueError when out of the datetime range."""
    try:
        moment = _EPOCH + datetime.timedelta(seconds=epoch_ms // 1000)
    except OverflowError:
        raise ValueError('epoch milliseconds out of range: %d' % epoch_ms) from None
    return '%04d-%02d-%02dT%02d:%02d:%02dZ' % moment.timetuple()[:6]


def status_name(status):
    """``active`` or ``inactive`` for the API's ``"1"`` and ``"0"``; any other value passed through verbatim."""
    return _STATUS_NAMES.get(str(status), str(status))


class ApiFields:
    """The fields an API object of one kind must have: ``kind`` names it in messages, ``sn_field`` identifies it."""

    def __init__(self, kind, sn_field, required, text):
        self.kind = kind
        self.sn_field = sn_field
        self.required = required
        self.text = text

    def checked_sn(self, data):
        """The SN, once ``data`` has proven to be an object with every required field, text fields being strings."""
        if not isinstance(data, dict):
            raise self.malformed(None, 'Data must be an object, got %s' % _value_summary(data))
        sn = data.get(self.sn_field) if isinstance(data.get(self.sn_field), str) else None
        for field in self.required:
            if data.get(field) is None:
                raise self.malformed(sn, 'required field %s is missing or null' % field)
        for field in self.text:
            value = data.get(field)
            if value is not None and not isinstance(value, str):
                raise self.malformed(sn, '%s must be a string, got %s' % (field, _value_summary(value)))
        return sn

    def validity(self, data, sn, now_ms):
        """``valid_begin``, ``valid_end`` (ISO 8601), their epoch milliseconds, ``expired`` and ``days_remaining`` (floor)."""
        valid_begin_ms, valid_end_ms = self._validity_ms(data, sn)
        return {
            'valid_begin': iso8601_utc(valid_begin_ms),
            'valid_end': iso8601_utc(valid_end_ms),
            'valid_begin_ms': valid_begin_ms,
            'valid_end_ms': valid_end_ms,
            'expired': now_ms > valid_end_ms,
            'days_remaining': (valid_end_ms - now_ms) // MS_PER_DAY,
        }

    def days_remaining(self, data, sn, now_ms):
        """``validity()``'s ``days_remaining``, both fields checked alike, without the ISO 8601 texts: what a filter reads of
        every object of a listing, most of which it drops."""
        return (self._validity_ms(data, sn)[1] - now_ms) // MS_PER_DAY

    def malformed(self, sn, problem):
        where = 'SN %r' % sn if sn is not None else 'SN unknown'
        return ValueError('malformed %s data (%s): %s' % (self.kind, where, problem))

    def _validity_ms(self, data, sn):
        return self._epoch_ms_field(data, 'ValidBegin', sn), self._epoch_ms_field(data, 'ValidEnd', sn)

    def _epoch_ms_field(self, data, field, sn):
        """The epoch milliseconds of a timestamp field, within what ``iso8601_utc`` can write."""
        value = data[field]
        # bool is an int subclass, but True is no timestamp.
        is_integer = isinstance(value, int) and not isinstance(value, bool)
        if not (is_integer or (isinstance(value, str) and _DIGITS.match(value))):
            raise self.malformed(sn, '%s must be epoch milliseconds (an integer or a string of digits), got %s' % (field, _value_summary(value)))
        epoch_ms = int(value)
        if not _EPOCH_SECONDS[0] <= epoch_ms // 1000 <= _EPOCH_SECONDS[1]:
            raise self.malformed(sn, '%s is out of range, got %s' % (field, _value_summary(value)))
        return epoch_ms


def _value_summary(value):
    """Type and a bounded repr: enough to diagnose, never a whole certificate in an error line."""
    shown = repr(value)
    if len(shown) > _MAX_VALUE_REPR:
        shown = shown[:_MAX_VALUE_REPR - 3] + '...'
    return '%s %s' % (type(value).__name__, shown)


def parsed_or_warning(warnings, subject, source, result, describe, *args):
    """``describe(*args)``, or None plus a one-line warning when the certificate in ``source`` cannot be described.

    ``subject`` names the certificate (``CA certificate SN``), ``result`` the fact that becomes null.
    """
    try:
        return describe(*args)
    # cryptography signals bad input with many exception types (ValueError, UnsupportedAlgorithm,
    # TypeError, Rust-side errors) that differ between versions; none of them may fail the module.
    except Exception as error:  # pylint: disable=broad-exception-caught
        reason = ' '.join(str(error).split()) or type(error).__name__
        warnings.append('%s: %s cannot be read as an X.509 certificate (%s); %s is null' % (subject, source, reason, result))
        return None
