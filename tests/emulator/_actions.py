# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Every action the emulator serves, by API version: its handler, the RAM action it needs, and its product."""

import dataclasses

import _api
from _api import ONSMQTT_VERSION
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
        name: Action(handler, ram_action, 'PermissionCheckFailed') for name, handler, ram_action in (
            ('GetCaCertificate', _api.get_ca_certificate, 'mq:GetCaCertificate'),
            ('ListCaCertificate', _api.list_ca_certificate, 'mq:ListCaCertificate'),
            ('GetRegisterCode', _api.get_register_code, 'mq:GetRegisterCode'),
            ('RegisterCaCertificate', _api.register_ca_certificate, 'mq:RegisterCa'),
            ('ActiveCaCertificate', _api.active_ca_certificate, 'mq:ActiveCaCertificate'),
            # The RAM actions of the inactivate operations are not named after them.
            ('InactivateCaCertificate', _api.inactivate_ca_certificate, 'mq:UnregisterCaCertificate'),
            ('DeleteCaCertificate', _api.delete_ca_certificate, 'mq:DeleteCaCertificate'),
            ('GetDeviceCertificate', _api.get_device_certificate, 'mq:GetDeviceCertificate'),
            ('ListDeviceCertificate', _api.list_device_certificate, 'mq:ListDeviceCertificate'),
            ('ListDeviceCertificateByCaSn', _api.list_device_certificate_by_ca_sn, 'mq:ListDeviceCertificateByCaSn'),
            ('ActiveDeviceCertificate', _api.active_device_certificate, 'mq:ActiveDeviceCertificate'),
            ('InactivateDeviceCertificate', _api.inactivate_device_certificate, 'mq:UnregisterDeviceCertificate'),
            ('DeleteDeviceCertificate', _api.delete_device_certificate, 'mq:DeleteDeviceCertificate'),
        )
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
