# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""The onsmqtt actions (2020-04-20) the emulator serves, and their parameter checks.

A handler takes the call's parameters, the Emulator (for its fixtures) and the caller's Credential, and
returns the answer without its RequestId; _actions.py lists the handlers.
"""

import re

from _errors import ApiError

ONSMQTT_VERSION = '2020-04-20'
SN_MAX_BYTES = 128
PAGE_SIZE_MAX = 100
INT32_MAX = 2 ** 31 - 1  # the service is written in Java
INSTANCE_ID = re.compile(r'\A[A-Za-z0-9_-]{1,64}\Z')


def _text_param(params, name, max_bytes=None):
    if name not in params:
        raise ApiError('MissingParameter', f'{name} is mandatory for this action.')
    value = params[name]
    if not value or (max_bytes and len(value.encode('utf-8')) > max_bytes):
        requirement = f'from 1 to {max_bytes} bytes long' if max_bytes else 'non-empty'
        raise ApiError('ParameterFieldCheckFailed', f'{name} must be {requirement}.')
    return value


def _int_param(params, name, minimum, maximum=INT32_MAX):
    text = _text_param(params, name)
    value = int(text) if text.isascii() and text.isdigit() and len(text) <= len(str(INT32_MAX)) else None
    if value is None or not minimum <= value <= maximum:
        raise ApiError('ParameterFieldCheckFailed', f'{name} must be an integer from {minimum} to {maximum}; got {text!r}.')
    return value


def _find_instance(fixtures, instance_id, credential):
    if not INSTANCE_ID.match(instance_id):
        raise ApiError('ParameterFieldCheckFailed', 'MqttInstanceId must be an instance ID such as post-cn-7mz2d000000.')
    instance = fixtures.instance(instance_id)
    if instance is None:
        raise ApiError('MqttInstanceNotFound')
    if instance.owner != credential.account:
        raise ApiError('MqttOwnerCheckError')
    return instance


def get_ca_certificate(params, emulator, credential):
    instance_id = _text_param(params, 'MqttInstanceId')
    sn = _text_param(params, 'Sn', SN_MAX_BYTES)
    ca = _find_instance(emulator.fixtures, instance_id, credential).find(sn)
    if ca is None:
        raise ApiError('FindCaBySnError')
    return {'Data': ca}


def list_ca_certificate(params, emulator, credential):
    instance_id = _text_param(params, 'MqttInstanceId')
    page_no = _int_param(params, 'PageNo', 1)
    page_size = _int_param(params, 'PageSize', 1, PAGE_SIZE_MAX)
    instance = _find_instance(emulator.fixtures, instance_id, credential)
    cas = instance.ca_certificates
    start = (page_no - 1) * page_size
    # The documentation contradicts itself on what Total counts; a fixture can pick either reading.
    total = len(cas) if instance.list_total == 'items' else -(-len(cas) // page_size)
    page = {'Total': total, 'PageNo': page_no, 'PageSize': page_size, 'CaCertificateVOS': list(cas[start:start + page_size])}
    return {'Data': page}
