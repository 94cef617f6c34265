# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""STS on the emulator's port: AssumeRole (signed) and AssumeRoleWithOIDC (anonymous), and the keys they issue."""

import datetime
import json
import time
import uuid

import pytest
from alibabacloud_credentials.provider.oidc import OIDCRoleArnCredentialsProvider
from alibabacloud_credentials.provider.ram_role_arn import RamRoleArnCredentialsProvider

from emulator_client import (
    ALGORITHMS, GET_PARAMS, NO_PERMISSION, OTHER_ACCOUNT, PERMANENT, STS_VERSION, TEMPORARY, Keys, anonymous_call, api_call, utc_timestamp,
)

ACCOUNT = '1234567890123456'
ROLE_ARN = f'acs:ram::{ACCOUNT}:role/emulator-role'
UNTRUSTED_ROLE_ARN = f'acs:ram::{ACCOUNT}:role/emulator-untrusted-role'
OIDC_PROVIDER_ARN = f'acs:ram::{ACCOUNT}:oidc-provider/emulator-oidc-provider'
OIDC_TOKEN = 'emulator-oidc-token'
ERROR_KEYS = {'RequestId', 'HostId', 'Code', 'Message', 'Recommend'}


def assume_role(server, keys=PERMANENT, algorithm=ALGORITHMS[0], role_arn=ROLE_ARN, session='emulator-session', **params):
    return api_call(server, 'AssumeRole', {'RoleArn': role_arn, 'RoleSessionName': session, **params}, keys, algorithm, STS_VERSION)


def assume_role_with_oidc(server, role_arn=ROLE_ARN, token=OIDC_TOKEN, provider=OIDC_PROVIDER_ARN, session='oidc-session', **common):
    params = {'OIDCProviderArn': provider, 'OIDCToken': token, 'RoleArn': role_arn, 'RoleSessionName': session}
    return anonymous_call(server, 'AssumeRoleWithOIDC', params, **{'Timestamp': utc_timestamp(), **common})


def issued_keys(answer):
    assert answer.status == 200, answer.body
    return Keys.issued(answer.json()['Credentials'])


def assert_error(answer, status, code):
    body = answer.json()
    assert (answer.status, body.get('Code')) == (status, code), body
    assert set(body) == ERROR_KEYS
    assert 'product=Sts' in body['Recommend']


def seconds_from_now(expiration):
    moment = datetime.datetime.strptime(expiration, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp() - time.time()


# --- AssumeRole ----------------------------------------------------------------------------------------
@pytest.mark.parametrize('algorithm', ALGORITHMS)
@pytest.mark.parametrize('source', [PERMANENT, TEMPORARY], ids=['permanent', 'sts'])
def test_assume_role_answers_like_sts(emulator, algorithm, source):
    answer = assume_role(emulator, source, algorithm, session='alice@example.com')
    assert answer.status == 200, answer.body
    body = answer.json()
    assert set(body) == {'RequestId', 'AssumedRoleUser', 'Credentials'}
    assert body['RequestId'] == answer.headers['x-acs-request-id']
    assert body['AssumedRoleUser']['Arn'] == f'{ROLE_ARN}/alice@example.com'
    assert body['AssumedRoleUser']['AssumedRoleId'].endswith(':alice@example.com')
    credentials = body['Credentials']
    assert set(credentials) == {'AccessKeyId', 'AccessKeySecret', 'SecurityToken', 'Expiration'}
    assert credentials['AccessKeyId'].startswith('STS.')
    assert 3590 <= seconds_from_now(credentials['Expiration']) <= 3601


@pytest.mark.parametrize('algorithm', ALGORITHMS)
def test_issued_keys_work_with_their_token_only(emulator, algorithm):
    keys = issued_keys(assume_role(emulator))
    other = issued_keys(assume_role(emulator))
    answer = api_call(emulator, 'GetCaCertificate', GET_PARAMS, keys, algorithm)
    assert answer.status == 200, answer.body
    assert answer.json()['Data'] == emulator.fixtures['instances']['post-cn-emulator01']['ca_certificates'][0]['data']
    for token, code in [(None, 'MissingSecurityToken'), (other.security_token, 'InvalidSecurityToken.MismatchWithAccessKey'),
                        (TEMPORARY.security_token, 'InvalidSecurityToken.MismatchWithAccessKey'), ('CAISnot-a-token', 'InvalidSecurityToken.Malformed')]:
        refused = api_call(emulator, 'GetCaCertificate', GET_PARAMS, Keys(keys.access_key_id, keys.access_key_secret, token), algorithm)
        assert (refused.status, refused.json()['Code']) == (400, code)


def test_issued_keys_outlive_a_reset(emulator):
    keys = issued_keys(assume_role(emulator))
    emulator.reset()
    assert api_call(emulator, 'GetCaCertificate', GET_PARAMS, keys).status == 200


def test_issued_keys_can_assume_the_role_again(emulator):
    chained = issued_keys(assume_role(emulator, issued_keys(assume_role(emulator))))
    assert api_call(emulator, 'GetCaCertificate', GET_PARAMS, chained).status == 200


@pytest.mark.parametrize('duration, seconds', [('900', 900), ('43200', 43200)])
def test_duration_sets_the_expiration(emulator, duration, seconds):
    expiration = assume_role(emulator, DurationSeconds=duration).json()['Credentials']['Expiration']
    assert seconds - 10 <= seconds_from_now(expiration) <= seconds + 1


def test_issued_key_expires(clocked_emulator):
    keys = issued_keys(assume_role(clocked_emulator, DurationSeconds='900'))
    clocked_emulator.clock.advance(899)
    assert api_call(clocked_emulator, 'GetCaCertificate', GET_PARAMS, keys, now=clocked_emulator.clock()).status == 200
    clocked_emulator.clock.advance(2)
    expired = api_call(clocked_emulator, 'GetCaCertificate', GET_PARAMS, keys, now=clocked_emulator.clock())
    assert (expired.status, expired.json()['Code']) == (400, 'InvalidSecurityToken.Expired')


def refusals(*groups):
    """Parameters for (params, status, code) from groups of (status, code, {case name: params})."""
    return [pytest.param(params, status, code, id=f'{code}:{name}') for status, code, cases in groups for name, params in cases.items()]


@pytest.mark.parametrize('params, status, code', refusals(
    (400, 'InvalidParameter.DurationSeconds', {
        'too-short': {'DurationSeconds': '899'}, 'too-long': {'DurationSeconds': '43201'},
        'not-a-number': {'DurationSeconds': 'an hour'}, 'not-whole': {'DurationSeconds': '3.6e3'}}),
    (400, 'InvalidParameter.RoleArn', {
        'just-a-name': {'role_arn': 'emulator-role'}, 'of-a-user': {'role_arn': f'acs:ram::{ACCOUNT}:user/emulator-role'},
        'misspelt': {'role_arn': f'acs:ram:{ACCOUNT}:role/emulator-role'}}),
    (400, 'InvalidParameter.RoleSessionName', {
        'too-short': {'session': 'a'}, 'too-long': {'session': 'a' * 65}, 'space': {'session': 'two words'}, 'asterisk': {'session': 'abc*abc'}}),
    (400, 'InvalidParameter.PolicyGrammar', {'not-json': {'Policy': 'allow everything'}, 'not-an-object': {'Policy': '["Allow"]'}}),
    (400, 'InvalidParameter.ExternalId', {'too-short': {'ExternalId': 'x'}, 'space': {'ExternalId': 'with space'}}),
    (404, 'EntityNotExist.Role', {
        'unknown': {'role_arn': f'acs:ram::{ACCOUNT}:role/no-such-role'}, 'of-another-account': {'role_arn': 'acs:ram::6543210987654321:role/emulator-role'}}),
    (403, 'NoPermission', {
        'role-not-trusting': {'role_arn': UNTRUSTED_ROLE_ARN}, 'key-of-another-account': {'keys': OTHER_ACCOUNT},
        'key-not-granted-sts-assume-role': {'keys': NO_PERMISSION}}),
))
def test_assume_role_refusals(emulator, params, status, code):
    assert_error(assume_role(emulator, **params), status, code)


@pytest.mark.parametrize('params', [
    pytest.param({'session': 'ab', 'DurationSeconds': '900'}, id='shortest-session-name'),
    pytest.param({'session': 'A-z_0.9@x' + 'y' * 55}, id='longest-session-name'),
    pytest.param({'Policy': json.dumps({'Version': '1', 'Statement': [{'Effect': 'Allow', 'Action': 'mq:*', 'Resource': '*'}]})}, id='policy'),
    pytest.param({'ExternalId': 'abcd-1234:x/y=z'}, id='external-id'),
])
def test_assume_role_accepts_every_well_formed_parameter(emulator, params):
    assert assume_role(emulator, **params).status == 200


def test_untrusted_role_refusal_says_why(emulator):
    message = assume_role(emulator, role_arn=UNTRUSTED_ROLE_ARN).json()['Message']
    assert message.startswith('No permission perform sts:AssumeRole on this Role.')
    assert 'trust policy of role emulator-untrusted-role' in message


@pytest.mark.parametrize('missing', ['RoleArn', 'RoleSessionName'])
def test_assume_role_needs_the_role_and_a_session_name(emulator, missing):
    params = {'RoleArn': ROLE_ARN, 'RoleSessionName': 'emulator-session'}
    del params[missing]
    assert_error(api_call(emulator, 'AssumeRole', params, version=STS_VERSION), 400, 'MissingParameter')


def test_assume_role_is_authenticated_like_any_call(emulator):
    nonce = uuid.uuid4().hex
    params = {'RoleArn': ROLE_ARN, 'RoleSessionName': 'emulator-session'}
    assert api_call(emulator, 'AssumeRole', params, version=STS_VERSION, nonce=nonce).status == 200
    assert_error(api_call(emulator, 'AssumeRole', params, version=STS_VERSION, nonce=nonce), 400, 'SignatureNonceUsed')
    assert_error(api_call(emulator, 'AssumeRole', params, Keys(PERMANENT.access_key_id, 'wrong secret'), version=STS_VERSION), 400,
                 'SignatureDoesNotMatch')
    assert_error(api_call(emulator, 'AssumeRole', params, version=STS_VERSION, now=time.time() - 3600), 400, 'InvalidTimeStamp.Expired')
    assert_error(api_call(emulator, 'AssumeRole', params, Keys('nobody', 'secret'), version=STS_VERSION), 404, 'InvalidAccessKeyId.NotFound')
    assert_error(anonymous_call(emulator, 'AssumeRole', params, Timestamp=utc_timestamp()), 400, 'MissingParameter')
    assert_error(api_call(emulator, 'GetFederationToken', params, version=STS_VERSION), 404, 'InvalidAction.NotFound')


# --- AssumeRoleWithOIDC ----------------------------------------------------------------------------------
def test_oidc_is_anonymous_and_answers_like_sts(emulator):
    emulator.reset()
    answer = assume_role_with_oidc(emulator, DurationSeconds='1800')
    assert answer.status == 200, answer.body
    body = answer.json()
    assert body['AssumedRoleUser']['Arn'] == f'{ROLE_ARN}/oidc-session'
    assert body['Credentials']['AccessKeyId'].startswith('STS.')
    assert 1790 <= seconds_from_now(body['Credentials']['Expiration']) <= 1801
    assert api_call(emulator, 'GetCaCertificate', GET_PARAMS, Keys.issued(body['Credentials'])).status == 200
    assert [(entry['action'], entry['algorithm'], entry['access_key_id'], entry['status']) for entry in emulator.requests_log()['requests']][0] == (
        'AssumeRoleWithOIDC', 'unsigned', None, 200)


def test_oidc_keys_can_assume_the_role_again(emulator):
    assert assume_role(emulator, issued_keys(assume_role_with_oidc(emulator))).status == 200


def test_oidc_needs_a_timestamp_in_time_and_a_new_nonce(emulator):
    nonce = uuid.uuid4().hex
    assert assume_role_with_oidc(emulator, SignatureNonce=nonce).status == 200
    assert_error(assume_role_with_oidc(emulator, SignatureNonce=nonce), 400, 'SignatureNonceUsed')
    assert_error(assume_role_with_oidc(emulator, Timestamp=utc_timestamp(time.time() - 3600)), 400, 'InvalidTimeStamp.Expired')
    assert_error(assume_role_with_oidc(emulator, Timestamp='yesterday'), 400, 'InvalidTimeStamp.Format')
    params = {'OIDCProviderArn': OIDC_PROVIDER_ARN, 'OIDCToken': OIDC_TOKEN, 'RoleArn': ROLE_ARN, 'RoleSessionName': 'oidc-session'}
    assert_error(anonymous_call(emulator, 'AssumeRoleWithOIDC', params), 400, 'MissingParameter')


def test_signed_oidc_call_is_authenticated(emulator):
    params = {'OIDCProviderArn': OIDC_PROVIDER_ARN, 'OIDCToken': OIDC_TOKEN, 'RoleArn': ROLE_ARN, 'RoleSessionName': 'oidc-session'}
    assert api_call(emulator, 'AssumeRoleWithOIDC', params, version=STS_VERSION).status == 200
    assert_error(api_call(emulator, 'AssumeRoleWithOIDC', params, Keys(PERMANENT.access_key_id, 'wrong'), version=STS_VERSION), 400,
                 'SignatureDoesNotMatch')


@pytest.mark.parametrize('params, status, code', refusals(
    (401, 'AuthenticationFail.OIDCToken.Invalid', {'wrong': {'token': 'another-token'}, 'empty': {'token': ''}}),
    (401, 'AuthenticationFail.NoPermission', {'unknown-provider': {'provider': f'acs:ram::{ACCOUNT}:oidc-provider/another-provider'}}),
    (403, 'NoPermission', {'role-not-trusting': {'role_arn': UNTRUSTED_ROLE_ARN}}),
    (404, 'EntityNotExist.Role', {'unknown': {'role_arn': f'acs:ram::{ACCOUNT}:role/no-such-role'}}),
    (400, 'InvalidParameter.RoleArn', {'malformed': {'role_arn': 'role/emulator-role'}}),
    (400, 'InvalidParameter.RoleSessionName', {'too-short': {'session': 'x'}}),
    (400, 'InvalidParameter.DurationSeconds', {'too-short': {'DurationSeconds': '60'}}),
))
def test_oidc_refusals(emulator, params, status, code):
    assert_error(assume_role_with_oidc(emulator, **params), status, code)


@pytest.mark.filterwarnings('ignore::DeprecationWarning:alibabacloud_credentials')  # its datetime.utcnow(): not this test's concern
def test_official_credentials_library_gets_working_keys(start_emulator, tmp_path):
    # alibabacloud_credentials always calls STS over HTTPS, and trusts only the CA its runtime options name.
    running = start_emulator('--tls-dir', tmp_path / 'tls')
    token_file = tmp_path / 'oidc-token'
    token_file.write_text(OIDC_TOKEN, encoding='utf-8')
    providers = [
        RamRoleArnCredentialsProvider(access_key_id=PERMANENT.access_key_id, access_key_secret=PERMANENT.access_key_secret, role_arn=ROLE_ARN,
                                      external_id='emulator-external-id', sts_endpoint=running.host_port),
        OIDCRoleArnCredentialsProvider(role_arn=ROLE_ARN, oidc_provider_arn=OIDC_PROVIDER_ARN, oidc_token_file_path=str(token_file),
                                       duration_seconds=900, sts_endpoint=running.host_port),
    ]
    for provider in providers:
        provider._runtime_options['ca'] = str(running.ca_file)  # pylint: disable=protected-access
        credentials = provider.get_credentials()
        keys = Keys(credentials.get_access_key_id(), credentials.get_access_key_secret(), credentials.get_security_token())
        assert api_call(running, 'GetCaCertificate', GET_PARAMS, keys).status == 200
    assert [(entry['action'], entry['status']) for entry in running.requests_log()['requests']] == [
        ('AssumeRole', 200), ('GetCaCertificate', 200), ('AssumeRoleWithOIDC', 200), ('GetCaCertificate', 200)]


# --- both: log, faults, secrets --------------------------------------------------------------------------
def test_request_log_and_stderr_hold_no_secret(emulator):
    emulator.reset()
    answers = [assume_role(emulator, TEMPORARY), assume_role_with_oidc(emulator), assume_role(emulator, algorithm=ALGORITHMS[1])]
    keys = [issued_keys(answer) for answer in answers]
    api_call(emulator, 'GetCaCertificate', GET_PARAMS, Keys(keys[0].access_key_id, 'wrong secret', keys[0].security_token))
    log = emulator.requests_log()['requests']
    assert [(entry['action'], entry['access_key_id']) for entry in log] == [
        ('AssumeRole', TEMPORARY.access_key_id), ('AssumeRoleWithOIDC', None), ('AssumeRole', PERMANENT.access_key_id),
        ('GetCaCertificate', keys[0].access_key_id)]
    secrets = [OIDC_TOKEN, TEMPORARY.security_token] + [value for key in keys for value in (key.access_key_secret, key.security_token)]
    for text in (json.dumps(log), emulator.log_text()):
        assert not [secret for secret in secrets if secret in text]


def test_faults_and_latency_apply_to_sts(emulator):
    emulator.reset()
    emulator.inject(kind='throttling', count=2)
    assert_error(assume_role(emulator), 400, 'Throttling.User')
    assert_error(assume_role_with_oidc(emulator), 400, 'Throttling.User')
    emulator.inject(latency_ms=300)
    started = time.monotonic()
    assert assume_role_with_oidc(emulator).status == 200
    assert time.monotonic() - started >= 0.3
    emulator.reset()
