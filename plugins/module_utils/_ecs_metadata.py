# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Temporary keys of the ECS instance RAM role, from the instance metadata service.

Hardened mode first (a session token, like IMDSv2), the tokenless request as the fallback the official
library makes. Timeouts are short: off ECS the address does not answer, and probing must not stall a play.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from urllib.parse import quote

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._http import HttpEndpoint, TransportError, parse_endpoint

DEFAULT_ENDPOINT = 'http://100.100.100.200'
ENDPOINT_VARIABLE = 'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT'
TIMEOUT_SECONDS = 1.0
TOKEN_TTL_SECONDS = 21600
_CREDENTIALS_PATH = '/latest/meta-data/ram/security-credentials/'
_MAX_ANSWER_BYTES = 64 * 1024


class NoInstanceRole(ApsaraMQError):
    """No role to take keys from: the metadata service does not answer (not on ECS, or blocked), or no role is attached.

    ``reason`` is the short form, for a list of the credential sources tried.
    """

    def __init__(self, reason, advice):
        super(NoInstanceRole, self).__init__('%s%s; %s' % (reason[0].upper(), reason[1:], advice))
        self.reason = reason


def metadata_endpoint(environ):
    url = (environ.get(ENDPOINT_VARIABLE) or DEFAULT_ENDPOINT).strip()
    try:
        return parse_endpoint(url if '://' in url else 'http://' + url)[0]
    except ApsaraMQError:
        raise ApsaraMQError('%s=%s is not a host, host:port or http(s)://host[:port] URL' % (ENDPOINT_VARIABLE, url))


class EcsMetadata:
    """One conversation with the metadata service; ``tokenless_allowed`` False when IMDSv1 is disabled."""

    def __init__(self, endpoint, tokenless_allowed=True, timeout=TIMEOUT_SECONDS):
        self.endpoint = endpoint
        self._tokenless_allowed = tokenless_allowed
        self._timeout = timeout
        self._headers = None
        # The service is link-local: a proxy from HTTP_PROXY could not reach it, and must not see the keys.
        self._http = HttpEndpoint(endpoint, timeout, environment_proxies=False, max_connections=1)

    def role_credentials(self, role_name=None):
        """``(role_name, answer)`` with the answer's AccessKeyId, AccessKeySecret and SecurityToken checked."""
        self._headers = self._token_headers()
        if not role_name:
            role_name = self._attached_role()
        status, content = self._request('GET', _CREDENTIALS_PATH + quote(role_name, safe=''))
        if status == 404:
            raise ApsaraMQError('The ECS metadata service at %s knows no RAM role %r; check ecs_role_name against the role attached '
                                'to the instance' % (self.endpoint, role_name))
        self._expect_success(status, 'the credentials of RAM role %r' % role_name)
        try:
            answer = json.loads(content.decode('utf-8'))
        except ValueError:
            answer = None
        fields = ('AccessKeyId', 'AccessKeySecret', 'SecurityToken')
        if not isinstance(answer, dict) or answer.get('Code', 'Success') != 'Success' or not all(
                isinstance(answer.get(field), str) and answer[field] for field in fields):
            raise ApsaraMQError('The ECS metadata service at %s answered for RAM role %r without the fields %s'
                                % (self.endpoint, role_name, ', '.join(fields)))
        return role_name, answer

    def _token_headers(self):
        status, content = self._request('PUT', '/latest/api/token', {'X-aliyun-ecs-metadata-token-ttl-seconds': str(TOKEN_TTL_SECONDS)})
        if status == 200 and content.strip():
            return {'X-aliyun-ecs-metadata-token': content.decode('utf-8', 'replace').strip()}
        if not self._tokenless_allowed:
            raise ApsaraMQError('The ECS metadata service at %s gave no session token (HTTP %s) and ALIBABA_CLOUD_IMDSV1_DISABLED '
                                'forbids the request without one' % (self.endpoint, status))
        return {}

    def _attached_role(self):
        status, content = self._request('GET', _CREDENTIALS_PATH)
        names = content.decode('utf-8', 'replace').split() if status == 200 else []
        if status == 404 or (status == 200 and not names):
            raise NoInstanceRole('no RAM role is attached to this ECS instance (metadata service %s)' % self.endpoint,
                                 'attach one, or use another credential source')
        self._expect_success(status, 'the name of the RAM role')
        return names[0]

    def _expect_success(self, status, asked_for):
        if status != 200:
            raise ApsaraMQError('The ECS metadata service at %s answered HTTP %s when asked for %s' % (self.endpoint, status, asked_for))

    def _request(self, method, path, headers=None):
        request_headers = dict(self._headers or {})
        request_headers.update(headers or {})
        try:
            answer = self._http.request(method, path, request_headers, 'the ECS metadata service', _MAX_ANSWER_BYTES)
        except TransportError as exc:
            raise NoInstanceRole('the ECS metadata service at %s could not be reached within %s s (%s)' % (self.endpoint, self._timeout, exc.cause),
                                 'outside ECS, use another credential source')
        return answer.status, answer.body
