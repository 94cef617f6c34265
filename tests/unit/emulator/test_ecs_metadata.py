# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""The ECS metadata service on the emulator's port: session tokens, the attached role and its keys, the modes."""

import datetime
import json
import time
import urllib.error

import pytest

from emulator_client import GET_PARAMS, STS_VERSION, Keys, api_call, http_request

TOKEN_PATH = '/latest/api/token'
ROLES_PATH = '/latest/meta-data/ram/security-credentials/'
ECS_ROLE = 'emulator-ecs-role'
TTL_HEADER = 'X-aliyun-ecs-metadata-token-ttl-seconds'
TOKEN_HEADER = 'X-aliyun-ecs-metadata-token'
KEY_FIELDS = {'AccessKeyId', 'AccessKeySecret', 'SecurityToken', 'Expiration', 'LastUpdated', 'Code'}


@pytest.fixture
def metadata_emulator(emulator):
    """The session's emulator, back to its start-up metadata settings (and an empty request log) before and after."""
    emulator.reset()
    yield emulator
    emulator.reset()


def new_token(server, ttl='21600'):
    return http_request(server, 'PUT', TOKEN_PATH, {} if ttl is None else {TTL_HEADER: ttl})


def metadata_get(server, path=ROLES_PATH, token=None):
    return http_request(server, 'GET', path, {} if token is None else {TOKEN_HEADER: token})


def role_keys(server, token=None):
    answer = metadata_get(server, ROLES_PATH + ECS_ROLE, token)
    assert (answer.status, answer.headers['content-type']) == (200, 'application/json'), answer.body
    return answer.json()


def seconds_until(text):
    return datetime.datetime.strptime(text, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc).timestamp() - time.time()


def test_token_role_and_keys_as_on_ecs(metadata_emulator):
    token = new_token(metadata_emulator)
    assert (token.status, token.headers['content-type']) == (200, 'text/plain')
    roles = metadata_get(metadata_emulator, token=token.text())
    assert (roles.status, roles.headers['content-type'], roles.text()) == (200, 'text/plain', ECS_ROLE)
    answer = role_keys(metadata_emulator, token.text())
    assert set(answer) == KEY_FIELDS
    assert answer['Code'] == 'Success' and answer['AccessKeyId'].startswith('STS.')
    assert 6 * 3600 - 10 <= seconds_until(answer['Expiration']) <= 6 * 3600 + 1
    assert -10 <= seconds_until(answer['LastUpdated']) <= 1
    assert role_keys(metadata_emulator) == answer  # the same keys, with or without a token, for the emulator's lifetime

    keys = Keys.issued(answer)
    assert api_call(metadata_emulator, 'GetCaCertificate', GET_PARAMS, keys).status == 200
    assert api_call(metadata_emulator, 'GetCaCertificate', GET_PARAMS, Keys(keys.access_key_id, keys.access_key_secret)).status == 400
    chained = api_call(metadata_emulator, 'AssumeRole', {'RoleArn': 'acs:ram::1234567890123456:role/emulator-role', 'RoleSessionName': 'ecs'},
                       keys, version=STS_VERSION)
    assert chained.status == 200

    log = metadata_emulator.requests_log()['requests']
    assert [(entry['action'], entry['status'], entry['metadata_token']) for entry in log[:4]] == [
        ('ECSMetadata.Token', 200, False), ('ECSMetadata.RoleList', 200, True), ('ECSMetadata.Credentials', 200, True),
        ('ECSMetadata.Credentials', 200, False)]
    assert [entry['metadata_token'] for entry in log[4:]] == [None, None, None]
    for text in (json.dumps(log), metadata_emulator.log_text()):
        assert not [secret for secret in (token.text(), answer['AccessKeySecret'], answer['SecurityToken']) if secret in text]


@pytest.mark.parametrize('ttl, status', [('1', 200), ('21600', 200), ('0', 400), ('21601', 400), ('-1', 400), ('6h', 400), (None, 400)])
def test_token_lifetime_is_1_to_21600_seconds(metadata_emulator, ttl, status):
    answer = new_token(metadata_emulator, ttl)
    assert answer.status == status
    assert answer.headers['content-type'] == 'text/plain'


@pytest.mark.parametrize('path', [ROLES_PATH, ROLES_PATH + ECS_ROLE])
def test_unknown_token_is_refused(metadata_emulator, path):
    assert metadata_get(metadata_emulator, path, 'not-a-token').status == 401


def test_token_expires(clocked_emulator):
    token = new_token(clocked_emulator, '60').text()
    clocked_emulator.clock.advance(59)
    assert metadata_get(clocked_emulator, token=token).status == 200
    clocked_emulator.clock.advance(2)
    assert metadata_get(clocked_emulator, token=token).status == 401


def test_role_keys_are_replaced_once_expired(clocked_emulator):
    first = Keys.issued(role_keys(clocked_emulator))
    clocked_emulator.clock.advance(6 * 3600)
    second = Keys.issued(role_keys(clocked_emulator))
    assert second.access_key_id != first.access_key_id
    expired = api_call(clocked_emulator, 'GetCaCertificate', GET_PARAMS, first, now=clocked_emulator.clock())
    assert (expired.status, expired.json()['Code']) == (400, 'InvalidSecurityToken.Expired')
    assert api_call(clocked_emulator, 'GetCaCertificate', GET_PARAMS, second, now=clocked_emulator.clock()).status == 200


# mode: (PUT token, GET without token, GET with a valid token or, when there is none, any)
MODES = {
    'optional': (200, 200, 200),
    'required': (200, 403, 200),
    'unsupported': (404, 200, 200),
    'off': (404, 404, 404),
}


@pytest.mark.parametrize('mode', MODES)
def test_modes(metadata_emulator, mode):
    assert metadata_emulator.metadata(mode=mode) == {'mode': mode, 'role': ECS_ROLE}
    token = new_token(metadata_emulator)
    token_sent = token.text() if token.status == 200 else 'any-token'
    statuses = [(metadata_get(metadata_emulator, path).status, metadata_get(metadata_emulator, path, token_sent).status)
                for path in (ROLES_PATH, ROLES_PATH + ECS_ROLE)]
    assert (token.status, *statuses[0]) == MODES[mode]
    assert statuses[1] == statuses[0]


def test_no_role_attached(metadata_emulator):
    assert metadata_emulator.metadata(role=None) == {'mode': 'optional', 'role': None}
    assert [metadata_get(metadata_emulator, path).status for path in (ROLES_PATH, ROLES_PATH + ECS_ROLE)] == [404, 404]


def test_another_role_attached(metadata_emulator):
    metadata_emulator.metadata(role='my-role.v2')
    assert metadata_get(metadata_emulator).text() == 'my-role.v2'
    assert metadata_get(metadata_emulator, ROLES_PATH + 'my-role.v2').status == 200
    assert metadata_get(metadata_emulator, ROLES_PATH + ECS_ROLE).status == 404


@pytest.mark.parametrize('method, path, status', [
    ('GET', ROLES_PATH + 'no-such-role', 404),
    ('GET', '/latest/meta-data/instance-id', 404),
    ('GET', TOKEN_PATH, 405),
    ('PUT', ROLES_PATH, 405),
])
def test_what_the_service_does_not_have(metadata_emulator, method, path, status):
    answer = http_request(metadata_emulator, method, path, {TTL_HEADER: '60'})
    assert (answer.status, answer.headers['content-type']) == (status, 'text/plain')
    assert metadata_emulator.requests_log()['requests'][-1]['status'] == status


def test_latency_applies_and_faults_do_not(metadata_emulator):
    metadata_emulator.inject(kind='throttling', latency_ms=300)
    started = time.monotonic()
    assert metadata_get(metadata_emulator).status == 200
    assert time.monotonic() - started >= 0.3
    assert api_call(metadata_emulator, 'GetCaCertificate', GET_PARAMS).json()['Code'] == 'Throttling.User'


@pytest.mark.parametrize('settings, message', [
    ({'mode': 'sometimes'}, "mode must be one of optional, required, unsupported, off, got 'sometimes'"),
    ({'role': 'a/b'}, 'role must be a RAM role name'),
    ({'role': 7}, 'role must be a RAM role name'),
    ({'roles': []}, 'unknown keys: roles'),
])
def test_bad_metadata_settings_are_refused_and_change_nothing(metadata_emulator, settings, message):
    with pytest.raises(urllib.error.HTTPError) as caught:
        metadata_emulator.metadata(**settings)
    body = json.loads(caught.value.read())
    assert (caught.value.code, body['Code']) == (400, 'ParameterFieldCheckFailed')
    assert message in body['Message']
    assert metadata_emulator.metadata() == {'mode': 'optional', 'role': ECS_ROLE}


def test_command_line_settings_and_reset(start_emulator):
    running = start_emulator('--metadata-mode', 'required', '--metadata-role', '')
    assert running.metadata() == {'mode': 'required', 'role': None}
    assert metadata_get(running).status == 403
    assert running.metadata(mode='optional', role='changed') == {'mode': 'optional', 'role': 'changed'}
    running.reset()
    assert running.metadata() == {'mode': 'required', 'role': None}
    assert metadata_get(running, token=new_token(running).text()).status == 404
