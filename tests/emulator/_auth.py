# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Authenticates a call the way the real gateway does: key, token, clock, signature, nonce (clock and nonce only for an anonymous one)."""

import datetime
import hmac
import re
import threading

from _errors import ApiError
from _signatures import percent_encode

TIMESTAMP_WINDOW_SECONDS = 15 * 60
TIMESTAMP_FORMAT = '%Y-%m-%dT%H:%M:%SZ'
TIMESTAMP_PATTERN = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z')
REDACTED = '<redacted>'


class NonceRegistry:
    """Signature nonces seen recently; thread-safe."""

    # A request is accepted while its timestamp is within the window either way of the server clock,
    # so a nonce must be remembered for two windows after it was first seen.
    RETENTION_SECONDS = 2 * TIMESTAMP_WINDOW_SECONDS

    def __init__(self):
        self._lock = threading.Lock()
        self._first_seen = {}  # nonce -> server time; insertion order is time order

    def claim(self, nonce, now):
        """True the first time a nonce is seen within the retention period."""
        with self._lock:
            self._forget_before(now - self.RETENTION_SECONDS)
            if nonce in self._first_seen:
                return False
            self._first_seen[nonce] = now
            return True

    def clear(self):
        with self._lock:
            self._first_seen.clear()

    def _forget_before(self, cutoff):
        while self._first_seen:
            oldest = next(iter(self._first_seen))
            if self._first_seen[oldest] >= cutoff:
                return
            del self._first_seen[oldest]


def authenticate(call, signing, credentials, nonces, now, cross_check=None):
    """The call's Credential; raises ApiError unless it is signed by a known key, in time and for the first time.

    `credentials` answers `credential(access_key_id)` and `is_issued_token(token)`;
    `cross_check(call, signing, credential)`, when given, is a second signature check.
    """
    credential = credentials.credential(call.access_key_id)
    if credential is None:
        raise ApiError('InvalidAccessKeyId.NotFound')
    _check_security_token(credential, call.security_token, credentials)
    if credential.expiration is not None and now >= credential.expiration:
        raise ApiError('InvalidSecurityToken.Expired', f'The temporary key expired at {utc_text(credential.expiration)}.')
    _check_timestamp(call.timestamp, now)
    if not _same(signing.sign(credential.secret), call.signature):
        raise ApiError('SignatureDoesNotMatch', redact(signing.explain(), call.security_token))
    if cross_check is not None:
        cross_check(call, signing, credential)
    if not nonces.claim(call.nonce, now):
        raise ApiError('SignatureNonceUsed')
    return credential


def check_unsigned_call(call, nonces, now):
    """An anonymous call needs no key, but must be in time and, when it sends a nonce, send a new one."""
    if not call.timestamp:
        raise ApiError('MissingParameter', 'Timestamp is mandatory for this action.')
    _check_timestamp(call.timestamp, now)
    if call.nonce and not nonces.claim(call.nonce, now):
        raise ApiError('SignatureNonceUsed')


def utc_text(seconds):
    """Server time (seconds since the epoch) as the API writes times: YYYY-MM-DDThh:mm:ssZ."""
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime(TIMESTAMP_FORMAT)


def _check_security_token(credential, token, credentials):
    if not token:
        if credential.security_token:
            raise ApiError('MissingSecurityToken', 'This access key is temporary: send its security token.')
        return
    if credential.security_token and _same(token, credential.security_token):
        return
    if credentials.is_issued_token(token):
        raise ApiError('InvalidSecurityToken.MismatchWithAccessKey')
    raise ApiError('InvalidSecurityToken.Malformed')


def _check_timestamp(timestamp, now):
    if not TIMESTAMP_PATTERN.fullmatch(timestamp):
        raise ApiError('InvalidTimeStamp.Format', f'Expected YYYY-MM-DDThh:mm:ssZ in UTC, got {timestamp!r}.')
    try:
        moment = datetime.datetime.strptime(timestamp, TIMESTAMP_FORMAT).replace(tzinfo=datetime.timezone.utc)
    except ValueError as exc:
        raise ApiError('InvalidTimeStamp.Format', f'{timestamp!r} is not a valid date.') from exc
    if abs(now - moment.timestamp()) > TIMESTAMP_WINDOW_SECONDS:
        raise ApiError('InvalidTimeStamp.Expired', f'The request time {timestamp} is more than 15 minutes away from the server time {utc_text(now)}.')


def _same(expected, received):
    return hmac.compare_digest(expected.encode('utf-8'), received.encode('utf-8'))


def redact(text, secret):
    """Hides a secret in text, also in its percent-encoded and double-encoded (RPC string-to-sign) forms."""
    if not secret:
        return text
    for form in (percent_encode(percent_encode(secret)), percent_encode(secret), secret):
        text = text.replace(form, REDACTED)
    return text
