# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""The server side of both Alibaba Cloud signature algorithms, written from the published specification.

Deliberately independent of the collection's own signer (plugins/): a bug shared by both would hide.
"""

import base64
import dataclasses
import hashlib
import hmac
import urllib.parse

V3_ALGORITHM = 'ACS3-HMAC-SHA256'
RPC_ALGORITHM = 'HMAC-SHA1'


def percent_encode(text):
    """RFC 3986 on UTF-8 bytes: only A-Z a-z 0-9 - _ . ~ stay as they are."""
    return urllib.parse.quote(text, safe='-_.~', encoding='utf-8', errors='strict')


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def canonical_query(pairs):
    """Pairs of decoded (name, value), re-encoded and sorted by encoded name then value."""
    encoded = sorted((percent_encode(name), percent_encode(value)) for name, value in pairs)
    return '&'.join(f'{name}={value}' for name, value in encoded)


def one_line(text):
    """Multi-line signing strings shown in a one-line error message."""
    return text.replace('\n', '\\n')


@dataclasses.dataclass(frozen=True)
class V3SigningInput:
    """Everything an ACS3-HMAC-SHA256 signature covers, as the server received it."""

    method: str
    path: str
    query: tuple        # decoded (name, value) pairs of the query string
    headers: tuple      # (lower-case name, trimmed value) of each signed header, sorted by name
    payload_sha256: str  # hex SHA-256 of the body the server received

    algorithm = V3_ALGORITHM

    def canonical_request(self):
        canonical_headers = ''.join(f'{name}:{value}\n' for name, value in self.headers)
        signed_headers = ';'.join(name for name, _value in self.headers)
        return '\n'.join((self.method, self.path, canonical_query(self.query), canonical_headers, signed_headers, self.payload_sha256))

    def string_to_sign(self):
        return f'{V3_ALGORITHM}\n{sha256_hex(self.canonical_request().encode("utf-8"))}'

    def sign(self, secret):
        return hmac.new(secret.encode('utf-8'), self.string_to_sign().encode('utf-8'), hashlib.sha256).hexdigest()

    def explain(self):
        return f'server string to sign is: {one_line(self.string_to_sign())} canonical request is: {one_line(self.canonical_request())}'


@dataclasses.dataclass(frozen=True)
class RpcSigningInput:
    """Everything an HMAC-SHA1 (RPC) signature covers: the method and every parameter but Signature."""

    method: str
    params: tuple  # decoded (name, value) pairs from the query and the form body

    algorithm = RPC_ALGORITHM

    def string_to_sign(self):
        return f'{self.method}&{percent_encode("/")}&{percent_encode(canonical_query(self.params))}'

    def sign(self, secret):
        key = f'{secret}&'.encode('utf-8')
        return base64.b64encode(hmac.new(key, self.string_to_sign().encode('utf-8'), hashlib.sha1).digest()).decode('ascii')

    def explain(self):
        return f'server string to sign is: {self.string_to_sign()}'
