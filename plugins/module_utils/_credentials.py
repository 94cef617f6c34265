# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Where the access keys come from: the first complete source wins.

A source is complete when it has both the key ID and the secret; half a source is an error
rather than a reason to mix keys from two places.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError

Credentials = namedtuple('Credentials', ['access_key_id', 'access_key_secret', 'security_token', 'source'])

# Current official names first, then the legacy ones of alibaba.alicloud and Terraform.
ENVIRONMENT = {
    'access_key_id': ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY', 'ALICLOUD_ACCESS_KEY_ID'),
    'access_key_secret': ('ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_SECRET_ACCESS_KEY'),
    'security_token': ('ALIBABA_CLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN'),
}


def _from_environment(environ):
    found = {}
    for field, names in ENVIRONMENT.items():
        found[field] = next((environ[name] for name in names if environ.get(name)), None)
    return found


def _complete(values, source, names):
    """Credentials from ``values`` when the source has a key pair, None when it has nothing."""
    key_id, secret = values.get('access_key_id'), values.get('access_key_secret')
    if not key_id and not secret:
        return None
    if not (key_id and secret):
        missing = 'access_key_secret' if key_id else 'access_key_id'
        raise ApsaraMQError('%s set only half of a key pair: %s is missing (%s)' % (source, missing, names[missing]))
    return Credentials(key_id, secret, values.get('security_token') or None, source)


def resolve_credentials(params, environ):
    """The credentials of the first complete source among the module options and the environment."""
    option_names = {'access_key_id': 'option access_key_id', 'access_key_secret': 'option access_key_secret'}
    env_names = dict((field, 'environment variable ' + ' or '.join(names)) for field, names in ENVIRONMENT.items())
    credentials = (_complete(params, 'The module options', option_names)
                   or _complete(_from_environment(environ), 'The environment variables', env_names))
    if credentials is None:
        raise ApsaraMQError(
            'No credentials found. Tried: the options access_key_id and access_key_secret; the environment variables '
            'ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY). '
            'Set one of them, for all tasks at once with module_defaults group/alibabacloud.apsaramq.apsaramq.')
    return credentials
