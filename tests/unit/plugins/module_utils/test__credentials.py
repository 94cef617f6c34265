# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import Connection
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._credentials import CredentialResolver
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError

NO_OPTIONS = {'access_key_id': None, 'access_key_secret': None, 'security_token': None}
KEYS_OPTIONS = {'access_key_id': 'option-id', 'access_key_secret': 'option-access-key-secret'}


def new_resolver(options, environ, warn=None):
    """A resolver as a Connection makes it: the options' defaults applied, STS clients from the connection.

    ``clients``: the clients it made, for the tests that no request was sent.
    """
    connection = Connection(options, environ, warn)
    clients = []

    def new_client(*args):
        clients.append(connection.new_client(*args))
        return clients[-1]
    resolver = CredentialResolver(connection.options, environ, new_client, warn)
    resolver.clients = clients
    return resolver


def resolve_credentials(options, environ):
    return new_resolver(options, environ).resolve()


def test_options_win_over_the_environment():
    params = dict(NO_OPTIONS, access_key_id='option-id', access_key_secret='option-access-key-secret')
    credentials = resolve_credentials(params, {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'env-id', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'env-access-key-secret'})
    assert (credentials.access_key_id, credentials.access_key_secret, credentials.source) == ('option-id', 'option-access-key-secret', 'the module options')


def test_the_token_belongs_to_its_source():
    params = dict(NO_OPTIONS, access_key_id='option-id', access_key_secret='option-access-key-secret')
    assert resolve_credentials(params, {'ALIBABA_CLOUD_SECURITY_TOKEN': 'env-security-token'}).security_token is None


SECRET_B, TOKEN_T = 'b-access-key-secret', 't-security-token'


@pytest.mark.parametrize('environ, expected', [
    ({'ALIBABA_CLOUD_ACCESS_KEY_ID': 'a', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': SECRET_B, 'ALIBABA_CLOUD_SECURITY_TOKEN': TOKEN_T}, ('a', SECRET_B, TOKEN_T)),
    ({'ALICLOUD_ACCESS_KEY': 'a', 'ALICLOUD_SECRET_KEY': SECRET_B, 'ALICLOUD_SECURITY_TOKEN': TOKEN_T}, ('a', SECRET_B, TOKEN_T)),
    ({'ALICLOUD_ACCESS_KEY_ID': 'a', 'ALICLOUD_SECRET_ACCESS_KEY': SECRET_B}, ('a', SECRET_B, None)),
    # the current names win over the legacy ones; an empty variable counts as unset
    ({'ALIBABA_CLOUD_ACCESS_KEY_ID': 'new', 'ALICLOUD_ACCESS_KEY': 'old', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': '',
      'ALICLOUD_SECRET_KEY': 'legacy-access-key-secret'}, ('new', 'legacy-access-key-secret', None)),
])
def test_environment_variables_current_and_legacy(environ, expected):
    credentials = resolve_credentials(NO_OPTIONS, environ)
    assert (credentials.access_key_id, credentials.access_key_secret, credentials.security_token) == expected


def test_half_a_key_pair_in_the_options_names_the_missing_option():
    with pytest.raises(ApsaraMQError, match='access_key_secret is missing.*option access_key_secret'):
        resolve_credentials(dict(NO_OPTIONS, access_key_id='id'), {'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'not-mixed-in'})


def test_half_a_key_pair_in_the_environment_names_the_variables():
    with pytest.raises(ApsaraMQError, match='access_key_id is missing .environment variable ALIBABA_CLOUD_ACCESS_KEY_ID or ALICLOUD_ACCESS_KEY'):
        resolve_credentials(NO_OPTIONS, {'ALICLOUD_SECRET_KEY': 'the-secret-value'})


def test_nothing_found_lists_every_source_tried_and_is_one_line():
    with pytest.raises(ApsaraMQError) as failure:
        resolve_credentials(NO_OPTIONS, {})
    message = str(failure.value)
    assert '\n' not in message
    for source in ('access_key_id', 'ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALICLOUD_ACCESS_KEY', 'module_defaults'):
        assert source in message


@pytest.mark.parametrize('params, environ, message', [
    ({'security_token': 'option-security-token'}, {},
     'A security token without its key pair in the module options: set option access_key_id and option access_key_secret too'),
    ({}, {'ALICLOUD_SECURITY_TOKEN': 'env-security-token'},
     'A security token without its key pair in the environment variables: set environment variable ALIBABA_CLOUD_ACCESS_KEY_ID or'),
])
def test_a_token_without_keys_is_an_error_not_ignored(params, environ, message):
    with pytest.raises(ApsaraMQError) as failure:
        resolve_credentials(dict(NO_OPTIONS, **params), environ)
    assert str(failure.value).startswith(message)
    assert 'option-security-token' not in str(failure.value) and 'env-security-token' not in str(failure.value)


def test_errors_never_carry_the_secret():
    with pytest.raises(ApsaraMQError) as failure:
        resolve_credentials(NO_OPTIONS, {'ALICLOUD_SECRET_KEY': 'the-secret-value'})
    assert 'the-secret-value' not in str(failure.value)


# The aliyun CLI config file

HERMETIC = {'HOME': '/nonexistent-home', 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true'}
AK_PROFILE = {'name': 'dev', 'mode': 'AK', 'access_key_id': 'profile-id', 'access_key_secret': 'profile-access-key-secret', 'region_id': 'cn-shanghai'}


def write_config(directory, profiles, current='dev', mode=0o600):
    path = directory / 'config.json'
    path.write_bytes(json.dumps({'current': current, 'profiles': profiles, 'meta_path': ''}).encode())
    path.chmod(mode)
    return str(path)


def resolver_for(params=None, environ=None):
    warnings = []
    resolver = new_resolver(dict(NO_OPTIONS, **(params or {})), dict(HERMETIC, **(environ or {})), warnings.append)
    return resolver, warnings


def test_profile_named_by_current_gives_its_keys_and_its_region(tmp_path):
    path = write_config(tmp_path, [dict(AK_PROFILE, name='other', access_key_id='other-id'), AK_PROFILE])
    resolver, warnings = resolver_for({'shared_credentials_file': path})
    credentials = resolver.resolve()
    assert (credentials.access_key_id, credentials.access_key_secret, credentials.security_token) == ('profile-id', 'profile-access-key-secret', None)
    assert credentials.source == "profile 'dev' (mode AK) of %s" % path
    assert resolver.region == 'cn-shanghai'
    assert warnings == []
    assert 'profile-access-key-secret' in resolver.secrets


@pytest.mark.parametrize('selection', [{'params': {'profile': 'sts'}}, {'environ': {'ALIBABA_CLOUD_PROFILE': 'sts'}},
                                       {'environ': {'ALICLOUD_PROFILE': 'sts'}}])
def test_profile_option_or_variable_picks_a_profile_with_a_token(tmp_path, selection):
    sts = dict(AK_PROFILE, name='sts', mode='StsToken', sts_token='profile-security-token')
    path = write_config(tmp_path, [AK_PROFILE, sts])
    params = dict(selection.get('params', {}), shared_credentials_file=path)
    credentials = resolver_for(params, selection.get('environ'))[0].resolve()
    assert (credentials.access_key_id, credentials.security_token) == ('profile-id', 'profile-security-token')


def test_the_file_comes_from_the_legacy_variable_and_the_home_directory(tmp_path):
    path = write_config(tmp_path, [AK_PROFILE])
    assert resolver_for(environ={'ALICLOUD_SHARED_CREDENTIALS_FILE': path})[0].resolve().access_key_id == 'profile-id'
    (tmp_path / '.aliyun').mkdir()
    write_config(tmp_path / '.aliyun', [AK_PROFILE])
    assert resolver_for(environ={'HOME': str(tmp_path)})[0].resolve().access_key_id == 'profile-id'


def test_environment_keys_come_before_the_profile_and_an_unused_profile_option_draws_a_warning(tmp_path):
    path = write_config(tmp_path, [AK_PROFILE])
    resolver, warnings = resolver_for({'profile': 'dev', 'shared_credentials_file': path},
                                      {'ALIBABA_CLOUD_ACCESS_KEY_ID': 'env-id', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'env-access-key-secret'})
    assert resolver.resolve().access_key_id == 'env-id'
    assert resolver.region is None
    assert warnings == ['profile is set but not used: the credentials come from the environment variables, which come first',
                        'shared_credentials_file is set but not used: the credentials come from the environment variables, which come first']


def test_a_config_file_others_can_read_draws_a_warning_like_ssh(tmp_path):
    path = write_config(tmp_path, [AK_PROFILE], mode=0o644)
    resolver, warnings = resolver_for({'shared_credentials_file': path})
    resolver.resolve()
    assert warnings == ['The aliyun config file %s can be read by other users (mode 0644) and holds credentials; '
                        'make it private with: chmod 600 %s' % (path, path)]


def test_the_config_file_is_read_never_written(tmp_path):
    path = write_config(tmp_path, [AK_PROFILE])
    before = (tmp_path / 'config.json').read_bytes(), os.stat(path).st_mtime_ns
    resolver_for({'shared_credentials_file': path})[0].resolve()
    assert ((tmp_path / 'config.json').read_bytes(), os.stat(path).st_mtime_ns) == before
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ['config.json']


@pytest.mark.parametrize('profiles, params, message', [
    ([AK_PROFILE], {'profile': 'prod'}, "has no profile 'prod' (profiles: dev)"),
    ([dict(AK_PROFILE, mode='CloudSSO')], {}, "Profile 'dev' in {path} uses mode 'CloudSSO', which this collection does not support; "
                                              "supported modes: AK, StsToken, RamRoleArn, EcsRamRole, OIDC, ChainableRamRoleArn"),
    ([dict(AK_PROFILE, access_key_secret='')], {}, "Profile 'dev' (mode AK) in {path} has no access_key_secret; "
                                                   "set it with: aliyun configure --profile dev --mode AK"),
    ([dict(AK_PROFILE, mode='StsToken')], {}, "Profile 'dev' (mode StsToken) in {path} has no sts_token"),
    ([dict(AK_PROFILE, mode='RamRoleArn')], {}, "Profile 'dev' (mode RamRoleArn) in {path} has no ram_role_arn"),
    ([dict(AK_PROFILE, mode='OIDC')], {}, "has no oidc_provider_arn, oidc_token_file, ram_role_arn"),
    ([dict(AK_PROFILE, mode='ChainableRamRoleArn', ram_role_arn='acs:ram::1:role/r')], {}, "has no source_profile"),
    ([dict(AK_PROFILE, mode='ChainableRamRoleArn', source_profile='dev', ram_role_arn='acs:ram::1:role/r')], {},
     "Profiles dev -> dev of {path} name each other as source_profile"),
    ([dict(AK_PROFILE, mode='ChainableRamRoleArn', source_profile='a', ram_role_arn='acs:ram::1:role/r'),
      dict(AK_PROFILE, name='a', mode='ChainableRamRoleArn', source_profile='dev', ram_role_arn='acs:ram::1:role/r')], {},
     "Profiles dev -> a -> dev of {path} name each other as source_profile"),
    ([dict(AK_PROFILE, mode='ChainableRamRoleArn', source_profile='gone', ram_role_arn='acs:ram::1:role/r')], {},
     "has no profile 'gone' (profiles: dev)"),
    ([dict(AK_PROFILE, mode='RamRoleArn', ram_role_arn='acs:ram::1:role/r', expired_seconds=60)], {},
     "expired_seconds of profile 'dev' must be a whole number of seconds from 900 to 43200, got 60"),
    ([dict(AK_PROFILE, mode='OIDC', oidc_provider_arn='acs:ram::1:oidc-provider/p', oidc_token_file='/nonexistent/token',
           ram_role_arn='acs:ram::1:role/r')], {},
     "Cannot read the OIDC token file /nonexistent/token named by profile 'dev' (mode OIDC) of {path}: No such file or directory"),
])
def test_profiles_that_cannot_be_used_fail_in_one_line_without_a_request(tmp_path, profiles, params, message):
    path = write_config(tmp_path, profiles)
    resolver = resolver_for(dict(params, shared_credentials_file=path))[0]
    with pytest.raises(ApsaraMQError) as failure:
        resolver.resolve()
    assert message.format(path=path) in str(failure.value)
    assert '\n' not in str(failure.value) and 'profile-access-key-secret' not in str(failure.value)
    assert resolver.clients == []


def test_a_config_file_that_cannot_be_read_is_an_error_once_asked_for(tmp_path):
    with pytest.raises(ApsaraMQError, match='Cannot read the aliyun config file .*/missing.json: No such file or directory'):
        resolver_for({'shared_credentials_file': str(tmp_path / 'missing.json')})[0].resolve()


def test_an_unfinished_profile_nobody_asked_for_is_skipped_and_listed(tmp_path):
    (tmp_path / '.aliyun').mkdir()
    path = write_config(tmp_path / '.aliyun', [dict(AK_PROFILE, name='default', access_key_id='', access_key_secret='')], current='')
    with pytest.raises(ApsaraMQError) as failure:
        resolver_for(environ={'HOME': str(tmp_path)})[0].resolve()
    assert ("profile 'default' of %s (it has no access_key_id, access_key_secret); the ECS instance RAM role "
            "(disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED)" % path) in str(failure.value)


def test_nothing_found_names_the_config_file_and_the_metadata_service():
    with pytest.raises(ApsaraMQError) as failure:
        resolver_for()[0].resolve()
    assert str(failure.value) == (
        'No credentials found. Tried: the options access_key_id and access_key_secret; the environment variables '
        'ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY); '
        'OIDC with the environment variables ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE; '
        'the aliyun CLI config file /nonexistent-home/.aliyun/config.json (not found); '
        'the ECS instance RAM role (disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED). '
        'Set one of them, for all tasks at once with module_defaults group/alibabacloud.apsaramq.apsaramq')


@pytest.mark.parametrize('environ, missing', [
    ({'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': 'acs:ram::1:oidc-provider/p'}, 'ALIBABA_CLOUD_ROLE_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE'),
    ({'ALIBABA_CLOUD_ROLE_ARN': 'acs:ram::1:role/r', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE': '/t'}, 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN'),
])
def test_half_an_oidc_configuration_names_what_is_missing(environ, missing):
    with pytest.raises(ApsaraMQError, match='OIDC credentials need all of .*; %s not set' % missing):
        resolver_for(environ=environ)[0].resolve()


def test_an_out_of_range_duration_fails_before_any_request():
    resolver = resolver_for(dict(KEYS_OPTIONS, assume_role_arn='acs:ram::1:role/r', assume_role_duration=899))[0]
    with pytest.raises(ApsaraMQError, match='assume_role_duration must be a whole number of seconds from 900 to 43200, got 899'):
        resolver.resolve()
    assert resolver.clients == []


def test_the_sources_are_asked_once():
    resolver = resolver_for(KEYS_OPTIONS)[0]
    assert resolver.resolve() is resolver.resolve()


@pytest.mark.parametrize('environ, message', [
    ({'ALIBABA_CLOUD_ACCESS_KEY_ID': 'id', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'A'},
     'The access key secret of the environment variables is 1 character long, too short to be a real one (at least 16;'),
    ({'ALIBABA_CLOUD_ACCESS_KEY_ID': 'id', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': SECRET_B, 'ALIBABA_CLOUD_SECURITY_TOKEN': 'tok'},
     'The security token of the environment variables is 3 characters long, too short to be a real one (at least 16;'),
])
def test_a_secret_too_short_to_mask_is_refused_whatever_its_source(environ, message):
    resolver = new_resolver(NO_OPTIONS, environ)
    with pytest.raises(ApsaraMQError) as failure:
        resolver.resolve()
    assert str(failure.value).startswith(message)
    assert resolver.secrets == set()


def test_a_profile_secret_too_short_to_mask_is_refused(tmp_path):
    path = write_config(tmp_path, [dict(AK_PROFILE, access_key_secret='Abc')])
    with pytest.raises(ApsaraMQError, match=r"^The access key secret of profile 'dev' \(mode AK\) of .* is 3 characters long"):
        resolve_credentials(dict(NO_OPTIONS, shared_credentials_file=path), {})
