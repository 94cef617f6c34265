# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""The CA lifecycle on the emulator: GetRegisterCode, RegisterCaCertificate and its checks, ActiveCaCertificate,
InactivateCaCertificate, DeleteCaCertificate; state kept until a reset; the official SDK as a client."""

import http.client

import pytest
from alibabacloud_onsmqtt20200420 import models as onsmqtt_models
from alibabacloud_tea_openapi.exceptions import ClientException

from emulator_client import ALGORITHMS, OTHER_ACCOUNT, PERMANENT, TEMPORARY, api_call, sdk_client
from pki import Authority, epoch_ms, pem, serial_hex

INSTANCE = 'post-cn-emulator01'
EMPTY_INSTANCE = 'post-cn-emulator02'
DEFAULT_SNS = [f'00e0a1c0ffee00000{number}' for number in range(1, 8)]
ERROR_KEYS = {'RequestId', 'HostId', 'Code', 'Message', 'Recommend'}
SDK_ALGORITHMS = [pytest.param(None, 'ACS3-HMAC-SHA256', id='v3'), pytest.param('v2', 'HMAC-SHA1', id='rpc')]

pytestmark = pytest.mark.filterwarnings('ignore::DeprecationWarning:alibabacloud_tea_openapi')


@pytest.fixture(params=ALGORITHMS)
def algorithm(request):
    return request.param


def ok(answer):
    assert answer.status == 200, answer.body
    return answer.json()


def assert_error(answer, status, code):
    body = answer.json()
    assert (answer.status, body.get('Code')) == (status, code), body
    assert set(body) == ERROR_KEYS
    return body


def write(server, action, params, algorithm=ALGORITHMS[0], **options):
    return api_call(server, action, params, algorithm=algorithm, method='POST', **options)


def register_code(server, instance=INSTANCE, algorithm=ALGORITHMS[0]):
    return ok(api_call(server, 'GetRegisterCode', {'MqttInstanceId': instance}, algorithm=algorithm))['RegisterCode']


def registration(authority, code, name='test-ca', verification=None):
    """RegisterCaCertificate's parameters for `authority`, with a verification certificate it signs for `code` unless given."""
    verification = verification or authority.issue(code)
    return {'MqttInstanceId': INSTANCE, 'CaName': name, 'CaContent': pem(authority.certificate), 'VerificationContent': pem(verification)}


def listed_sns(server, instance=INSTANCE):
    return [ca['Sn'] for ca in ok(api_call(server, 'ListCaCertificate', {'MqttInstanceId': instance, 'PageNo': '1', 'PageSize': '100'}))['Data'][
        'CaCertificateVOS']]


def get_ca(server, sn):
    return api_call(server, 'GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': sn})


# --- GetRegisterCode ---------------------------------------------------------------------------------------------------------
def test_the_registration_code_is_one_per_instance(emulator, algorithm):
    code = register_code(emulator, algorithm=algorithm)
    assert code == emulator.fixtures['instances'][INSTANCE]['registration_code']
    assert {entry['data']['RegistrationCode'] for entry in emulator.fixtures['instances'][INSTANCE]['ca_certificates']} == {code}
    other = register_code(emulator, EMPTY_INSTANCE, algorithm)
    assert other == emulator.fixtures['instances'][EMPTY_INSTANCE]['registration_code'] != code


# --- RegisterCaCertificate, then the lifecycle ---------------------------------------------------------------------------------
@pytest.mark.parametrize('key_type', ['ec', 'rsa'])
@pytest.mark.parametrize('method', ['POST', 'GET'])
def test_a_registered_ca_is_active_and_lives_until_deleted(fresh_emulator, algorithm, key_type, method):
    server = fresh_emulator
    authority = Authority.make('fleet-ca', key_type)
    params = registration(authority, register_code(server), 'fleet ca & co')
    answer = ok(api_call(server, 'RegisterCaCertificate', params, algorithm=algorithm, method=method))
    assert answer['Sn'] == authority.sn == serial_hex(authority.certificate.serial_number)
    registered = ok(get_ca(server, authority.sn))['Data']
    assert registered == {
        'RegistrationCode': register_code(server), 'CaName': 'fleet ca & co', 'Sn': authority.sn,
        'CaContent': params['CaContent'], 'VerificationContent': params['VerificationContent'],
        'ValidBegin': epoch_ms(authority.certificate.not_valid_before_utc), 'ValidEnd': epoch_ms(authority.certificate.not_valid_after_utc),
        'Status': '1',
    }
    assert listed_sns(server) == DEFAULT_SNS + [authority.sn]

    sn_params = {'MqttInstanceId': INSTANCE, 'Sn': authority.sn}
    statuses = []
    for action in ('InactivateCaCertificate', 'InactivateCaCertificate', 'ActiveCaCertificate', 'ActiveCaCertificate'):
        assert ok(write(server, action, sn_params, algorithm))['Sn'] == authority.sn
        statuses.append(ok(get_ca(server, authority.sn))['Data']['Status'])
    assert statuses == ['0', '0', '1', '1']  # each is idempotent

    assert ok(write(server, 'DeleteCaCertificate', sn_params, algorithm))['Sn'] == authority.sn
    assert_error(get_ca(server, authority.sn), 400, 'FindCaBySnError')
    assert_error(write(server, 'DeleteCaCertificate', sn_params, algorithm), 400, 'FindCaBySnError')
    assert listed_sns(server) == DEFAULT_SNS


def test_the_fixture_cas_change_too_and_a_reset_puts_them_back(fresh_emulator):
    server = fresh_emulator
    authority = Authority.make()
    ok(write(server, 'RegisterCaCertificate', registration(authority, register_code(server))))
    ok(write(server, 'ActiveCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': DEFAULT_SNS[2]}))
    ok(write(server, 'DeleteCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': DEFAULT_SNS[0]}))
    assert ok(get_ca(server, DEFAULT_SNS[2]))['Data']['Status'] == '1'
    assert listed_sns(server) == DEFAULT_SNS[1:] + [authority.sn]
    server.reset()
    assert listed_sns(server) == DEFAULT_SNS
    assert [ok(get_ca(server, sn))['Data'] for sn in DEFAULT_SNS] == [entry['data'] for entry in server.fixtures['instances'][INSTANCE]['ca_certificates']]


def test_a_ca_chain_travels_in_a_long_url(fresh_emulator):
    # The SDK puts CaContent in the query string: a CA with its chain makes URLs of tens of KiB.
    server = fresh_emulator
    authority = Authority.make('leaf-most-ca')
    params = registration(authority, register_code(server))
    params['CaContent'] += ''.join(pem(Authority.make(f'chain-{number}').certificate) for number in range(80))
    answer = write(server, 'RegisterCaCertificate', params)
    assert ok(answer)['Sn'] == authority.sn
    assert len(params['CaContent']) > 32 * 1024
    assert ok(get_ca(server, authority.sn))['Data']['CaContent'] == params['CaContent']


# --- what RegisterCaCertificate refuses ----------------------------------------------------------------------------------------
def impostor_of(authority):
    """A CA of the same name with another key: what it signs names the right issuer but does not verify with the CA's key."""
    return Authority.make(authority.certificate.subject.rfc4514_string().partition('=')[2])


@pytest.mark.parametrize('verification_of', [
    pytest.param(lambda authority, code: authority.issue('not-the-code'), id='cn-not-the-code'),
    pytest.param(lambda authority, code: authority.issue(code.upper()), id='cn-in-other-case'),
    pytest.param(lambda authority, code: impostor_of(authority).issue(code), id='signed-by-another-key'),
    pytest.param(lambda authority, code: Authority.make('other-ca').issue(code), id='signed-by-another-ca'),
])
def test_a_wrong_verification_certificate_is_register_code_error(fresh_emulator, algorithm, verification_of):
    server = fresh_emulator
    authority = Authority.make('fleet-ca')
    params = registration(authority, 'unused', verification=verification_of(authority, register_code(server)))
    body = assert_error(write(server, 'RegisterCaCertificate', params, algorithm), 500, 'RegisterCodeError')
    assert body['Message'] == 'Register code error in verification certificate.'
    assert listed_sns(server) == DEFAULT_SNS


def test_the_code_of_another_instance_is_register_code_error(fresh_emulator):
    authority = Authority.make()
    params = registration(authority, register_code(fresh_emulator, EMPTY_INSTANCE))
    assert_error(write(fresh_emulator, 'RegisterCaCertificate', params), 500, 'RegisterCodeError')


@pytest.mark.parametrize('field, content_of', [
    pytest.param('CaContent', lambda authority: 'not a certificate', id='ca-garbage'),
    pytest.param('CaContent', lambda authority: pem(authority.issue('a leaf')), id='ca-not-a-ca'),
    pytest.param('CaContent', lambda authority: pem(authority.certificate).replace('\n', '\\n'), id='ca-escaped-newlines'),
    pytest.param('VerificationContent', lambda authority: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', id='verification-garbage'),
])
def test_content_that_is_no_ca_certificate_is_refused(fresh_emulator, field, content_of):
    authority = Authority.make()
    params = dict(registration(authority, register_code(fresh_emulator)), **{field: content_of(authority)})
    body = assert_error(write(fresh_emulator, 'RegisterCaCertificate', params), 400, 'ParameterFieldCheckFailed')
    assert field in body['Message']
    assert listed_sns(fresh_emulator) == DEFAULT_SNS


@pytest.mark.parametrize('missing', ['MqttInstanceId', 'CaName', 'CaContent', 'VerificationContent'])
def test_every_parameter_of_register_is_required(fresh_emulator, missing):
    params = registration(Authority.make(), register_code(fresh_emulator))
    del params[missing]
    body = assert_error(write(fresh_emulator, 'RegisterCaCertificate', params), 400, 'MissingParameter')
    assert missing in body['Message']


def test_a_ca_registered_already_is_refused(fresh_emulator, algorithm):
    server = fresh_emulator
    authority = Authority.make()
    code = register_code(server)
    ok(write(server, 'RegisterCaCertificate', registration(authority, code), algorithm))
    # The same CA with a fresh verification certificate and another name is the same CA.
    body = assert_error(write(server, 'RegisterCaCertificate', registration(authority, code, 'another name'), algorithm), 400, 'CaCertificateAlreadyExists')
    assert authority.sn in body['Message']
    # Another CA whose serial number is taken: its SN would not tell the two apart.
    twin_serial = Authority.make('twin', serial_number=authority.certificate.serial_number)
    body = assert_error(write(server, 'RegisterCaCertificate', registration(twin_serial, code), algorithm), 400, 'CaCertificateAlreadyExists')
    assert 'SN' in body['Message']
    assert listed_sns(server) == DEFAULT_SNS + [authority.sn]


@pytest.mark.parametrize('fault', ['drop', 'unavailable'])
def test_a_register_whose_answer_is_lost_ends_with_exactly_one_registration(fresh_emulator, fault):
    # The emulator carries a call out before a fault replaces its answer, as a service whose answer is lost on the way does.
    server = fresh_emulator
    authority = Authority.make()
    params = registration(authority, register_code(server))
    server.inject(kind=fault)
    if fault == 'drop':
        with pytest.raises(http.client.RemoteDisconnected):
            write(server, 'RegisterCaCertificate', params)
    else:
        assert_error(write(server, 'RegisterCaCertificate', params), 503, 'ServiceUnavailable')
    assert [entry['fault'] for entry in server.requests_log()['requests'] if entry['action'] == 'RegisterCaCertificate'] == [fault]
    assert listed_sns(server) == DEFAULT_SNS + [authority.sn]
    assert_error(write(server, 'RegisterCaCertificate', params), 400, 'CaCertificateAlreadyExists')
    assert listed_sns(server) == DEFAULT_SNS + [authority.sn]


# --- the other writes' errors ------------------------------------------------------------------------------------------------
SN_WRITES = ['ActiveCaCertificate', 'InactivateCaCertificate', 'DeleteCaCertificate']


@pytest.mark.parametrize('action', SN_WRITES)
def test_an_unknown_sn_is_find_ca_by_sn_error(fresh_emulator, algorithm, action):
    for instance, sn in ((INSTANCE, '00e0a1c0ffee0000ff'), (EMPTY_INSTANCE, DEFAULT_SNS[0])):
        body = assert_error(write(fresh_emulator, action, {'MqttInstanceId': instance, 'Sn': sn}, algorithm), 400, 'FindCaBySnError')
        assert body['Message'] == 'Failed to find the CA by the SN. Please check sn is valid.'


@pytest.mark.parametrize('action', SN_WRITES)
@pytest.mark.parametrize('sn', ['', 'a' * 129])
def test_a_malformed_sn_is_a_parameter_error(fresh_emulator, action, sn):
    assert_error(write(fresh_emulator, action, {'MqttInstanceId': INSTANCE, 'Sn': sn}), 400, 'ParameterFieldCheckFailed')


@pytest.mark.parametrize('action', ['GetRegisterCode', 'RegisterCaCertificate'] + SN_WRITES)
def test_instance_checks_come_before_the_write(fresh_emulator, action):
    params = dict(registration(Authority.make(), 'any'), Sn=DEFAULT_SNS[0])
    assert_error(write(fresh_emulator, action, dict(params, MqttInstanceId='post-cn-nowhere')), 404, 'MqttInstanceNotFound')
    assert_error(write(fresh_emulator, action, params, keys=OTHER_ACCOUNT), 403, 'MqttOwnerCheckError')
    assert listed_sns(fresh_emulator) == DEFAULT_SNS
    assert ok(get_ca(fresh_emulator, DEFAULT_SNS[0]))['Data']['Status'] == '1'


# --- the official SDK is accepted ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize('verifier', ['emulator', 'sdk_verified_emulator'])
@pytest.mark.parametrize('sdk_algorithm, wire_algorithm', SDK_ALGORITHMS)
@pytest.mark.parametrize('key', [PERMANENT, TEMPORARY], ids=['permanent', 'sts'])
def test_official_sdk_runs_the_ca_lifecycle(request, verifier, sdk_algorithm, wire_algorithm, key):
    server = request.getfixturevalue(verifier)
    server.reset()
    request.addfinalizer(server.reset)
    client = sdk_client(server, key, sdk_algorithm)
    authority = Authority.make('sdk-ca', 'rsa')

    code = client.get_register_code(onsmqtt_models.GetRegisterCodeRequest(mqtt_instance_id=INSTANCE)).body.register_code
    registered = client.register_ca_certificate(onsmqtt_models.RegisterCaCertificateRequest(
        mqtt_instance_id=INSTANCE, ca_name='sdk-ca', ca_content=pem(authority.certificate), verification_content=pem(authority.issue(code))))
    sn = registered.body.sn
    sn_request = {'mqtt_instance_id': INSTANCE, 'sn': sn}
    inactivated = client.inactivate_ca_certificate(onsmqtt_models.InactivateCaCertificateRequest(**sn_request))
    activated = client.active_ca_certificate(onsmqtt_models.ActiveCaCertificateRequest(**sn_request))
    deleted = client.delete_ca_certificate(onsmqtt_models.DeleteCaCertificateRequest(**sn_request))
    with pytest.raises(ClientException) as caught:
        client.delete_ca_certificate(onsmqtt_models.DeleteCaCertificateRequest(**sn_request))

    assert sn == authority.sn
    assert (inactivated.body.sn, activated.body.sn, deleted.body.sn) == (sn, sn, sn)
    assert caught.value.code == 'FindCaBySnError'
    log = server.requests_log()['requests']
    assert [(entry['action'], entry['method'], entry['algorithm'], entry['access_key_id'], entry['code']) for entry in log] == [
        ('GetRegisterCode', 'GET', wire_algorithm, key.access_key_id, None),
        ('RegisterCaCertificate', 'POST', wire_algorithm, key.access_key_id, None),
        ('InactivateCaCertificate', 'POST', wire_algorithm, key.access_key_id, None),
        ('ActiveCaCertificate', 'POST', wire_algorithm, key.access_key_id, None),
        ('DeleteCaCertificate', 'POST', wire_algorithm, key.access_key_id, None),
        ('DeleteCaCertificate', 'POST', wire_algorithm, key.access_key_id, 'FindCaBySnError'),
    ]
