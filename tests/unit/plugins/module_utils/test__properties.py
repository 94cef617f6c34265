# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Property tests (hypothesis): the signer's canonical forms, the PEM canonicalizer and the answer parser on arbitrary input."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import hmac
import json
import string

from hypothesis import given, settings, strategies as st

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import canonical_pem
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._client import decode_answer
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError, ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._signing import (
    Credentials, acs3_headers, canonical_query, percent_encode, rpc_params,
)

# Modest example counts: the whole file runs in a few seconds, within CI's budget.
PROPERTY_SETTINGS = settings(max_examples=100, deadline=None)
KEYS = Credentials('property-key-id', 'property-secret', None, 'test')
UNRESERVED = frozenset((string.ascii_letters + string.digits + '-_.~').encode('ascii'))
RESERVED = ":/?#[]@!$&'()*+,;=% \t\r\n\"<>\\^`{|}"

# Any Unicode text (surrogates cannot be UTF-8 encoded and never come from YAML or JSON), weighted towards reserved characters.
TEXT = st.text(alphabet=st.one_of(st.characters(blacklist_categories=('Cs',)), st.sampled_from(RESERVED)), max_size=20)
PARAMS = st.dictionaries(TEXT, TEXT, max_size=6)


def reference_encode(text):
    """RFC 3986 percent-encoding of the UTF-8 bytes, written byte by byte from the specification."""
    return ''.join(chr(byte) if byte in UNRESERVED else '%%%02X' % byte for byte in text.encode('utf-8'))


def reference_query(params):
    return '&'.join('%s=%s' % pair for pair in sorted((reference_encode(name), reference_encode(value)) for name, value in params.items()))


@PROPERTY_SETTINGS
@given(TEXT)
def test_percent_encoding_matches_the_reference(text):
    assert percent_encode(text) == reference_encode(text)


@PROPERTY_SETTINGS
@given(PARAMS)
def test_canonical_query_matches_the_reference(params):
    assert canonical_query(params) == reference_query(params)


@PROPERTY_SETTINGS
@given(PARAMS)
def test_acs3_signature_matches_the_reference(params):
    headers = acs3_headers('GET', 'onsmqtt.cn-hangzhou.aliyuncs.com', params, 'GetCaCertificate', '2020-04-20', KEYS,
                           '2026-01-01T00:00:00Z', 'nonce-1')
    signed = {name: value for name, value in headers.items() if name != 'Authorization'}
    names = sorted(signed)
    canonical = '\n'.join(['GET', '/', reference_query(params), ''.join('%s:%s\n' % (name, signed[name].strip()) for name in names),
                           ';'.join(names), hashlib.sha256(b'').hexdigest()])
    string_to_sign = 'ACS3-HMAC-SHA256\n' + hashlib.sha256(canonical.encode('utf-8')).hexdigest()
    expected = hmac.new(b'property-secret', string_to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    assert headers['Authorization'].endswith(',SignedHeaders=%s,Signature=%s' % (';'.join(names), expected))


# The RPC common parameters are the protocol's own names; no API parameter is called so.
RPC_COMMON_NAMES = frozenset(['Action', 'Version', 'Format', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce',
                              'Timestamp', 'Signature', 'SecurityToken'])
RPC_PARAMS = PARAMS.map(lambda params: {name: value for name, value in params.items() if name not in RPC_COMMON_NAMES})


@PROPERTY_SETTINGS
@given(RPC_PARAMS)
def test_rpc_signature_matches_the_reference(params):
    signed = rpc_params('GET', params, 'GetCaCertificate', '2020-04-20', KEYS, '2026-01-01T00:00:00Z', 'nonce-1')
    unsigned = {name: value for name, value in signed.items() if name != 'Signature'}
    string_to_sign = 'GET&%2F&' + reference_encode(reference_query(unsigned))
    expected = base64.b64encode(hmac.new(b'property-secret&', string_to_sign.encode('utf-8'), hashlib.sha1).digest()).decode('ascii')
    assert signed['Signature'] == expected


PEM_TEXT = st.lists(st.one_of(st.characters(), st.sampled_from(['\\n', '\\r\\n', '\r\n', '\r', '\n', ' ', '\\'])), max_size=40).map(''.join)


@PROPERTY_SETTINGS
@given(PEM_TEXT)
def test_canonical_pem_never_raises_and_is_idempotent(text):
    canonical = canonical_pem(text)
    if canonical is None:
        assert not text.replace('\\r\\n', '').replace('\\n', '').strip()
    else:
        assert canonical_pem(canonical) == canonical
        assert canonical.endswith('\n') and not canonical.endswith('\n\n') and '\r' not in canonical


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=8,
)
ANSWER_FIELDS = st.fixed_dictionaries({}, optional={
    'RequestId': JSON_VALUES, 'Code': JSON_VALUES, 'Message': JSON_VALUES, 'Success': JSON_VALUES, 'Data': JSON_VALUES})
HEADERS = st.fixed_dictionaries({}, optional={
    'x-acs-request-id': st.text(max_size=10), 'x-acs-retry-after': st.text(max_size=10), 'Content-Type': st.text(max_size=10)})


def assert_decodes_or_fails_cleanly(status, headers, content):
    try:
        body = decode_answer('GetCaCertificate', 'http://127.0.0.1:1', status, headers, content)
    except ApiError as exc:
        assert str(exc).startswith('GetCaCertificate failed: ') and '\n' not in str(exc)
        assert isinstance(exc.code, str) and exc.http_status == status
    except ApsaraMQError as exc:
        assert '\n' not in str(exc)
    else:
        assert isinstance(body, dict) and 200 <= status < 300


@PROPERTY_SETTINGS
@given(st.integers(100, 599), HEADERS, st.one_of(JSON_VALUES, ANSWER_FIELDS))
def test_answer_parser_raises_only_our_errors_on_arbitrary_json(status, headers, document):
    assert_decodes_or_fails_cleanly(status, headers, json.dumps(document).encode('utf-8'))


@PROPERTY_SETTINGS
@given(st.integers(100, 599), st.binary(max_size=200))
def test_answer_parser_raises_only_our_errors_on_arbitrary_bytes(status, content):
    assert_decodes_or_fails_cleanly(status, {}, content)
