#!/usr/bin/python
# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: mqtt_device_certificate_info
short_description: Audit the device certificates that an ApsaraMQ for MQTT instance's broker registered
version_added: 0.1.0
description:
  - Returns the device certificates that the broker of an ApsaraMQ for MQTT instance registered (the broker registers a
    device's certificate the first time the device connects with it; there is no API to register one), with their status,
    validity and facts parsed from the certificates.
  - With O(ca_sn) and O(device_sn), calls C(GetDeviceCertificate) for each device, several at a time. With O(ca_sn) alone,
    pages through C(ListDeviceCertificateByCaSn); with neither, through C(ListDeviceCertificate). Pages are fetched
    several at a time, in the API's order, without trusting the C(Total) the API answers.
  - Devices registered or deleted while a listing pages through the fleet shift its pages. A device that comes again is
    returned once, never an error. When an answer's C(Total) changed or a device came again, the pages up to the change
    are read once more, so that a device that existed throughout the listing is not left out (nothing more is sent when
    nothing moved). Three looks at most; when the fleet moved during all three, a warning says that a device may be
    missing. A device registered or deleted during the listing may be in the result or not. Unseen is a change that
    leaves every C(Total) as it was (a registration and a deletion between the same two answers), and, where C(Total)
    counts pages or is absent, a deletion.
  - O(status) and O(expires_within_days) filter before anything is parsed or returned, so that an audit of a big fleet
    returns (and costs) only what it asks for.
  - Changes nothing; RV(ignore:changed) is always V(false).
  - 'RAM actions: C(mq:GetDeviceCertificate), C(mq:ListDeviceCertificateByCaSn) or C(mq:ListDeviceCertificate).'
author:
  - alibabacloud.apsaramq maintainers (@alibabacloud-apsaramq)
options:
  ca_sn:
    description: Only the device certificates issued by this CA (its serial number).
    type: str
  device_sn:
    description:
      - These device certificates (serial numbers, each of 1 to 128 bytes), in this order; requires O(ca_sn).
      - One that the instance does not have fails the task with the API's C(FindDeviceBySnError).
    type: list
    elements: str
  status:
    description: Keep only the device certificates in this status.
    type: str
    choices: [active, inactive]
  expires_within_days:
    description:
      - Keep only the device certificates with fewer RV(device_certificates[].days_remaining) than this; expired ones
        included. V(30) finds those to renew within a month.
    type: int
extends_documentation_fragment:
  - alibabacloud.apsaramq.instance
  - alibabacloud.apsaramq.instance.max_concurrency_and_pages
  - alibabacloud.apsaramq.connection
  - alibabacloud.apsaramq.attributes
  - alibabacloud.apsaramq.attributes.info_module
requirements:
  - cryptography
seealso:
  - module: alibabacloud.apsaramq.mqtt_device_certificate
  - module: alibabacloud.apsaramq.mqtt_ca_certificate_info
"""

EXAMPLES = r"""
- name: The devices of a CA that are still active, before the CA is retired
  alibabacloud.apsaramq.mqtt_device_certificate_info:
    instance_id: post-cn-7mz2d000000
    ca_sn: "00f26900ba87000000"
    status: active
  register: stragglers

- name: Every device certificate of the instance that expires within 30 days
  alibabacloud.apsaramq.mqtt_device_certificate_info:
    instance_id: post-cn-7mz2d000000
    expires_within_days: 30
  register: to_renew

- name: Two devices, by serial number
  alibabacloud.apsaramq.mqtt_device_certificate_info:
    instance_id: post-cn-7mz2d000000
    ca_sn: "00f26900ba87000000"
    device_sn: ["3a5f00c1", "3a5f00c2"]
"""

RETURN = r"""
device_certificates:
  description: The device certificates asked for, in the order of O(device_sn), else in the API's order; only those the filters keep.
  returned: success
  type: list
  elements: dict
  contains:
    device_sn:
      description: The device certificate's serial number (C(DeviceSn)).
      type: str
      returned: success
      sample: 3a5f00c1
    ca_sn:
      description: The serial number of the CA that issued it (C(CaSn)).
      type: str
      returned: success
      sample: 00f26900ba87000000
    name:
      description: C(DeviceName); V(null) when the API has none.
      type: str
      returned: success
      sample: sensor-0042
    status:
      description: V(active) or V(inactive); any other value of the API is passed through as it is.
      type: str
      returned: success
      sample: active
    device_pem:
      description: The device certificate (C(DeviceContent)) as PEM with C(\n) line breaks and exactly one final newline.
      type: str
      returned: success
    valid_begin:
      description:
        - Start of the validity period (C(ValidBegin)), ISO 8601 UTC. V(valid_end), V(valid_begin_ms), V(valid_end_ms)
          and V(expired) are there too, with the meanings they have for CAs in
          RV(alibabacloud.apsaramq.mqtt_ca_certificate_info#module:certificates).
      type: str
      returned: success
      sample: "2026-01-02T03:04:05Z"
    days_remaining:
      description: Whole days until the end of the validity period, rounded down; negative once expired.
      type: int
      returned: success
      sample: 30
    x509:
      description:
        - The certificate parsed, with the keys of RV(alibabacloud.apsaramq.mqtt_ca_certificate_info#module:certificates[].x509).
        - V(null), with a warning, when the content cannot be parsed.
      type: dict
      returned: success
    request_id:
      description: The C(RequestId) of the API answer that carried this device certificate.
      type: str
      returned: success
request_attempts:
  description: How many HTTP requests the task sent to the API and to STS, retries included (see O(retries)).
  returned: always
  type: int
  sample: 3
error:
  description:
    - The API's error answer, when the task failed because of one, with the keys of
      RV(alibabacloud.apsaramq.mqtt_ca_certificate_info#module:error) (C(code), C(message), C(request_id), C(http_status)).
  returned: failed with an API error
  type: dict
  sample:
    code: FindDeviceBySnError
    message: Failed to find the device certificate by the SN. Please check sn is valid
    request_id: 020F6A43-19E6-4B6E-B846-44EB31DF0000
    http_status: 500
"""

import time

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._device_certificate_info import check_audit, device_certificate_facts
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._module import SHARED_ARGUMENT_SPEC, ApsaraMQModule


def main():
    module = ApsaraMQModule(
        argument_spec=dict(
            SHARED_ARGUMENT_SPEC,
            ca_sn=dict(type='str'),
            device_sn=dict(type='list', elements='str'),
            status=dict(type='str', choices=['active', 'inactive']),
            expires_within_days=dict(type='int'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    with module.failing_cleanly():
        check_audit(params['instance_id'], params['ca_sn'], params['device_sn'], params['expires_within_days'], params['max_concurrency'])
        certificates, warnings = device_certificate_facts(
            module.onsmqtt_client(max_connections=params['max_concurrency']), params['instance_id'], params['ca_sn'], params['device_sn'],
            int(time.time() * 1000), params['status'], params['expires_within_days'], params['max_concurrency'])
    for warning in warnings:
        module.warn(warning)
    module.exit_json(changed=False, device_certificates=certificates)


if __name__ == '__main__':
    main()
