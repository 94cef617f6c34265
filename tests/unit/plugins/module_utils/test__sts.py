# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Temporary keys for a RAM role from STS, played by the emulator (tests/emulator/README.md): AssumeRole signed with a key,
AssumeRoleWithOIDC anonymous, their errors, and answers without keys."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._client import AcsClient
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import DEFAULTS
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError, ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._signing import HMAC_SHA1, Credentials
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._sts import (
    API_VERSION, MAX_DURATION_SECONDS, MIN_DURATION_SECONDS, assume_role, assume_role_with_oidc, check_duration, regional_endpoint,
)

ACCOUNT = '1234567890123456'
ROLE_ARN = 'acs:ram::%s:role/emulator-role' % ACCOUNT
OIDC_PROVIDER_ARN = 'acs:ram::%s:oidc-provider/emulator-oidc-provider' % ACCOUNT
OIDC_TOKEN = 'emulator-oidc-token'
INSTANCE = 'post-cn-emulator01'


@pytest.fixture
def sts_client(emulator_keys):
    """Function: sts_client(endpoint, credentials=emulator_keys) -> an STS client as the credential chain makes it (HMAC-SHA1)."""
    def new_client(endpoint, credentials=emulator_keys):
        return AcsClient(endpoint, API_VERSION, credentials, HMAC_SHA1, timeout=DEFAULTS['timeout'], retries=DEFAULTS['retries'])
    return new_client


def assert_keys_the_api_takes(keys, acs_client, server):
    key_id, secret, token = keys
    assert key_id.startswith('STS.') and secret and token
    answer = acs_client(server.url, Credentials(key_id, secret, token, 'the role')).call(
        'ListCaCertificate', {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '1'})
    assert answer['Data']['CaCertificateVOS']


# --- settings ----------------------------------------------------------------------------------------

def test_the_regional_endpoint():
    assert regional_endpoint('cn-shanghai') == 'sts.cn-shanghai.aliyuncs.com'


@pytest.mark.parametrize('duration', [MIN_DURATION_SECONDS, 3600, MAX_DURATION_SECONDS])
def test_a_duration_from_15_minutes_to_12_hours_is_accepted(duration):
    check_duration(duration, 'assume_role_duration')


@pytest.mark.parametrize('duration', [899, 43201, 0, -900, True, 3600.0, '3600', None])
def test_any_other_duration_is_refused_naming_the_setting(duration):
    with pytest.raises(ApsaraMQError) as failure:
        check_duration(duration, "expired_seconds of profile 'dev'")
    assert str(failure.value) == "expired_seconds of profile 'dev' must be a whole number of seconds from 900 to 43200, got %r" % (duration,)


# --- AssumeRole --------------------------------------------------------------------------------------

def test_assume_role_gives_temporary_keys_the_api_takes(clean_emulator, sts_client, acs_client, emulator_keys):
    keys = assume_role(sts_client(clean_emulator.url), ROLE_ARN, 'ci-job-42', 900)
    log = clean_emulator.requests_log()['requests']
    assert [(entry['action'], entry['algorithm'], entry['access_key_id']) for entry in log] == [
        ('AssumeRole', HMAC_SHA1, emulator_keys.access_key_id)]
    assert_keys_the_api_takes(keys, acs_client, clean_emulator)


def test_temporary_keys_can_assume_a_role_in_turn(clean_emulator, sts_client, acs_client):
    first = assume_role(sts_client(clean_emulator.url), ROLE_ARN, 'first', 900)
    chained = assume_role(sts_client(clean_emulator.url, Credentials(first[0], first[1], first[2], 'the first role')), ROLE_ARN, 'second', 900, 'ext-id')
    assert chained[0] != first[0]
    assert clean_emulator.requests_log()['requests'][1]['access_key_id'] == first[0]
    assert_keys_the_api_takes(chained, acs_client, clean_emulator)


@pytest.mark.parametrize('session_name, duration, external_id, code', [
    ('x', 900, None, 'InvalidParameter.RoleSessionName'),
    ('ci-job-42', 899, None, 'InvalidParameter.DurationSeconds'),
    ('ci-job-42', 900, 'x', 'InvalidParameter.ExternalId'),
])
def test_the_session_name_duration_and_external_id_are_sent(clean_emulator, sts_client, session_name, duration, external_id, code):
    # Each is sent as given: the service's own check refuses it.
    with pytest.raises(ApiError) as failure:
        assume_role(sts_client(clean_emulator.url), ROLE_ARN, session_name, duration, external_id)
    assert (failure.value.code, failure.value.http_status) == (code, 400)


@pytest.mark.parametrize('role_arn, code, status', [
    ('acs:ram::%s:role/emulator-untrusted-role' % ACCOUNT, 'NoPermission', 403),
    ('acs:ram::%s:role/no-such-role' % ACCOUNT, 'EntityNotExist.Role', 404),
])
def test_a_role_that_cannot_be_assumed_is_the_sts_error(clean_emulator, sts_client, role_arn, code, status):
    with pytest.raises(ApiError) as failure:
        assume_role(sts_client(clean_emulator.url), role_arn, 'ci-job-42', 900)
    assert (failure.value.code, failure.value.http_status) == (code, status)
    assert str(failure.value).startswith('AssumeRole failed: %s: ' % code) and failure.value.request_id in str(failure.value)


# --- AssumeRoleWithOIDC ------------------------------------------------------------------------------

def test_assume_role_with_oidc_is_anonymous_and_gives_temporary_keys(clean_emulator, sts_client, acs_client):
    keys = assume_role_with_oidc(sts_client(clean_emulator.url, None), OIDC_PROVIDER_ARN, OIDC_TOKEN, ROLE_ARN, 'ci-job-42', 3600)
    assert [(entry['action'], entry['algorithm'], entry['access_key_id']) for entry in clean_emulator.requests_log()['requests']] == [
        ('AssumeRoleWithOIDC', 'unsigned', None)]
    assert_keys_the_api_takes(keys, acs_client, clean_emulator)


@pytest.mark.parametrize('provider_arn, token, code', [
    (OIDC_PROVIDER_ARN, 'another-oidc-token', 'AuthenticationFail.OIDCToken.Invalid'),
    ('acs:ram::%s:oidc-provider/another-provider' % ACCOUNT, OIDC_TOKEN, 'AuthenticationFail.NoPermission'),
])
def test_an_oidc_token_or_provider_sts_does_not_know_is_the_sts_error(clean_emulator, sts_client, provider_arn, token, code):
    with pytest.raises(ApiError) as failure:
        assume_role_with_oidc(sts_client(clean_emulator.url, None), provider_arn, token, ROLE_ARN, 'ci-job-42', 3600)
    assert (failure.value.code, failure.value.http_status) == (code, 401)
    assert token not in str(failure.value)


# --- answers without keys ----------------------------------------------------------------------------

def exchange(action, client):
    if action == 'AssumeRole':
        return assume_role(client, ROLE_ARN, 'ci-job-42', 900)
    return assume_role_with_oidc(client, OIDC_PROVIDER_ARN, OIDC_TOKEN, ROLE_ARN, 'ci-job-42', 900)


@pytest.mark.parametrize('action', ['AssumeRole', 'AssumeRoleWithOIDC'])
@pytest.mark.parametrize('answer', [
    {'RequestId': 'R-STS'},
    {'RequestId': 'R-STS', 'Credentials': 'none'},
    {'RequestId': 'R-STS', 'Credentials': {'AccessKeyId': 'STS.x', 'AccessKeySecret': 'answered-key-secret', 'SecurityToken': ''}},
    {'RequestId': 'R-STS', 'Credentials': {'AccessKeyId': 'STS.x', 'AccessKeySecret': 'answered-key-secret', 'SecurityToken': ['t']}},
])
def test_an_answer_without_the_keys_is_one_line_without_what_it_held(canned_server, sts_client, action, answer):
    client = sts_client(canned_server(200, 'application/json', json.dumps(answer).encode()))
    with pytest.raises(ApsaraMQError) as failure:
        exchange(action, client)
    assert str(failure.value) == ('%s answered without Credentials holding AccessKeyId, AccessKeySecret, SecurityToken (request ID R-STS); '
                                  'check sts_endpoint' % action)
