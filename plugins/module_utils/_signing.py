# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Alibaba Cloud request signatures: ACS3-HMAC-SHA256 (V3) and HMAC-SHA1 (RPC).

Pure functions of their inputs: the caller supplies the clock and the nonce, so that the
official test vectors can be reproduced exactly. Standard library only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import hmac
from collections import namedtuple

from urllib.parse import quote

ACS3 = 'ACS3-HMAC-SHA256'
HMAC_SHA1 = 'HMAC-SHA1'
SIGNATURE_ALGORITHMS = (ACS3, HMAC_SHA1)

# What a request is signed with; ``source`` says where the keys came from, for messages.
Credentials = namedtuple('Credentials', ['access_key_id', 'access_key_secret', 'security_token', 'source'])

EMPTY_BODY_SHA256 = hashlib.sha256(b'').hexdigest()
TIMESTAMP_FORMAT = '%Y-%m-%dT%H:%M:%SZ'


def percent_encode(value):
    """RFC 3986 encoding of the UTF-8 bytes, as both algorithms require (space is %20, ~ stays)."""
    return quote(str(value).encode('utf-8'), safe='-_.~')


def canonical_query(params):
    """Sorted "k=v" pairs, encoded; byte order, so sorting is case-sensitive as the RPC vectors demand."""
    pairs = sorted((percent_encode(key), percent_encode('' if value is None else value)) for key, value in params.items())
    return '&'.join('%s=%s' % pair for pair in pairs)


def _sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def acs3_canonical_request(method, query, headers, body_sha256):
    """The V3 canonical request; ``headers`` are exactly the headers to sign."""
    names = sorted(headers, key=str.lower)
    canonical_headers = ''.join('%s:%s\n' % (name.lower(), str(headers[name]).strip()) for name in names)
    signed_headers = ';'.join(name.lower() for name in names)
    canonical = '\n'.join([method.upper(), '/', canonical_query(query), canonical_headers, signed_headers, body_sha256])
    return canonical, signed_headers


def acs3_signature(access_key_secret, canonical_request):
    string_to_sign = '%s\n%s' % (ACS3, _sha256_hex(canonical_request.encode('utf-8')))
    return hmac.new(access_key_secret.encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()


def acs3_headers(method, host, query, action, version, credentials, timestamp, nonce, body=b''):
    """All headers of a V3 request, Authorization included."""
    headers = {
        'host': host,
        'x-acs-action': action,
        'x-acs-version': version,
        'x-acs-date': timestamp,
        'x-acs-signature-nonce': nonce,
        'x-acs-content-sha256': _sha256_hex(body),
    }
    if credentials.security_token:
        headers['x-acs-security-token'] = credentials.security_token
    canonical, signed_headers = acs3_canonical_request(method, query, headers, headers['x-acs-content-sha256'])
    signature = acs3_signature(credentials.access_key_secret, canonical)
    headers['Authorization'] = '%s Credential=%s,SignedHeaders=%s,Signature=%s' % (
        ACS3, credentials.access_key_id, signed_headers, signature)
    return headers


def rpc_string_to_sign(method, params):
    return '%s&%s&%s' % (method.upper(), percent_encode('/'), percent_encode(canonical_query(params)))


def rpc_signature(access_key_secret, string_to_sign):
    digest = hmac.new((access_key_secret + '&').encode('utf-8'), string_to_sign.encode('utf-8'), hashlib.sha1).digest()
    return base64.b64encode(digest).decode('ascii')


def anonymous_rpc_params(params, action, version, timestamp, nonce):
    """The request's parameters with the RPC common parameters that do not depend on a key, for anonymous calls too."""
    common = dict(params)
    common.update({'Action': action, 'Version': version, 'Format': 'JSON', 'SignatureNonce': nonce, 'Timestamp': timestamp})
    return common


def rpc_params(method, params, action, version, credentials, timestamp, nonce):
    """The request's parameters with the RPC common parameters and the Signature added."""
    signed = anonymous_rpc_params(params, action, version, timestamp, nonce)
    signed.update({'AccessKeyId': credentials.access_key_id, 'SignatureMethod': HMAC_SHA1, 'SignatureVersion': '1.0'})
    if credentials.security_token:
        signed['SecurityToken'] = credentials.security_token
    signed['Signature'] = rpc_signature(credentials.access_key_secret, rpc_string_to_sign(method, signed))
    return signed
