# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every credential source, end to end: the module as a process; the emulator as the API, STS and the ECS metadata service."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.modules import mqtt_ca_certificate_info

INSTANCE = 'post-cn-emulator01'
ACCOUNT = '1234567890123456'
ROLE_ARN = 'acs:ram::%s:role/emulator-role' % ACCOUNT
UNTRUSTED_ROLE_ARN = 'acs:ram::%s:role/emulator-untrusted-role' % ACCOUNT
MISSING_ROLE_ARN = 'acs:ram::%s:role/no-such-role' % ACCOUNT
OIDC_PROVIDER_ARN = 'acs:ram::%s:oidc-provider/emulator-oidc-provider' % ACCOUNT
OIDC_TOKEN = 'emulator-oidc-token'
ECS_ROLE = 'emulator-ecs-role'
SNS = ['00e0a1c0ffee000001', '00e0a1c0ffee000002', '00e0a1c0ffee000003']
# Not resolved: the collection may be a symbolic link named ansible_collections/alibabacloud/apsaramq.
COLLECTIONS_ROOT = pathlib.Path(os.path.abspath(mqtt_ca_certificate_info.__file__)).parents[5]


@pytest.fixture
def emulator(start_emulator):
    """An emulator of this test's own: the tests count its requests and change its metadata settings."""
    return start_emulator()


@pytest.fixture(scope='module')
def env_keys(module_keys):
    """The emulator's default access key in the environment variables that carry it."""
    return {'ALIBABA_CLOUD_ACCESS_KEY_ID': module_keys['access_key_id'], 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': module_keys['access_key_secret']}


@pytest.fixture
def lookup(run_module):
    """Function: lookup(emulator, sns=None, environ=None, **options) -> the result of a lookup of ``sns`` (the first SN) at ``emulator``."""
    def run(emulator, sns=None, environ=None, **options):
        args = dict(instance_id=INSTANCE, endpoint=emulator.url, sn=sns or SNS[:1], **options)
        return run_module(args, environ)[0]
    return run


def actions(emulator):
    return [entry['action'] for entry in emulator.requests_log()['requests']]


def write_config(directory, profiles, current=None):
    path = directory / 'config.json'
    path.write_text(json.dumps({'current': current or profiles[0]['name'], 'profiles': profiles}))
    path.chmod(0o600)
    return str(path)


def token_file(directory, token=OIDC_TOKEN):
    path = directory / 'oidc-token'
    path.write_text(token + '\n')
    return str(path)


def metadata_environment(emulator):
    return {'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': emulator.url, 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': ''}


def ecs_keys(emulator):
    """The keys the emulator's metadata service hands out for its role, to search outputs for."""
    with urllib.request.urlopen('%s/latest/meta-data/ram/security-credentials/%s' % (emulator.url, ECS_ROLE), timeout=5) as answer:
        return json.load(answer)


def succeeded(result, count=1):
    assert not result.get('failed'), result['msg']
    assert [fact['sn'] for fact in result['certificates']] == SNS[:count]
    return result


# Sources

def test_oidc_from_the_environment_is_exchanged_once_for_every_sn(emulator, tmp_path, lookup):
    environ = {'ALIBABA_CLOUD_ROLE_ARN': ROLE_ARN, 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN': OIDC_PROVIDER_ARN,
               'ALIBABA_CLOUD_OIDC_TOKEN_FILE': token_file(tmp_path), 'ALIBABA_CLOUD_STS_ENDPOINT': emulator.url}
    result = succeeded(lookup(emulator, SNS, environ), 3)
    assert actions(emulator) == ['AssumeRoleWithOIDC'] + ['GetCaCertificate'] * 3
    assert result['request_attempts'] == 4
    # ALIBABA_CLOUD_ROLE_ARN was the OIDC role: it is not assumed a second time.
    assert 'AssumeRole' not in actions(emulator)


def test_a_profile_with_keys(emulator, tmp_path, module_keys, lookup):
    path = write_config(tmp_path, [dict(module_keys, name='keys', mode='AK')])
    succeeded(lookup(emulator, shared_credentials_file=path))
    assert [entry['access_key_id'] for entry in emulator.requests_log()['requests']] == [module_keys['access_key_id']]


def test_a_profile_named_by_the_environment_in_the_default_file(emulator, tmp_path, lookup):
    (tmp_path / '.aliyun').mkdir()
    write_config(tmp_path / '.aliyun', [{'name': 'default', 'mode': 'AK', 'access_key_id': 'nobody', 'access_key_secret': 'nobody-access-key-secret'},
                                        {'name': 'ci', 'mode': 'StsToken', 'access_key_id': 'STS.emulator-temporary-key-id',
                                         'access_key_secret': 'emulator-temporary-key-secret', 'sts_token': 'emulator-security-token'}])
    succeeded(lookup(emulator, environ={'HOME': str(tmp_path), 'ALIBABA_CLOUD_PROFILE': 'ci'}))
    assert [entry['access_key_id'] for entry in emulator.requests_log()['requests']] == ['STS.emulator-temporary-key-id']


def test_the_profile_region_picks_the_endpoint(tmp_path, module_failure):
    path = write_config(tmp_path, [{'name': 'keys', 'mode': 'AK', 'access_key_id': 'id', 'access_key_secret': 'profile-access-key-secret',
                                    'region_id': 'cn-emulator-region'}])
    # An address that resolves nowhere: the message says which endpoint the region gave.
    message = module_failure({'instance_id': INSTANCE, 'shared_credentials_file': path, 'retries': 0, 'timeout': 2})['msg']
    assert 'https://onsmqtt.cn-emulator-region.aliyuncs.com' in message


def test_a_ram_role_arn_profile_assumes_its_role_with_its_keys(emulator, tmp_path, module_keys, lookup):
    path = write_config(tmp_path, [dict(module_keys, name='role', mode='RamRoleArn', ram_role_arn=ROLE_ARN, ram_session_name='from-profile',
                                        expired_seconds=900)])
    succeeded(lookup(emulator, SNS, shared_credentials_file=path, sts_endpoint=emulator.url), 3)
    log = emulator.requests_log()['requests']
    assert [entry['action'] for entry in log] == ['AssumeRole'] + ['GetCaCertificate'] * 3
    assert log[0]['access_key_id'] == module_keys['access_key_id']
    assert all(entry['access_key_id'].startswith('STS.') for entry in log[1:])


def test_a_chainable_profile_assumes_its_role_with_the_source_profile(emulator, tmp_path, module_keys, lookup):
    path = write_config(tmp_path, [
        {'name': 'chained', 'mode': 'ChainableRamRoleArn', 'source_profile': 'base', 'ram_role_arn': ROLE_ARN},
        dict(module_keys, name='base', mode='AK')])
    succeeded(lookup(emulator, shared_credentials_file=path, sts_endpoint=emulator.url))
    assert actions(emulator) == ['AssumeRole', 'GetCaCertificate']


def test_an_oidc_profile(emulator, tmp_path, lookup):
    path = write_config(tmp_path, [{'name': 'oidc', 'mode': 'OIDC', 'oidc_provider_arn': OIDC_PROVIDER_ARN,
                                    'oidc_token_file': token_file(tmp_path), 'ram_role_arn': ROLE_ARN}])
    succeeded(lookup(emulator, shared_credentials_file=path, sts_endpoint=emulator.url))
    assert actions(emulator) == ['AssumeRoleWithOIDC', 'GetCaCertificate']


def test_an_ecs_ram_role_profile(emulator, tmp_path, lookup):
    path = write_config(tmp_path, [{'name': 'ecs', 'mode': 'EcsRamRole', 'ram_role_name': ECS_ROLE}])
    succeeded(lookup(emulator, environ=metadata_environment(emulator), shared_credentials_file=path))
    assert actions(emulator) == ['ECSMetadata.Token', 'ECSMetadata.Credentials', 'GetCaCertificate']


@pytest.mark.parametrize('mode, expected', [
    ('optional', ['ECSMetadata.Token', 'ECSMetadata.RoleList', 'ECSMetadata.Credentials']),
    ('required', ['ECSMetadata.Token', 'ECSMetadata.RoleList', 'ECSMetadata.Credentials']),
    # an older metadata service without session tokens: the requests go without one
    ('unsupported', ['ECSMetadata.Token', 'ECSMetadata.RoleList', 'ECSMetadata.Credentials']),
])
def test_the_attached_ecs_role_is_found_when_nothing_else_is_configured(emulator, mode, expected, lookup):
    emulator.metadata(mode=mode)
    succeeded(lookup(emulator, SNS, metadata_environment(emulator)), 3)
    log = emulator.requests_log()['requests']
    assert [entry['action'] for entry in log] == expected + ['GetCaCertificate'] * 3
    assert [entry['metadata_token'] for entry in log[1:3]] == [mode != 'unsupported'] * 2


def test_a_named_ecs_role_skips_the_role_list(emulator, lookup):
    succeeded(lookup(emulator, environ=dict(metadata_environment(emulator), ALICLOUD_ECS_ROLE_NAME=ECS_ROLE)))
    assert actions(emulator) == ['ECSMetadata.Token', 'ECSMetadata.Credentials', 'GetCaCertificate']


def test_without_imdsv1_a_service_without_tokens_is_an_error(emulator, module_failure):
    emulator.metadata(mode='unsupported')
    message = module_failure(dict(instance_id=INSTANCE, endpoint=emulator.url),
                             dict(metadata_environment(emulator), ALIBABA_CLOUD_IMDSV1_DISABLED='true'))['msg']
    assert message.startswith('The ECS metadata service at %s gave no session token (HTTP 404)' % emulator.url)


def test_a_named_ecs_role_that_is_not_attached_fails(emulator, module_failure):
    message = module_failure(dict(instance_id=INSTANCE, endpoint=emulator.url, ecs_role_name='other-role'), metadata_environment(emulator))['msg']
    assert message == ("The ECS metadata service at %s knows no RAM role 'other-role'; check ecs_role_name against the role "
                       "attached to the instance" % emulator.url)


def test_an_instance_without_a_role_is_listed_among_the_sources_tried(emulator, module_failure):
    emulator.metadata(role=None)
    message = module_failure(dict(instance_id=INSTANCE, endpoint=emulator.url), metadata_environment(emulator))['msg']
    assert 'the ECS instance RAM role (no RAM role is attached to this ECS instance (metadata service %s)). Set one' % emulator.url in message


def test_off_ecs_the_probe_fails_fast(module_failure):
    with socket.socket() as refusing:
        refusing.bind(('127.0.0.1', 0))
        port = refusing.getsockname()[1]  # bound, not listening: connections are refused
        started = time.monotonic()
        message = module_failure(dict(instance_id=INSTANCE, region='cn-hangzhou'),
                                 {'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': 'http://127.0.0.1:%d' % port, 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': ''})['msg']
    assert time.monotonic() - started < 5
    assert message.startswith('No credentials found. Tried: ')
    assert 'the ECS instance RAM role (the ECS metadata service at http://127.0.0.1:%d could not be reached within 1.0 s' % port in message


def test_a_metadata_service_that_never_answers_costs_about_a_second(module_failure):
    with socket.socket() as silent:
        silent.bind(('127.0.0.1', 0))
        silent.listen(8)  # connections are accepted by the kernel, and never answered
        endpoint = 'http://127.0.0.1:%d' % silent.getsockname()[1]
        started = time.monotonic()
        message = module_failure(dict(instance_id=INSTANCE, region='cn-hangzhou', ecs_role_name=ECS_ROLE),
                                 {'ALIBABA_CLOUD_ECS_METADATA_ENDPOINT': endpoint})['msg']
        elapsed = time.monotonic() - started
    assert 1 <= elapsed < 5, elapsed
    assert message == ('The ECS metadata service at %s could not be reached within 1.0 s (timed out); outside ECS, use another '
                       'credential source' % endpoint)


# Assuming a role

def test_assume_role_arn_exchanges_environment_keys_once(emulator, module_keys, lookup, env_keys):
    result = succeeded(lookup(emulator, SNS, dict(env_keys, ALIBABA_CLOUD_STS_ENDPOINT=emulator.url),
                              assume_role_arn=ROLE_ARN, assume_role_session_name='ci-job-42'), 3)
    log = emulator.requests_log()['requests']
    assert [entry['action'] for entry in log] == ['AssumeRole'] + ['GetCaCertificate'] * 3
    assert log[0]['access_key_id'] == module_keys['access_key_id'] and log[0]['algorithm'] == 'HMAC-SHA1'
    assert result['request_attempts'] == 4


def test_the_role_arn_variable_is_assumed_with_the_options_keys(emulator, module_keys, lookup):
    succeeded(lookup(emulator, environ={'ALIBABA_CLOUD_ROLE_ARN': ROLE_ARN}, sts_endpoint=emulator.url, **module_keys))
    assert actions(emulator) == ['AssumeRole', 'GetCaCertificate']


@pytest.mark.parametrize('role_arn, code, status', [(UNTRUSTED_ROLE_ARN, 'NoPermission', 403), (MISSING_ROLE_ARN, 'EntityNotExist.Role', 404)])
def test_a_role_that_cannot_be_assumed_fails_with_the_sts_error(emulator, role_arn, code, status, module_keys, module_failure):
    result = module_failure(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, assume_role_arn=role_arn, sts_endpoint=emulator.url))
    assert result['msg'].startswith('Getting the keys of role %s assumed with the credentials of the module options: AssumeRole failed: %s: '
                                    % (role_arn, code))
    assert result['error']['code'] == code and result['error']['http_status'] == status
    assert result['error']['request_id'] and result['error']['request_id'] in result['msg']
    assert actions(emulator) == ['AssumeRole']


def test_an_out_of_range_duration_fails_before_any_request(emulator, module_keys, module_failure):
    message = module_failure(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, assume_role_arn=ROLE_ARN, sts_endpoint=emulator.url,
                                  assume_role_duration=43201))['msg']
    assert message == 'assume_role_duration must be a whole number of seconds from 900 to 43200, got 43201'
    assert actions(emulator) == []


def test_an_unused_profile_option_draws_a_warning(emulator, tmp_path, module_keys, lookup, warning_texts):
    path = write_config(tmp_path, [{'name': 'keys', 'mode': 'AK', 'access_key_id': 'a', 'access_key_secret': 'unused-access-key-secret'}])
    result = succeeded(lookup(emulator, shared_credentials_file=path, **module_keys))
    assert warning_texts(result) == ['shared_credentials_file is set but not used: the credentials come from the module options, '
                                     'which come first']


# Secrets, whatever their source

@pytest.fixture
def run_verbose(hermetic_environment):
    """Function: run_verbose(emulator, environ, args) -> ``(output, process)`` of ``ansible localhost -m ... -vvvv``, the module
    running in this Python."""
    def run(emulator, environ, args):
        arguments = ' '.join('%s=%s' % (name, value) for name, value in args.items())
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_ROOT), ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_NOCOLOR='1',
                   ANSIBLE_PYTHON_INTERPRETER=sys.executable, **hermetic_environment)
        env.update(environ)
        ansible = str(pathlib.Path(sys.executable).parent / 'ansible')
        process = subprocess.run([ansible, 'localhost', '-vvvv', '-m', 'alibabacloud.apsaramq.mqtt_ca_certificate_info', '-a', arguments],
                                 capture_output=True, text=True, timeout=120, env=env, check=False)
        return process.stdout + process.stderr, process
    return run


def assert_secrets_hidden(output, secrets):
    for secret in secrets:
        assert secret not in output
    # The output searched is the verbose one, with the module's result in it.
    assert 'ESTABLISH LOCAL CONNECTION' in output and 'AnsiballZ_mqtt_ca_certificate_info' in output and '"request_attempts"' in output, output


def test_no_secret_in_verbose_output_from_environment_keys_and_an_assumed_role(emulator, module_keys, env_keys, run_verbose):
    environ = dict(env_keys, ALIBABA_CLOUD_STS_ENDPOINT=emulator.url, ALIBABA_CLOUD_ROLE_ARN=ROLE_ARN)
    output, process = run_verbose(emulator, environ, {'instance_id': INSTANCE, 'endpoint': emulator.url, 'sn': SNS[0]})
    assert process.returncode == 0, output
    assert actions(emulator) == ['AssumeRole', 'GetCaCertificate']
    assert_secrets_hidden(output, [module_keys['access_key_secret']])


def test_no_secret_in_verbose_output_from_a_profile_and_oidc(emulator, tmp_path, run_verbose):
    path = write_config(tmp_path, [{'name': 'oidc', 'mode': 'OIDC', 'oidc_provider_arn': OIDC_PROVIDER_ARN,
                                    'oidc_token_file': token_file(tmp_path), 'ram_role_arn': ROLE_ARN}])
    output, process = run_verbose(emulator, {}, {'instance_id': INSTANCE, 'endpoint': emulator.url, 'sn': SNS[0],
                                                 'shared_credentials_file': path, 'sts_endpoint': emulator.url})
    assert process.returncode == 0, output
    assert_secrets_hidden(output, [OIDC_TOKEN])


def test_no_secret_in_verbose_output_from_the_ecs_role_even_in_a_failure(emulator, run_verbose):
    keys = ecs_keys(emulator)
    output, process = run_verbose(emulator, metadata_environment(emulator), {'instance_id': INSTANCE, 'endpoint': emulator.url,
                                                                             'sn': 'no-such-sn'})
    assert process.returncode != 0 and 'FindCaBySnError' in output, output
    assert_secrets_hidden(output, [keys['AccessKeySecret'], keys['SecurityToken']])


def test_no_secret_in_verbose_output_from_a_profile_with_keys(emulator, tmp_path, run_verbose):
    path = write_config(tmp_path, [{'name': 'keys', 'mode': 'StsToken', 'access_key_id': 'STS.emulator-temporary-key-id',
                                    'access_key_secret': 'emulator-temporary-key-secret', 'sts_token': 'emulator-security-token'}])
    output, process = run_verbose(emulator, {}, {'instance_id': INSTANCE, 'endpoint': emulator.url, 'sn': SNS[0],
                                                 'shared_credentials_file': path})
    assert process.returncode == 0, output
    assert_secrets_hidden(output, ['emulator-temporary-key-secret', 'emulator-security-token'])


def test_the_sts_request_is_signed_as_the_official_sdk_signs(sdk_verified_emulator, lookup, env_keys):
    # Every signature this emulator accepts is recomputed with alibabacloud_tea_openapi's own functions.
    succeeded(lookup(sdk_verified_emulator, environ=env_keys, assume_role_arn=ROLE_ARN, sts_endpoint=sdk_verified_emulator.url))
