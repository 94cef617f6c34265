# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""The onsmqtt emulator, tested as a running server: the official SDK as an independent client,
a tiny test-only signer for requests the SDK would never send, and the fixture certificates."""

import base64
import concurrent.futures
import dataclasses
import datetime
import hashlib
import hmac
import http.client
import importlib.util
import json
import pathlib
import re
import signal
import ssl
import subprocess
import time
import urllib.error
import urllib.parse
import uuid

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from alibabacloud_onsmqtt20200420 import models as onsmqtt_models
from alibabacloud_tea_openapi.exceptions import ClientException

import emulator_client

VERSION = '2020-04-20'
INSTANCE = 'post-cn-emulator01'
EMPTY_INSTANCE = 'post-cn-emulator02'
SN_RSA_ACTIVE = '00e0a1c0ffee000001'
ALL_SNS = [f'00e0a1c0ffee00000{number}' for number in range(1, 8)]
GET_PARAMS = {'MqttInstanceId': INSTANCE, 'Sn': SN_RSA_ACTIVE}
REQUEST_ID = re.compile(r'[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}')
ERROR_KEYS = {'RequestId', 'HostId', 'Code', 'Message', 'Recommend'}
SIGNATURES_MODULE = pathlib.Path(__file__).resolve().parents[2] / 'emulator' / '_signatures.py'

# The SDK calls datetime.utcnow(), deprecated since Python 3.12: not this test's concern.
pytestmark = pytest.mark.filterwarnings('ignore::DeprecationWarning:alibabacloud_tea_openapi')


@dataclasses.dataclass(frozen=True)
class Key:
    access_key_id: str
    secret: str
    token: str = None


PERMANENT = Key('emulator-access-key-id', 'emulator-access-key-secret')
TEMPORARY = Key('STS.emulator-temporary-key-id', 'emulator-temporary-key-secret', 'emulator-security-token')
OTHER_ACCOUNT = Key('emulator-other-account-key-id', 'emulator-other-account-key-secret')
NO_PERMISSION = Key('emulator-no-permission-key-id', 'emulator-no-permission-key-secret')
SECRETS = (PERMANENT.secret, TEMPORARY.secret, TEMPORARY.token)


# --- a tiny test-only signer, written from the published specification -------------------------------
def rfc3986(text):
    return urllib.parse.quote(text, safe='-_.~')


def utc_timestamp(offset_seconds=0):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def sorted_query(pairs, encode):
    return '&'.join(sorted(f'{encode(name)}={encode(value)}' for name, value in pairs))


@dataclasses.dataclass(frozen=True)
class WireRequest:
    method: str
    query: tuple
    headers: dict
    body: bytes = b''


def v3_authorization(method, query, headers, key, encode=rfc3986):
    names = sorted(headers)
    canonical_headers = ''.join(f'{name}:{headers[name].strip()}\n' for name in names)
    canonical_request = '\n'.join((method, '/', sorted_query(query, encode), canonical_headers, ';'.join(names), headers['x-acs-content-sha256']))
    string_to_sign = f'ACS3-HMAC-SHA256\n{hashlib.sha256(canonical_request.encode()).hexdigest()}'
    signature = hmac.new(key.secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    return f'ACS3-HMAC-SHA256 Credential={key.access_key_id},SignedHeaders={";".join(names)},Signature={signature}'


def sign_v3(action, params, key=PERMANENT, method='GET', in_body=False, timestamp=None, nonce=None, host=None, version=VERSION):
    """The unsigned V3 request: finish_v3() signs it; `host` defaults to the emulator's address."""
    query = () if in_body else tuple(params.items())
    body = urllib.parse.urlencode(params, quote_via=urllib.parse.quote).encode() if in_body else b''
    headers = {
        'host': host or '{host}',
        'x-acs-action': action,
        'x-acs-version': version,
        'x-acs-date': timestamp or utc_timestamp(),
        'x-acs-signature-nonce': nonce or uuid.uuid4().hex,
        'x-acs-content-sha256': hashlib.sha256(body).hexdigest(),
    }
    if key.token:
        headers['x-acs-security-token'] = key.token
    if in_body:
        headers['content-type'] = 'application/x-www-form-urlencoded'
    return WireRequest(method, query, headers, body)


def rpc_signature(method, params, key, encode=rfc3986):
    string_to_sign = f'{method}&%2F&{encode(sorted_query(params.items(), encode))}'
    return base64.b64encode(hmac.new(f'{key.secret}&'.encode(), string_to_sign.encode(), hashlib.sha1).digest()).decode()


def sign_rpc(action, params, key=PERMANENT, method='GET', in_body=False, encode=rfc3986, timestamp=None, nonce=None, version=VERSION):
    signed = {
        'Action': action, 'Version': version, 'Format': 'JSON', 'AccessKeyId': key.access_key_id,
        'SignatureMethod': 'HMAC-SHA1', 'SignatureVersion': '1.0', 'SignatureNonce': nonce or uuid.uuid4().hex,
        'Timestamp': timestamp or utc_timestamp(), **params,
    }
    if key.token:
        signed['SecurityToken'] = key.token
    signed['Signature'] = rpc_signature(method, signed, key, encode)
    if in_body:
        body = urllib.parse.urlencode(signed, quote_via=urllib.parse.quote).encode()
        return WireRequest(method, (), {'content-type': 'application/x-www-form-urlencoded'}, body)
    return WireRequest(method, tuple(signed.items()), {})


def finish_v3(request, key, host, encode=rfc3986):
    """Fills in the host and signs, so that tests may change a V3 request before it is signed."""
    headers = {name: value.replace('{host}', host) for name, value in request.headers.items()}
    headers['Authorization'] = v3_authorization(request.method, request.query, headers, key, encode)
    return dataclasses.replace(request, headers=headers)


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    body: dict
    headers: dict


def send(emulator, request, wire_query=None, context=None, host='127.0.0.1'):
    """Sends exactly what it is given; `wire_query` overrides the (correctly encoded) query on the wire."""
    query = wire_query if wire_query is not None else '&'.join(f'{rfc3986(name)}={rfc3986(value)}' for name, value in request.query)
    if context is None:
        connection = http.client.HTTPConnection(host, emulator.port, timeout=10)
    else:
        connection = http.client.HTTPSConnection(host, emulator.port, timeout=10, context=context)
    try:
        connection.request(request.method, f'/?{query}' if query else '/', body=request.body or None, headers=request.headers)
        response = connection.getresponse()
        return Answer(response.status, json.loads(response.read()), {name.lower(): value for name, value in response.getheaders()})
    finally:
        connection.close()


ALGORITHMS = ('v3', 'rpc')


def signed(emulator, algorithm, action, params, key=PERMANENT, encode=rfc3986, **options):
    """A complete request, signed with key by the chosen algorithm; `encode` is the client's percent-encoding."""
    if algorithm == 'rpc':
        return sign_rpc(action, params, key, encode=encode, **options)
    return finish_v3(sign_v3(action, params, key, **options), key, emulator.host_port, encode)


def call(emulator, algorithm, action, params, key=PERMANENT, **options):
    return send(emulator, signed(emulator, algorithm, action, params, key, **options))


def tampered_signature(request):
    """The same request with the last significant character of its signature changed."""
    def flip(text):
        position = len(text.rstrip('=')) - 1
        return text[:position] + ('0' if text[position] != '0' else '1') + text[position + 1:]

    if 'Authorization' in request.headers:
        return dataclasses.replace(request, headers={**request.headers, 'Authorization': flip(request.headers['Authorization'])})
    return dataclasses.replace(request, query=tuple((name, flip(value) if name == 'Signature' else value) for name, value in request.query))


def assert_answer(answer, status, code=None):
    assert answer.status == status, answer.body
    assert answer.headers['content-type'] == 'application/json;charset=utf-8'
    assert REQUEST_ID.fullmatch(answer.body['RequestId'])
    if code is not None:
        assert set(answer.body) == ERROR_KEYS
        assert answer.body['Code'] == code, answer.body
        assert code in answer.body['Recommend']


@pytest.fixture(params=ALGORITHMS)
def algorithm(request):
    return request.param


def fixture_cas(emulator, instance=INSTANCE):
    return [entry['data'] for entry in emulator.fixtures['instances'][instance]['ca_certificates']]


# --- the signers themselves, against the published test vectors -------------------------------------
def load_emulator_signatures():
    spec = importlib.util.spec_from_file_location('onsmqtt_emulator_signatures', SIGNATURES_MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


V3_VECTOR_HEADERS = {
    'host': 'onsmqtt.cn-hangzhou.aliyuncs.com', 'x-acs-action': 'GetCaCertificate', 'x-acs-version': VERSION,
    'x-acs-date': '2024-01-01T00:00:00Z', 'x-acs-signature-nonce': 'd5f1c2e3000040008000000000000001',
    'x-acs-content-sha256': hashlib.sha256(b'').hexdigest(),
}
V3_VECTOR_QUERY = (('MqttInstanceId', 'post-cn-7mz2d000000'), ('Sn', '00f26900ba87000000'))
V3_VECTORS = [
    pytest.param(V3_VECTOR_HEADERS, 'bc8c88286737e7f9fa436c92bed0409ebde9ff9b89baf67e898269249694f93e', id='plain'),
    pytest.param({**V3_VECTOR_HEADERS, 'x-acs-security-token': 'STS.testtoken'}, 'c206ad5fe2ad021f26a6cf1550760abfcc4e9b2d0f0313befa46a19ceda7db75', id='sts'),
]
RPC_VECTOR_PARAMS = {
    'Action': 'GetCaCertificate', 'Version': VERSION, 'Format': 'JSON', 'SignatureMethod': 'HMAC-SHA1', 'SignatureVersion': '1.0',
    'SignatureNonce': 'd5f1c2e3-0000-4000-8000-000000000001', 'Timestamp': '2024-01-01T00:00:00Z', 'AccessKeyId': 'testid',
    'MqttInstanceId': 'post-cn-7mz2d000000', 'Sn': '00f26900ba87000000',
}
RPC_VECTORS = [
    pytest.param(RPC_VECTOR_PARAMS, 'ZZGocjcPLTN6e65Ilu7mnjfJ/1k=', id='plain'),
    pytest.param({**RPC_VECTOR_PARAMS, 'SecurityToken': 'STS.testtoken'}, 'C3qh9sdVrnOJ78dc2mxshxj/ss8=', id='sts'),
    pytest.param({'AccessKeyId': 'testid', 'Action': 'DescribeRegions', 'Format': 'XML', 'SignatureMethod': 'HMAC-SHA1',
                  'SignatureNonce': '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf', 'SignatureVersion': '1.0', 'Timestamp': '2016-02-23T12:46:24Z',
                  'Version': '2014-05-26'}, 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=', id='official'),
]
VECTOR_KEY = Key('testid', 'testsecret')


@pytest.mark.parametrize('headers, expected', V3_VECTORS)
def test_v3_signers_reproduce_reference_vectors(headers, expected):
    assert v3_authorization('GET', V3_VECTOR_QUERY, headers, VECTOR_KEY).endswith(f'Signature={expected}')
    signing = load_emulator_signatures().V3SigningInput('GET', '/', V3_VECTOR_QUERY, tuple(sorted(headers.items())), headers['x-acs-content-sha256'])
    assert signing.sign(VECTOR_KEY.secret) == expected


@pytest.mark.parametrize('params, expected', RPC_VECTORS)
def test_rpc_signers_reproduce_reference_vectors(params, expected):
    assert rpc_signature('GET', params, VECTOR_KEY) == expected
    assert load_emulator_signatures().RpcSigningInput('GET', tuple(params.items())).sign(VECTOR_KEY.secret) == expected


def test_v3_official_runinstances_vector():
    headers = {
        'host': 'ecs.cn-shanghai.aliyuncs.com', 'x-acs-action': 'RunInstances', 'x-acs-version': '2014-05-26',
        'x-acs-date': '2023-10-26T10:22:32Z', 'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
        'x-acs-content-sha256': hashlib.sha256(b'').hexdigest(),
    }
    query = (('ImageId', 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd'), ('RegionId', 'cn-shanghai'))
    signing = load_emulator_signatures().V3SigningInput('POST', '/', query, tuple(sorted(headers.items())), headers['x-acs-content-sha256'])
    assert signing.string_to_sign().endswith('7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259')
    assert signing.sign('YourAccessKeySecret') == '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0'


# --- the official SDK is accepted --------------------------------------------------------------------
def sdk_client(emulator, key, sdk_algorithm):
    return emulator_client.sdk_client(emulator, emulator_client.Keys(key.access_key_id, key.secret, key.token), sdk_algorithm)


SDK_ALGORITHMS = [pytest.param(None, 'ACS3-HMAC-SHA256', id='v3'), pytest.param('v2', 'HMAC-SHA1', id='rpc')]


@pytest.mark.parametrize('verifier', ['emulator', 'sdk_verified_emulator'])
@pytest.mark.parametrize('sdk_algorithm, wire_algorithm', SDK_ALGORITHMS)
@pytest.mark.parametrize('key', [PERMANENT, TEMPORARY], ids=['permanent', 'sts'])
def test_official_sdk_is_accepted(request, verifier, sdk_algorithm, wire_algorithm, key):
    emulator = request.getfixturevalue(verifier)
    client = sdk_client(emulator, key, sdk_algorithm)
    emulator.reset()

    got = client.get_ca_certificate(onsmqtt_models.GetCaCertificateRequest(mqtt_instance_id=INSTANCE, sn=SN_RSA_ACTIVE))
    listed = client.list_ca_certificate(onsmqtt_models.ListCaCertificateRequest(mqtt_instance_id=INSTANCE, page_no='1', page_size='100'))

    assert got.body.data.to_map() == fixture_cas(emulator)[0]
    assert [ca.to_map() for ca in listed.body.data.ca_certificate_vos] == fixture_cas(emulator)
    assert listed.body.data.total == len(ALL_SNS)
    log = emulator.requests_log()['requests']
    assert [(entry['action'], entry['algorithm'], entry['access_key_id'], entry['status']) for entry in log] == [
        ('GetCaCertificate', wire_algorithm, key.access_key_id, 200),
        ('ListCaCertificate', wire_algorithm, key.access_key_id, 200),
    ]


@pytest.mark.parametrize('sdk_algorithm, wire_algorithm', SDK_ALGORITHMS)
def test_official_sdk_reads_error_answers(emulator, sdk_algorithm, wire_algorithm):
    client = sdk_client(emulator, PERMANENT, sdk_algorithm)
    with pytest.raises(ClientException) as caught:
        client.get_ca_certificate(onsmqtt_models.GetCaCertificateRequest(mqtt_instance_id=INSTANCE, sn='00000000'))
    assert caught.value.code == 'FindCaBySnError'
    assert caught.value.status_code == 400
    assert emulator.requests_log()['requests'][-1]['algorithm'] == wire_algorithm


def test_sdk_verifier_really_runs_the_sdk(emulator, sdk_verified_emulator):
    # The SDK's V3 canonical query leaves parameter names unencoded, the specification encodes them:
    # a request signed by the specification is accepted by the emulator alone and refused in sdk mode.
    params = {'MqttInstanceId': INSTANCE, 'Sn': SN_RSA_ACTIVE, 'Odd Name': 'x'}
    assert_answer(call(emulator, 'v3', 'GetCaCertificate', params), 200)
    refused = call(sdk_verified_emulator, 'v3', 'GetCaCertificate', params)
    assert_answer(refused, 400, 'SignatureDoesNotMatch')
    assert 'official SDK' in refused.body['Message']


def test_sdk_verifier_rejects_tampered_signatures(sdk_verified_emulator, algorithm):
    request = signed(sdk_verified_emulator, algorithm, 'GetCaCertificate', GET_PARAMS)
    assert_answer(send(sdk_verified_emulator, tampered_signature(request)), 400, 'SignatureDoesNotMatch')


# --- signatures: what must be refused ----------------------------------------------------------------
@pytest.mark.parametrize('key', [PERMANENT, TEMPORARY], ids=['permanent', 'sts'])
def test_hand_signed_requests_are_accepted(emulator, algorithm, key):
    answer = send(emulator, signed(emulator, algorithm, 'GetCaCertificate', GET_PARAMS, key))
    assert_answer(answer, 200)
    assert answer.body['Data'] == fixture_cas(emulator)[0]
    assert answer.headers['x-acs-request-id'] == answer.body['RequestId']


@pytest.mark.parametrize('action', ['GetCaCertificate', 'ListCaCertificate'])
def test_post_with_form_body_is_accepted(emulator, algorithm, action):
    params = GET_PARAMS if action == 'GetCaCertificate' else {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '10'}
    assert_answer(call(emulator, algorithm, action, params, method='POST', in_body=True), 200)


def test_tampered_signature_is_refused(emulator, algorithm):
    answer = send(emulator, tampered_signature(signed(emulator, algorithm, 'GetCaCertificate', GET_PARAMS)))
    assert_answer(answer, 400, 'SignatureDoesNotMatch')
    assert 'string to sign' in answer.body['Message']


def test_parameter_changed_after_signing_is_refused(emulator, algorithm):
    request = signed(emulator, algorithm, 'GetCaCertificate', GET_PARAMS)
    changed = tuple((name, '00e0a1c0ffee000002' if value == SN_RSA_ACTIVE else value) for name, value in request.query)
    assert_answer(send(emulator, dataclasses.replace(request, query=changed)), 400, 'SignatureDoesNotMatch')


def test_signature_error_never_shows_a_secret(emulator, algorithm):
    answer = send(emulator, tampered_signature(signed(emulator, algorithm, 'GetCaCertificate', GET_PARAMS, TEMPORARY)))
    assert_answer(answer, 400, 'SignatureDoesNotMatch')
    assert '<redacted>' in answer.body['Message']
    assert not [secret for secret in SECRETS if secret in json.dumps(answer.body)]


ENCODING_CASES = [
    pytest.param('a b', lambda text: urllib.parse.quote_plus(text, safe='-_.~'), id='space-as-plus'),
    pytest.param('a+b', lambda text: urllib.parse.quote(text, safe='-_.~+'), id='plus-unencoded'),
    pytest.param('a/b', urllib.parse.quote, id='slash-unencoded'),
    pytest.param('a&b=c', lambda text: urllib.parse.quote(text, safe='-_.~&='), id='ampersand-equals-unencoded'),
    pytest.param('a*b', lambda text: urllib.parse.quote(text, safe='-_.~*'), id='asterisk-unencoded'),
    pytest.param('a~b', lambda text: rfc3986(text).replace('~', '%7E'), id='tilde-encoded'),
    pytest.param('a/b', lambda text: rfc3986(text).lower(), id='lower-case-hex'),
    pytest.param('é', lambda text: urllib.parse.quote(text, safe='-_.~', encoding='latin-1'), id='non-ascii-latin-1'),
]


@pytest.mark.parametrize('sn, wrong_encode', ENCODING_CASES)
def test_query_encoding_must_follow_rfc3986(emulator, algorithm, sn, wrong_encode):
    params = {'MqttInstanceId': INSTANCE, 'Sn': sn}
    # Right encoding: the signature passes and the SN is simply unknown.
    assert_answer(call(emulator, algorithm, 'GetCaCertificate', params), 400, 'FindCaBySnError')
    assert_answer(call(emulator, algorithm, 'GetCaCertificate', params, encode=wrong_encode), 400, 'SignatureDoesNotMatch')


def test_plus_on_the_wire_is_a_space(emulator, algorithm):
    request = signed(emulator, algorithm, 'GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': 'a b'})
    wire_query = '&'.join(f'{urllib.parse.quote_plus(name)}={urllib.parse.quote_plus(value)}' for name, value in request.query)
    assert '+' in wire_query
    assert_answer(send(emulator, request, wire_query=wire_query), 400, 'FindCaBySnError')


@pytest.mark.parametrize('offset_seconds', [-16 * 60, 16 * 60])
def test_timestamp_outside_15_minutes_is_refused(emulator, algorithm, offset_seconds):
    answer = call(emulator, algorithm, 'GetCaCertificate', GET_PARAMS, timestamp=utc_timestamp(offset_seconds))
    assert_answer(answer, 400, 'InvalidTimeStamp.Expired')


@pytest.mark.parametrize('offset_seconds', [-14 * 60, 14 * 60])
def test_timestamp_within_15_minutes_is_accepted(emulator, algorithm, offset_seconds):
    assert_answer(call(emulator, algorithm, 'GetCaCertificate', GET_PARAMS, timestamp=utc_timestamp(offset_seconds)), 200)


@pytest.mark.parametrize('timestamp', ['2024-01-01 00:00:00', '2024-01-01T00:00:00+00:00', '2024-13-01T00:00:00Z', '1704067200'])
def test_malformed_timestamp_is_refused(emulator, algorithm, timestamp):
    assert_answer(call(emulator, algorithm, 'GetCaCertificate', GET_PARAMS, timestamp=timestamp), 400, 'InvalidTimeStamp.Format')


def test_reused_nonce_is_refused_until_reset(emulator, algorithm):
    request = signed(emulator, algorithm, 'GetCaCertificate', GET_PARAMS)
    assert_answer(send(emulator, request), 200)
    assert_answer(send(emulator, request), 400, 'SignatureNonceUsed')
    emulator.reset()
    assert_answer(send(emulator, request), 200)


def test_nonce_is_not_spent_by_a_refused_signature(emulator, algorithm):
    request = signed(emulator, algorithm, 'GetCaCertificate', GET_PARAMS)
    assert_answer(send(emulator, tampered_signature(request)), 400, 'SignatureDoesNotMatch')
    assert_answer(send(emulator, request), 200)


def test_unknown_access_key_is_refused(emulator, algorithm):
    answer = call(emulator, algorithm, 'GetCaCertificate', GET_PARAMS, Key('nobody', 'whatever'))
    assert_answer(answer, 404, 'InvalidAccessKeyId.NotFound')


@pytest.mark.parametrize('key, code', [
    pytest.param(Key(TEMPORARY.access_key_id, TEMPORARY.secret), 'MissingSecurityToken', id='sts-key-without-token'),
    pytest.param(Key(TEMPORARY.access_key_id, TEMPORARY.secret, 'not-a-token'), 'InvalidSecurityToken.Malformed', id='sts-key-wrong-token'),
    pytest.param(Key(PERMANENT.access_key_id, PERMANENT.secret, TEMPORARY.token), 'InvalidSecurityToken.MismatchWithAccessKey',
                 id='permanent-key-with-sts-token'),
])
def test_security_token_must_match_the_key(emulator, algorithm, key, code):
    assert_answer(call(emulator, algorithm, 'GetCaCertificate', GET_PARAMS, key), 400, code)


def test_v3_body_hash_must_match(emulator):
    request = sign_v3('GetCaCertificate', GET_PARAMS, method='POST', in_body=True)
    request = dataclasses.replace(request, body=request.body + b'&Extra=1')
    assert_answer(send(emulator, finish_v3(request, PERMANENT, emulator.host_port)), 400, 'SignatureDoesNotMatch')


def test_v3_unsigned_acs_header_is_refused(emulator):
    request = finish_v3(sign_v3('GetCaCertificate', GET_PARAMS), PERMANENT, emulator.host_port)
    request = dataclasses.replace(request, headers={**request.headers, 'x-acs-unsigned': 'yes'})
    assert_answer(send(emulator, request), 400, 'IncompleteSignature')


def test_v3_host_must_be_signed(emulator):
    request = sign_v3('GetCaCertificate', GET_PARAMS)
    unsigned_host = {name: value for name, value in request.headers.items() if name != 'host'}
    request = dataclasses.replace(request, headers=unsigned_host)
    request = finish_v3(request, PERMANENT, emulator.host_port)
    assert_answer(send(emulator, request), 400, 'IncompleteSignature')


def test_v3_signature_covers_the_host_header(emulator):
    request = finish_v3(sign_v3('GetCaCertificate', GET_PARAMS, host='onsmqtt.cn-hangzhou.aliyuncs.com'), PERMANENT, emulator.host_port)
    assert_answer(send(emulator, request), 200)
    moved = finish_v3(sign_v3('GetCaCertificate', GET_PARAMS, host='onsmqtt.cn-hangzhou.aliyuncs.com'), PERMANENT, emulator.host_port)
    moved = dataclasses.replace(moved, headers={**moved.headers, 'host': 'onsmqtt.cn-shanghai.aliyuncs.com'})
    assert_answer(send(emulator, moved), 400, 'SignatureDoesNotMatch')


@pytest.mark.parametrize('authorization', [
    'Bearer abc',
    'ACS3-HMAC-SHA256 Credential=emulator-access-key-id',
    'ACS3-HMAC-SHA256 Credential=emulator-access-key-id, SignedHeaders=host, Signature=00',
    'ACS3-HMAC-SM3 Credential=emulator-access-key-id,SignedHeaders=host,Signature=00',
])
def test_v3_malformed_authorization_is_refused(emulator, authorization):
    request = finish_v3(sign_v3('GetCaCertificate', GET_PARAMS), PERMANENT, emulator.host_port)
    request = dataclasses.replace(request, headers={**request.headers, 'Authorization': authorization})
    assert_answer(send(emulator, request), 400, 'IncompleteSignature')


@pytest.mark.parametrize('missing', ['Signature', 'SignatureNonce', 'Timestamp', 'AccessKeyId', 'Format'])
def test_rpc_missing_common_parameter_is_refused(emulator, missing):
    request = sign_rpc('GetCaCertificate', GET_PARAMS)
    request = dataclasses.replace(request, query=tuple(pair for pair in request.query if pair[0] != missing))
    answer = send(emulator, request)
    assert_answer(answer, 400, 'MissingParameter')
    assert missing in answer.body['Message']


def test_rpc_other_signature_method_is_refused(emulator):
    params = {**GET_PARAMS, 'SignatureMethod': 'HMAC-SHA256'}
    assert_answer(call(emulator, 'rpc', 'GetCaCertificate', params), 400, 'IncompleteSignature')


# --- --accept-unsigned: calls without any signature, for benchmarks -----------------------------------
LIST_PARAMS = {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '100'}


def unsigned_rpc(action, params, version=VERSION, **extra):
    return WireRequest('GET', (('Action', action), ('Version', version), *params.items(), *extra.items()), {})


PARTLY_SIGNED = [
    (unsigned_rpc('GetCaCertificate', GET_PARAMS, AccessKeyId=PERMANENT.access_key_id), 'MissingParameter'),
    (unsigned_rpc('GetCaCertificate', GET_PARAMS, Signature='c2lnbmF0dXJl'), 'MissingParameter'),
    (unsigned_rpc('GetCaCertificate', GET_PARAMS, SignatureMethod='HMAC-SHA1'), 'MissingParameter'),
    (unsigned_rpc('GetCaCertificate', GET_PARAMS, SecurityToken=TEMPORARY.token), 'MissingParameter'),
    (dataclasses.replace(unsigned_rpc('GetCaCertificate', GET_PARAMS), headers={'Authorization': 'ACS3-HMAC-SHA256'}), 'IncompleteSignature'),
]


def test_accept_unsigned_serves_calls_without_any_signature(start_emulator):
    running = start_emulator('--accept-unsigned')
    got = send(running, unsigned_rpc('GetCaCertificate', GET_PARAMS))
    listed = send(running, dataclasses.replace(unsigned_rpc('ListCaCertificate', LIST_PARAMS), method='POST'))
    assert_answer(got, 200)
    assert_answer(listed, 200)
    assert got.body['Data'] == fixture_cas(running)[0]
    assert listed.body['Data']['CaCertificateVOS'] == fixture_cas(running)
    log = running.requests_log()['requests']
    assert [(entry['action'], entry['algorithm'], entry['access_key_id'], entry['status']) for entry in log] == [
        ('GetCaCertificate', 'unsigned', None, 200), ('ListCaCertificate', 'unsigned', None, 200)]

    # Signed calls are checked as ever, and a call with only part of a signature is refused.
    for wire_algorithm in ALGORITHMS:
        assert_answer(call(running, wire_algorithm, 'GetCaCertificate', GET_PARAMS, TEMPORARY), 200)
        assert_answer(send(running, tampered_signature(signed(running, wire_algorithm, 'GetCaCertificate', GET_PARAMS))), 400, 'SignatureDoesNotMatch')
        assert_answer(call(running, wire_algorithm, 'GetCaCertificate', GET_PARAMS, Key('nobody', 'whatever')), 404, 'InvalidAccessKeyId.NotFound')
    for request, code in PARTLY_SIGNED:
        assert_answer(send(running, request), 400, code)
    # Only onsmqtt takes unsigned calls: STS AssumeRole does not.
    assume_role = {'RoleArn': 'acs:ram::1234567890123456:role/emulator-role', 'RoleSessionName': 'benchmark'}
    assert_answer(send(running, unsigned_rpc('AssumeRole', assume_role, version='2015-04-01')), 400, 'MissingParameter')
    assert [entry['algorithm'] for entry in running.requests_log()['requests']].count('unsigned') == 3


def test_unsigned_calls_are_refused_without_accept_unsigned(emulator):
    emulator.reset()
    assert_answer(send(emulator, unsigned_rpc('GetCaCertificate', GET_PARAMS)), 400, 'MissingParameter')
    assert [(entry['algorithm'], entry['access_key_id']) for entry in emulator.requests_log()['requests']] == [('unsigned', None)]


@pytest.mark.parametrize('credential, status, code', [
    pytest.param({'allowed_actions': ['mq:ListCaCertificate']}, 403, 'PermissionCheckFailed', id='rights-of-the-default-key'),
    pytest.param({'access_key_id': 'someone-else'}, 404, 'InvalidAccessKeyId.NotFound', id='no-default-key'),
])
def test_unsigned_calls_act_as_the_default_key(start_emulator, emulator, credential, status, code):
    fixtures = dict(emulator.fixtures, credentials=[{'access_key_id': PERMANENT.access_key_id, 'access_key_secret': PERMANENT.secret, **credential}])
    server = start_emulator('--accept-unsigned', fixtures=fixtures)
    assert_answer(send(server, unsigned_rpc('GetCaCertificate', GET_PARAMS)), status, code)


# --- actions and their parameters --------------------------------------------------------------------
def test_unknown_action_is_refused(emulator, algorithm):
    # The API has no operation that registers a device certificate: the broker does, on a device's first connection.
    assert_answer(call(emulator, algorithm, 'RegisterDeviceCertificate', GET_PARAMS), 404, 'InvalidAction.NotFound')


def test_unknown_version_is_refused(emulator, algorithm):
    assert_answer(call(emulator, algorithm, 'GetCaCertificate', GET_PARAMS, version='2019-01-01'), 400, 'InvalidVersion')


def test_every_ca_can_be_fetched(emulator, algorithm):
    for ca in fixture_cas(emulator):
        answer = call(emulator, algorithm, 'GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': ca['Sn']})
        assert_answer(answer, 200)
        assert answer.body['Data'] == ca


def test_unknown_sn_is_refused(emulator, algorithm):
    answer = call(emulator, algorithm, 'GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': '00e0a1c0ffee0000ff'})
    assert_answer(answer, 400, 'FindCaBySnError')
    assert answer.body['Message'] == 'Failed to find the CA by the SN. Please check sn is valid.'


def test_instance_without_cas_has_no_sn(emulator, algorithm):
    answer = call(emulator, algorithm, 'GetCaCertificate', {'MqttInstanceId': EMPTY_INSTANCE, 'Sn': SN_RSA_ACTIVE})
    assert_answer(answer, 400, 'FindCaBySnError')


@pytest.mark.parametrize('action, params', [
    ('GetCaCertificate', {'MqttInstanceId': 'post-cn-nowhere', 'Sn': SN_RSA_ACTIVE}),
    ('ListCaCertificate', {'MqttInstanceId': 'post-cn-nowhere', 'PageNo': '1', 'PageSize': '10'}),
])
def test_unknown_instance_is_refused(emulator, algorithm, action, params):
    assert_answer(call(emulator, algorithm, action, params), 404, 'MqttInstanceNotFound')


@pytest.mark.parametrize('sn, code', [
    pytest.param('', 'ParameterFieldCheckFailed', id='empty'),
    pytest.param('a' * 129, 'ParameterFieldCheckFailed', id='129-bytes'),
    pytest.param('é' * 65, 'ParameterFieldCheckFailed', id='65-chars-130-bytes'),
    pytest.param('a' * 128, 'FindCaBySnError', id='128-bytes'),
])
def test_sn_length_is_checked_in_bytes(emulator, algorithm, sn, code):
    assert_answer(call(emulator, algorithm, 'GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': sn}), 400, code)


@pytest.mark.parametrize('action, params, missing', [
    ('GetCaCertificate', {'MqttInstanceId': INSTANCE}, 'Sn'),
    ('GetCaCertificate', {'Sn': SN_RSA_ACTIVE}, 'MqttInstanceId'),
    ('ListCaCertificate', {'MqttInstanceId': INSTANCE, 'PageSize': '10'}, 'PageNo'),
    ('ListCaCertificate', {'MqttInstanceId': INSTANCE, 'PageNo': '1'}, 'PageSize'),
])
def test_missing_parameter_is_refused(emulator, algorithm, action, params, missing):
    answer = call(emulator, algorithm, action, params)
    assert_answer(answer, 400, 'MissingParameter')
    assert missing in answer.body['Message']


@pytest.mark.parametrize('page_no, page_size', [('1', '0'), ('1', '101'), ('1', '-1'), ('1', 'ten'), ('1', ''), ('0', '10'), ('1', '1e1')])
def test_bad_paging_is_refused(emulator, algorithm, page_no, page_size):
    params = {'MqttInstanceId': INSTANCE, 'PageNo': page_no, 'PageSize': page_size}
    assert_answer(call(emulator, algorithm, 'ListCaCertificate', params), 400, 'ParameterFieldCheckFailed')


def list_page(emulator, page_no, page_size, instance=INSTANCE):
    answer = call(emulator, 'v3', 'ListCaCertificate', {'MqttInstanceId': instance, 'PageNo': str(page_no), 'PageSize': str(page_size)})
    assert_answer(answer, 200)
    return answer.body['Data']


def test_listing_pages_through_every_ca_in_order(emulator):
    pages = [list_page(emulator, page_no, 3) for page_no in (1, 2, 3, 4)]
    assert [[ca['Sn'] for ca in page['CaCertificateVOS']] for page in pages] == [ALL_SNS[0:3], ALL_SNS[3:6], ALL_SNS[6:], []]
    assert [(page['Total'], page['PageNo'], page['PageSize']) for page in pages] == [(7, 1, 3), (7, 2, 3), (7, 3, 3), (7, 4, 3)]


def test_listing_limits(emulator):
    assert len(list_page(emulator, 1, 100)['CaCertificateVOS']) == len(ALL_SNS)
    assert list_page(emulator, 1, 1)['CaCertificateVOS'] == fixture_cas(emulator)[:1]
    assert list_page(emulator, 1, 10, EMPTY_INSTANCE) == {'Total': 0, 'PageNo': 1, 'PageSize': 10, 'CaCertificateVOS': []}


def test_fixture_may_make_total_count_pages(start_emulator, emulator):
    document = json.loads(json.dumps(emulator.fixtures))
    document['instances'][INSTANCE]['list_total'] = 'pages'
    custom = start_emulator(fixtures=document)
    assert [list_page(custom, 1, size)['Total'] for size in (3, 7, 100)] == [3, 1, 1]


# --- HTTP surface, request ids, the control interface ------------------------------------------------
def test_every_answer_has_its_own_request_id(emulator, algorithm):
    answers = [call(emulator, algorithm, 'GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': sn}) for sn in ALL_SNS + ['unknown']]
    answers.append(send(emulator, tampered_signature(signed(emulator, algorithm, 'GetCaCertificate', GET_PARAMS))))
    ids = [answer.body['RequestId'] for answer in answers]
    assert all(REQUEST_ID.fullmatch(request_id) for request_id in ids)
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize('method, path, status, code', [
    ('PUT', '/', 404, 'InvalidAction.NotFound'),
    ('GET', '/other', 404, 'InvalidAction.NotFound'),
    ('GET', '/_emulator/reset', 405, 'MethodNotAllowed'),
    ('GET', '/_emulator/unknown', 404, 'InvalidAction.NotFound'),
])
def test_unknown_paths_and_methods(emulator, method, path, status, code):
    connection = http.client.HTTPConnection('127.0.0.1', emulator.port, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        body = json.loads(response.read())
    finally:
        connection.close()
    assert (response.status, body['Code']) == (status, code)


def test_request_log_records_every_request_without_secrets(emulator):
    emulator.reset()
    accepted = signed(emulator, 'v3', 'GetCaCertificate', GET_PARAMS, TEMPORARY)
    refused = tampered_signature(signed(emulator, 'rpc', 'GetCaCertificate', GET_PARAMS, TEMPORARY))
    before = time.time()
    send(emulator, accepted)
    send(emulator, refused)
    log = emulator.requests_log()
    assert log['count'] == 2
    arrivals = [entry.pop('time') for entry in log['requests']]
    assert before <= arrivals[0] <= arrivals[1] <= time.time()
    assert log['requests'] == [
        {'action': 'GetCaCertificate', 'method': 'GET', 'algorithm': 'ACS3-HMAC-SHA256', 'access_key_id': TEMPORARY.access_key_id,
         'nonce': accepted.headers['x-acs-signature-nonce'], 'status': 200, 'code': None, 'fault': None, 'metadata_token': None,
         'rate_limited': False},
        {'action': 'GetCaCertificate', 'method': 'GET', 'algorithm': 'HMAC-SHA1', 'access_key_id': TEMPORARY.access_key_id,
         'nonce': dict(refused.query)['SignatureNonce'], 'status': 400, 'code': 'SignatureDoesNotMatch', 'fault': None, 'metadata_token': None,
         'rate_limited': False},
    ]
    emulator.reset()
    assert emulator.requests_log() == {'count': 0, 'requests': []}


def test_server_log_never_shows_a_secret(emulator):
    for algorithm in ALGORITHMS:
        send(emulator, signed(emulator, algorithm, 'GetCaCertificate', GET_PARAMS, TEMPORARY))
        send(emulator, tampered_signature(signed(emulator, algorithm, 'GetCaCertificate', GET_PARAMS, TEMPORARY)))
    log_text = emulator.log_text()
    assert 'GetCaCertificate' in log_text
    assert not [secret for secret in SECRETS if secret in log_text]
    assert 'Traceback' not in log_text


def test_concurrent_requests(emulator):
    emulator.reset()
    requests = [signed(emulator, algorithm, 'GetCaCertificate', GET_PARAMS) for algorithm in ALGORITHMS for _index in range(24)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda request: send(emulator, request), requests))
    assert {answer.status for answer in answers} == {200}
    assert len({answer.body['RequestId'] for answer in answers}) == len(requests)
    assert emulator.requests_log()['count'] == len(requests)


# --- fault injection ---------------------------------------------------------------------------------
def send_for_bytes(emulator, request):
    """(status, lower-case headers, body bytes) of a request; lets http.client's errors about broken answers through."""
    query = '&'.join(f'{rfc3986(name)}={rfc3986(value)}' for name, value in request.query)
    connection = http.client.HTTPConnection('127.0.0.1', emulator.port, timeout=10)
    try:
        connection.request(request.method, f'/?{query}', headers=request.headers)
        response = connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_error_faults_answer_the_next_requests_in_order(start_emulator):
    running = start_emulator('--fault', 'throttling:2', '--fault', 'overflow')
    running.inject(kind='unavailable', count=1, retry_after_ms=1500)
    answers = [call(running, 'v3', 'GetCaCertificate', GET_PARAMS) for _index in range(5)]
    assert [(answer.status, answer.body.get('Code')) for answer in answers] == [
        (400, 'Throttling.User'), (400, 'Throttling.User'), (403, 'SystemOverFlow'), (503, 'ServiceUnavailable'), (200, None)]
    assert [answer.headers.get('x-acs-retry-after') for answer in answers] == [None, None, None, '1500', None]
    log = running.requests_log()['requests']
    assert [entry['fault'] for entry in log] == ['throttling', 'throttling', 'overflow', 'unavailable', None]
    assert len({entry['nonce'] for entry in log}) == 5


def test_a_fault_for_an_action_waits_for_a_request_of_that_action(start_emulator):
    running = start_emulator()
    running.inject(kind='unavailable', action='ListCaCertificate')
    running.inject(kind='throttling')
    list_params = {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '1'}
    answers = [call(running, 'v3', action, params) for action, params in
               (('GetCaCertificate', GET_PARAMS), ('GetCaCertificate', GET_PARAMS), ('ListCaCertificate', list_params), ('ListCaCertificate', list_params))]
    assert [(answer.status, answer.body.get('Code')) for answer in answers] == [
        (400, 'Throttling.User'), (200, None), (503, 'ServiceUnavailable'), (200, None)]
    assert running.inject()['queued'] == []


def test_drop_fault_closes_the_connection_without_an_answer(start_emulator):
    running = start_emulator('--fault', 'drop')
    with pytest.raises(http.client.RemoteDisconnected):
        send_for_bytes(running, signed(running, 'rpc', 'GetCaCertificate', GET_PARAMS))
    assert running.requests_log()['requests'][0]['status'] is None
    assert_answer(call(running, 'rpc', 'GetCaCertificate', GET_PARAMS), 200)


def test_truncated_fault_cuts_the_body_it_announced(start_emulator):
    running = start_emulator('--fault', 'truncated')
    with pytest.raises(http.client.IncompleteRead) as caught:
        send_for_bytes(running, signed(running, 'v3', 'GetCaCertificate', GET_PARAMS))
    assert caught.value.partial.startswith(b'{"RequestId"')
    assert caught.value.expected > 0


def test_cut_json_fault_is_a_whole_answer_whose_json_is_cut_in_half(start_emulator):
    running = start_emulator('--fault', 'cut_json')
    status, headers, body = send_for_bytes(running, signed(running, 'v3', 'GetCaCertificate', GET_PARAMS))
    assert (status, headers['content-type'], int(headers['content-length'])) == (200, 'application/json;charset=utf-8', len(body))
    assert body.startswith(b'{"RequestId"') and b'"Data"' in body
    with pytest.raises(ValueError):
        json.loads(body)
    whole = send_for_bytes(running, signed(running, 'v3', 'GetCaCertificate', GET_PARAMS))[2]
    assert len(body) == len(whole) // 2 and whole.startswith(body[:12])
    assert [entry['fault'] for entry in running.requests_log()['requests']] == ['cut_json', None]


def test_a_write_answered_with_cut_json_is_carried_out(start_emulator):
    running = start_emulator('--fault', 'cut_json')
    params = {'MqttInstanceId': INSTANCE, 'CaSn': '00e0a1c0ffee000001', 'DeviceSn': '00dec1ce0100000001'}
    status, dummy, body = send_for_bytes(running, signed(running, 'v3', 'InactivateDeviceCertificate', params))
    assert status == 200 and body.startswith(b'{"RequestId"')
    read = call(running, 'v3', 'GetDeviceCertificate', params)
    assert_answer(read, 200)
    assert read.body['Data']['Status'] == '0'


def test_html_fault_is_a_gateway_error_page(start_emulator):
    running = start_emulator('--fault', 'html')
    status, headers, body = send_for_bytes(running, signed(running, 'v3', 'GetCaCertificate', GET_PARAMS))
    assert (status, headers['content-type']) == (502, 'text/html')
    assert body.startswith(b'<html>') and b'502 Bad Gateway' in body


def test_stall_fault_holds_the_answer_back(start_emulator):
    running = start_emulator('--fault', 'stall', '--stall-seconds', '1.5')
    started = time.monotonic()
    assert_answer(call(running, 'v3', 'GetCaCertificate', GET_PARAMS), 200)
    assert time.monotonic() - started >= 1.5


def test_latency_delays_every_answer_until_changed(start_emulator):
    running = start_emulator('--latency-ms', '300')

    def seconds_per_call():
        started = time.monotonic()
        assert_answer(call(running, 'v3', 'GetCaCertificate', GET_PARAMS), 200)
        return time.monotonic() - started

    assert seconds_per_call() >= 0.3
    assert running.inject(latency_ms=0)['latency_ms'] == 0
    assert seconds_per_call() < 0.3
    running.reset()  # back to the command line's settings
    assert seconds_per_call() >= 0.3


def test_random_faults_follow_the_percentage_and_the_seed(emulator):
    def faulted_requests():
        emulator.reset()
        emulator.inject(random_percent=50, random_kinds=['throttling', 'overflow'], seed=7)
        return [call(emulator, 'v3', 'GetCaCertificate', GET_PARAMS).body.get('Code') for _index in range(60)]

    first = faulted_requests()
    assert 10 <= sum(code is not None for code in first) <= 50
    assert set(first) == {None, 'Throttling.User', 'SystemOverFlow'}
    assert faulted_requests() == first
    emulator.reset()
    assert emulator.inject()['random_percent'] == 0


@pytest.mark.parametrize('settings, message', [
    ({'kind': 'meteor'}, "unknown fault 'meteor'"),
    ({'kind': 'drop', 'count': -1}, 'count must be between 0'),
    ({'count': 2}, 'count, retry_after_ms and action go with kind'),
    ({'action': 'GetCaCertificate'}, 'count, retry_after_ms and action go with kind'),
    ({'kind': 'drop', 'action': ''}, "action must be the name of an API action, got ''"),
    ({'random_percent': 101}, 'random_percent must be a number from 0 to 100'),
    ({'latency': 5}, 'unknown keys: latency'),
])
def test_bad_fault_settings_are_refused_and_change_nothing(emulator, settings, message):
    emulator.reset()
    before = emulator.inject()
    with pytest.raises(urllib.error.HTTPError) as caught:
        emulator.inject(**settings)
    body = json.loads(caught.value.read())
    assert (caught.value.code, body['Code']) == (400, 'ParameterFieldCheckFailed')
    assert message in body['Message']
    assert emulator.inject() == before


def test_bad_fault_option_stops_the_start(emulator_command):
    finished = subprocess.run([*emulator_command, '--port', '0', '--fault', 'meteor:2'], capture_output=True, text=True, timeout=60, check=False)
    assert finished.returncode == 2
    assert "unknown fault 'meteor'" in finished.stderr


# --- start, stop, TLS --------------------------------------------------------------------------------
def test_port_file_and_clean_exit_on_signals(start_emulator, tmp_path):
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        port_file = tmp_path / f'port-{signal_number}'
        running = start_emulator('--port-file', port_file)
        assert port_file.read_text(encoding='ascii') == f'{running.port}\n'
        running.process.send_signal(signal_number)
        assert running.process.wait(10) == 0
        assert 'Traceback' not in running.log_text()
        assert not port_file.exists()


def test_tls_mode_serves_a_certificate_from_the_written_ca(start_emulator, tmp_path):
    running = start_emulator('--tls-dir', tmp_path / 'tls')
    assert running.url.startswith('https://127.0.0.1:')
    trusting = ssl.create_default_context(cafile=str(running.ca_file))
    for host in ('127.0.0.1', 'localhost'):
        answer = send(running, signed(running, 'rpc', 'GetCaCertificate', GET_PARAMS), context=trusting, host=host)
        assert_answer(answer, 200)
    with pytest.raises(ssl.SSLCertVerificationError):
        send(running, signed(running, 'rpc', 'GetCaCertificate', GET_PARAMS), context=ssl.create_default_context())
    assert running.requests_log()['count'] == 2
    assert 'Traceback' not in running.log_text()


def test_bad_fixture_file_stops_with_a_message(emulator_command, tmp_path):
    fixtures = tmp_path / 'bad.json'
    fixtures.write_text('{"format": "something else"}', encoding='utf-8')
    finished = subprocess.run([*emulator_command, '--port', '0', '--fixtures', str(fixtures)], capture_output=True, text=True, timeout=60, check=False)
    assert finished.returncode == 2
    assert 'bad.json' in finished.stderr
    assert 'Traceback' not in finished.stderr


# --- the fixtures: real certificates, no private key -------------------------------------------------
def test_written_fixtures_hold_no_private_key(emulator_command, tmp_path):
    path = tmp_path / 'fixtures.json'
    subprocess.run([*emulator_command, '--write-fixtures', str(path)], check=True, timeout=60)
    text = path.read_text(encoding='utf-8')
    assert 'PRIVATE KEY' not in text
    assert set(re.findall(r'-----BEGIN ([A-Z ]+)-----', text)) == {'CERTIFICATE'}
    document = json.loads(text)
    assert [ca['data']['Sn'] for ca in document['instances'][INSTANCE]['ca_certificates']] == ALL_SNS
    assert document['instances'][EMPTY_INSTANCE]['ca_certificates'] == []
    assert {credential['access_key_id'] for credential in document['credentials']} == {
        key.access_key_id for key in (PERMANENT, TEMPORARY, OTHER_ACCOUNT, NO_PERMISSION)}


def test_answers_hold_no_private_key(emulator):
    assert 'PRIVATE KEY' not in json.dumps(list_page(emulator, 1, 100))


def canonical_pem(content):
    return content.replace('\\n', '\n').replace('\r\n', '\n').encode('ascii')


def parsed(ca):
    return x509.load_pem_x509_certificates(canonical_pem(ca['CaContent'])), x509.load_pem_x509_certificate(canonical_pem(ca['VerificationContent']))


def common_name(certificate):
    return certificate.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)[0].value


@pytest.mark.parametrize('index', range(len(ALL_SNS)), ids=ALL_SNS)
def test_fixture_certificates_are_real_and_consistent(emulator, index):
    ca = fixture_cas(emulator)[index]
    chain, verification = parsed(ca)
    registered = chain[0]
    assert registered.serial_number == int(ca['Sn'], 16)
    assert registered.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert str(int(registered.not_valid_before_utc.timestamp() * 1000)) == ca['ValidBegin']
    assert str(int(registered.not_valid_after_utc.timestamp() * 1000)) == ca['ValidEnd']
    assert common_name(registered) == ca['CaName']
    assert common_name(verification) == ca['RegistrationCode']
    verification.verify_directly_issued_by(registered)
    for issued, issuer in zip(chain, chain[1:] + chain[-1:]):
        issued.verify_directly_issued_by(issuer)
    assert ca['Status'] in ('0', '1')


KEY_TYPES = {'rsa': rsa.RSAPublicKey, 'ec': ec.EllipticCurvePublicKey}
DOCUMENTED_CAS = [
    # SN, key type, status, whole days of validity left (None: years), certificates in CaContent, line break
    (ALL_SNS[0], 'rsa', '1', None, 1, '\n'),
    (ALL_SNS[1], 'ec', '1', None, 1, '\n'),
    (ALL_SNS[2], 'rsa', '0', None, 1, '\n'),
    (ALL_SNS[3], 'ec', '1', -31, 1, '\n'),
    (ALL_SNS[4], 'rsa', '1', 10, 1, '\n'),
    (ALL_SNS[5], 'ec', '1', None, 2, '\r\n'),
    (ALL_SNS[6], 'ec', '1', None, 1, '\\n'),
]


@pytest.mark.parametrize('sn, key_type, status, days_left, certificates, line_break', DOCUMENTED_CAS, ids=ALL_SNS)
def test_fixture_cas_are_as_documented(emulator, sn, key_type, status, days_left, certificates, line_break):
    ca = next(ca for ca in fixture_cas(emulator) if ca['Sn'] == sn)
    chain, _verification = parsed(ca)
    assert isinstance(chain[0].public_key(), KEY_TYPES[key_type])
    if key_type == 'rsa':
        assert chain[0].public_key().key_size == 2048
    else:
        assert isinstance(chain[0].public_key().curve, ec.SECP256R1)
    assert ca['Status'] == status
    assert len(chain) == certificates
    now_ms = datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000
    remaining_days = (int(ca['ValidEnd']) - now_ms) // 86400000
    assert remaining_days == days_left if days_left is not None else remaining_days > 365
    for content in (ca['CaContent'], ca['VerificationContent']):
        lines = content.split(line_break)
        assert len(lines) > 2
        assert not [line for line in lines if '\n' in line or '\r' in line or '\\n' in line]


@pytest.mark.parametrize('action, params', [
    ('GetCaCertificate', GET_PARAMS), ('ListCaCertificate', {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '10'})])
def test_another_accounts_key_gets_owner_check_error(emulator, algorithm, action, params):
    assert_answer(call(emulator, algorithm, action, params, key=OTHER_ACCOUNT), 403, 'MqttOwnerCheckError')


def test_key_without_the_ram_action_gets_permission_check_failed(emulator, algorithm):
    assert_answer(call(emulator, algorithm, 'GetCaCertificate', GET_PARAMS, key=NO_PERMISSION), 403, 'PermissionCheckFailed')


def test_allowed_actions_grant_exactly_the_actions_listed(start_emulator, emulator, algorithm):
    fixtures = dict(emulator.fixtures, credentials=[dict(access_key_id=PERMANENT.access_key_id, access_key_secret=PERMANENT.secret,
                                                         allowed_actions=['mq:GetCaCertificate'])])
    server = start_emulator(fixtures=fixtures)
    assert_answer(call(server, algorithm, 'GetCaCertificate', GET_PARAMS), 200)
    assert_answer(call(server, algorithm, 'ListCaCertificate', {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '1'}), 403,
                  'PermissionCheckFailed')


# The RAM action of each operation, as the API reference names it (the inactivate operations' are not named after them).
RAM_ACTIONS = {
    'GetCaCertificate': 'mq:GetCaCertificate', 'ListCaCertificate': 'mq:ListCaCertificate', 'GetRegisterCode': 'mq:GetRegisterCode',
    'RegisterCaCertificate': 'mq:RegisterCa', 'ActiveCaCertificate': 'mq:ActiveCaCertificate',
    'InactivateCaCertificate': 'mq:UnregisterCaCertificate', 'DeleteCaCertificate': 'mq:DeleteCaCertificate',
    'GetDeviceCertificate': 'mq:GetDeviceCertificate', 'ListDeviceCertificate': 'mq:ListDeviceCertificate',
    'ListDeviceCertificateByCaSn': 'mq:ListDeviceCertificateByCaSn', 'ActiveDeviceCertificate': 'mq:ActiveDeviceCertificate',
    'InactivateDeviceCertificate': 'mq:UnregisterDeviceCertificate', 'DeleteDeviceCertificate': 'mq:DeleteDeviceCertificate',
}


def test_each_action_needs_its_own_ram_action(start_emulator, emulator):
    keys = {action: Key(f'granted-only-{ram_action}', 'secret-of-a-ram-user') for action, ram_action in RAM_ACTIONS.items()}
    credentials = [{'access_key_id': keys[action].access_key_id, 'access_key_secret': keys[action].secret, 'allowed_actions': [ram_action]}
                   for action, ram_action in RAM_ACTIONS.items()]
    server = start_emulator(fixtures=dict(emulator.fixtures, credentials=credentials))
    actions = list(RAM_ACTIONS)
    for action, other_action in zip(actions, actions[1:] + actions[:1]):
        # Granted: the call gets as far as its parameters (all but the instance missing).
        assert call(server, 'rpc', action, {'MqttInstanceId': INSTANCE}, key=keys[action]).body.get('Code') != 'PermissionCheckFailed'
        denied = call(server, 'rpc', action, {'MqttInstanceId': INSTANCE}, key=keys[other_action])
        assert_answer(denied, 403, 'PermissionCheckFailed')
        assert RAM_ACTIONS[action] in denied.body['Message']


@pytest.mark.parametrize('instance_id', ['post cn bad', 'post-cn/../x', 'x' * 65, INSTANCE + '\n'])
def test_malformed_instance_id_is_a_parameter_error(emulator, algorithm, instance_id):
    assert_answer(call(emulator, algorithm, 'GetCaCertificate', {'MqttInstanceId': instance_id, 'Sn': SN_RSA_ACTIVE}), 400,
                  'ParameterFieldCheckFailed')


def test_stops_when_its_stdin_closes(start_emulator):
    server = start_emulator()
    server.process.stdin.close()
    assert server.process.wait(10) == 0
