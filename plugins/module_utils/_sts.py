# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Security Token Service (product sts, version 2015-04-01): temporary keys for a RAM role."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError

API_VERSION = '2015-04-01'
DEFAULT_ENDPOINT = 'sts.aliyuncs.com'
MIN_DURATION_SECONDS = 900
DEFAULT_DURATION_SECONDS = 3600
MAX_DURATION_SECONDS = 43200
_KEY_FIELDS = ('AccessKeyId', 'AccessKeySecret', 'SecurityToken')


def regional_endpoint(region):
    return 'sts.%s.aliyuncs.com' % region


def check_duration(duration, name):
    if isinstance(duration, bool) or not isinstance(duration, int) or not MIN_DURATION_SECONDS <= duration <= MAX_DURATION_SECONDS:
        raise ApsaraMQError('%s must be a whole number of seconds from %d to %d, got %r'
                            % (name, MIN_DURATION_SECONDS, MAX_DURATION_SECONDS, duration))


def assume_role(client, role_arn, session_name, duration, external_id=None):
    """``(access_key_id, access_key_secret, security_token)`` of the role, for the keys ``client`` signs with."""
    params = {'RoleArn': role_arn, 'RoleSessionName': session_name, 'DurationSeconds': str(duration)}
    if external_id:
        params['ExternalId'] = external_id
    return _issued_keys('AssumeRole', client.call('AssumeRole', params))


def assume_role_with_oidc(client, provider_arn, oidc_token, role_arn, session_name, duration):
    """Like assume_role, for an anonymous ``client``: the OIDC token is the proof of identity."""
    params = {'OIDCProviderArn': provider_arn, 'OIDCToken': oidc_token, 'RoleArn': role_arn,
              'RoleSessionName': session_name, 'DurationSeconds': str(duration)}
    return _issued_keys('AssumeRoleWithOIDC', client.call('AssumeRoleWithOIDC', params))


def _issued_keys(action, answer):
    keys = answer.get('Credentials')
    if not isinstance(keys, dict) or not all(isinstance(keys.get(field), str) and keys[field] for field in _KEY_FIELDS):
        raise ApsaraMQError('%s answered without Credentials holding %s (request ID %s); check sts_endpoint'
                            % (action, ', '.join(_KEY_FIELDS), answer.get('RequestId') or 'none'))
    return tuple(keys[field] for field in _KEY_FIELDS)
