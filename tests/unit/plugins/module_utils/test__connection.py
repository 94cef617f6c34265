# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one connection path: options with their defaults and environment variables, the checks before any request, the
endpoint, credentials resolved once for every client, and every client's requests counted, against the emulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
import yaml

from ansible_collections.alibabacloud.apsaramq.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils import _connection
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import DEFAULTS, Connection, check_options
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError, ApsaraMQError, NotFoundError

INSTANCE = 'post-cn-emulator01'
ROLE_ARN = 'acs:ram::1234567890123456:role/emulator-role'
# No config file, no metadata service: the keys come from the options unless a test says otherwise.
HERMETIC = {'HOME': '/nonexistent-home', 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true'}
LIST_ONE = {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '1'}


def connection(options, environ=None, warn=None):
    return Connection(options, dict(HERMETIC, **(environ or {})), warn)


def actions(server):
    return [entry['action'] for entry in server.requests_log()['requests']]


# --- options -----------------------------------------------------------------------------------------

def test_the_defaults_fill_what_the_options_leave_unset():
    options = connection({'timeout': None}).options
    assert dict((name, options[name]) for name in DEFAULTS) == DEFAULTS


def test_options_that_are_set_are_kept_and_the_callers_dict_is_left_alone():
    given = {'timeout': 2.5, 'retries': 0, 'validate_certs': False, 'vpc_endpoint': True, 'signature_algorithm': 'HMAC-SHA1',
             'assume_role_duration': 900, 'region': 'cn-beijing'}
    options = connection(dict(given), {'ALIBABA_CLOUD_REGION_ID': 'cn-shanghai'}).options
    assert dict((name, options[name]) for name in given) == given
    original = {'region': None}
    connection(original, {'ALIBABA_CLOUD_REGION_ID': 'cn-shanghai'})
    assert original == {'region': None}


@pytest.mark.parametrize('region, environ, expected', [
    (None, {'ALIBABA_CLOUD_REGION_ID': 'a', 'ALICLOUD_REGION_ID': 'b', 'ALICLOUD_REGION': 'c'}, 'a'),
    (None, {'ALICLOUD_REGION_ID': 'b', 'ALICLOUD_REGION': 'c'}, 'b'),
    (None, {'ALIBABA_CLOUD_REGION_ID': '', 'ALICLOUD_REGION': 'c'}, 'c'),
    ('', {'ALICLOUD_REGION': 'c'}, 'c'),
    ('x', {'ALIBABA_CLOUD_REGION_ID': 'a'}, 'x'),
    (None, {}, None),
])
def test_the_region_comes_from_the_option_else_the_first_variable_set(region, environ, expected):
    assert connection({'region': region}, environ).options['region'] == expected


@pytest.mark.parametrize('duration, environ, expected', [
    (None, {'ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION': '900'}, 900),
    (1200, {'ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION': '900'}, 1200),
    (None, {}, DEFAULTS['assume_role_duration']),
])
def test_the_role_duration_comes_from_the_option_else_its_variable_else_the_default(duration, environ, expected):
    assert connection({'assume_role_duration': duration}, environ).options['assume_role_duration'] == expected


def test_a_duration_variable_that_is_no_number_is_refused_before_any_request(module_keys):
    session = connection(dict(module_keys, assume_role_arn=ROLE_ARN), {'ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION': 'an hour'})
    with pytest.raises(ApsaraMQError, match=r"^assume_role_duration must be a whole number of seconds from 900 to 43200, got 'an hour'$"):
        session.credentials()
    assert session.attempts == 0


# --- check_options -----------------------------------------------------------------------------------

@pytest.mark.parametrize('options', [{}, {'timeout': 0.001}, {'timeout': 3600}, {'access_key_secret': '', 'security_token': None}])
def test_options_any_request_can_be_sent_with_pass(options):
    check_options(options)


@pytest.mark.parametrize('timeout, shown', [(0, '0'), (-1, '-1'), (float('nan'), 'nan'), (float('inf'), 'inf'), (3600.5, '3600.5')])
def test_a_timeout_outside_0_to_3600_seconds_is_refused(timeout, shown):
    with pytest.raises(ApsaraMQError) as failure:
        check_options({'timeout': timeout})
    assert str(failure.value) == 'timeout must be a number of seconds above 0 and at most 3600, got %s' % shown


@pytest.mark.parametrize('option', ['access_key_secret', 'security_token'])
def test_a_secret_too_short_to_mask_is_refused_by_its_name(option):
    with pytest.raises(ApsaraMQError) as failure:
        check_options({option: 'short-secret'})
    assert str(failure.value).startswith('%s is 12 characters long, too short to be a real one' % option)
    assert 'short-secret' not in str(failure.value)


# --- the endpoint ------------------------------------------------------------------------------------

@pytest.mark.parametrize('options, environ, base_url', [
    ({'region': 'cn-hangzhou'}, {}, 'https://onsmqtt.cn-hangzhou.aliyuncs.com'),
    ({'region': 'cn-hangzhou', 'vpc_endpoint': True}, {}, 'https://onsmqtt-vpc.cn-hangzhou.aliyuncs.com'),
    ({}, {'ALICLOUD_REGION': 'cn-beijing'}, 'https://onsmqtt.cn-beijing.aliyuncs.com'),
    ({'region': 'cn-hangzhou', 'endpoint': 'http://127.0.0.1:8080'}, {}, 'http://127.0.0.1:8080'),
    ({'endpoint': 'onsmqtt.example'}, {}, 'https://onsmqtt.example'),
])
def test_the_endpoint_is_the_option_else_the_regions(module_keys, options, environ, base_url):
    assert connection(dict(module_keys, **options), environ).onsmqtt_client().base_url == base_url


@pytest.mark.parametrize('region, base_url', [(None, 'https://onsmqtt.cn-profile.aliyuncs.com'), ('cn-option', 'https://onsmqtt.cn-option.aliyuncs.com')])
def test_the_region_of_the_profile_that_gave_the_keys_comes_after_the_option(tmp_path, region, base_url):
    profile = {'name': 'dev', 'mode': 'AK', 'access_key_id': 'profile-id', 'access_key_secret': 'profile-access-key-secret', 'region_id': 'cn-profile'}
    path = tmp_path / 'config.json'
    path.write_text(json.dumps({'current': 'dev', 'profiles': [profile]}))
    path.chmod(0o600)
    assert connection({'shared_credentials_file': str(path), 'region': region}).onsmqtt_client().base_url == base_url


def test_without_region_or_endpoint_the_message_says_where_to_set_one(module_keys):
    with pytest.raises(ApsaraMQError) as failure:
        connection(module_keys).onsmqtt_client()
    assert str(failure.value) == ('Set region (or the environment variable ALIBABA_CLOUD_REGION_ID, or region_id in the aliyun CLI profile) '
                                  'or endpoint to say where the instance is')


# --- credentials and clients -------------------------------------------------------------------------

def test_credentials_are_resolved_once_however_many_clients(clean_emulator, module_keys):
    session = connection(dict(module_keys, endpoint=clean_emulator.url, assume_role_arn=ROLE_ARN, sts_endpoint=clean_emulator.url))
    assert session.credentials()[0] is session.credentials()[0]
    for client in (session.onsmqtt_client(), session.onsmqtt_client(max_connections=2)):
        client.call('ListCaCertificate', LIST_ONE)
    assert actions(clean_emulator) == ['AssumeRole', 'ListCaCertificate', 'ListCaCertificate']
    assert session.attempts == 3


def test_the_sts_clients_requests_and_retries_are_counted_with_the_others(clean_emulator, module_keys):
    clean_emulator.inject(kind='throttling', count=1, retry_after_ms=10)
    session = connection(dict(module_keys, endpoint=clean_emulator.url, assume_role_arn=ROLE_ARN, sts_endpoint=clean_emulator.url))
    session.onsmqtt_client().call('ListCaCertificate', LIST_ONE)
    assert actions(clean_emulator) == ['AssumeRole', 'AssumeRole', 'ListCaCertificate']
    assert session.attempts == 3
    assert [warning.split(' after: ')[0] for warning in session.retry_warnings] == ['AssumeRole: retry 1 of at most 5 in 0.0 s']


def test_the_transport_options_reach_the_clients(clean_emulator, module_keys):
    clean_emulator.inject(kind='unavailable', count=5, retry_after_ms=10)
    session = connection(dict(module_keys, endpoint=clean_emulator.url, retries=1))
    with pytest.raises(ApiError, match='ServiceUnavailable.*gave up after 2 attempts$'):
        session.onsmqtt_client().call('ListCaCertificate', LIST_ONE)
    assert session.attempts == 2 and len(session.retry_warnings) == 1


def test_an_unknown_sn_is_not_found(emulator, module_keys):
    with pytest.raises(NotFoundError, match='^GetCaCertificate failed: FindCaBySnError: '):
        connection(dict(module_keys, endpoint=emulator.url)).onsmqtt_client().call('GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': 'no-such-sn'})


def test_the_secrets_of_the_credentials_are_collected_for_masking(clean_emulator, module_keys):
    session = connection(dict(module_keys, endpoint=clean_emulator.url, assume_role_arn=ROLE_ARN, sts_endpoint=clean_emulator.url))
    assert session.secrets == set()
    credentials = session.credentials()[0]
    assert session.secrets == {module_keys['access_key_secret'], credentials.access_key_secret, credentials.security_token}
    session.secrets.clear()
    assert len(session.secrets) == 3


def test_warnings_go_to_the_callers_warn(module_keys):
    warnings = []
    connection(dict(module_keys, profile='unused', region='cn-hangzhou'), warn=warnings.append).onsmqtt_client()
    assert warnings == ['profile is set but not used: the credentials come from the module options, which come first']


@pytest.mark.parametrize('options', [{'timeout': float('nan')}, {'access_key_secret': 'short'}], ids=['timeout', 'secret'])
def test_no_connection_is_made_with_options_no_request_could_be_sent_with(options):
    with pytest.raises(ApsaraMQError):
        Connection(options, {})


def test_the_spec_is_the_doc_fragments_options_with_their_types_defaults_and_aliases():
    documented = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    assert sorted(documented) == sorted(_connection.CONNECTION_ARGUMENT_SPEC)
    for name, spec in _connection.CONNECTION_ARGUMENT_SPEC.items():
        option = documented[name]
        assert (option.get('type', 'str'), option.get('default'), sorted(option.get('aliases', []))) == \
            (spec['type'], spec.get('default'), sorted(spec.get('aliases', []))), name


def test_the_secrets_and_the_proxy_are_no_log_and_the_key_id_is_not():
    spec = _connection.CONNECTION_ARGUMENT_SPEC
    assert sorted(name for name, option in spec.items() if option.get('no_log')) == sorted(_connection.SECRET_OPTIONS + ('proxy',))
    assert spec['access_key_id']['no_log'] is False
