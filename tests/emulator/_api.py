# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""The onsmqtt actions (2020-04-20) the emulator serves, and their parameter checks.

A handler takes the call's parameters, the Emulator (for its fixtures and its CertificateState) and the caller's
Credential, and returns the answer without its RequestId; _actions.py lists the handlers.
"""

import re

from _certificates import epoch_ms, is_ca, issued_by, read_certificates, serial_hex, subject_common_name
from _errors import ApiError
from _state import ACTIVE, INACTIVE

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


def _listing(action, params, emulator, credential, ca_sn_param=False):
    """(instance ID, the fixtures' Instance, CA SN or None, page number, page size) of a list call, once the listing hooks
    waiting for this page made their changes."""
    instance_id = _text_param(params, 'MqttInstanceId')
    ca_sn = _text_param(params, 'CaSn', SN_MAX_BYTES) if ca_sn_param else None
    page_no = _int_param(params, 'PageNo', 1)
    page_size = _int_param(params, 'PageSize', 1, PAGE_SIZE_MAX)
    instance = _find_instance(emulator.fixtures, instance_id, credential)
    emulator.listing_hooks.fire(action, instance_id, ca_sn, page_no, emulator.certificates, emulator.clock())
    return instance_id, instance, ca_sn, page_no, page_size


def _page(items, items_key, instance, page_no, page_size):
    start = (page_no - 1) * page_size
    # The documentation contradicts itself on what Total counts; a fixture can pick either reading.
    total = len(items) if instance.list_total == 'items' else -(-len(items) // page_size)
    return {'Data': {'Total': total, 'PageNo': page_no, 'PageSize': page_size, items_key: items[start:start + page_size]}}


# --- CA certificates -------------------------------------------------------------------------------------------------------
def _ca_call(params, emulator, credential):
    """(instance ID, SN) of a call about one CA."""
    instance_id = _text_param(params, 'MqttInstanceId')
    sn = _text_param(params, 'Sn', SN_MAX_BYTES)
    _find_instance(emulator.fixtures, instance_id, credential)
    return instance_id, sn


def get_ca_certificate(params, emulator, credential):
    instance_id, sn = _ca_call(params, emulator, credential)
    return {'Data': emulator.certificates.ca(instance_id, sn)}


def list_ca_certificate(params, emulator, credential):
    instance_id, instance, _ca_sn, page_no, page_size = _listing('ListCaCertificate', params, emulator, credential)
    return _page(emulator.certificates.cas(instance_id), 'CaCertificateVOS', instance, page_no, page_size)


def get_register_code(params, emulator, credential):
    instance_id = _text_param(params, 'MqttInstanceId')
    return {'RegisterCode': _find_instance(emulator.fixtures, instance_id, credential).registration_code}


def _first_certificate(params, name):
    try:
        return read_certificates(params[name])[0]
    except ValueError as exc:
        raise ApiError('ParameterFieldCheckFailed', f'{name} must be an X.509 certificate in PEM.') from exc


def register_ca_certificate(params, emulator, credential):
    """Registers a CA, active, after checking the verification certificate as the service does; answers its SN,
    the CA certificate's serial number in hex."""
    instance_id = _text_param(params, 'MqttInstanceId')
    for name in ('CaName', 'CaContent', 'VerificationContent'):
        _text_param(params, name)
    instance = _find_instance(emulator.fixtures, instance_id, credential)
    ca_certificate = _first_certificate(params, 'CaContent')
    if not is_ca(ca_certificate):
        raise ApiError('ParameterFieldCheckFailed', 'CaContent: the (first) certificate is not a CA certificate (basicConstraints CA:TRUE).')
    verification = _first_certificate(params, 'VerificationContent')
    if subject_common_name(verification) != instance.registration_code or not issued_by(verification, ca_certificate):
        raise ApiError('RegisterCodeError')
    sn = serial_hex(ca_certificate.serial_number)
    emulator.certificates.add_ca(instance_id, {
        'RegistrationCode': instance.registration_code,
        'CaName': params['CaName'],
        'Sn': sn,
        'CaContent': params['CaContent'],
        'VerificationContent': params['VerificationContent'],
        'ValidBegin': epoch_ms(ca_certificate.not_valid_before_utc),
        'ValidEnd': epoch_ms(ca_certificate.not_valid_after_utc),
        'Status': ACTIVE,
    }, ca_certificate)
    return {'Sn': sn}


def active_ca_certificate(params, emulator, credential):
    instance_id, sn = _ca_call(params, emulator, credential)
    emulator.certificates.set_ca_status(instance_id, sn, ACTIVE)
    return {'Sn': sn}


def inactivate_ca_certificate(params, emulator, credential):
    instance_id, sn = _ca_call(params, emulator, credential)
    emulator.certificates.set_ca_status(instance_id, sn, INACTIVE)
    return {'Sn': sn}


def delete_ca_certificate(params, emulator, credential):
    instance_id, sn = _ca_call(params, emulator, credential)
    emulator.certificates.delete_ca(instance_id, sn)
    return {'Sn': sn}


# --- device certificates ---------------------------------------------------------------------------------------------------
def _device_call(params, emulator, credential):
    """(instance ID, CA SN, device SN) of a call about one device certificate."""
    instance_id = _text_param(params, 'MqttInstanceId')
    ca_sn = _text_param(params, 'CaSn', SN_MAX_BYTES)
    device_sn = _text_param(params, 'DeviceSn', SN_MAX_BYTES)
    _find_instance(emulator.fixtures, instance_id, credential)
    return instance_id, ca_sn, device_sn


def get_device_certificate(params, emulator, credential):
    return {'Data': emulator.certificates.device(*_device_call(params, emulator, credential))}


def list_device_certificate(params, emulator, credential):
    instance_id, instance, _ca_sn, page_no, page_size = _listing('ListDeviceCertificate', params, emulator, credential)
    return _page(emulator.certificates.devices(instance_id), 'DeviceCertificateVOS', instance, page_no, page_size)


def list_device_certificate_by_ca_sn(params, emulator, credential):
    instance_id, instance, ca_sn, page_no, page_size = _listing('ListDeviceCertificateByCaSn', params, emulator, credential, ca_sn_param=True)
    return _page(emulator.certificates.devices(instance_id, ca_sn), 'DeviceCertificateVOS', instance, page_no, page_size)


def active_device_certificate(params, emulator, credential):
    instance_id, ca_sn, device_sn = _device_call(params, emulator, credential)
    emulator.certificates.set_device_status(instance_id, ca_sn, device_sn, ACTIVE)
    return {'DeviceSn': device_sn}


def inactivate_device_certificate(params, emulator, credential):
    instance_id, ca_sn, device_sn = _device_call(params, emulator, credential)
    emulator.certificates.set_device_status(instance_id, ca_sn, device_sn, INACTIVE)
    return {'DeviceSn': device_sn}


def delete_device_certificate(params, emulator, credential):
    instance_id, ca_sn, device_sn = _device_call(params, emulator, credential)
    emulator.certificates.delete_device(instance_id, ca_sn, device_sn)
    return {'DeviceSn': device_sn}
