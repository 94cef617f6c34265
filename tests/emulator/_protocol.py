# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Reads an API call off the HTTP request, for either signature algorithm, or none.

Reading is tolerant (missing fields are None, so that the request log can say what it could);
`signing_input()` then insists on everything the algorithm needs. An RPC call that carries no signature
material at all is read as UNSIGNED: only anonymous actions, and onsmqtt under --accept-unsigned, take it.
"""

import dataclasses
import http.client
import re
import urllib.parse

from _errors import ApiError
from _signatures import RPC_ALGORITHM, V3_ALGORITHM, RpcSigningInput, V3SigningInput, sha256_hex

FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded'
MAX_PARAMETERS = 1000
V3_AUTHORIZATION = re.compile(r'(?P<algorithm>\S+) Credential=(?P<credential>[^,]*),SignedHeaders=(?P<signed_headers>[^,]*),Signature=(?P<signature>\S*)')
V3_REQUIRED_HEADERS = ('x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256')
RPC_REQUIRED_PARAMETERS = ('Action', 'Version', 'Format', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Signature')
RPC_SIGNATURE_PARAMETERS = ('AccessKeyId', 'Signature', 'SignatureMethod', 'SecurityToken')
UNSIGNED = 'unsigned'  # the algorithm of a call without any signature material


@dataclasses.dataclass(frozen=True)
class IncomingRequest:
    """The parts of an HTTP request the emulator looks at."""

    method: str
    path: str
    query_string: str
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name):
        """Every occurrence of a header, trimmed and joined by commas; None when absent."""
        values = self.headers.get_all(name)
        return None if values is None else ','.join(value.strip() for value in values)

    def header_names(self):
        return {name.lower() for name in self.headers.keys()}

    def query_pairs(self):
        return _decode_pairs(self.query_string, 'query string')

    def form_pairs(self):
        content_type = (self.header('Content-Type') or '').partition(';')[0].strip().lower()
        if content_type != FORM_CONTENT_TYPE or not self.body:
            return []
        try:
            body = self.body.decode('utf-8')
        except UnicodeDecodeError as exc:
            raise ApiError('ParameterFieldCheckFailed', 'The form body is not UTF-8.') from exc
        return _decode_pairs(body, 'form body')

    def parameters(self):
        """API parameters from the query string and a form body; a name given twice is refused."""
        params = {}
        for name, value in self.query_pairs() + self.form_pairs():
            if name in params:
                raise ApiError('ParameterFieldCheckFailed', f'The parameter {name} is given more than once.')
            params[name] = value
        return params


def _decode_pairs(encoded, where):
    try:
        return urllib.parse.parse_qsl(encoded, keep_blank_values=True, errors='strict', max_num_fields=MAX_PARAMETERS)
    except ValueError as exc:  # UnicodeDecodeError included
        raise ApiError('ParameterFieldCheckFailed', f'The {where} cannot be decoded as UTF-8 parameters.') from exc


@dataclasses.dataclass(frozen=True)
class SignedCall:
    """The protocol fields of an API call as the client sent them (None when absent)."""

    algorithm: str
    action: str
    version: str
    access_key_id: str
    security_token: str
    timestamp: str
    nonce: str
    signature: str
    params: dict

    @property
    def unsigned(self):
        return self.algorithm == UNSIGNED


@dataclasses.dataclass(frozen=True)
class V3Call(SignedCall):
    signed_headers: str

    def signing_input(self, request):
        if self.algorithm != V3_ALGORITHM or self.signed_headers is None:
            raise ApiError('IncompleteSignature', f'Expected "Authorization: {V3_ALGORITHM} Credential=...,SignedHeaders=...,Signature=...".')
        if not self.access_key_id or not self.signature:
            raise ApiError('IncompleteSignature', 'The Authorization header has an empty Credential or Signature.')
        for name in V3_REQUIRED_HEADERS:
            _require(request.header(name), f'header {name}')
        signed_names = sorted({name.strip().lower() for name in self.signed_headers.split(';')})
        _check_signed_header_names(request, signed_names)
        payload_sha256 = sha256_hex(request.body)
        if request.header('x-acs-content-sha256') != payload_sha256:
            raise ApiError('SignatureDoesNotMatch', 'The x-acs-content-sha256 header is not the hex SHA-256 of the request body.')
        signed_headers = tuple((name, request.header(name)) for name in signed_names)
        return V3SigningInput(request.method, request.path, tuple(request.query_pairs()), signed_headers, payload_sha256)


def _check_signed_header_names(request, signed_names):
    must_sign = {'host'} | {name for name in request.header_names() if name.startswith('x-acs-')}
    unsigned = sorted(must_sign.difference(signed_names))
    if unsigned:
        raise ApiError('IncompleteSignature', f'SignedHeaders must include {", ".join(unsigned)}.')
    absent = [name for name in signed_names if request.header(name) is None]
    if absent:
        raise ApiError('IncompleteSignature', f'SignedHeaders names headers the request lacks: {", ".join(absent)}.')


@dataclasses.dataclass(frozen=True)
class RpcCall(SignedCall):

    def signing_input(self, request):
        for name in RPC_REQUIRED_PARAMETERS:
            _require(self.params.get(name), name)
        if self.algorithm != RPC_ALGORITHM or self.params['SignatureVersion'] != '1.0':
            raise ApiError('IncompleteSignature', f'Expected SignatureMethod={RPC_ALGORITHM} and SignatureVersion=1.0.')
        if self.params['Format'].upper() != 'JSON':
            raise ApiError('ParameterFieldCheckFailed', 'Format: the emulator answers JSON only.')
        return RpcSigningInput(request.method, tuple((name, value) for name, value in self.params.items() if name != 'Signature'))


def _require(value, what):
    if not value:
        raise ApiError('MissingParameter', f'{what} is mandatory for this action.')


def read_call(request):
    """A V3 call when there is an Authorization header, an RPC call (perhaps UNSIGNED) otherwise."""
    authorization = request.header('Authorization')
    if authorization is not None:
        return _read_v3_call(request, authorization)
    return _read_rpc_call(request)


def _read_v3_call(request, authorization):
    parts = V3_AUTHORIZATION.fullmatch(authorization)
    return V3Call(
        algorithm=parts['algorithm'] if parts else authorization.split(' ')[0],
        action=request.header('x-acs-action'),
        version=request.header('x-acs-version'),
        access_key_id=parts['credential'] if parts else None,
        security_token=request.header('x-acs-security-token'),
        timestamp=request.header('x-acs-date'),
        nonce=request.header('x-acs-signature-nonce'),
        signature=parts['signature'] if parts else None,
        params=request.parameters(),
        signed_headers=parts['signed_headers'] if parts else None,
    )


def _read_rpc_call(request):
    params = request.parameters()
    unsigned = not any(name in params for name in RPC_SIGNATURE_PARAMETERS)
    return RpcCall(
        algorithm=UNSIGNED if unsigned else params.get('SignatureMethod'),
        action=params.get('Action'),
        version=params.get('Version'),
        access_key_id=params.get('AccessKeyId'),
        security_token=params.get('SecurityToken'),
        timestamp=params.get('Timestamp'),
        nonce=params.get('SignatureNonce'),
        signature=params.get('Signature'),
        params=params,
    )
