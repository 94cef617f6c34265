# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module as Ansible runs it: a separate process, JSON arguments in, JSON out, against the emulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import datetime
import os
import re
import sys
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

INSTANCE = 'post-cn-emulator01'
STS_KEYS = {'access_key_id': 'STS.emulator-temporary-key-id', 'access_key_secret': 'emulator-temporary-key-secret',
            'security_token': 'emulator-security-token'}
DAY_MS = 86400000


def fixture_cas(fixtures, instance=INSTANCE):
    return [entry['data'] for entry in fixtures['instances'][instance]['ca_certificates']]


def canonical(text):
    """The spec's canonical PEM, written independently of the collection's code."""
    if not text:
        return None
    return text.replace('\\r\\n', '\n').replace('\\n', '\n').replace('\r\n', '\n').strip() + '\n'


def iso(epoch_ms):
    return datetime.datetime.fromtimestamp(int(epoch_ms) // 1000, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def assert_facts_match(facts, data, before_ms, after_ms):
    """Every return key of the spec against the API data the emulator holds."""
    assert facts['sn'] == data['Sn']
    assert facts['name'] == data['CaName']
    assert facts['status'] == {'1': 'active', '0': 'inactive'}[data['Status']]
    assert facts['registration_code'] == data['RegistrationCode']
    assert facts['ca_pem'] == canonical(data['CaContent'])
    assert facts['verification_pem'] == canonical(data['VerificationContent'])
    assert (facts['valid_begin_ms'], facts['valid_end_ms']) == (int(data['ValidBegin']), int(data['ValidEnd']))
    assert (facts['valid_begin'], facts['valid_end']) == (iso(data['ValidBegin']), iso(data['ValidEnd']))
    end = int(data['ValidEnd'])
    assert facts['expired'] in {after_ms > end, before_ms > end}
    assert facts['days_remaining'] in {(end - before_ms) // DAY_MS, (end - after_ms) // DAY_MS}
    certificates = x509.load_pem_x509_certificates(facts['ca_pem'].encode()) if hasattr(x509, 'load_pem_x509_certificates') else None
    first = x509.load_pem_x509_certificate(facts['ca_pem'].encode())
    fingerprint = first.fingerprint(hashes.SHA256()).hex()
    assert facts['x509']['fingerprints']['sha256'] == ':'.join(fingerprint[i:i + 2] for i in range(0, len(fingerprint), 2))
    assert facts['x509']['serial_number'] == first.serial_number
    assert facts['x509']['subject']['commonName'] == first.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    assert facts['x509']['certificates_in_pem'] == (len(certificates) if certificates else facts['ca_pem'].count('BEGIN CERTIFICATE'))
    assert facts['verification'] == {'common_name': data['RegistrationCode'], 'matches_registration_code': True, 'signed_by_ca': True}
    assert re.match(r'^[0-9A-F-]{36}$', facts['request_id'])


@pytest.fixture
def lookup(run_module, module_keys):
    """Function: lookup(server, sn=None, keys=None, **options) -> (result, before_ms, after_ms) of a run with the emulator's keys."""
    def run(server, sn=None, keys=None, **options):
        args = dict(keys or module_keys, instance_id=INSTANCE, endpoint=server.url, **options)
        if sn is not None:
            args['sn'] = sn
        before = int(time.time() * 1000)
        result, dummy = run_module(args)
        return result, before, int(time.time() * 1000)
    return run


@pytest.mark.parametrize('algorithm', ['ACS3-HMAC-SHA256', 'HMAC-SHA1'])
@pytest.mark.parametrize('keys', [None, STS_KEYS], ids=['permanent', 'sts'])
def test_every_ca_with_every_return_key_through_the_sdk_verified_emulator(sdk_verified_emulator, algorithm, keys, lookup):
    cas = fixture_cas(sdk_verified_emulator.fixtures)
    result, before, after = lookup(sdk_verified_emulator, [ca['Sn'] for ca in cas], keys, signature_algorithm=algorithm)
    assert result['changed'] is False and not result.get('failed')
    assert [facts['sn'] for facts in result['certificates']] == [ca['Sn'] for ca in cas]
    for facts, data in zip(result['certificates'], cas):
        assert_facts_match(facts, data, before, after)


def test_tls_endpoint_trusted_through_ca_bundle_or_unverified_with_a_warning(start_emulator, tmp_path, module_keys, module_failure, lookup,
                                                                             warning_texts):
    server = start_emulator('--tls-dir', str(tmp_path))
    verified = lookup(server, ca_bundle=str(tmp_path / 'ca.pem'))[0]
    assert len(verified['certificates']) == len(fixture_cas(server.fixtures)) and 'warnings' not in verified
    unverified = lookup(server, validate_certs=False)[0]
    assert unverified['certificates'] == [dict(facts, request_id=mine['request_id'])
                                          for facts, mine in zip(verified['certificates'], unverified['certificates'])]
    assert warning_texts(unverified) == ["validate_certs is false: the endpoint's TLS certificate is not verified, so its identity is not either"]
    untrusted = module_failure(dict(module_keys, instance_id=INSTANCE, endpoint=server.url))
    assert untrusted['msg'].startswith('TLS verification of %s failed (' % server.url)


def test_states_of_the_default_cas(emulator, lookup):
    result = lookup(emulator)[0]
    by_name = dict((facts['name'], facts) for facts in result['certificates'])
    assert by_name['emulator-rsa2048-inactive']['status'] == 'inactive'
    assert by_name['emulator-ec-p256-expired']['expired'] is True and by_name['emulator-ec-p256-expired']['days_remaining'] < 0
    assert 0 <= by_name['emulator-rsa2048-expiring']['days_remaining'] <= 10
    assert by_name['emulator-chain-crlf']['x509']['certificates_in_pem'] == 2
    assert (by_name['emulator-ec-p256-active']['x509']['public_key_type'], by_name['emulator-rsa2048-active']['x509']['public_key_type']) == ('ECC', 'RSA')


def test_listing_returns_every_ca_in_api_order(emulator, lookup):
    result, before, after = lookup(emulator)
    cas = fixture_cas(emulator.fixtures)
    assert [facts['sn'] for facts in result['certificates']] == [ca['Sn'] for ca in cas]
    for facts, data in zip(result['certificates'], cas):
        assert_facts_match(facts, data, before, after)


def test_listing_an_instance_without_cas_is_an_empty_list(emulator, module_keys, run_module):
    result = run_module(dict(module_keys, instance_id='post-cn-emulator02', endpoint=emulator.url))[0]
    assert result['certificates'] == [] and not result.get('failed')


def test_sns_come_back_in_the_order_asked_and_repeats_are_fetched_once(emulator, lookup):
    first, third = fixture_cas(emulator.fixtures)[0]['Sn'], fixture_cas(emulator.fixtures)[2]['Sn']
    emulator.reset()
    result = lookup(emulator, [third, first, third])[0]
    assert [facts['sn'] for facts in result['certificates']] == [third, first, third]
    assert [entry['action'] for entry in emulator.requests_log()['requests']] == ['GetCaCertificate', 'GetCaCertificate']


def test_check_mode_returns_the_same_facts(emulator, lookup):
    sn = fixture_cas(emulator.fixtures)[0]['Sn']
    normal = lookup(emulator, [sn])[0]
    checked = lookup(emulator, [sn], _ansible_check_mode=True)[0]
    assert checked['changed'] is False
    assert [dict(facts, request_id=None) for facts in checked['certificates']] == [dict(facts, request_id=None) for facts in normal['certificates']]


def test_credentials_from_the_environment(emulator, module_keys, run_module):
    sn = fixture_cas(emulator.fixtures)[0]['Sn']
    result = run_module({'instance_id': INSTANCE, 'sn': [sn], 'endpoint': emulator.url},
                        {'ALICLOUD_ACCESS_KEY': module_keys['access_key_id'], 'ALICLOUD_SECRET_KEY': module_keys['access_key_secret']})[0]
    assert result['certificates'][0]['sn'] == sn


def test_sn_with_reserved_and_non_ascii_characters_travels_as_one_parameter(start_emulator, emulator, lookup):
    odd_sns = ['a&b=c d+e/f', 'üñí€ode%20*~', 'x' * 128]
    fixtures = copy.deepcopy(emulator.fixtures)
    template = fixture_cas(fixtures)[0]
    fixtures['instances'][INSTANCE]['ca_certificates'] = [{'data': dict(template, Sn=sn)} for sn in odd_sns]
    server = start_emulator(fixtures=fixtures)
    for algorithm in ('ACS3-HMAC-SHA256', 'HMAC-SHA1'):
        result = lookup(server, list(reversed(odd_sns)), signature_algorithm=algorithm)[0]
        assert [facts['sn'] for facts in result['certificates']] == list(reversed(odd_sns)), result.get('msg')


def test_unknown_sn_fails_with_find_ca_by_sn_error_and_its_request_id(emulator, module_keys, module_failure):
    result = module_failure(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, sn=['no-such-sn']))
    error = result['error']
    assert (error['code'], error['http_status']) == ('FindCaBySnError', 400)
    assert error['message'] == 'Failed to find the CA by the SN. Please check sn is valid.'
    assert result['msg'].startswith('SN no-such-sn: GetCaCertificate failed: FindCaBySnError: Failed to find the CA by the SN.')
    assert 'request ID %s' % error['request_id'] in result['msg']


def test_unknown_instance_fails_with_the_api_code(emulator, module_keys, module_failure):
    result = module_failure(dict(module_keys, instance_id='post-cn-nothere', endpoint=emulator.url))
    assert result['error']['code'] == 'MqttInstanceNotFound'
    assert 'ListCaCertificate failed: MqttInstanceNotFound' in result['msg']


@pytest.mark.parametrize('sn, message', [
    ('', "sn '' is 0 bytes long; a CA serial number has 1 to 128 bytes"),
    ('x' * 129, "is 129 bytes long; a CA serial number has 1 to 128 bytes"),
    ('x\n', "sn 'x\\n' holds a control character"),
])
def test_bad_sn_fails_before_any_request(emulator, sn, message, module_keys, module_failure):
    emulator.reset()
    assert message in module_failure(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, sn=['00e0a1c0ffee000001', sn]))['msg']
    assert emulator.requests_log()['count'] == 0


def test_unknown_region_gets_an_endpoint_by_the_pattern(module_keys, module_failure):
    result = module_failure(dict(module_keys, instance_id=INSTANCE, region='xx-mars-1', timeout=3, retries=0))
    assert result['msg'].startswith('Could not connect to https://onsmqtt.xx-mars-1.aliyuncs.com (')


@pytest.mark.parametrize('args, message', [
    ({'endpoint': 'http://127.0.0.1:8/path'}, "endpoint 'http://127.0.0.1:8/path' is not a host, host:port or http(s)://host[:port] URL"),
    ({'region': 'cn hangzhou'}, "region 'cn hangzhou' is not a region ID such as cn-hangzhou"),
    ({}, 'Set region (or the environment variable ALIBABA_CLOUD_REGION_ID, or region_id in the aliyun CLI profile) or endpoint'),
    ({'region': 'cn-hangzhou', 'timeout': 0}, 'timeout must be a number of seconds above 0 and at most 3600, got 0'),
    ({'region': 'cn-hangzhou', 'timeout': 'nan'}, 'timeout must be a number of seconds above 0 and at most 3600, got nan'),
    ({'region': 'cn-hangzhou', 'timeout': 'inf'}, 'timeout must be a number of seconds above 0 and at most 3600, got inf'),
    ({'region': 'cn-hangzhou', 'timeout': '1e400'}, 'timeout must be a number of seconds above 0 and at most 3600, got inf'),
    ({'region': 'cn-hangzhou', 'timeout': 3601}, 'timeout must be a number of seconds above 0 and at most 3600, got 3601'),
    ({'region': 'cn-hangzhou', 'retries': -1}, 'retries must be 0 or more, got -1'),
    ({'region': 'cn-hangzhou', 'sn': ['x'], 'instance_id': ' '}, 'instance_id must not be empty'),
])
def test_bad_options_fail_in_one_line(args, message, module_keys, module_failure):
    assert message in module_failure(dict(dict(module_keys, instance_id=INSTANCE), **args))['msg']


def test_missing_keys_say_where_keys_come_from(module_failure):
    message = module_failure({'instance_id': INSTANCE, 'region': 'cn-hangzhou'})['msg']
    assert message.startswith('No credentials found. Tried: the options access_key_id and access_key_secret; the environment variables')


def test_the_secret_appears_in_no_output(emulator, module_keys, run_module):
    secret = module_keys['access_key_secret']
    dummy, process = run_module(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, sn=['no-such-sn']))
    assert secret not in process.stdout + process.stderr
    wrong_secret = 'wrong-' + secret
    result, process = run_module(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, access_key_secret=wrong_secret))
    assert result['error']['code'] == 'SignatureDoesNotMatch'
    assert wrong_secret not in process.stdout + process.stderr


@pytest.mark.parametrize('option', ['access_key_secret', 'security_token'])
def test_a_secret_too_short_to_mask_is_refused_without_mangling_or_showing_it(emulator, option, module_failure):
    emulator.reset()
    # 'A' would be masked in every output: in this very message, and in the PEM of every certificate returned.
    args = dict(STS_KEYS, instance_id=INSTANCE, endpoint=emulator.url, sn=['00e0a1c0ffee000001'], _ansible_inject_invocation=True)
    args[option] = 'A'
    result = module_failure(args)
    assert result['msg'] == ('%s is 1 character long, too short to be a real one (at least 16; Alibaba Cloud access key secrets have 30): '
                             'a secret that short would be masked inside certificates and messages too' % option)
    assert result['invocation']['module_args'][option] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert emulator.requests_log()['count'] == 0


def test_the_proxy_url_with_its_password_appears_in_no_output(emulator, module_keys, run_module):
    proxy = 'http://proxy-user:proxy-password-1@127.0.0.1:9'
    result, process = run_module(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, proxy=proxy, retries=0,
                                      _ansible_inject_invocation=True))
    assert result['failed'] and result['msg'].startswith('The proxy http://127.0.0.1:9 refused or failed the request')
    assert result['invocation']['module_args']['proxy'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert 'proxy-password-1' not in process.stdout


def test_a_missing_library_fails_with_missing_required_lib(tmp_path, emulator, module_keys, run_module):
    """cryptography, the one library the module needs, is needed once a certificate is to be parsed."""
    blocker = tmp_path / 'cryptography'
    blocker.mkdir()
    (blocker / '__init__.py').write_text("raise ImportError('cryptography is blocked by the test')\n")
    emulator.reset()
    sn = fixture_cas(emulator.fixtures)[0]['Sn']
    result, process = run_module(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, sn=[sn]),
                                 {'PYTHONPATH': os.pathsep.join([str(tmp_path)] + sys.path)})
    assert process.returncode == 1
    assert result['msg'].startswith('Failed to import the required Python library (cryptography) on ')
    assert emulator.requests_log()['count'] == 1


def test_the_first_failing_sn_in_the_order_asked_is_reported(emulator, module_keys, module_failure):
    good = fixture_cas(emulator.fixtures)[0]['Sn']
    result = module_failure(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, sn=[good, 'missing-one', good, 'missing-two']))
    assert result['msg'].startswith('SN missing-one: GetCaCertificate failed: FindCaBySnError')


def test_an_empty_sn_list_returns_nothing_and_sends_nothing(emulator, module_keys, run_module):
    emulator.reset()
    assert run_module(dict(module_keys, instance_id=INSTANCE, endpoint=emulator.url, sn=[]))[0]['certificates'] == []
    assert emulator.requests_log()['count'] == 0


@pytest.mark.parametrize('value', [0, -3])
def test_max_concurrency_below_one_is_refused(value, module_keys, module_failure):
    assert module_failure(dict(module_keys, instance_id=INSTANCE, region='cn-hangzhou', max_concurrency=value))['msg'] == (
        'max_concurrency must be at least 1, got %d' % value)


def test_several_sns_are_fetched_in_parallel(start_emulator, lookup):
    server = start_emulator('--latency-ms', '1000')
    sns = [ca['Sn'] for ca in fixture_cas(server.fixtures)]
    started = time.monotonic()
    result = lookup(server, sns)[0]
    # one at a time would take at least len(sns) seconds
    assert time.monotonic() - started < len(sns) / 2
    assert [facts['sn'] for facts in result['certificates']] == sns


def test_a_throttled_batch_is_retried_and_complete(start_emulator, lookup):
    server = start_emulator()
    sns = [ca['Sn'] for ca in fixture_cas(server.fixtures)]
    server.inject(kind='throttling', count=3)
    result = lookup(server, sns)[0]
    assert [facts['sn'] for facts in result['certificates']] == sns
    log = server.requests_log()
    assert log['count'] == len(sns) + 3 == result['request_attempts']
    assert len({entry['nonce'] for entry in log['requests']}) == log['count']


def test_a_hostile_servers_text_reaches_the_warnings_as_one_escaped_line(start_emulator, emulator, module_keys, run_module, warning_texts):
    fixtures = copy.deepcopy(emulator.fixtures)
    fixtures['instances'][INSTANCE]['ca_certificates'] = [
        {'data': dict(fixture_cas(emulator.fixtures)[0], Sn='evil\n\x1b[2J', CaContent='not a certificate')}]
    server = start_emulator(fixtures=fixtures)
    result, dummy = run_module(dict(module_keys, instance_id=INSTANCE, endpoint=server.url))
    assert result['certificates'][0]['x509'] is None
    assert [text for text in warning_texts(result) if text.startswith('CA certificate')] == [
        'CA certificate evil \\x1b[2J: ca_pem cannot be read as an X.509 certificate (no "BEGIN CERTIFICATE" block found); x509 is null']
