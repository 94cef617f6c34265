#!/usr/bin/python
# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: mqtt_ca_certificate_info
short_description: Get the CA certificates registered with an ApsaraMQ for MQTT instance
version_added: 0.1.0
description:
  - Returns the CA certificates that devices of an ApsaraMQ for MQTT instance authenticate with, as canonical PEM
    ready to write to files, with their status, validity, and facts parsed from the certificates themselves.
  - Calls the control API's C(GetCaCertificate) for each serial number in O(sn), or pages through C(ListCaCertificate)
    when O(sn) is not given.
  - Only Enterprise Platinum (and Professional) edition instances have CA certificates.
  - Changes nothing; RV(ignore:changed) is always V(false).
author:
  - alibabacloud.apsaramq maintainers (@alibabacloud-apsaramq)
options:
  sn:
    description:
      - Serial numbers of the CA certificates to get, each of 1 to 128 bytes.
      - The result lists them in this order; a serial number given twice is fetched once and returned twice.
      - A serial number that the instance does not have fails the task with the API's C(FindCaBySnError).
      - When not given, every CA certificate of the instance. An empty list returns no CA certificate and sends no request.
    type: list
    elements: str
extends_documentation_fragment:
  - alibabacloud.apsaramq.instance
  - alibabacloud.apsaramq.instance.max_concurrency
  - alibabacloud.apsaramq.connection
  - alibabacloud.apsaramq.attributes
  - alibabacloud.apsaramq.attributes.info_module
requirements:
  - cryptography
notes:
  - The API allows 500 calls per second per Alibaba Cloud account. To put CAs on many hosts, run the lookup once
    (C(run_once), delegated to the controller) and copy the result to every host, rather than once per host.
seealso:
  - name: GetCaCertificate API reference
    description: The API operation the module calls for each serial number.
    link: https://www.alibabacloud.com/help/en/apsaramq-for-mqtt/developer-reference/api-onsmqtt-2020-04-20-getcacertificate
"""

EXAMPLES = r"""
- name: Get one CA certificate
  alibabacloud.apsaramq.mqtt_ca_certificate_info:
    instance_id: post-cn-7mz2d000000
    sn: ["00f26900ba87000000"]
    region: cn-hangzhou
  register: fleet_ca

- name: Get every CA certificate of the instance
  alibabacloud.apsaramq.mqtt_ca_certificate_info:
    instance_id: post-cn-7mz2d000000
    region: cn-hangzhou
  register: all_cas

- name: Refuse to deploy with a CA that is inactive or expires within 30 days
  ansible.builtin.assert:
    that:
      - item.status == 'active'
      - item.days_remaining >= 30
    fail_msg: "CA {{ item.sn }} is {{ item.status }} with {{ item.days_remaining }} days left"
    quiet: true
  loop: "{{ all_cas.certificates }}"
  loop_control:
    label: "{{ item.sn }}"

- name: Look the CAs up once for the whole play, then write each CA's PEM on every device
  hosts: devices
  tasks:
    - name: Get the fleet's CA certificates, once
      alibabacloud.apsaramq.mqtt_ca_certificate_info:
        instance_id: post-cn-7mz2d000000
        sn: ["00f26900ba87000000", "00f26900ba87000001"]
        region: cn-hangzhou
      run_once: true
      delegate_to: localhost
      register: fleet_cas

    - name: Write the CA certificates
      ansible.builtin.copy:
        content: "{{ item.ca_pem }}"
        dest: "/etc/mqtt/ca/{{ item.sn }}.pem"
        owner: root
        group: root
        mode: "0644"
      loop: "{{ fleet_cas.certificates }}"
      loop_control:
        label: "{{ item.sn }}"

- name: Set the region and credentials once for every module of the collection
  hosts: localhost
  module_defaults:
    group/alibabacloud.apsaramq.apsaramq:
      region: cn-hangzhou
      access_key_id: "{{ vault_mqtt_access_key_id }}"
      access_key_secret: "{{ vault_mqtt_access_key_secret }}"
  tasks:
    - name: Get every CA certificate
      alibabacloud.apsaramq.mqtt_ca_certificate_info:
        instance_id: post-cn-7mz2d000000
      register: all_cas
"""

RETURN = r"""
certificates:
  description:
    - One element per CA certificate, in the order of O(sn), or in the API's order when listing every CA.
  returned: success
  type: list
  elements: dict
  contains:
    sn:
      description: The CA certificate's serial number as the API returns it.
      type: str
      returned: success
      sample: 00f26900ba87000000
    name:
      description: The CA certificate's name (C(CaName)).
      type: str
      returned: success
      sample: fleet-root
    status:
      description: V(active) or V(inactive); any other value of the API is passed through as it is.
      type: str
      returned: success
      sample: active
    registration_code:
      description: The registration code of the CA (C(RegistrationCode)), the common name of its verification certificate.
      type: str
      returned: success
      sample: 13274673-8f90-4630-bea1-9cccb25756ad20890000
    ca_pem:
      description:
        - The CA certificate (C(CaContent)) as PEM with C(\n) line breaks and exactly one final newline, ready to write to a file.
      type: str
      returned: success
      sample: "-----BEGIN CERTIFICATE-----\nMIIDuzCCAqegAwIBAgIJAPJpALqHAAAA...\n-----END CERTIFICATE-----\n"
    verification_pem:
      description: The verification certificate (C(VerificationContent)) in the same form; V(null) when there is none.
      type: str
      returned: success
    valid_begin:
      description: Start of the validity period (C(ValidBegin)), ISO 8601 UTC.
      type: str
      returned: success
      sample: "2022-06-02T02:35:03Z"
    valid_end:
      description: End of the validity period (C(ValidEnd)), ISO 8601 UTC.
      type: str
      returned: success
      sample: "2032-05-30T02:35:03Z"
    valid_begin_ms:
      description: Start of the validity period in milliseconds since the epoch, as the API returns it.
      type: int
      returned: success
      sample: 1654137303000
    valid_end_ms:
      description: End of the validity period in milliseconds since the epoch, as the API returns it.
      type: int
      returned: success
      sample: 1969497303000
    expired:
      description: Whether the validity period has ended.
      type: bool
      returned: success
      sample: false
    days_remaining:
      description: Whole days until the end of the validity period, rounded down; negative once expired.
      type: int
      returned: success
      sample: 2015
    x509:
      description:
        - The CA certificate parsed, with the key names of C(community.crypto.x509_certificate_info).
        - When the PEM holds several certificates, the first one.
        - V(null), with a warning, when the content cannot be parsed.
      type: dict
      returned: success
      contains:
        subject:
          description: The subject, keyed by long attribute names such as V(commonName).
          type: dict
          returned: success
          sample: {"commonName": "fleet-root", "organizationName": "Example"}
        issuer:
          description: The issuer, keyed like RV(certificates[].x509.subject).
          type: dict
          returned: success
          sample: {"commonName": "fleet-root", "organizationName": "Example"}
        serial_number:
          description: The certificate's serial number.
          type: int
          returned: success
          sample: 1234567890
        fingerprints:
          description: Fingerprints of the DER encoding, lower-case colon-separated hex, by hash (V(sha1), V(sha256)).
          type: dict
          returned: success
          sample: {"sha1": "9a:4f:...", "sha256": "0c:11:..."}
        not_before:
          description: Start of validity, C(YYYYMMDDHHMMSSZ).
          type: str
          returned: success
          sample: "20220602023503Z"
        not_after:
          description: End of validity, C(YYYYMMDDHHMMSSZ).
          type: str
          returned: success
          sample: "20320530023503Z"
        signature_algorithm:
          description: The signature algorithm.
          type: str
          returned: success
          sample: sha256WithRSAEncryption
        public_key_type:
          description: The public key's type, V(RSA), V(ECC), V(DSA), V(Ed25519) or V(Ed448).
          type: str
          returned: success
          sample: RSA
        public_key_size:
          description: The public key's size in bits.
          type: int
          returned: success
          sample: 2048
        is_ca:
          description: Whether the basic constraints mark the certificate as a CA.
          type: bool
          returned: success
          sample: true
        self_signed:
          description: Whether the certificate is its own issuer and its signature verifies with its own key.
          type: bool
          returned: success
          sample: true
        certificates_in_pem:
          description: How many certificates RV(certificates[].ca_pem) holds.
          type: int
          returned: success
          sample: 1
    verification:
      description: What the verification certificate proves; V(null) when there is none.
      type: dict
      returned: success
      contains:
        common_name:
          description: The verification certificate's common name.
          type: str
          returned: success
          sample: 13274673-8f90-4630-bea1-9cccb25756ad20890000
        matches_registration_code:
          description: Whether the common name equals RV(certificates[].registration_code).
          type: bool
          returned: success
          sample: true
        signed_by_ca:
          description: Whether its signature verifies with the public key of the first certificate of RV(certificates[].ca_pem).
          type: bool
          returned: success
          sample: true
    request_id:
      description: The C(RequestId) of the API answer that carried this CA.
      type: str
      returned: success
      sample: 020F6A43-19E6-4B6E-B846-44EB31DF0000
request_attempts:
  description:
    - How many HTTP requests the task sent to the API and to STS (see O(assume_role_arn)), retries included (see O(retries));
      V(0) when it failed before sending any. Requests to the ECS metadata service are not counted.
  returned: always
  type: int
  sample: 1
error:
  description: The API's error answer, when the task failed because of one.
  returned: failed with an API error
  type: dict
  contains:
    code:
      description: The API's error code.
      type: str
      returned: always
      sample: FindCaBySnError
    message:
      description: The API's error message.
      type: str
      returned: always
      sample: Failed to find the CA by the SN. Please check sn is valid.
    request_id:
      description: The request ID, for Alibaba Cloud support.
      type: str
      returned: always
      sample: 020F6A43-19E6-4B6E-B846-44EB31DF0000
    http_status:
      description: The HTTP status of the answer.
      type: int
      returned: always
      sample: 400
"""

import time

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ca_certificate_info import ca_certificate_facts, check_lookup
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._module import SHARED_ARGUMENT_SPEC, ApsaraMQModule


def main():
    module = ApsaraMQModule(
        argument_spec=dict(
            SHARED_ARGUMENT_SPEC,
            sn=dict(type='list', elements='str'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    with module.failing_cleanly():
        check_lookup(params['instance_id'], params['sn'], params['max_concurrency'])
        certificates, warnings = ca_certificate_facts(
            module.onsmqtt_client(max_connections=params['max_concurrency']), params['instance_id'], params['sn'],
            int(time.time() * 1000), params['max_concurrency'])
    for warning in warnings:
        module.warn(warning)
    module.exit_json(changed=False, certificates=certificates)


if __name__ == '__main__':
    main()
