# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Where the access keys come from: the first complete source wins, then an optional role to assume.

The sources, in order: the module options; the environment variables (keys, then OIDC); a profile of the aliyun
CLI config file; the ECS instance RAM role. A source is complete when it has both the key ID and the secret;
half a source is an error rather than a reason to mix keys from two places. Every environment variable that
bears on credentials is read here, from the ``environ`` given, so that the chain is one testable function.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from functools import partial

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._aliyun_config import (
    DEFAULT_CONFIG_FILE, find_profile, incomplete_profile_error, missing_fields, read_config, text_field,
)
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._ecs_metadata import EcsMetadata, NoInstanceRole, metadata_endpoint
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._secrets import check_secret
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._signing import HMAC_SHA1, Credentials
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._sts import (
    API_VERSION as STS_API_VERSION, DEFAULT_ENDPOINT as DEFAULT_STS_ENDPOINT, assume_role, assume_role_with_oidc, check_duration,
    regional_endpoint as regional_sts_endpoint,
)

DEFAULT_SESSION_NAME = 'ansible-apsaramq'
MODULE_DEFAULTS_HINT = 'for all tasks at once with module_defaults group/alibabacloud.apsaramq.apsaramq'

# Current official names first, then the legacy ones of alibaba.alicloud and Terraform.
ENVIRONMENT = {
    'access_key_id': ('ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY', 'ALICLOUD_ACCESS_KEY_ID'),
    'access_key_secret': ('ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALICLOUD_SECRET_KEY', 'ALICLOUD_SECRET_ACCESS_KEY'),
    'security_token': ('ALIBABA_CLOUD_SECURITY_TOKEN', 'ALICLOUD_SECURITY_TOKEN'),
}
# The options' environment variables, read when the option is not set.
SETTING_ENVIRONMENT = {
    'profile': ('ALIBABA_CLOUD_PROFILE', 'ALICLOUD_PROFILE'),
    'shared_credentials_file': ('ALICLOUD_SHARED_CREDENTIALS_FILE',),
    'assume_role_arn': ('ALIBABA_CLOUD_ROLE_ARN', 'ALICLOUD_ASSUME_ROLE_ARN'),
    'assume_role_session_name': ('ALIBABA_CLOUD_ROLE_SESSION_NAME', 'ALICLOUD_ASSUME_ROLE_SESSION_NAME'),
    'sts_endpoint': ('ALIBABA_CLOUD_STS_ENDPOINT',),
    'ecs_role_name': ('ALIBABA_CLOUD_ECS_METADATA', 'ALICLOUD_ECS_ROLE_NAME'),
}
# With all three set, ALIBABA_CLOUD_ROLE_ARN is the OIDC role rather than a role to assume afterwards.
OIDC_ENVIRONMENT = ('ALIBABA_CLOUD_ROLE_ARN', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE')

OPTIONS, ENVIRONMENT_KEYS, ENVIRONMENT_OIDC, PROFILE, ECS_ROLE = 'options', 'environment', 'oidc', 'profile', 'ecs'
SOURCE_ORDER = (OPTIONS, ENVIRONMENT_KEYS, ENVIRONMENT_OIDC, PROFILE, ECS_ROLE)
# Options that only matter when their source is reached: set but unused, they deserve a word.
LATER_SOURCE_OPTIONS = (('profile', PROFILE), ('shared_credentials_file', PROFILE), ('ecs_role_name', ECS_ROLE))


def _first_set(environ, names):
    return next((environ[name] for name in names if environ.get(name)), None)


def _expand_home(path, environ):
    """``~`` from ``environ``'s HOME, as os.path.expanduser does from the process's."""
    if path == '~' or path.startswith('~/'):
        return (environ.get('HOME') or os.path.expanduser('~')) + path[1:]
    return os.path.expanduser(path)


def _duration(value):
    """The aliyun CLI writes expired_seconds as a number, 0 when unset; some hand-written files quote it."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return value or None


class CredentialResolver:
    """Resolves once per task; what it learned along the way stays on the instance.

    ``options``: the connection and credential options, their defaults applied (_connection.DEFAULTS).
    ``new_client(endpoint, api_version, credentials, signature_algorithm, max_connections)``: an AcsClient for STS, made
    with the connection's settings. ``secrets``: every secret and token it handled, for the caller to mask;
    ``region``: the region_id of the profile that supplied the keys; ``warn(message)``: called for a config file others
    can read and for options that were not used.
    """

    def __init__(self, options, environ, new_client, warn=None):
        self._params = options
        self._environ = environ
        self._new_client = new_client
        self._warn = warn or (lambda message: None)
        self._tried = []
        self._credentials = None
        self.secrets = set()
        self.region = None

    def setting(self, name):
        value = self._params.get(name)
        return value if value not in (None, '') else _first_set(self._environ, SETTING_ENVIRONMENT[name])

    def resolve(self):
        """The credentials; the sources are asked on the first call only."""
        if self._credentials is None:
            self._credentials = self._resolve()
        return self._credentials

    def _resolve(self):
        for source, find in ((OPTIONS, self._from_options), (ENVIRONMENT_KEYS, self._from_environment),
                             (ENVIRONMENT_OIDC, self._from_oidc_environment), (PROFILE, self._from_profile), (ECS_ROLE, self._from_ecs_role)):
            credentials = find()
            if credentials is not None:
                break
        else:
            raise ApsaraMQError('No credentials found. Tried: %s. Set one of them, %s' % ('; '.join(self._tried), MODULE_DEFAULTS_HINT))
        self._warn_about_unused_options(source, credentials)
        role_arn = self._params.get('assume_role_arn') or (None if source == ENVIRONMENT_OIDC else self.setting('assume_role_arn'))
        if role_arn:
            credentials = self._assume_role(credentials, role_arn, self._session_name(), self._duration_option())
        return credentials

    def _warn_about_unused_options(self, source, credentials):
        for option, option_source in LATER_SOURCE_OPTIONS:
            if self._params.get(option) and SOURCE_ORDER.index(source) < SOURCE_ORDER.index(option_source):
                self._warn('%s is set but not used: the credentials come from %s, which come first' % (option, credentials.source))

    def _keys(self, access_key_id, access_key_secret, security_token, source):
        check_secret(access_key_secret, 'The access key secret of %s' % source)
        check_secret(security_token, 'The security token of %s' % source)
        self.secrets.update(value for value in (access_key_secret, security_token) if value)
        return Credentials(access_key_id, access_key_secret, security_token or None, source)

    def _complete(self, values, source, names):
        """Credentials from ``values`` when the source has a key pair, None when it has nothing."""
        key_id, secret, token = values.get('access_key_id'), values.get('access_key_secret'), values.get('security_token')
        if not key_id and not secret:
            if token:
                raise ApsaraMQError('A security token without its key pair in %s: set %s and %s too'
                                    % (source, names['access_key_id'], names['access_key_secret']))
            return None
        if not (key_id and secret):
            missing = 'access_key_secret' if key_id else 'access_key_id'
            raise ApsaraMQError('Half a key pair in %s: %s is missing (%s)' % (source, missing, names[missing]))
        return self._keys(key_id, secret, token, source)

    def _from_options(self):
        self._tried.append('the options access_key_id and access_key_secret')
        return self._complete(self._params, 'the module options',
                              {'access_key_id': 'option access_key_id', 'access_key_secret': 'option access_key_secret'})

    def _from_environment(self):
        self._tried.append('the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET '
                           '(or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY)')
        values = dict((field, _first_set(self._environ, names)) for field, names in ENVIRONMENT.items())
        names = dict((field, 'environment variable ' + ' or '.join(names)) for field, names in ENVIRONMENT.items())
        return self._complete(values, 'the environment variables', names)

    def _from_oidc_environment(self):
        self._tried.append('OIDC with the environment variables ' + ', '.join(OIDC_ENVIRONMENT))
        role_arn, provider_arn, token_file = (self._environ.get(name) for name in OIDC_ENVIRONMENT)
        if not provider_arn and not token_file:
            return None  # ALIBABA_CLOUD_ROLE_ARN alone is a role to assume, not OIDC
        if not (role_arn and provider_arn and token_file):
            missing = [name for name in OIDC_ENVIRONMENT if not self._environ.get(name)]
            raise ApsaraMQError('OIDC credentials need all of %s; %s not set' % (', '.join(OIDC_ENVIRONMENT), ' and '.join(missing)))
        return self._oidc(provider_arn, token_file, role_arn, self._session_name(), self._duration_option(), self._sts_endpoint(),
                          'the environment variables ALIBABA_CLOUD_OIDC_*')

    def _from_profile(self):
        path, name = self.setting('shared_credentials_file'), self.setting('profile')
        chosen = bool(path or name)
        path = _expand_home(path or DEFAULT_CONFIG_FILE, self._environ)
        if not chosen and not os.path.exists(path):
            self._tried.append('the aliyun CLI config file %s (not found)' % path)
            return None
        document, warning = read_config(path)
        if warning:
            self._warn(warning)
        profile = find_profile(document, path, name)
        if not chosen and missing_fields(profile):
            # An unfinished profile that nobody asked for is a source that is not there, not an error.
            self._tried.append('profile %r of %s (it has no %s)' % (profile['name'], path, ', '.join(missing_fields(profile))))
            return None
        credentials = self._profile_credentials(document, path, profile, ())
        self.region = text_field(profile, 'region_id')
        return credentials

    def _profile_credentials(self, document, path, profile, chained_from):
        if missing_fields(profile):
            raise incomplete_profile_error(profile, path)
        name, mode = profile['name'], profile['mode']
        field = partial(text_field, profile)
        source = 'profile %r (mode %s) of %s' % (name, mode, path)
        duration = _duration(profile.get('expired_seconds'))
        duration_name = 'expired_seconds of profile %r' % name if duration else 'assume_role_duration'
        duration = duration or self._params['assume_role_duration']
        session_name = field('ram_session_name') or self._session_name()
        sts_endpoint = self._sts_endpoint(field('sts_region'))
        if mode in ('AK', 'StsToken'):
            return self._keys(field('access_key_id'), field('access_key_secret'), field('sts_token') if mode == 'StsToken' else None, source)
        if mode == 'EcsRamRole':
            return self._ecs_role(field('ram_role_name'))
        if mode == 'OIDC':
            return self._oidc(field('oidc_provider_arn'), field('oidc_token_file'), field('ram_role_arn'), session_name,
                              (duration_name, duration), sts_endpoint, source)
        if mode == 'RamRoleArn':
            base = self._keys(field('access_key_id'), field('access_key_secret'), field('sts_token'), source)
        else:  # ChainableRamRoleArn
            if name in chained_from:
                raise ApsaraMQError('Profiles %s of %s name each other as source_profile' % (' -> '.join(chained_from + (name,)), path))
            base = self._profile_credentials(document, path, find_profile(document, path, field('source_profile')), chained_from + (name,))
        return self._assume_role(base, field('ram_role_arn'), session_name, (duration_name, duration), sts_endpoint, field('external_id'))

    def _from_ecs_role(self):
        role_name = self.setting('ecs_role_name')
        if not role_name and self._environ.get('ALIBABA_CLOUD_ECS_METADATA_DISABLED', '').lower() == 'true':
            self._tried.append('the ECS instance RAM role (disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED)')
            return None
        try:
            return self._ecs_role(role_name)
        except NoInstanceRole as exc:
            if role_name:
                raise
            self._tried.append('the ECS instance RAM role (%s)' % exc.reason)
            return None

    def _ecs_role(self, role_name):
        tokenless_allowed = self._environ.get('ALIBABA_CLOUD_IMDSV1_DISABLED', '').lower() != 'true'
        role_name, answer = EcsMetadata(metadata_endpoint(self._environ), tokenless_allowed).role_credentials(role_name)
        return self._keys(answer['AccessKeyId'], answer['AccessKeySecret'], answer['SecurityToken'], 'the ECS instance RAM role %r' % role_name)

    def _duration_option(self):
        return 'assume_role_duration', self._params['assume_role_duration']

    def _session_name(self):
        return self.setting('assume_role_session_name') or DEFAULT_SESSION_NAME

    def _sts_endpoint(self, region=None):
        return self.setting('sts_endpoint') or (regional_sts_endpoint(region) if region else DEFAULT_STS_ENDPOINT)

    def _assume_role(self, credentials, role_arn, session_name, duration, sts_endpoint=None, external_id=None):
        """``duration``: ``(where it was set, seconds)``, as for _oidc and _role_keys."""
        endpoint = sts_endpoint or self._sts_endpoint()
        return self._role_keys('role %s assumed with the credentials of %s' % (role_arn, credentials.source), duration,
                               lambda seconds: assume_role(self._sts_client(credentials, endpoint), role_arn, session_name, seconds, external_id))

    def _oidc(self, provider_arn, token_file, role_arn, session_name, duration, sts_endpoint, source):
        try:
            with open(token_file, 'rb') as token:
                oidc_token = token.read().decode('utf-8').strip()
        except (IOError, OSError, ValueError) as exc:
            raise ApsaraMQError('Cannot read the OIDC token file %s named by %s: %s' % (token_file, source, getattr(exc, 'strerror', None) or exc))
        check_secret(oidc_token, 'The OIDC token in %s' % token_file)
        self.secrets.add(oidc_token)
        return self._role_keys('role %s assumed with OIDC (%s)' % (role_arn, source), duration,
                               lambda seconds: assume_role_with_oidc(self._sts_client(None, sts_endpoint), provider_arn, oidc_token,
                                                                     role_arn, session_name, seconds))

    def _role_keys(self, source, duration, exchange):
        """The keys STS issues for a role; its failures say which role, and whose keys asked."""
        duration_name, seconds = duration
        check_duration(seconds, duration_name)
        try:
            return self._keys(*exchange(seconds), source=source)
        except ApsaraMQError as exc:
            exc.add_context('Getting the keys of ' + source)
            raise

    def _sts_client(self, credentials, endpoint):
        # HMAC-SHA1, as Alibaba's credentials library signs STS calls.
        return self._new_client(endpoint, STS_API_VERSION, credentials, HMAC_SHA1, 1)
