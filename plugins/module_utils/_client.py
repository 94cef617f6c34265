# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""A signed-request client for Alibaba Cloud RPC-style APIs, on one reused requests Session.

Product-neutral: the onsmqtt operations live in _onsmqtt.py, and STS can use the same client.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import platform
import re
import time
import traceback
import uuid
import warnings

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import InsecureRequestWarning, ReadTimeoutError
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from urllib.parse import urlsplit

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError, ApsaraMQError, one_line
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._signing import (
    ACS3, TIMESTAMP_FORMAT, acs3_headers, canonical_query, rpc_params,
)

COLLECTION_VERSION = '0.1.0'
USER_AGENT = 'alibabacloud.apsaramq/%s (ansible-core/%s; python/%s)' % (COLLECTION_VERSION, ANSIBLE_VERSION, platform.python_version())

# A DNS name or an IP address; urlsplit gives IPv6 addresses without their brackets.
_HOST = re.compile(r'^([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)$')

# What a user can do about the errors that are about the request rather than the resource.
_HINTS = {
    'SignatureDoesNotMatch': 'Check access_key_secret; a proxy that rewrites requests also breaks the signature.',
    'IncompleteSignature': 'Check access_key_secret; a proxy that rewrites requests also breaks the signature.',
    'InvalidAccessKeyId.NotFound': 'Check access_key_id: the service does not know it.',
    'InvalidAccessKeyId.Inactive': 'The access key is disabled; enable it or use another one.',
    'InvalidTimeStamp.Expired': "Check the clock of the host that runs the module: the service accepts requests within 15 minutes of its own time.",
    'InvalidSecurityToken.Expired': 'The temporary keys have expired; get new ones.',
    'InvalidSecurityToken.MismatchWithAccessKey': 'Temporary keys need the security_token issued with them.',
    'InvalidSecurityToken.Malformed': 'Check security_token: temporary keys need the token issued with them.',
}


def parse_endpoint(endpoint):
    """``(base_url, host)`` for ``host``, ``host:port`` or an http(s) URL; https when no scheme is given."""
    text = (endpoint or '').strip()
    parts = urlsplit(text if '://' in text else 'https://' + text)
    try:
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_ok = False
    if (parts.scheme not in ('http', 'https') or not _HOST.match(parts.hostname or '') or not port_ok
            or parts.path not in ('', '/') or parts.query or parts.fragment or '@' in parts.netloc):
        raise ApsaraMQError("endpoint %r is not a host, host:port or http(s)://host[:port] URL" % (endpoint,))
    return '%s://%s' % (parts.scheme, parts.netloc), parts.netloc


def _cause(exc):
    """The innermost reason of a requests exception, short enough for a one-line message."""
    for dummy in range(10):  # bounded: exception chains can be cyclic
        inner = exc.__cause__ or exc.__context__
        if inner is None:
            break
        exc = inner
    return one_line(str(exc))[:200]


class AcsClient:
    """Signs and sends one product's API calls; a fresh nonce and timestamp on every request."""

    def __init__(self, endpoint, api_version, credentials, signature_algorithm=ACS3, timeout=10,
                 validate_certs=True, ca_bundle=None, proxy=None, max_connections=10):
        self.base_url, self.host = parse_endpoint(endpoint)
        self.api_version = api_version
        self._credentials = credentials
        self._signature_algorithm = signature_algorithm
        self._timeout = timeout
        self._verify = (ca_bundle or True) if validate_certs else False
        # Per-request proxies beat HTTPS_PROXY from the environment; session proxies would not.
        self._proxies = {'http': proxy, 'https': proxy} if proxy else None
        self._session = requests.Session()
        self._session.headers['User-Agent'] = USER_AGENT
        # One kept-alive connection per concurrent caller; a smaller pool would reconnect (and urllib3 would log to stderr).
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max_connections)
        self._session.mount('http://', adapter)
        self._session.mount('https://', adapter)

    def call(self, action, params):
        """The decoded JSON body of a successful answer; raises ApiError or ApsaraMQError."""
        url, headers = self._signed_get(action, params)
        try:
            with warnings.catch_warnings():
                # the module warns once about validate_certs=false; urllib3 would print to stderr on every request
                warnings.simplefilter('ignore', InsecureRequestWarning)
                response = self._session.get(url, headers=headers, timeout=self._timeout, verify=self._verify, proxies=self._proxies)
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise self._connection_error(action, exc)
        except requests.exceptions.RequestException as exc:
            raise ApsaraMQError('The request to %s failed: %s' % (self.base_url, _cause(exc)))
        return self._decode(action, response)

    def _connection_error(self, action, exc):
        # requests reports a read timeout in the body as a ConnectionError, not as a Timeout.
        if isinstance(exc, requests.exceptions.Timeout) or any(isinstance(arg, ReadTimeoutError) for arg in exc.args):
            return ApsaraMQError('No answer from %s to %s within %s seconds; check network access to the endpoint, or raise timeout'
                                 % (self.base_url, action, self._timeout))
        if isinstance(exc, requests.exceptions.SSLError):
            return ApsaraMQError('TLS verification of %s failed (%s); check the endpoint, or trust its CA with ca_bundle'
                                 % (self.base_url, _cause(exc)))
        if isinstance(exc, requests.exceptions.ProxyError):
            return ApsaraMQError('The proxy refused or failed the request to %s (%s); check proxy and HTTPS_PROXY' % (self.base_url, _cause(exc)))
        return ApsaraMQError('Could not connect to %s (%s); check region or endpoint, proxy settings and network access'
                             % (self.base_url, _cause(exc)))

    def _signed_get(self, action, params):
        timestamp = time.strftime(TIMESTAMP_FORMAT, time.gmtime())
        nonce = uuid.uuid4().hex
        if self._signature_algorithm == ACS3:
            headers = acs3_headers('GET', self.host, params, action, self.api_version, self._credentials, timestamp, nonce)
            query = params
        else:
            headers = {'host': self.host}
            query = rpc_params('GET', params, action, self.api_version, self._credentials, timestamp, nonce)
        # Encoded here, as signed: requests leaves an already percent-encoded query alone.
        return '%s/?%s' % (self.base_url, canonical_query(query)), headers

    def _decode(self, action, response):
        header_request_id = response.headers.get('x-acs-request-id')
        try:
            body = json.loads(response.content.decode('utf-8'))
        except ValueError:
            body = None
        if not isinstance(body, dict):
            snippet = one_line(response.content[:120].decode('utf-8', 'replace')) or 'an empty body'
            raise ApsaraMQError('%s: %s answered HTTP %s with %s instead of a JSON object (%r; request ID %s); check endpoint and region'
                                % (action, self.base_url, response.status_code, response.headers.get('Content-Type') or 'no content type',
                                   snippet, header_request_id or 'none'))
        request_id = body.get('RequestId') or header_request_id
        if response.status_code >= 400 or body.get('Success') is False:
            code = body.get('Code') or 'HTTP%s' % response.status_code
            raise ApiError(action, code, body.get('Message'), request_id, response.status_code, _HINTS.get(code))
        return body
