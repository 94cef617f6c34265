# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The aliyun CLI's config file (~/.aliyun/config.json): read, never written.

Pure apart from reading the file: the profile comes back as a dict checked for the fields its mode needs;
turning it into keys (assuming a role, asking the ECS metadata service) is _credentials.py's job.
Messages name the file and the profile, never a value from it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError

DEFAULT_CONFIG_FILE = '~/.aliyun/config.json'

# The fields each supported mode cannot do without; the aliyun CLI writes empty strings for unset fields.
REQUIRED_FIELDS = {
    'AK': ('access_key_id', 'access_key_secret'),
    'StsToken': ('access_key_id', 'access_key_secret', 'sts_token'),
    'RamRoleArn': ('access_key_id', 'access_key_secret', 'ram_role_arn'),
    'EcsRamRole': (),  # without ram_role_name, the role attached to the instance
    'OIDC': ('oidc_provider_arn', 'oidc_token_file', 'ram_role_arn'),
    'ChainableRamRoleArn': ('source_profile', 'ram_role_arn'),
}


def read_config(path):
    """``(document, warning)``: the file's JSON object, and a warning when other users can read it (or None)."""
    try:
        with open(path, 'rb') as config_file:
            mode = os.fstat(config_file.fileno()).st_mode
            content = config_file.read()
    except (IOError, OSError) as exc:
        raise ApsaraMQError('Cannot read the aliyun config file %s: %s' % (path, exc.strerror or exc))
    try:
        document = json.loads(content.decode('utf-8'))
    except ValueError as exc:  # a UnicodeDecodeError is one too
        # The position only: the text around it may be a secret.
        raise ApsaraMQError('The aliyun config file %s is not valid JSON (%s)' % (path, _position(exc)))
    if not isinstance(document, dict) or not isinstance(document.get('profiles', []), list):
        raise ApsaraMQError('The aliyun config file %s is not an aliyun CLI config: expected {"current": ..., "profiles": [...]}' % path)
    return document, _permission_warning(path, mode)


def _position(exc):
    lineno = getattr(exc, 'lineno', None)
    return 'line %s, column %s' % (lineno, exc.colno) if lineno else 'not UTF-8 text'


def _permission_warning(path, mode):
    # Like ssh with a private key: credentials that others can read are as good as shared.
    if stat.S_IMODE(mode) & (stat.S_IRGRP | stat.S_IROTH):
        return ('The aliyun config file %s can be read by other users (mode %04o) and holds credentials; '
                'make it private with: chmod 600 %s' % (path, stat.S_IMODE(mode), path))
    return None


def find_profile(document, path, name):
    """The profile called ``name`` (None: the file's ``current``, else ``default``), with its ``name`` and ``mode`` filled in."""
    name = name or document.get('current') or 'default'
    profiles = [profile for profile in document.get('profiles', []) if isinstance(profile, dict)]
    profile = next((profile for profile in profiles if profile.get('name') == name), None)
    if profile is None:
        known = ', '.join(sorted(str(profile.get('name')) for profile in profiles)) or 'none'
        raise ApsaraMQError('The aliyun config file %s has no profile %r (profiles: %s)' % (path, name, known))
    mode = profile.get('mode') or 'AK'
    if not isinstance(mode, str) or mode not in REQUIRED_FIELDS:
        raise ApsaraMQError('Profile %r in %s uses mode %r, which this collection does not support; supported modes: %s'
                            % (name, path, mode, ', '.join(REQUIRED_FIELDS)))
    return dict(profile, name=name, mode=mode)


def missing_fields(profile):
    """The fields the profile's mode needs that it leaves empty."""
    return [field for field in REQUIRED_FIELDS[profile['mode']] if not text_field(profile, field)]


def incomplete_profile_error(profile, path):
    return ApsaraMQError('Profile %r (mode %s) in %s has no %s; set it with: aliyun configure --profile %s --mode %s'
                         % (profile['name'], profile['mode'], path, ', '.join(missing_fields(profile)), profile['name'], profile['mode']))


def text_field(profile, field):
    """A string field of the profile, None when empty or not a string."""
    value = profile.get(field)
    return value.strip() if isinstance(value, str) and value.strip() else None
