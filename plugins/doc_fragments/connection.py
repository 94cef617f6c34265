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
      - Credentials come from the first complete source, in this order, a source being complete when it has both the key ID and
        the secret (one that has only one of them is an error, not a reason to mix keys from two places).
      - 1. The options O(access_key_id), O(access_key_secret) and O(security_token).
      - 2. The environment variables E(ALIBABA_CLOUD_ACCESS_KEY_ID) (or E(ALICLOUD_ACCESS_KEY), E(ALICLOUD_ACCESS_KEY_ID)),
        E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) (or E(ALICLOUD_SECRET_KEY), E(ALICLOUD_SECRET_ACCESS_KEY))
        and E(ALIBABA_CLOUD_SECURITY_TOKEN) (or E(ALICLOUD_SECURITY_TOKEN)).
      - 3. OIDC, as in Kubernetes with RRSA, when E(ALIBABA_CLOUD_ROLE_ARN), E(ALIBABA_CLOUD_OIDC_PROVIDER_ARN) and
        E(ALIBABA_CLOUD_OIDC_TOKEN_FILE) are all set; the token file is exchanged for the role's keys through STS
        C(AssumeRoleWithOIDC) at O(sts_endpoint).
      - 4. A profile of the aliyun CLI config file, see O(profile) and O(shared_credentials_file).
      - 5. The ECS instance RAM role, see O(ecs_role_name).
      - When none of them has credentials, the task fails with one line that lists what was tried.
        Then O(assume_role_arn), when set, exchanges the credentials for those of a RAM role.
        Credentials are resolved once per task, however many requests it makes, and no secret or token from any source
        appears in the task's output.
      - The aliases O(alicloud_access_key), O(alicloud_secret_key), O(alicloud_security_token), O(alicloud_region),
        O(alicloud_assume_role_arn), O(alicloud_assume_role_session_name) and O(alicloud_assume_role_session_expiration) are the option
        names of C(alibaba.alicloud), so that its playbooks and C(module_defaults) work unchanged.
    type: str
    aliases: [access_key, alicloud_access_key]
  access_key_secret:
    description:
      - The AccessKey secret. Never shown in any output.
      - A secret under 16 characters is refused, from whatever source (option, environment, profile), because Ansible masks every
        occurrence of a secret in a task's result, and one that short would be masked inside certificates too.
        Real AccessKey secrets have 30 characters.
    type: str
    aliases: [secret_key, alicloud_secret_key]
  security_token:
    description:
      - The STS security token that goes with temporary access keys. Never shown in any output.
      - A token under 16 characters is refused, as a short O(access_key_secret) is.
    type: str
    aliases: [alicloud_security_token]
  profile:
    description:
      - The profile of the aliyun CLI config file (O(shared_credentials_file)) to take credentials from,
        when neither the options nor the environment have any.
      - When not set, E(ALIBABA_CLOUD_PROFILE) or E(ALICLOUD_PROFILE); else the file's C(current) profile, else C(default).
      - Supported modes are C(AK), C(StsToken), C(RamRoleArn) (the profile's keys assume C(ram_role_arn) through STS),
        C(EcsRamRole) (C(ram_role_name) through the ECS metadata service), C(OIDC) and C(ChainableRamRoleArn)
        (the credentials of C(source_profile) assume C(ram_role_arn)). Any other mode fails the task, naming it.
      - The profile's C(region_id) is used when O(region) is not set. Its C(sts_region) picks the STS endpoint when
        O(sts_endpoint) is not set, and its C(expired_seconds) and C(ram_session_name) apply to the role it assumes.
      - A profile that was not asked for by name and lacks fields its mode needs is skipped; one asked for by name fails the task.
    type: str
  shared_credentials_file:
    description:
      - The aliyun CLI config file. It is read, never written.
      - When not set, E(ALICLOUD_SHARED_CREDENTIALS_FILE), else C(~/.aliyun/config.json) of the user that runs the module;
        that default file is skipped when it does not exist, a file named here or by O(profile) must exist.
      - A file that other users can read draws a warning, as C(ssh) gives for a private key.
    type: path
  assume_role_arn:
    description:
      - The ARN of a RAM role, C(acs:ram::<account ID>:role/<role name>), whose temporary keys the task uses. The credentials found
        as described in O(access_key_id) call STS C(AssumeRole) for them.
      - When not set, E(ALIBABA_CLOUD_ROLE_ARN) or E(ALICLOUD_ASSUME_ROLE_ARN), except when E(ALIBABA_CLOUD_ROLE_ARN) is the role
        of OIDC credentials.
      - A refusal fails the task with STS's error code and request ID.
    type: str
    aliases: [alicloud_assume_role_arn]
  assume_role_session_name:
    description:
      - The role session name for O(assume_role_arn) and OIDC, shown in ActionTrail; 2 to 64 letters, digits and C(.@-_).
      - When not set, E(ALIBABA_CLOUD_ROLE_SESSION_NAME) or E(ALICLOUD_ASSUME_ROLE_SESSION_NAME), else V(ansible-apsaramq).
    type: str
    aliases: [alicloud_assume_role_session_name]
  assume_role_duration:
    description:
      - Seconds the keys of an assumed role are valid, from V(900) to V(43200); the role's maximum session duration also applies.
      - When not set, E(ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION), else V(3600).
    type: int
    default: 3600
    aliases: [alicloud_assume_role_session_expiration]
  sts_endpoint:
    description:
      - The STS endpoint for O(assume_role_arn), RamRoleArn and OIDC profiles and OIDC, in the forms O(endpoint) accepts,
        for example V(sts.cn-hangzhou.aliyuncs.com) or V(sts-vpc.cn-hangzhou.aliyuncs.com).
      - When not set, E(ALIBABA_CLOUD_STS_ENDPOINT), else the profile's C(sts_region) (C(sts.<sts_region>.aliyuncs.com)),
        else V(sts.aliyuncs.com).
      - O(validate_certs), O(ca_bundle), O(proxy), O(timeout) and O(retries) apply to STS requests too.
    type: str
  ecs_role_name:
    description:
      - Take temporary keys from this RAM role of the ECS instance the module runs on, through the instance metadata service
        (hardened mode with a session token first, then the request without one, unless E(ALIBABA_CLOUD_IMDSV1_DISABLED=true)).
      - When not set, E(ALIBABA_CLOUD_ECS_METADATA) or E(ALICLOUD_ECS_ROLE_NAME). When no role is named and no other source has
        credentials, the role attached to the instance is used if the metadata service answers within a second;
        E(ALIBABA_CLOUD_ECS_METADATA_DISABLED=true) turns that probe off.
      - The metadata service is C(http://100.100.100.200), or E(ALIBABA_CLOUD_ECS_METADATA_ENDPOINT); it is never reached
        through a proxy.
    type: str
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
      - A PEM file of CA certificates to verify the endpoint's TLS certificate with, instead of the system's
        (OpenSSL's default paths, or E(SSL_CERT_FILE)).
    type: path
  proxy:
    description:
      - The URL of a proxy for the API requests, for example V(http://proxy.example.com:3128), or
        V(http://user:password@proxy.example.com:3128) for a proxy that asks for credentials (Basic authentication).
      - The proxy itself is reached over plain HTTP; requests to an https endpoint go through it in a C(CONNECT) tunnel,
        so the proxy sees neither the requests nor the answers.
      - Without it, the standard environment variables E(HTTPS_PROXY), E(HTTP_PROXY), E(ALL_PROXY) and E(NO_PROXY) are honoured.
      - The option's value is never shown (it may carry a password); messages name the proxy without its credentials.
    type: str
  timeout:
    description:
      - Seconds one HTTP attempt may take, from connecting (through the proxy tunnel and TLS, if any) to the last byte of the
        answer, however slowly the server sends it; an attempt that takes longer fails, and is tried again when O(retries) allows.
      - Above 0 and at most 3600.
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
"""
