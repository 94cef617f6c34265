# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""One connection path for every caller: the connection and credential options, a dict from wherever they were
written (a module's parameters, an event source's arguments), made into ready API clients.

The options are documented in the doc fragment alibabacloud.apsaramq.connection. Their defaults and environment
variables are written here once, and so is their Ansible argument spec (CONNECTION_ARGUMENT_SPEC), which both adapters
check their options with: a module's (_module.py) and the event source's (_event_source.py). The HTTP client and the credential
sources are imported when first needed: a module run that fails its argument checks never loads them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.parameters import env_fallback

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import API_VERSION, NOT_FOUND_CODES, region_endpoint
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._retry import DEFAULT_RETRIES
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._secrets import check_secret
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._signing import ACS3, SIGNATURE_ALGORITHMS
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._sts import DEFAULT_DURATION_SECONDS

DEFAULTS = {
    'vpc_endpoint': False,
    'signature_algorithm': ACS3,
    'validate_certs': True,
    'timeout': 10.0,
    'retries': DEFAULT_RETRIES,
    'assume_role_duration': DEFAULT_DURATION_SECONDS,
}
# Options read from the environment when not set; the credential chain reads its own variables (_credentials.py).
ENVIRONMENT = {
    'region': ('ALIBABA_CLOUD_REGION_ID', 'ALICLOUD_REGION_ID', 'ALICLOUD_REGION'),
    'assume_role_duration': ('ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION',),
}
SECRET_OPTIONS = ('access_key_secret', 'security_token')
# An hour for one attempt is already no timeout; beyond, and for nan or inf, the socket layer has no answer.
MAX_TIMEOUT_SECONDS = 3600

# The options as Ansible argument specs take them, with the defaults and environment variables above.
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


def check_options(options):
    """Refuse what no request could be sent with, before credentials are looked for."""
    timeout = options.get('timeout', DEFAULTS['timeout'])
    if not 0 < timeout <= MAX_TIMEOUT_SECONDS:  # also false for nan
        raise ApsaraMQError('timeout must be a number of seconds above 0 and at most %d, got %s' % (MAX_TIMEOUT_SECONDS, timeout))
    for name in SECRET_OPTIONS:
        check_secret(options.get(name), name)


class Connection:
    """The API clients of one task (or one poll), from its options and the environment; credentials resolved once.
    Options that no request could be sent with are refused (check_options) when it is made.

    Every client it made counts in ``attempts`` and ``retry_warnings``; ``secrets`` is every secret and token that
    the credential chain handled, for the caller to mask. ``warn(message)`` is told what deserves a warning.
    """

    def __init__(self, options, environ, warn=None):
        self.options = dict(options)
        for name, variables in ENVIRONMENT.items():
            if self.options.get(name) in (None, ''):
                self.options[name] = next((environ[variable] for variable in variables if environ.get(variable)), None)
        for name, value in DEFAULTS.items():
            if self.options.get(name) is None:
                self.options[name] = value
        if isinstance(self.options['assume_role_duration'], str) and self.options['assume_role_duration'].isdigit():
            self.options['assume_role_duration'] = int(self.options['assume_role_duration'])
        check_options(self.options)  # a connection never exists with options no request could be sent with
        self._environ = environ
        self._warn = warn
        self._resolver = None
        self._clients = []

    @property
    def secrets(self):
        return set(self._resolver.secrets) if self._resolver else set()

    @property
    def attempts(self):
        """HTTP requests sent to the API and to STS, retries included."""
        return sum(client.attempts for client in self._clients)

    @property
    def retry_warnings(self):
        return [warning for client in self._clients for warning in client.retry_warnings]

    def credentials(self):
        """``(credentials, profile_region)``; the sources are asked once, however often this is called."""
        if self._resolver is None:
            from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._credentials import CredentialResolver
            self._resolver = CredentialResolver(self.options, self._environ, self.new_client, self._warn)
        return self._resolver.resolve(), self._resolver.region

    def onsmqtt_client(self, max_connections=10):
        """A client of the ApsaraMQ for MQTT control API, at the endpoint of ``endpoint``, else of the region."""
        credentials, profile_region = self.credentials()
        options = self.options
        region = options['region'] or profile_region
        if options.get('endpoint'):
            endpoint = options['endpoint']
        elif region:
            endpoint = region_endpoint(region, options['vpc_endpoint'])
        else:
            raise ApsaraMQError('Set region (or the environment variable ALIBABA_CLOUD_REGION_ID, or region_id in the aliyun CLI profile) '
                                'or endpoint to say where the instance is')
        return self.new_client(endpoint, API_VERSION, credentials, options['signature_algorithm'], max_connections, NOT_FOUND_CODES)

    def new_client(self, endpoint, api_version, credentials, signature_algorithm, max_connections, not_found_codes=()):
        """An AcsClient with this connection's transport settings, counted with the others."""
        from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._client import AcsClient
        options = self.options
        client = AcsClient(endpoint, api_version, credentials, signature_algorithm, timeout=options['timeout'], retries=options['retries'],
                           validate_certs=options['validate_certs'], ca_bundle=options.get('ca_bundle'), proxy=options.get('proxy'),
                           max_connections=max_connections, not_found_codes=not_found_codes)
        self._clients.append(client)
        return client
