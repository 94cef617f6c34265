# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The facts of an instance's device certificates: by SN, of one CA, or all of them, filtered before they are parsed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._device_certificate import audit_filter, describe_devices
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._fan_out import fetch_each
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import check_sn, get_device_certificate, list_device_certificates
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._pages import MAX_LOOKS

DEVICE_SN = 'a device certificate serial number'
UNSETTLED = ('Device certificates were registered or deleted during every look at the listing (%d looks); a device certificate that '
             'existed throughout may be missing: run the task again')


def check_audit(instance_id, ca_sn, device_sns, expires_within_days, max_concurrency):
    """Reject what the API would reject anyway, before credentials are looked for or a request is sent."""
    if not (instance_id or '').strip():
        raise ApsaraMQError('instance_id must not be empty')
    if max_concurrency < 1:
        raise ApsaraMQError('max_concurrency must be at least 1, got %d' % max_concurrency)
    if device_sns is not None and ca_sn is None:
        raise ApsaraMQError('device_sn needs ca_sn: the API finds a device certificate by the SN of its CA and its own')
    if ca_sn is not None:
        check_sn(ca_sn, 'ca_sn')
    for device_sn in device_sns or ():
        check_sn(device_sn, 'device_sn', DEVICE_SN)
    if expires_within_days is not None and expires_within_days < 0:
        raise ApsaraMQError('expires_within_days must be 0 or more, got %d' % expires_within_days)


def device_certificate_facts(client, instance_id, ca_sn, device_sns, now_ms, status=None, expires_within_days=None, max_concurrency=1):
    """``(certificates, warnings)``: the devices ``device_sns`` of ``ca_sn`` in the order given (an SN asked twice is
    fetched once), else every one of ``ca_sn``, else every one of the instance, in API order; only those the filters keep."""
    keep = audit_filter(status, expires_within_days, now_ms)
    try:
        if device_sns is None:
            listed = list_device_certificates(client, instance_id, ca_sn, max_concurrency, keep)
            certificates, warnings = describe_devices(listed, now_ms)
            return certificates, warnings + ([] if listed.settled else [UNSETTLED % MAX_LOOKS])
        distinct = list(dict.fromkeys(device_sns))
        fetched = fetch_each(distinct, lambda device_sn: get_device_certificate(client, instance_id, ca_sn, device_sn), max_concurrency,
                             'device SN %s')
        kept = [device_sn for device_sn in distinct if keep is None or keep(fetched[device_sn][0])]
    except ValueError as exc:  # the filter met data that makes no sense; requests and describe_devices raise ApsaraMQError
        raise ApsaraMQError('The API answered with device certificate data this collection cannot read: %s' % exc) from None
    certificates, warnings = describe_devices([fetched[device_sn] for device_sn in kept], now_ms)
    by_sn = dict(zip(kept, certificates))
    return [dict(by_sn[device_sn]) for device_sn in device_sns if device_sn in by_sn], warnings
