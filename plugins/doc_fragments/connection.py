# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # Connection and credential options shared by every module of the collection.
    DOCUMENTATION = r"""
options:
  region:
    description:
      - ID of the region of the ApsaraMQ for MQTT instance, for example V(cn-hangzhou).
      - Picks the endpoint C(onsmqtt.<region>.aliyuncs.com), or C(onsmqtt-vpc.<region>.aliyuncs.com) with O(vpc_endpoint=true).
        A region that Alibaba Cloud's documentation does not list is accepted and given the same pattern.
      - When not set, the first of the environment variables E(ALIBABA_CLOUD_REGION_ID), E(ALICLOUD_REGION_ID) and E(ALICLOUD_REGION) that is set.
      - Either O(region) or O(endpoint) is required.
    type: str
    aliases: [region_id, alicloud_region]
  endpoint:
    description:
      - The API endpoint to call instead of the one derived from O(region), as V(host), V(host:port) or a full V(https://host:port) URL.
      - Without a scheme, HTTPS is used. Point it at the collection's emulator (V(http://127.0.0.1:PORT)) to test playbooks offline.
    type: str
    aliases: [endpoint_url]
  vpc_endpoint:
    description:
      - Use the region's VPC endpoint, reachable only from inside an Alibaba Cloud VPC.
    type: bool
    default: false
  access_key_id:
    description:
      - The AccessKey ID.
      - Credentials come from the first complete source, a source being complete when it has both the key ID and the secret;
        one that has only one of them is an error.
        The sources, in order, are the options O(access_key_id), O(access_key_secret) and O(security_token);
        then the environment variables E(ALIBABA_CLOUD_ACCESS_KEY_ID) (or E(ALICLOUD_ACCESS_KEY), E(ALICLOUD_ACCESS_KEY_ID)),
        E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) (or E(ALICLOUD_SECRET_KEY), E(ALICLOUD_SECRET_ACCESS_KEY))
        and E(ALIBABA_CLOUD_SECURITY_TOKEN) (or E(ALICLOUD_SECURITY_TOKEN)).
      - The aliases O(alicloud_access_key), O(alicloud_secret_key), O(alicloud_security_token) and O(alicloud_region) are the option
        names of C(alibaba.alicloud), so that its playbooks and C(module_defaults) work unchanged.
    type: str
    aliases: [access_key, alicloud_access_key]
  access_key_secret:
    description:
      - The AccessKey secret. Never shown in any output.
    type: str
    aliases: [secret_key, alicloud_secret_key]
  security_token:
    description:
      - The STS security token that goes with temporary access keys. Never shown in any output.
    type: str
    aliases: [alicloud_security_token]
  signature_algorithm:
    description:
      - How requests are signed. V(ACS3-HMAC-SHA256) is Alibaba Cloud's current V3 signature;
        V(HMAC-SHA1) is the older RPC signature, for gateways or proxies that only know that one.
    type: str
    choices: [ACS3-HMAC-SHA256, HMAC-SHA1]
    default: ACS3-HMAC-SHA256
  validate_certs:
    description:
      - Verify the endpoint's TLS certificate. Turn it off only for a test endpoint you trust.
    type: bool
    default: true
  ca_bundle:
    description:
      - A PEM file of CA certificates to verify the endpoint's TLS certificate with, instead of the system's.
    type: path
  proxy:
    description:
      - The URL of a proxy for the API requests, for example V(http://proxy.example.com:3128).
      - Without it, the standard environment variables E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) are honoured.
    type: str
  timeout:
    description:
      - Seconds to wait for the endpoint to connect and to answer, per HTTP request; a request that takes longer fails,
        and is tried again when O(retries) allows.
    type: float
    default: 10
  retries:
    description:
      - How many times a request is tried again after a failure that may pass, before the task fails.
      - Tried again are throttling (error codes C(Throttling), C(Throttling.*), C(SystemOverFlow)), C(ServiceUnavailable),
        C(InternalError), answers without an error code with HTTP status 429, 500, 502, 503 or 504, connection errors,
        answers that break off, and timeouts. The error code decides when the answer has one, whatever its HTTP status.
        Everything else fails at the first answer.
      - Waits between attempts grow exponentially with full jitter (a random wait up to 0.5, 1, 2, 4, 8, then 10 seconds),
        or as long as the service asks with its C(x-acs-retry-after) header. No retry starts once 60 seconds have passed
        since the first attempt.
      - Every attempt is signed afresh, with a new nonce and timestamp. Each retry draws a warning that names its cause;
        RV(ignore:request_attempts) counts the requests sent.
      - V(0) turns retrying off.
    type: int
    default: 5
requirements:
  - requests
"""
