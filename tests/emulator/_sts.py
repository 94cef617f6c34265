# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""The STS actions (2015-04-01) the emulator serves: AssumeRole and AssumeRoleWithOIDC, for the default account's roles.

The keys they issue are temporary keys of the role's account: the onsmqtt API takes them with their token.
"""

import dataclasses
import hmac
import json
import re

from _errors import ApiError
from _fixtures import DEFAULT_ACCOUNT
from _keyring import key_answer

STS_VERSION = '2015-04-01'
ROLE_NAME = r'[A-Za-z0-9.-]{1,64}'
ROLE_ARN = re.compile(rf'acs:ram::(?P<account>[0-9]{{1,32}}):role/(?P<name>{ROLE_NAME})')
ROLE_SESSION_NAME = re.compile(r'[A-Za-z0-9_.@-]{2,64}')
EXTERNAL_ID = re.compile(r'[A-Za-z0-9_+=,.@:/-]{2,1224}')
DEFAULT_DURATION_SECONDS = 3600
MIN_DURATION_SECONDS = 900
MAX_DURATION_SECONDS = 43200  # the emulator's roles have the highest MaxSessionDuration there is
OIDC_PROVIDER_ARN = f'acs:ram::{DEFAULT_ACCOUNT}:oidc-provider/emulator-oidc-provider'
OIDC_TOKEN = 'emulator-oidc-token'  # the only token the emulator's OIDC provider takes


@dataclasses.dataclass(frozen=True)
class Role:
    """A RAM role of the default account."""

    name: str
    role_id: str
    trusting: bool  # whether its trust policy lets the account's own principals and the OIDC provider assume it

    @property
    def arn(self):
        return f'acs:ram::{DEFAULT_ACCOUNT}:role/{self.name}'


ROLES = {role.name: role for role in (
    Role('emulator-role', '300800000000000001', trusting=True),
    Role('emulator-untrusted-role', '300800000000000002', trusting=False),
)}


@dataclasses.dataclass(frozen=True)
class RoleRequest:
    """The parameters both actions share, checked."""

    role: Role
    session_name: str
    duration_seconds: int


def assume_role(params, emulator, credential):
    if 'ExternalId' in params and not EXTERNAL_ID.fullmatch(params['ExternalId']):
        raise ApiError('InvalidParameter.ExternalId', 'It is 2 to 1224 letters, digits and characters of _+=,.@:/-.')
    request = _role_request(params)
    if not request.role.trusting or credential.account != DEFAULT_ACCOUNT:
        raise ApiError('NoPermission', f'The trust policy of role {request.role.name} does not trust account {credential.account}.')
    return _issue(emulator, request)


def assume_role_with_oidc(params, emulator, _credential):
    if params.get('OIDCProviderArn') != OIDC_PROVIDER_ARN:
        raise ApiError('AuthenticationFail.NoPermission', f'The emulator knows one OIDC provider: {OIDC_PROVIDER_ARN}.')
    if not hmac.compare_digest(params.get('OIDCToken', '').encode('utf-8'), OIDC_TOKEN.encode('utf-8')):
        raise ApiError('AuthenticationFail.OIDCToken.Invalid')
    request = _role_request(params)
    if not request.role.trusting:
        raise ApiError('NoPermission', f'The trust policy of role {request.role.name} does not trust {OIDC_PROVIDER_ARN}.')
    return _issue(emulator, request)


def _role_request(params):
    for name in ('RoleArn', 'RoleSessionName'):
        if name not in params:
            raise ApiError('MissingParameter', f'{name} is mandatory for this action.')
    arn = ROLE_ARN.fullmatch(params['RoleArn'])
    if not arn:
        raise ApiError('InvalidParameter.RoleArn', 'A role ARN reads acs:ram::<account ID>:role/<role name>.')
    session_name = params['RoleSessionName']
    if not ROLE_SESSION_NAME.fullmatch(session_name):
        raise ApiError('InvalidParameter.RoleSessionName', 'It is 2 to 64 letters, digits and characters of _.@-.')
    duration = _duration_seconds(params.get('DurationSeconds', str(DEFAULT_DURATION_SECONDS)))
    if 'Policy' in params:
        _check_policy(params['Policy'])
    role = ROLES.get(arn['name']) if arn['account'] == DEFAULT_ACCOUNT else None
    if role is None:
        raise ApiError('EntityNotExist.Role', f'Account {arn["account"]} has no role {arn["name"]}.')
    return RoleRequest(role, session_name, duration)


def _duration_seconds(text):
    value = int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else None
    if value is None or not MIN_DURATION_SECONDS <= value <= MAX_DURATION_SECONDS:
        raise ApiError('InvalidParameter.DurationSeconds', f'It is a whole number from {MIN_DURATION_SECONDS} to {MAX_DURATION_SECONDS}; got {text!r}.')
    return value


def _check_policy(text):
    try:
        policy = json.loads(text)
    except ValueError:
        policy = None
    if not isinstance(policy, dict):
        raise ApiError('InvalidParameter.PolicyGrammar', 'A policy is a JSON object such as {"Version": "1", "Statement": [...]}.')


def _issue(emulator, request):
    key = emulator.keys.issue(DEFAULT_ACCOUNT, emulator.clock() + request.duration_seconds)
    return {
        'AssumedRoleUser': {
            'Arn': f'{request.role.arn}/{request.session_name}',
            'AssumedRoleId': f'{request.role.role_id}:{request.session_name}',
        },
        'Credentials': key_answer(key),
    }
