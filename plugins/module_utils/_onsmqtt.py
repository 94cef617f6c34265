# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The ApsaraMQ for MQTT control API (product onsmqtt, version 2020-04-20): endpoints and operations."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import CONTROL_CHARACTER, ApsaraMQError, OutcomeUnknownError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._pages import Listing

API_VERSION = '2020-04-20'
MAX_PAGE_SIZE = 100
MAX_SN_BYTES = 128
# The API documents no limit on CaName. The service documents 64 characters for the names it does limit (instance
# names, topics, client IDs); a longer name has come back as HTTP 414 from a gateway. So at most 64: a name the service
# might accept may be refused here, never one it would refuse sent.
MAX_CA_NAME_CHARACTERS = 64
_NAME_SHOWN_CHARACTERS = 20
# "What the request names does not exist", answered with HTTP 500, or 400 since the status-code notice: the code decides.
NOT_FOUND_CODES = ('FindCaBySnError', 'FindDeviceBySnError')
# The operations that change something, sent by POST as the official SDK sends them, and whether carrying one out twice
# is harmless: a second registration of a CA is not (the reads, sent by GET, all are).
REPEATABLE_WRITES = {
    'RegisterCaCertificate': False,
    'ActiveCaCertificate': True,
    'InactivateCaCertificate': True,
    'DeleteCaCertificate': True,
    'ActiveDeviceCertificate': True,
    'InactivateDeviceCertificate': True,
    'DeleteDeviceCertificate': True,
}

# 100 pages of CAs: far above any instance's, and a server that never ends its pages cannot hold a task
# (and the account's 500 calls per second) forever.
CA_LISTING = Listing('ListCaCertificate', 'CAs', identity=lambda item: item.get('Sn'), max_pages=100)
# Device certificates: 10,000 pages of 100, a million devices, far above a fleet of one instance.
DEVICE_LISTING = Listing('ListDeviceCertificate', 'device certificates', identity=lambda item: (item.get('CaSn'), item.get('DeviceSn')),
                         max_pages=10000)
DEVICE_LISTING_BY_CA = Listing('ListDeviceCertificateByCaSn', 'device certificates', identity=lambda item: item.get('DeviceSn'),
                               max_pages=10000)

_REGION = re.compile(r'\A[a-z0-9]([a-z0-9-]*[a-z0-9])?\Z')


def region_endpoint(region, vpc=False):
    """The region's endpoint host; regions the docs do not list get the same pattern, not a refusal."""
    if not _REGION.match(region or ''):
        raise ApsaraMQError('region %r is not a region ID such as cn-hangzhou' % (region,))
    return 'onsmqtt%s.%s.aliyuncs.com' % ('-vpc' if vpc else '', region)


def check_sn(sn, option='sn', kind='a CA serial number'):
    """Refuse what cannot be a serial number; ``option`` names where it was given, ``kind`` what it numbers."""
    size = len(sn.encode('utf-8'))
    if not 0 < size <= MAX_SN_BYTES:
        raise ApsaraMQError('%s %r is %d bytes long; %s has 1 to %d bytes' % (option, sn, size, kind, MAX_SN_BYTES))
    if CONTROL_CHARACTER.search(sn):
        raise ApsaraMQError('%s %r holds a control character (a line break, a tab...); %s has none' % (option, sn, kind))


def check_ca_name(name):
    """Refuse a CA name that is blank, holds a control character, or is longer than MAX_CA_NAME_CHARACTERS."""
    if len(name) > MAX_CA_NAME_CHARACTERS:
        raise ApsaraMQError("name %r is %d characters long; a CA's name has at most %d characters"
                            % (name[:_NAME_SHOWN_CHARACTERS] + '...', len(name), MAX_CA_NAME_CHARACTERS))
    if CONTROL_CHARACTER.search(name):
        raise ApsaraMQError("name %r holds a control character (a line break, a tab...); a CA's name has none" % name)
    if not name.strip():
        raise ApsaraMQError("name is blank; a CA's name needs a character that is not a space")


def data_object(body, action):
    """The ``Data`` object of a successful answer."""
    data = body.get('Data')
    if not isinstance(data, dict):
        raise ApsaraMQError('%s answered without a Data object (request ID %s); the response is not one this collection understands'
                            % (action, body.get('RequestId') or 'none'))
    return data


def write(client, action, params):
    """The answer of a write operation of REPEATABLE_WRITES; see AcsClient.call for what happens after a failure."""
    return client.call(action, params, method='POST', repeatable=REPEATABLE_WRITES[action])


def get_ca_certificate(client, instance_id, sn):
    """``(data, request_id)`` of one CA; an unknown SN is the API's FindCaBySnError.

    An answer about another CA is refused: a playbook would otherwise write it under a name the server chose.
    """
    body = client.call('GetCaCertificate', {'MqttInstanceId': instance_id, 'Sn': sn})
    data = data_object(body, 'GetCaCertificate')
    if data.get('Sn') != sn:
        raise ApsaraMQError('GetCaCertificate answered with the CA of SN %r when SN %r was asked (request ID %s); check endpoint and proxy'
                            % (data.get('Sn'), sn, body.get('RequestId') or 'none'))
    return data, body.get('RequestId')


def list_ca_certificates(client, instance_id, page_size=MAX_PAGE_SIZE):
    """``(data, request_id)`` of every CA of the instance, in API order."""
    return CA_LISTING.read(_page_reader(client, 'ListCaCertificate', {'MqttInstanceId': instance_id}, 'CaCertificateVOS', page_size), page_size)


def _page_reader(client, action, params, items_field, page_size):
    """fetch_page(page_no) -> (items, request_id, Total) of a listing, for Listing.read."""
    def fetch_page(page_no):
        body = client.call(action, dict(params, PageNo=str(page_no), PageSize=str(page_size)))
        data = data_object(body, action)
        page = data.get(items_field) or []
        if not isinstance(page, list) or not all(isinstance(item, dict) for item in page):
            raise ApsaraMQError('%s answered with a %s that is not a list of objects (request ID %s)'
                                % (action, items_field, body.get('RequestId') or 'none'))
        return page, body.get('RequestId'), data.get('Total')
    return fetch_page


def _text_field(body, field, action):
    value = body.get(field)
    if not isinstance(value, str) or not value:
        raise ApsaraMQError('%s answered without %s (request ID %s); the response is not one this collection understands'
                            % (action, field, body.get('RequestId') or 'none'))
    return value


def get_register_code(client, instance_id):
    """The instance's registration code, the common name a verification certificate must have."""
    return _text_field(client.call('GetRegisterCode', {'MqttInstanceId': instance_id}), 'RegisterCode', 'GetRegisterCode')


def register_ca_certificate(client, instance_id, name, ca_pem, verification_pem):
    """The SN the answer gives to the CA just registered; OutcomeUnknownError when the answer was lost or cannot be read,
    or has no SN: the service may have registered the CA (the client does not send it twice)."""
    body = write(client, 'RegisterCaCertificate',
                 {'MqttInstanceId': instance_id, 'CaName': name, 'CaContent': ca_pem, 'VerificationContent': verification_pem})
    try:
        return _text_field(body, 'Sn', 'RegisterCaCertificate')
    except ApsaraMQError as exc:
        raise OutcomeUnknownError('RegisterCaCertificate', ApsaraMQError('RegisterCaCertificate answered without Sn (request ID %s)'
                                                                         % (body.get('RequestId') or 'none'))) from exc


def set_ca_status(client, instance_id, sn, active):
    write(client, 'ActiveCaCertificate' if active else 'InactivateCaCertificate', {'MqttInstanceId': instance_id, 'Sn': sn})


def delete_ca_certificate(client, instance_id, sn):
    write(client, 'DeleteCaCertificate', {'MqttInstanceId': instance_id, 'Sn': sn})


def count_device_certificates(client, instance_id, ca_sn):
    """``(count, exact)`` of the device certificates registered for a CA, from one page of size 1.

    There are some when either the page or the answer's Total says so: a Total with an empty page is not taken for none.
    ``exact``: Total is a count that the page does not contradict (the docs disagree on what it counts); otherwise
    ``count`` is what the page shows, a lower bound.
    """
    body = client.call('ListDeviceCertificateByCaSn', {'MqttInstanceId': instance_id, 'CaSn': ca_sn, 'PageNo': '1', 'PageSize': '1'})
    data = data_object(body, 'ListDeviceCertificateByCaSn')
    page = data.get('DeviceCertificateVOS') or []
    if not isinstance(page, list):
        raise ApsaraMQError('ListDeviceCertificateByCaSn answered with a DeviceCertificateVOS that is not a list (request ID %s)'
                            % (body.get('RequestId') or 'none'))
    total = _count(data.get('Total'))
    if total is not None and total >= len(page):
        return total, True
    return len(page), False


def _count(value):
    """A whole number of 0 or more, from an int or a string of digits; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value if isinstance(value, int) and value >= 0 else None


def get_device_certificate(client, instance_id, ca_sn, device_sn):
    """``(data, request_id)`` of one device certificate; an unknown one is the API's FindDeviceBySnError (NotFoundError)."""
    body = client.call('GetDeviceCertificate', {'MqttInstanceId': instance_id, 'CaSn': ca_sn, 'DeviceSn': device_sn})
    data = data_object(body, 'GetDeviceCertificate')
    if data.get('DeviceSn') != device_sn:
        raise ApsaraMQError('GetDeviceCertificate answered with the device certificate of SN %r when SN %r was asked (request ID %s); '
                            'check endpoint and proxy' % (data.get('DeviceSn'), device_sn, body.get('RequestId') or 'none'))
    return data, body.get('RequestId')


def list_device_certificates(client, instance_id, ca_sn=None, max_concurrency=1, keep=None, page_size=MAX_PAGE_SIZE):
    """``(data, request_id)`` of the instance's device certificates (those of the CA ``ca_sn`` when given) that ``keep``
    accepts, in API order, up to ``max_concurrency`` pages at a time."""
    if ca_sn is None:
        listing, params = DEVICE_LISTING, {'MqttInstanceId': instance_id}
    else:
        listing, params = DEVICE_LISTING_BY_CA, {'MqttInstanceId': instance_id, 'CaSn': ca_sn}
    return listing.read(_page_reader(client, listing.action, params, 'DeviceCertificateVOS', page_size), page_size, max_concurrency, keep)


def set_device_status(client, instance_id, ca_sn, device_sn, active):
    write(client, 'ActiveDeviceCertificate' if active else 'InactivateDeviceCertificate',
          {'MqttInstanceId': instance_id, 'CaSn': ca_sn, 'DeviceSn': device_sn})


def delete_device_certificate(client, instance_id, ca_sn, device_sn):
    write(client, 'DeleteDeviceCertificate', {'MqttInstanceId': instance_id, 'CaSn': ca_sn, 'DeviceSn': device_sn})
