# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The connection and credential options in the form of Ansible's argument specs, for every adapter on the connection path:
a module's (_module.py) and the event source's (_event_source.py). Their defaults and environment variables come from
_connection.py; they are documented in the doc fragment alibabacloud.apsaramq.connection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.parameters import env_fallback

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import DEFAULTS, ENVIRONMENT
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._signing import SIGNATURE_ALGORITHMS

CONNECTION_ARGUMENT_SPEC = dict(
    region=dict(type='str', aliases=['region_id', 'alicloud_region'], fallback=(env_fallback, list(ENVIRONMENT['region']))),
    endpoint=dict(type='str', aliases=['endpoint_url']),
    vpc_endpoint=dict(type='bool', default=DEFAULTS['vpc_endpoint']),
    # The key ID is no secret: no_log would mask it in every output that happens to contain it.
    access_key_id=dict(type='str', aliases=['access_key', 'alicloud_access_key'], no_log=False),
    access_key_secret=dict(type='str', aliases=['secret_key', 'alicloud_secret_key'], no_log=True),
    security_token=dict(type='str', aliases=['alicloud_security_token'], no_log=True),
    # Their environment variables are read with the rest of the credential chain, in _credentials.py,
    # but for the duration's, which has to come before its default.
    profile=dict(type='str'),
    shared_credentials_file=dict(type='path'),
    assume_role_arn=dict(type='str', aliases=['alicloud_assume_role_arn']),
    assume_role_session_name=dict(type='str', aliases=['alicloud_assume_role_session_name']),
    assume_role_duration=dict(type='int', default=DEFAULTS['assume_role_duration'], aliases=['alicloud_assume_role_session_expiration'],
                              fallback=(env_fallback, list(ENVIRONMENT['assume_role_duration']))),
    sts_endpoint=dict(type='str'),
    ecs_role_name=dict(type='str'),
    signature_algorithm=dict(type='str', choices=list(SIGNATURE_ALGORITHMS), default=DEFAULTS['signature_algorithm']),
    validate_certs=dict(type='bool', default=DEFAULTS['validate_certs']),
    ca_bundle=dict(type='path'),
    # The whole URL is masked: it may carry the proxy's password.
    proxy=dict(type='str', no_log=True),
    timeout=dict(type='float', default=DEFAULTS['timeout']),
    retries=dict(type='int', default=DEFAULTS['retries']),
)
