#!/usr/bin/python
# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: mqtt_device_certificate
short_description: Lock out, let in again, or delete the registered device certificates of an ApsaraMQ for MQTT instance
version_added: 0.1.0
description:
  - Brings the device certificates O(device_sn) of the CA O(ca_sn) to O(status), or deletes their registration
    (O(state=absent)), many devices in one task. They are looked up several at a time, and only those that differ are written.
  - Inactivating a device certificate is how an operator locks out a lost or compromised device at once.
  - There is no API to register a device certificate; the broker registers one when a device first connects with it. So
    O(state=present) never creates, and a device certificate the instance does not have fails the task.
  - Deleting removes the registration, not the certificate; a device that connects again with a valid certificate is
    registered again. To keep a device out, inactivate its certificate.
  - The lookups come first; when one fails, the task fails before any write. Then every write is tried, whatever
    becomes of the others. A write whose answer leaves open whether the service carried it out (a 5xx answer after
    acting, an answer lost, cut or unreadable, after the retries of O(retries)) is settled by reading the device
    certificate again; when it holds what was asked (or is gone, for O(state=absent)), it counts as changed.
  - When some writes fail, the task fails, with C(changed=true) if any write happened, a one-line message naming how
    many failed of how many and the first few SNs with their reasons, and every SN changed (RV(changed_device_sns))
    and failed (RV(failed_device_sns)), with the other return values.
  - 'RAM actions: C(mq:GetDeviceCertificate), and C(mq:ActiveDeviceCertificate), C(mq:UnregisterDeviceCertificate) (to
    inactivate) or C(mq:DeleteDeviceCertificate).'
author:
  - alibabacloud.apsaramq maintainers (@alibabacloud-apsaramq)
options:
  ca_sn:
    description: The serial number of the CA that issued the device certificates.
    type: str
    required: true
  device_sn:
    description: The device certificates' serial numbers, each of 1 to 128 bytes.
    type: list
    elements: str
    required: true
  state:
    description:
      - V(present) keeps the registrations, with O(status) when given. V(absent) deletes them; a device certificate that is
        not registered is left as it is.
    type: str
    choices: [present, absent]
    default: present
  status:
    description: V(inactive) locks the devices out, V(active) lets them in again; when not given, the status is left as it is.
    type: str
    choices: [active, inactive]
extends_documentation_fragment:
  - alibabacloud.apsaramq.instance
  - alibabacloud.apsaramq.instance.max_concurrency
  - alibabacloud.apsaramq.connection
  - alibabacloud.apsaramq.attributes
attributes:
  check_mode:
    support: full
    details: No write is sent; the lookups are, so that the result says what a real run would do.
  diff_mode:
    support: full
    details: Each device certificate's status before and after, V(absent) when it is not registered; one whose write failed is the same in both.
  idempotent:
    support: full
    details: Only the device certificates that differ from what is asked are written.
requirements:
  - cryptography
notes:
  - Requests per task, one C(GetDeviceCertificate) per device, and one write per device that differs.
seealso:
  - module: alibabacloud.apsaramq.mqtt_device_certificate_info
"""

EXAMPLES = r"""
- name: Lock out two lost devices at once
  alibabacloud.apsaramq.mqtt_device_certificate:
    instance_id: post-cn-7mz2d000000
    ca_sn: "00f26900ba87000000"
    device_sn: ["3a5f00c1", "3a5f00c2"]
    status: inactive

- name: Lock out every device of the old CA that is still active
  alibabacloud.apsaramq.mqtt_device_certificate:
    instance_id: post-cn-7mz2d000000
    ca_sn: "{{ old_ca_sn }}"
    device_sn: "{{ stragglers.device_certificates | map(attribute='device_sn') | list }}"
    status: inactive
  when: stragglers.device_certificates | length > 0

- name: Forget the registrations of decommissioned devices
  alibabacloud.apsaramq.mqtt_device_certificate:
    instance_id: post-cn-7mz2d000000
    ca_sn: "00f26900ba87000000"
    device_sn: ["3a5f00c9"]
    state: absent
"""

RETURN = r"""
device_certificates:
  description:
    - The device certificates as they stand after the task, in the order of O(device_sn), with the keys and meanings of
      RV(alibabacloud.apsaramq.mqtt_device_certificate_info#module:device_certificates); deleted ones are left out.
    - One whose write failed is as it was before the task.
  returned: success, and failure of some writes
  type: list
  elements: dict
  sample: [{"device_sn": "3a5f00c1", "ca_sn": "00f26900ba87000000", "status": "inactive", "days_remaining": 200}]
changed_device_sns:
  description:
    - The SNs of the device certificates the task changed (in check mode, would change), in the order of O(device_sn).
  returned: success, and failure of some writes
  type: list
  elements: str
  sample: ["3a5f00c1", "3a5f00c2"]
failed_device_sns:
  description:
    - The device certificates whose write failed, in the order of O(device_sn); empty on success.
    - A write that failed leaving its outcome open is listed only when reading the device certificate again showed it
      not as asked, or could not be done; C(msg) then says so.
  returned: success, and failure of some writes
  type: list
  elements: dict
  contains:
    device_sn:
      description: The device certificate's SN.
      type: str
    msg:
      description: Why its write failed, in one line.
      type: str
    error:
      description:
        - The API's error answer, when the write failed because of one (C(code), C(message), C(request_id),
          C(http_status)); null otherwise.
      type: dict
  sample:
    - device_sn: "3a5f00c3"
      msg: "InactivateDeviceCertificate failed: Throttling.User: Request was denied due to user flow control. (request ID 0A1B..., HTTP 400)"
      error: {code: Throttling.User, message: Request was denied due to user flow control., request_id: 0A1B..., http_status: 400}
request_attempts:
  description: How many HTTP requests the task sent to the API and to STS, retries included (see O(retries)).
  returned: always
  type: int
  sample: 4
error:
  description:
    - The API's error answer, when the task failed because of one, with the keys of
      RV(alibabacloud.apsaramq.mqtt_ca_certificate_info#module:error) (C(code), C(message), C(request_id), C(http_status)).
    - When some writes failed, that of the first device certificate in RV(failed_device_sns) that has one.
  returned: failed with an API error
  type: dict
  sample:
    code: FindDeviceBySnError
    message: Failed to find the device certificate by the SN. Please check sn is valid
    request_id: 020F6A43-19E6-4B6E-B846-44EB31DF0000
    http_status: 500
"""

import time

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._device_certificate_info import check_audit
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._device_lifecycle import DeviceLifecycle
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._module import SHARED_ARGUMENT_SPEC, ApsaraMQModule


def main():
    module = ApsaraMQModule(
        argument_spec=dict(
            SHARED_ARGUMENT_SPEC,
            ca_sn=dict(type='str', required=True),
            device_sn=dict(type='list', elements='str', required=True),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            status=dict(type='str', choices=['active', 'inactive']),
        ),
        supports_check_mode=True,
    )
    params = module.params
    with module.failing_cleanly():
        check_audit(params['instance_id'], params['ca_sn'], params['device_sn'], None, params['max_concurrency'])
        lifecycle = DeviceLifecycle(module.onsmqtt_client(max_connections=params['max_concurrency']), params['instance_id'], params['ca_sn'],
                                    int(time.time() * 1000), module.check_mode, params['max_concurrency'])
        outcome = lifecycle.ensure(params['device_sn'], params['state'], params['status'])
    for warning in lifecycle.warnings:
        module.warn(warning)
    if outcome.failures:
        module.fail_json(msg=outcome.failure_message(), **outcome.return_values())
    module.exit_json(**outcome.return_values())


if __name__ == '__main__':
    main()
