# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Every access key the emulator accepts: the fixtures' and the temporary ones it issues itself (STS, ECS metadata)."""

import base64
import secrets
import string
import threading

from _auth import utc_text
from _fixtures import Credential

ALPHANUMERIC = string.ascii_letters + string.digits


def _random_text(length):
    return ''.join(secrets.choice(ALPHANUMERIC) for _index in range(length))


class Keyring:
    """What authenticate() looks keys up in; thread-safe. Issued keys last the emulator's lifetime (a reset keeps them)."""

    def __init__(self, fixtures):
        self._fixtures = fixtures
        self._lock = threading.Lock()
        self._issued = {}  # access key ID -> Credential
        self._issued_tokens = set()

    def credential(self, access_key_id):
        with self._lock:
            issued = self._issued.get(access_key_id)
        return issued or self._fixtures.credential(access_key_id)

    def is_issued_token(self, token):
        with self._lock:
            issued = token in self._issued_tokens
        return issued or self._fixtures.is_issued_token(token)

    def issue(self, account, expiration):
        """A new temporary key of `account`, usable with its token until `expiration` (server time, seconds)."""
        # Real tokens are long base64 texts: '+', '/' and '=' test a client's percent-encoding.
        token = 'CAIS' + base64.b64encode(secrets.token_bytes(240)).decode('ascii')
        credential = Credential(f'STS.{_random_text(24)}', _random_text(40), token, account, expiration=expiration)
        with self._lock:
            self._issued[credential.access_key_id] = credential
            self._issued_tokens.add(token)
        return credential


def key_answer(credential):
    """A temporary key as STS and the ECS metadata service hand it out."""
    return {
        'AccessKeyId': credential.access_key_id,
        'AccessKeySecret': credential.secret,
        'SecurityToken': credential.security_token,
        'Expiration': utc_text(credential.expiration),
    }
