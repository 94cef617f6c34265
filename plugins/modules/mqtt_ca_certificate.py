#!/usr/bin/python
# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: mqtt_ca_certificate
short_description: Register, activate, inactivate and delete a CA certificate of an ApsaraMQ for MQTT instance
version_added: 0.1.0
description:
  - Makes one CA certificate of an ApsaraMQ for MQTT instance registered and active or inactive (O(state=present)), or
    not registered (O(state=absent)), changing only what differs.
  - A CA is found by O(sn), or by the SHA-256 fingerprint of the first certificate of O(ca_pem) among the instance's CAs, so
    that a task that registers a CA is idempotent without knowing the SN the service gives it.
  - To register a CA, the service wants proof that the CA's key is held, a verification certificate whose common name is
    the instance's registration code, signed by the CA's key. Given the key (O(ca_private_key) or O(ca_private_key_path)),
    the module gets the code and makes that certificate itself, with a key of its own that nothing keeps. Given
    O(verification_pem) instead, it checks the certificate before sending it.
  - C(RegisterCaCertificate) is never sent twice for a CA. After an answer that may or may not have registered it (a
    timeout, a broken connection, a 5xx answer, an HTTP 200 answer that cannot be read or has no C(Sn)), the module looks
    for the CA's fingerprint on the instance, and registers again only when it is not there. After a refusal (such as
    the service's "already registered" when another task registered the same CA meanwhile), it looks too; when the CA is
    there, the task goes on from there (V(changed=false) unless O(status) then changes it).
  - No write lands on a CA that an answer or a listing paired with O(ca_pem) (the SN a registration answered, the CA found
    by fingerprint, the CA found after a lost answer) before C(GetCaCertificate) shows the certificate of O(ca_pem) under
    that SN; when it shows another, the task fails in one line and writes nothing to that CA.
  - A write whose answer cannot be read (an HTTP 200 with a cut or non-JSON body) may have been carried out, so an
    activation, inactivation or deletion is sent again, as carrying it out twice is harmless.
  - Once the service may have acted, the result says V(changed=true), also when the task fails after that, and
    RV(certificate) is the CA as it then stands when known. A CA registered with O(status=inactive) is active until the
    inactivation that follows; when that fails, the task fails saying the inactivation is still to be done, with
    V(changed=true) and the registered CA in RV(certificate).
  - Deleting a CA deletes the device certificates it issued that the broker registered. O(state=absent) refuses while
    there are any, unless O(force=true).
  - 'RAM actions the task needs: C(mq:ListCaCertificate) without O(sn), and C(mq:GetCaCertificate) with O(sn), to register,
    and before any write; to register, C(mq:GetRegisterCode) and C(mq:RegisterCa); C(mq:ActiveCaCertificate) to activate,
    C(mq:UnregisterCaCertificate) to inactivate; C(mq:DeleteCaCertificate) to delete, and C(mq:ListDeviceCertificateByCaSn)
    unless O(force=true) (with it too in diff mode).'
author:
  - alibabacloud.apsaramq maintainers (@alibabacloud-apsaramq)
options:
  state:
    description:
      - V(present) registers the CA when the instance does not have it, and sets O(status) when given.
      - V(absent) deletes the CA when the instance has it.
    type: str
    choices: [present, absent]
    default: present
  sn:
    description:
      - The serial number of a registered CA, as M(alibabacloud.apsaramq.mqtt_ca_certificate_info) returns it.
      - With O(state=present), a SN that the instance does not have fails the task; to register a CA, give O(ca_pem) without O(sn).
      - At least one of O(sn) and O(ca_pem) is required; given both, they must name the same CA.
    type: str
  ca_pem:
    description:
      - The CA certificate, PEM; when it holds several certificates, the first counts.
      - Finds the CA among the instance's CAs by its SHA-256 fingerprint, and is what gets registered.
      - It must be a CA certificate, with the basic constraints extension saying C(CA:TRUE) (RFC 5280 requires it of a CA
        that signs certificates). A certificate with C(CA:FALSE), or without the extension, is refused before any request.
      - With O(state=present), an expired certificate is refused before any request, as no device could authenticate under
        it; to change the status of a registered expired CA, give its O(sn) alone. O(state=absent) deletes it by either.
    type: str
  name:
    description:
      - The CA's name (C(CaName)), required to register it.
      - At most 64 characters, not blank, without control characters (such as a line break); checked before any request.
        The API documents no limit; 64 is the one the service documents for the names it limits (instance names, topics,
        client IDs), so a name the service might take may be refused, never one it would refuse sent.
      - The API cannot rename a CA; a registered CA with another name draws a warning and keeps its name.
    type: str
  status:
    description:
      - V(active) or V(inactive). Devices authenticate only with certificates of an active CA.
      - When not given, a CA the module registers stays active (as the service registers it), and a registered one stays as it is.
    type: str
    choices: [active, inactive]
  verification_pem:
    description:
      - A verification certificate to register the CA with, PEM; its common name must be the instance's registration code
        (see the C(GetRegisterCode) API) and it must be signed by the CA's key. Checked before it is sent.
      - Mutually exclusive with O(ca_private_key) and O(ca_private_key_path).
    type: str
  ca_private_key:
    description:
      - The CA's private key, PEM (RSA or EC), to make the verification certificate with. Never returned, logged or written.
      - Mutually exclusive with O(ca_private_key_path) and O(verification_pem).
    type: str
  ca_private_key_path:
    description:
      - The same, read from this file on the host that runs the module.
    type: path
  ca_private_key_passphrase:
    description: The passphrase of an encrypted O(ca_private_key) or O(ca_private_key_path). Never returned, logged or written.
    type: str
  force:
    description:
      - With O(state=absent), delete the CA even while device certificates it issued are registered; they are deleted with it.
      - Without it, the deletion is refused when either the page or the C(Total) of C(ListDeviceCertificateByCaSn) says that
        there are some.
    type: bool
    default: false
extends_documentation_fragment:
  - alibabacloud.apsaramq.instance
  - alibabacloud.apsaramq.connection
  - alibabacloud.apsaramq.attributes
attributes:
  check_mode:
    support: full
    details: No write is sent; reads are, so that the result says what a real run would do.
  diff_mode:
    support: full
    details:
      - The CA's O(sn), O(name) and O(status) before and after; an empty dict when absent.
      - A deletion's C(before) also says how many device certificates go with the CA (C(device_certificates)), from the
        C(Total) of C(ListDeviceCertificateByCaSn), or V(at least 1) when its answer has no usable C(Total); with O(force=true)
        that request is sent only in diff mode.
  idempotent:
    support: full
    details: The CA is found by its content, so a second run finds what the first registered, and sends no write.
requirements:
  - cryptography
notes:
  - Only Enterprise Platinum (and Professional) edition instances have CA certificates.
  - Requests per task, when nothing is to change, one C(GetCaCertificate) with O(sn), else one C(ListCaCertificate) page
    per 100 CAs. Registering adds C(GetRegisterCode), C(RegisterCaCertificate) and one C(GetCaCertificate) that confirms
    the CA and gives the facts returned. A status change or a deletion adds its one write, and, for a CA found by
    O(ca_pem) alone, the C(GetCaCertificate) that confirms it; a deletion without O(force) (or in diff mode) one
    C(ListDeviceCertificateByCaSn) page of one certificate. A refused registration adds one C(ListCaCertificate) look.
seealso:
  - module: alibabacloud.apsaramq.mqtt_ca_certificate_info
  - name: RegisterCaCertificate API reference
    description: The API operation that registers a CA certificate.
    link: https://www.alibabacloud.com/help/en/apsaramq-for-mqtt/developer-reference/api-onsmqtt-2020-04-20-registercacertificate
"""

EXAMPLES = r"""
- name: Register the fleet's CA, the module making the verification certificate with the CA's key
  alibabacloud.apsaramq.mqtt_ca_certificate:
    instance_id: post-cn-7mz2d000000
    name: fleet-2027
    ca_pem: "{{ lookup('ansible.builtin.file', 'pki/fleet-2027.crt') }}"
    ca_private_key_path: /etc/pki/fleet/fleet-2027.key
    ca_private_key_passphrase: "{{ vault_fleet_ca_passphrase }}"
  register: fleet_ca

- name: Register a CA with a verification certificate made beforehand (CN = the instance's registration code)
  alibabacloud.apsaramq.mqtt_ca_certificate:
    instance_id: post-cn-7mz2d000000
    name: fleet-2027
    ca_pem: "{{ lookup('ansible.builtin.file', 'pki/fleet-2027.crt') }}"
    verification_pem: "{{ lookup('ansible.builtin.file', 'pki/verification.crt') }}"

- name: Lock out every device of a CA at once
  alibabacloud.apsaramq.mqtt_ca_certificate:
    instance_id: post-cn-7mz2d000000
    sn: "00f26900ba87000000"
    status: inactive

- name: Let them in again
  alibabacloud.apsaramq.mqtt_ca_certificate:
    instance_id: post-cn-7mz2d000000
    sn: "00f26900ba87000000"
    status: active

- name: Delete a CA that no device certificate depends on any more
  alibabacloud.apsaramq.mqtt_ca_certificate:
    instance_id: post-cn-7mz2d000000
    sn: "00f26900ba87000000"
    state: absent

- name: Delete a CA and the device certificates registered for it
  alibabacloud.apsaramq.mqtt_ca_certificate:
    instance_id: post-cn-7mz2d000000
    sn: "00f26900ba87000000"
    state: absent
    force: true
"""

RETURN = r"""
certificate:
  description:
    - The CA as it stands after the task, with the keys and meanings of an element of RV(alibabacloud.apsaramq.mqtt_ca_certificate_info#module:certificates)
      (C(sn), C(name), C(status), C(ca_pem), C(valid_end), C(days_remaining), C(x509), ...).
    - V(null) when the CA is absent, and in check mode when the task would register it.
    - Also returned by a task that fails after the service acted, as the CA then stands (V(null) when unknown), for
      example a CA registered whose inactivation failed.
  returned: always
  type: dict
  sample: {"sn": "00f26900ba87000000", "name": "fleet-2027", "status": "active", "days_remaining": 364}
request_attempts:
  description:
    - How many HTTP requests the task sent to the API and to STS, retries included (see O(retries)).
  returned: always
  type: int
  sample: 4
error:
  description:
    - The API's error answer, when the task failed because of one, with the keys of
      RV(alibabacloud.apsaramq.mqtt_ca_certificate_info#module:error) (C(code), C(message), C(request_id), C(http_status)).
  returned: failed with an API error
  type: dict
  sample:
    code: RegisterCodeError
    message: Register code error in verification certificate.
    request_id: 020F6A43-19E6-4B6E-B846-44EB31DF0000
    http_status: 500
"""

import datetime

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_lifecycle import CaLifecycle, WantedCa, read_key_file
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._module import SHARED_ARGUMENT_SPEC, ApsaraMQModule


def main():
    module = ApsaraMQModule(
        argument_spec=dict(
            instance_id=SHARED_ARGUMENT_SPEC['instance_id'],
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            sn=dict(type='str'), ca_pem=dict(type='str'), name=dict(type='str'), status=dict(type='str', choices=['active', 'inactive']),
            verification_pem=dict(type='str'), ca_private_key=dict(type='str', no_log=True), ca_private_key_path=dict(type='path'),
            ca_private_key_passphrase=dict(type='str', no_log=True), force=dict(type='bool', default=False),
        ),
        required_one_of=[('sn', 'ca_pem')],
        mutually_exclusive=[('verification_pem', 'ca_private_key', 'ca_private_key_path')],
        supports_check_mode=True,
    )
    params = module.params
    key, passphrase = module.take_secret('ca_private_key'), module.take_secret('ca_private_key_passphrase')
    lifecycle = CaLifecycle(module.onsmqtt_client, params['instance_id'], datetime.datetime.now(datetime.timezone.utc), module.warn,
                            module.check_mode, module._diff)
    with module.failing_cleanly(lifecycle.outcome):
        ca_key = (key.encode('utf-8'), passphrase, 'ca_private_key') if key else read_key_file(params['ca_private_key_path'], passphrase)
        wanted = WantedCa(params['state'], params['sn'], params['ca_pem'], params['name'], params['status'], params['verification_pem'], ca_key,
                          params['force'])
        changed, certificate, diff = lifecycle.ensure(wanted)
    module.exit_json(changed=changed, certificate=certificate, diff=diff)


if __name__ == '__main__':
    main()
