# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The ApsaraMQ for MQTT control API (product onsmqtt, version 2020-04-20): endpoints and operations."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError

API_VERSION = '2020-04-20'
MAX_PAGE_SIZE = 100
# A listing stops here: far above any instance's CAs, and it keeps a server that never ends its pages from
# holding a task (and the account's 500 calls per second) forever.
MAX_PAGES = 100
MAX_SN_BYTES = 128

_REGION = re.compile(r'\A[a-z0-9]([a-z0-9-]*[a-z0-9])?\Z')
_CONTROL_CHARACTER = re.compile('[\x00-\x1f\x7f-\x9f]')


def region_endpoint(region, vpc=False):
    """The region's endpoint host; regions the docs do not list get the same pattern, not a refusal."""
    if not _REGION.match(region or ''):
        raise ApsaraMQError('region %r is not a region ID such as cn-hangzhou' % (region,))
    return 'onsmqtt%s.%s.aliyuncs.com' % ('-vpc' if vpc else '', region)


def check_sn(sn):
    size = len(sn.encode('utf-8'))
    if not 0 < size <= MAX_SN_BYTES:
        raise ApsaraMQError('sn %r is %d bytes long; a CA serial number has 1 to %d bytes' % (sn, size, MAX_SN_BYTES))
    if _CONTROL_CHARACTER.search(sn):
        raise ApsaraMQError('sn %r holds a control character (a line break, a tab...); a CA serial number has none' % (sn,))


def _data(body, action):
    data = body.get('Data')
    if not isinstance(data, dict):
        raise ApsaraMQError('%s answered without a Data object (request ID %s); the response is not one this collection understands'
                            % (action, body.get('RequestId') or 'none'))
    return data


def get_ca_certificate(client, instance_id, sn):
    """``(data, request_id)`` of one CA; an unknown SN is the API's FindCaBySnError.

    An answer about another CA is refused: a playbook would otherwise write it under a name the server chose.
    """
    body = client.call('GetCaCertificate', {'MqttInstanceId': instance_id, 'Sn': sn})
    data = _data(body, 'GetCaCertificate')
    if data.get('Sn') != sn:
        raise ApsaraMQError('GetCaCertificate answered with the CA of SN %r when SN %r was asked (request ID %s); check endpoint and proxy'
                            % (data.get('Sn'), sn, body.get('RequestId') or 'none'))
    return data, body.get('RequestId')


def list_ca_certificates(client, instance_id, page_size=MAX_PAGE_SIZE, max_pages=MAX_PAGES):
    """``(data, request_id)`` of every CA of the instance, in API order.

    The docs disagree on what Total counts, so paging stops at the first short or empty page, and fails past ``max_pages``.
    """
    certificates, seen = [], set()
    for page_no in range(1, max_pages + 1):
        body = client.call('ListCaCertificate', {'MqttInstanceId': instance_id, 'PageNo': str(page_no), 'PageSize': str(page_size)})
        page = _data(body, 'ListCaCertificate').get('CaCertificateVOS') or []
        if not isinstance(page, list) or not all(isinstance(item, dict) for item in page):
            raise ApsaraMQError('ListCaCertificate answered with a CaCertificateVOS that is not a list of objects (request ID %s)'
                                % (body.get('RequestId') or 'none'))
        sns = [item.get('Sn') for item in page]
        if seen.intersection(sns):
            # A server that ignores PageNo would otherwise be paged forever.
            raise ApsaraMQError('ListCaCertificate returned CAs of an earlier page again on page %d (request ID %s)'
                                % (page_no, body.get('RequestId') or 'none'))
        seen.update(sns)
        certificates.extend((item, body.get('RequestId')) for item in page)
        if len(page) < page_size:
            return certificates
    raise ApsaraMQError('ListCaCertificate was still answering full pages after %d pages of %d CAs (request ID %s); an instance has far fewer: '
                        'check endpoint and proxy, or ask for the CAs by sn' % (max_pages, page_size, body.get('RequestId') or 'none'))
