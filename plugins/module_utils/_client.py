# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""A signed-request client for Alibaba Cloud RPC-style APIs, over the kept-alive connections of _http.py.

Product-neutral: the onsmqtt operations live in _onsmqtt.py, and STS can use the same client.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys
import threading
import time

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError, ApsaraMQError, NotFoundError, OutcomeUnknownError, one_line
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._http import HttpEndpoint, parse_endpoint, without_user_info
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._retry import RetryPolicy, refused_answer, retry_after_seconds, retryable_answer
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._signing import (
    ACS3, TIMESTAMP_FORMAT, acs3_headers, anonymous_rpc_params, canonical_query, rpc_params,
)

COLLECTION_VERSION = '0.1.0'
# A CA answer is a few KiB and a page of 100 CAs under 1 MiB; past this, something else is talking.
MAX_RESPONSE_BYTES = 10 * 1024 * 1024
USER_AGENT = 'alibabacloud.apsaramq/%s (ansible-core/%s; python/%s)' % (COLLECTION_VERSION, ANSIBLE_VERSION, '%d.%d.%d' % sys.version_info[:3])

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
    # STS AssumeRole and AssumeRoleWithOIDC
    'NoPermission': "The role's trust policy must name the account or user of these credentials, and the user needs sts:AssumeRole.",
    'EntityNotExist.Role': 'Check the role ARN (acs:ram::<account ID>:role/<role name>): that account has no such role.',
    'InvalidParameter.RoleArn': 'A role ARN reads acs:ram::<account ID>:role/<role name>.',
}


def _nonempty_string(value):
    """A field of an answer that should be a non-empty string, or None: answers are not trusted to have the documented types."""
    return value if isinstance(value, str) and value else None


def decode_answer(action, base_url, status, headers, content, not_found_codes=(), write=False):
    """The JSON object of a successful (2xx) answer; raises ApiError for an error answer and ApsaraMQError for anything else.

    Error answers are retryable by the API's error code first and the HTTP status second. An error code of
    ``not_found_codes`` raises NotFoundError, whatever the HTTP status. A 2xx answer to a ``write`` that cannot be read
    leaves open whether the service carried the write out: retryable, and never "not carried out".
    """
    header_request_id = _nonempty_string(headers.get('x-acs-request-id'))
    retry_after = retry_after_seconds(headers.get('x-acs-retry-after'))
    if status < 200 or 300 <= status < 400:  # whatever the body says: a redirect is not followed, and no answer of the API
        location = _nonempty_string(headers.get('Location'))
        raise ApsaraMQError('%s: %s answered HTTP %s%s instead of an answer of the API (request ID %s); check endpoint and proxy'
                            % (action, base_url, status, ' redirecting to ' + without_user_info(one_line(location))[:200] if location else '',
                               header_request_id or 'none'))
    try:
        body = json.loads(content.decode('utf-8'))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError; RecursionError: nested deeper than Python can follow
        body = None
    if not isinstance(body, dict):
        snippet = one_line(content[:120].decode('utf-8', 'replace')) or 'an empty body'
        content_type = headers.get('Content-Type') or 'no content type'
        if write and status < 300:  # the service said yes, then the answer was mangled on its way: it may well have acted
            raise ApsaraMQError('%s: %s answered HTTP %s, but the answer could not be read (%s, not a JSON object: %r; request ID %s): the service '
                                'may have carried %s out' % (action, base_url, status, content_type, snippet, header_request_id or 'none', action),
                                True, retry_after)
        raise ApsaraMQError('%s: %s answered HTTP %s with %s instead of a JSON object (%r; request ID %s); check endpoint and region'
                            % (action, base_url, status, content_type, snippet, header_request_id or 'none'),
                            retryable_answer(None, status), retry_after, refused_answer(None, status))
    request_id = _nonempty_string(body.get('RequestId')) or header_request_id
    if status >= 400 or body.get('Success') is False:
        code = _nonempty_string(body.get('Code'))
        message = body.get('Message')
        error_class = NotFoundError if code in not_found_codes else ApiError
        raise error_class(action, code or 'HTTP%s' % status, message if isinstance(message, str) else None, request_id, status,
                          _HINTS.get(code), retryable_answer(code, status), retry_after, refused_answer(code, status))
    return body


class AcsClient:
    """Signs and sends one product's API calls; a fresh nonce and timestamp on every request.

    ``credentials`` None: the calls are anonymous (unsigned), as STS AssumeRoleWithOIDC is. ``timeout`` and ``retries``
    have no default here: the connection options' defaults are the only ones (_connection.DEFAULTS). ``not_found_codes``:
    the product's error codes for "what the request names does not exist".
    """

    def __init__(self, endpoint, api_version, credentials, signature_algorithm=ACS3, *, timeout, retries,
                 validate_certs=True, ca_bundle=None, proxy=None, max_connections=10, not_found_codes=()):
        self.base_url, self.host = parse_endpoint(endpoint)
        self.api_version = api_version
        self._credentials = credentials
        self._signature_algorithm = signature_algorithm
        self._not_found_codes = frozenset(not_found_codes)
        self._retry_policy = RetryPolicy(retries)
        # Shared by concurrent calls, hence the lock.
        self._tally_lock = threading.Lock()
        self._attempts = 0
        self._retry_warnings = []
        # One kept-alive connection per concurrent caller.
        self._http = HttpEndpoint(self.base_url, timeout, validate_certs, ca_bundle, proxy, max_connections=max_connections)

    @property
    def attempts(self):
        """How many HTTP requests this client has sent, retries included."""
        with self._tally_lock:
            return self._attempts

    @property
    def retry_warnings(self):
        """One line per retry so far, naming its cause."""
        with self._tally_lock:
            return list(self._retry_warnings)

    def call(self, action, params, method='GET', repeatable=True):
        """The decoded JSON body of a successful answer; raises ApiError or ApsaraMQError.

        The parameters go in the query string whatever the ``method``, as the official SDKs send them. Retryable
        failures are tried again, each attempt signed afresh (new nonce and timestamp). A request that is not
        ``repeatable`` (carrying it out twice is not harmless) is sent again only after a failure that certainly was
        not carried out (throttled, refused, never sent); after one that may have been, OutcomeUnknownError. A call by
        any other method than GET is a write: a 2xx answer to it that cannot be read is such a failure, not a refusal.
        """
        def attempt():
            target, headers = self._prepared(method, action, params)
            answer = self._http.request(method, target, headers, action, MAX_RESPONSE_BYTES)
            return decode_answer(action, self.base_url, answer.status, answer.headers, answer.body, self._not_found_codes, write=method != 'GET')

        try:
            return self._with_retries(action, attempt, repeatable)
        except ApsaraMQError as exc:
            if repeatable or not exc.retryable or exc.not_carried_out:
                raise
            raise OutcomeUnknownError(action, exc) from None

    def _with_retries(self, action, attempt, repeatable):
        """The path of every request: the retry policy, the attempt count and a warning per retry."""
        def counted_attempt():
            with self._tally_lock:
                self._attempts += 1
            return attempt()

        def record_retry(error, retry_number, delay):
            with self._tally_lock:
                self._retry_warnings.append('%s: retry %d of at most %d in %.1f s after: %s'
                                            % (action, retry_number, self._retry_policy.retries, delay, error))

        return self._retry_policy.run(counted_attempt, record_retry, repeatable)

    def _prepared(self, method, action, params):
        timestamp = time.strftime(TIMESTAMP_FORMAT, time.gmtime())
        nonce = os.urandom(16).hex()
        if self._credentials is None:  # an anonymous action, such as STS AssumeRoleWithOIDC
            headers = {'host': self.host}
            query = anonymous_rpc_params(params, action, self.api_version, timestamp, nonce)
        elif self._signature_algorithm == ACS3:
            headers = acs3_headers(method, self.host, params, action, self.api_version, self._credentials, timestamp, nonce)
            query = params
        else:
            headers = {'host': self.host}
            query = rpc_params(method, params, action, self.api_version, self._credentials, timestamp, nonce)
        headers['User-Agent'] = USER_AGENT
        # Encoded here, exactly as signed.
        return '/?' + canonical_query(query), headers
