# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Every action the emulator serves, by API version: its handler, the RAM action it needs, and its product."""

import dataclasses

from _api import ONSMQTT_VERSION, get_ca_certificate, list_ca_certificate
from _errors import ApiError
from _sts import STS_VERSION, assume_role, assume_role_with_oidc

# API version -> the product code of the troubleshooting link in error answers
PRODUCTS = {ONSMQTT_VERSION: 'OnsMqtt', STS_VERSION: 'Sts'}


@dataclasses.dataclass(frozen=True)
class Action:
    handler: object  # handler(params, emulator, credential) -> the answer without its RequestId
    ram_action: str = None  # what a RAM policy must grant the caller; None: an anonymous action, callable unsigned
    denied_code: str = None  # the product's error code for a caller not granted ram_action

    @property
    def anonymous(self):
        return self.ram_action is None


ACTIONS = {
    ONSMQTT_VERSION: {
        'GetCaCertificate': Action(get_ca_certificate, 'mq:GetCaCertificate', 'PermissionCheckFailed'),
        'ListCaCertificate': Action(list_ca_certificate, 'mq:ListCaCertificate', 'PermissionCheckFailed'),
    },
    STS_VERSION: {
        'AssumeRole': Action(assume_role, 'sts:AssumeRole', 'NoPermission'),
        'AssumeRoleWithOIDC': Action(assume_role_with_oidc),
    },
}


def find_action(version, name):
    actions = ACTIONS.get(version)
    if actions is None:
        raise ApiError('InvalidVersion', f'Supported versions: {", ".join(sorted(ACTIONS))}.')
    action = actions.get(name)
    if action is None:
        raise ApiError('InvalidAction.NotFound', f'Unknown action {name!r} for version {version}.')
    return action


def authorize(credential, action):
    """The RAM check: a credential limited to some actions may call only those; anonymous actions need none."""
    if action.anonymous or credential.allowed_actions is None:
        return
    if action.ram_action not in credential.allowed_actions:
        raise ApiError(action.denied_code, f'The caller is not granted {action.ram_action}.')
