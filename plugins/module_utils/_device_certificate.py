# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Facts about one device certificate that the broker registered, from the API's device object; and the audit filters,
which read the API's fields only, so that an audit of a big fleet parses only what it returns.

Pure: see ``_certificate`` for what every certificate is described with, and for the errors.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._certificate import ApiFields, canonical_pem, parsed_or_warning, status_name, x509_module
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError

DEVICE_FIELDS = ApiFields('device certificate', 'DeviceSn', required=('DeviceSn', 'CaSn', 'Status', 'DeviceContent', 'ValidBegin', 'ValidEnd'),
                          text=('DeviceSn', 'CaSn', 'DeviceName', 'DeviceContent'))


def audit_filter(status, expires_within_days, now_ms):
    """keep(data) for the device objects with ``status`` (when given) and fewer ``days_remaining`` than
    ``expires_within_days`` (when given, expired ones included); None when nothing is filtered."""
    if status is None and expires_within_days is None:
        return None

    def keep(data):
        sn = DEVICE_FIELDS.checked_sn(data)
        if status is not None and status_name(data['Status']) != status:
            return False
        return expires_within_days is None or DEVICE_FIELDS.days_remaining(data, sn, now_ms) < expires_within_days
    return keep


def describe_device(data, request_id, now_ms):
    """Return ``(facts, warnings)`` for one device certificate: ``data`` is the API's device object, ``now_ms`` the clock."""
    sn = DEVICE_FIELDS.checked_sn(data)
    validity = DEVICE_FIELDS.validity(data, sn, now_ms)
    device_pem = canonical_pem(data['DeviceContent'])
    if device_pem is None:
        raise DEVICE_FIELDS.malformed(sn, 'DeviceContent is empty')
    warnings = []
    described = parsed_or_warning(warnings, 'Device certificate %s' % sn, 'device_pem', 'x509', x509_module().describe_bundle, device_pem)
    facts = {
        'device_sn': sn,
        'ca_sn': data['CaSn'],
        'name': data.get('DeviceName'),
        'status': status_name(data['Status']),
        'device_pem': device_pem,
    }
    facts.update(validity)
    facts.update(x509=described[1] if described else None, request_id=request_id)
    return facts, warnings


def describe_devices(answers, now_ms):
    """``(certificates, warnings)`` of ``(data, request_id)`` answers, in their order."""
    certificates, warnings = [], []
    for data, request_id in answers:
        try:
            facts, device_warnings = describe_device(data, request_id, now_ms)
        except ValueError as exc:
            raise ApsaraMQError('The API answered with device certificate data this collection cannot read: %s (request ID %s)'
                                % (exc, request_id or 'none')) from None
        certificates.append(facts)
        warnings.extend(device_warnings)
    return certificates, warnings
