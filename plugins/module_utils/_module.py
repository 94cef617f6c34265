# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""What every module of the collection shares: connection options, the API client, failures.

The options are documented in the doc fragment alibabacloud.apsaramq.connection.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from contextlib import contextmanager

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError, ApsaraMQError, one_line
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import API_VERSION, region_endpoint
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._retry import DEFAULT_RETRIES
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._secrets import check_secret
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._signing import ACS3, SIGNATURE_ALGORITHMS

CONNECTION_ARGUMENT_SPEC = dict(
    region=dict(type='str', aliases=['region_id', 'alicloud_region'],
                fallback=(env_fallback, ['ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION_ID', 'ALICLOUD_REGION'])),
    endpoint=dict(type='str', aliases=['endpoint_url']),
    vpc_endpoint=dict(type='bool', default=False),
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
    assume_role_duration=dict(type='int', default=3600, aliases=['alicloud_assume_role_session_expiration'],
                              fallback=(env_fallback, ['ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION'])),
    sts_endpoint=dict(type='str'),
    ecs_role_name=dict(type='str'),
    signature_algorithm=dict(type='str', choices=list(SIGNATURE_ALGORITHMS), default=ACS3),
    validate_certs=dict(type='bool', default=True),
    ca_bundle=dict(type='path'),
    # The whole URL is masked: it may carry the proxy's password.
    proxy=dict(type='str', no_log=True),
    timeout=dict(type='float', default=10),
    retries=dict(type='int', default=DEFAULT_RETRIES),
)
SECRET_OPTIONS = ('access_key_secret', 'security_token')
# An hour for one attempt is already no timeout; beyond, and for nan or inf, the socket layer has no answer.
MAX_TIMEOUT_SECONDS = 3600
# What Ansible shows instead of a no_log option's value.
HIDDEN = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


class ApsaraMQModule(AnsibleModule):
    """An AnsibleModule with the connection options, a client factory and one-line failures.

    Every result, success or failure, reports ``request_attempts`` (HTTP requests sent, retries included) and warns once per retry.
    Not ``attempts``: Ansible writes its own into the results of tasks with ``until``.
    """

    def __init__(self, argument_spec, **kwargs):
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec)
        self._clients = []  # before the base class, which may already fail
        self._credential_resolver = None
        super(ApsaraMQModule, self).__init__(argument_spec=spec, **kwargs)
        if not 0 < self.params['timeout'] <= MAX_TIMEOUT_SECONDS:  # also false for nan
            self.fail_json(msg='timeout must be a number of seconds above 0 and at most %d, got %s' % (MAX_TIMEOUT_SECONDS, self.params['timeout']))
        for name in SECRET_OPTIONS:
            self._refuse_short_secret(name)
        if not self.params['validate_certs']:
            self.warn("validate_certs is false: the endpoint's TLS certificate is not verified, so its identity is not either")

    def _refuse_short_secret(self, name):
        """Fail on a secret option too short to mask, without masking it (that would mangle this very message) or showing it."""
        try:
            check_secret(self.params[name], name)
        except ApsaraMQError as exc:
            self.no_log_values.discard(self.params[name])
            self.params[name] = HIDDEN
            self.fail_json(msg=str(exc))

    def warn(self, warning):
        super(ApsaraMQModule, self).warn(one_line(warning))

    def exit_json(self, **kwargs):
        self._report_requests(kwargs)
        super(ApsaraMQModule, self).exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):
        self._report_requests(kwargs)
        super(ApsaraMQModule, self).fail_json(msg=msg, **kwargs)

    def _report_requests(self, result):
        clients = (self._credential_resolver.clients if self._credential_resolver else []) + self._clients
        for client in clients:
            for warning in client.retry_warnings:
                self.warn(warning)
        result['request_attempts'] = sum(client.attempts for client in clients)

    def require_library(self, name, present, import_error):
        if not present:
            self.fail_json(msg=missing_required_lib(name), exception=import_error)

    @contextmanager
    def failing_cleanly(self):
        """Turn the collection's exceptions into a one-line failure, with the API's error fields when there are any."""
        try:
            yield
        except ApiError as exc:
            self.fail_json(msg=str(exc), error=exc.as_dict())
        except ApsaraMQError as exc:
            self.fail_json(msg=str(exc))

    def credentials(self):
        """``(credentials, profile_region)`` of this run; resolved on first use only, so a run asks STS or the metadata service once."""
        if self._credential_resolver is None:
            # Imported after the argument checks: a run that fails them never loads the HTTP client.
            from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._credentials import CredentialResolver
            self._credential_resolver = CredentialResolver(self.params, os.environ, self.warn)
        resolver = self._credential_resolver
        try:
            return resolver.resolve(), resolver.region
        finally:
            # Keys found anywhere (a file, the metadata service, STS) are masked as no_log options are.
            self.no_log_values.update(resolver.secrets)

    def onsmqtt_client(self, max_connections=10):
        from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._client import AcsClient
        credentials, profile_region = self.credentials()
        params = self.params
        region = params['region'] or profile_region
        if params['endpoint']:
            endpoint = params['endpoint']
        elif region:
            endpoint = region_endpoint(region, params['vpc_endpoint'])
        else:
            raise ApsaraMQError('Set region (or the environment variable ALIBABA_CLOUD_REGION_ID, or region_id in the aliyun CLI profile) '
                                'or endpoint to say where the instance is')
        client = AcsClient(
            endpoint, API_VERSION, credentials, signature_algorithm=params['signature_algorithm'],
            timeout=params['timeout'], validate_certs=params['validate_certs'], ca_bundle=params['ca_bundle'], proxy=params['proxy'],
            max_connections=max_connections, retries=params['retries'])
        self._clients.append(client)
        return client
