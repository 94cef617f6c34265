# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Device certificates on the emulator: the fixtures' real certificates, the six device operations, paging, the cascade
when a CA is deleted, a device connecting (POST /_emulator/connect), the official SDK, and thousands for benchmarks."""

import copy
import datetime
import json
import subprocess
import types

import pytest
from alibabacloud_onsmqtt20200420 import models as onsmqtt_models
from alibabacloud_tea_openapi.exceptions import ClientException
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from emulator_client import ALGORITHMS, OTHER_ACCOUNT, PERMANENT, TEMPORARY, api_call, http_request, sdk_client
from pki import Authority, epoch_ms, pem, serial_hex

INSTANCE = 'post-cn-emulator01'
CA_RSA, CA_EC, CA_INACTIVE = '00e0a1c0ffee000001', '00e0a1c0ffee000002', '00e0a1c0ffee000003'
CA_EXPIRING, CA_CHAIN = '00e0a1c0ffee000005', '00e0a1c0ffee000006'
# DeviceSn, CaSn, DeviceName, Status, whole days of validity left, line break of DeviceContent
DOCUMENTED_DEVICES = [
    ('00dec1ce0100000001', CA_RSA, 'emulator-device-rsa-active', '1', 364, '\n'),
    ('00dec1ce0100000002', CA_RSA, 'emulator-device-rsa-inactive', '0', 364, '\n'),
    ('00dec1ce0200000001', CA_EC, 'emulator-device-ec-active', '1', 729, '\n'),
    ('00dec1ce0200000002', CA_EC, 'emulator-device-ec-expiring', '1', 5, '\n'),
    ('00dec1ce0500000001', CA_EXPIRING, 'emulator-device-expired', '1', -6, '\n'),
    ('00dec1ce0600000001', CA_CHAIN, 'emulator-device-chain-active', '1', 364, '\r\n'),
    ('00dec1ce0600000002', CA_CHAIN, 'emulator-device-chain-inactive', '0', 364, '\r\n'),
]
DEVICE_SNS = [row[0] for row in DOCUMENTED_DEVICES]
SPARE_RSA, SPARE_EXPIRED, SPARE_OF_INACTIVE_CA = range(3)  # the spare_device_certificates, in order
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


def fixture_devices(server, key='device_certificates'):
    return [entry['data'] for entry in server.fixtures['instances'][INSTANCE][key]]


def fixture_ca(server, sn):
    return next(entry['data'] for entry in server.fixtures['instances'][INSTANCE]['ca_certificates'] if entry['data']['Sn'] == sn)


def certificates(content):
    return x509.load_pem_x509_certificates(content.replace('\\n', '\n').encode('ascii'))


def common_name(certificate):
    return certificate.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)[0].value


def device_params(ca_sn, device_sn):
    return {'MqttInstanceId': INSTANCE, 'CaSn': ca_sn, 'DeviceSn': device_sn}


def get_device(server, ca_sn, device_sn, algorithm=ALGORITHMS[0]):
    return api_call(server, 'GetDeviceCertificate', device_params(ca_sn, device_sn), algorithm=algorithm)


def write(server, action, params, algorithm=ALGORITHMS[0], **options):
    return api_call(server, action, params, algorithm=algorithm, method='POST', **options)


def list_page(server, page_no, page_size, ca_sn=None, algorithm=ALGORITHMS[0]):
    params = {'MqttInstanceId': INSTANCE, 'PageNo': str(page_no), 'PageSize': str(page_size)}
    if ca_sn is None:
        return ok(api_call(server, 'ListDeviceCertificate', params, algorithm=algorithm))['Data']
    return ok(api_call(server, 'ListDeviceCertificateByCaSn', dict(params, CaSn=ca_sn), algorithm=algorithm))['Data']


def list_all(server, ca_sn=None):
    """Every device certificate (of the CA `ca_sn`), paging until a short page."""
    devices, page_no = [], 1
    while True:
        page = list_page(server, page_no, 100, ca_sn)['DeviceCertificateVOS']
        devices.extend(page)
        if len(page) < 100:
            return devices
        page_no += 1


def connect_with(server, body, method='POST'):
    return http_request(server, method, '/_emulator/connect', {'Content-Type': 'application/json'}, body)


def connect(server, certificate, instance=INSTANCE):
    """A device connecting to the instance's broker with `certificate` (PEM)."""
    return ok(connect_with(server, json.dumps({'instance_id': instance, 'certificate': certificate}).encode()))


def connected(device, registered):
    return {'connected': True, 'registered': registered, 'reason': None, 'device': device}


# --- the default fixtures ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize('device_sn, ca_sn, name, status, days_left, line_break', DOCUMENTED_DEVICES, ids=DEVICE_SNS)
def test_fixture_devices_are_real_certificates_of_their_ca_as_documented(emulator, device_sn, ca_sn, name, status, days_left, line_break):
    device = next(device for device in fixture_devices(emulator) if device['DeviceSn'] == device_sn)
    assert list(device) == ['CaSn', 'DeviceContent', 'DeviceName', 'DeviceSn', 'Status', 'ValidBegin', 'ValidEnd']
    assert (device['CaSn'], device['DeviceName'], device['Status']) == (ca_sn, name, status)
    [certificate] = certificates(device['DeviceContent'])
    certificate.verify_directly_issued_by(certificates(fixture_ca(emulator, ca_sn)['CaContent'])[0])
    assert (serial_hex(certificate.serial_number), common_name(certificate)) == (device_sn, name)
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert (device['ValidBegin'], device['ValidEnd']) == (epoch_ms(certificate.not_valid_before_utc), epoch_ms(certificate.not_valid_after_utc))
    now_ms = datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000
    assert (int(device['ValidEnd']) - now_ms) // 86400000 == days_left
    lines = device['DeviceContent'].split(line_break)
    assert len(lines) > 2 and not [line for line in lines if '\n' in line or '\r' in line]


def test_spare_devices_are_issued_by_the_fixture_cas_but_not_registered(emulator):
    spares = fixture_devices(emulator, 'spare_device_certificates')
    assert [(spare['DeviceSn'], spare['CaSn'], spare['Status']) for spare in spares] == [
        ('00dec1ce0100000101', CA_RSA, '1'), ('00dec1ce0100000102', CA_RSA, '1'), ('00dec1ce0300000101', CA_INACTIVE, '1')]
    for spare in spares:
        [certificate] = certificates(spare['DeviceContent'])
        certificate.verify_directly_issued_by(certificates(fixture_ca(emulator, spare['CaSn'])['CaContent'])[0])
        assert (serial_hex(certificate.serial_number), common_name(certificate)) == (spare['DeviceSn'], spare['DeviceName'])
        assert_error(get_device(emulator, spare['CaSn'], spare['DeviceSn']), 400, 'FindDeviceBySnError')
    assert 'PRIVATE KEY' not in json.dumps(emulator.fixtures)


# --- reading: Get, List, ListByCaSn ----------------------------------------------------------------------------------------------
def test_every_device_can_be_fetched(emulator, algorithm):
    for device in fixture_devices(emulator):
        assert ok(get_device(emulator, device['CaSn'], device['DeviceSn'], algorithm))['Data'] == device


@pytest.mark.parametrize('ca_sn, device_sn', [
    pytest.param(CA_RSA, '00dec1ce01000000ff', id='unknown-device'),
    pytest.param(CA_EC, DEVICE_SNS[0], id='device-of-another-ca'),
    pytest.param('00e0a1c0ffee0000ff', DEVICE_SNS[0], id='unknown-ca'),
])
def test_an_unknown_device_is_find_device_by_sn_error(emulator, algorithm, ca_sn, device_sn):
    body = assert_error(get_device(emulator, ca_sn, device_sn, algorithm), 400, 'FindDeviceBySnError')
    assert body['Message'] == 'Failed to find the device certificate by the SN. Please check sn is valid'


def test_listing_pages_through_every_device_in_order(emulator, algorithm):
    pages = [list_page(emulator, page_no, 3, algorithm=algorithm) for page_no in (1, 2, 3, 4)]
    assert [[device['DeviceSn'] for device in page['DeviceCertificateVOS']] for page in pages] == [
        DEVICE_SNS[0:3], DEVICE_SNS[3:6], DEVICE_SNS[6:], []]
    assert [(page['Total'], page['PageNo'], page['PageSize']) for page in pages] == [(7, 1, 3), (7, 2, 3), (7, 3, 3), (7, 4, 3)]
    assert list_page(emulator, 1, 100)['DeviceCertificateVOS'] == fixture_devices(emulator)


def test_listing_by_ca_sn_holds_only_that_cas_devices(emulator, algorithm):
    assert [device['DeviceSn'] for device in list_page(emulator, 1, 100, CA_RSA, algorithm)['DeviceCertificateVOS']] == DEVICE_SNS[:2]
    # One page of size 1 tells whether a CA has device certificates (a CA module's force rule).
    first_pages = [list_page(emulator, 1, 1, sn, algorithm) for sn in (CA_RSA, CA_INACTIVE)]
    assert [(page['Total'], len(page['DeviceCertificateVOS'])) for page in first_pages] == [(2, 1), (0, 0)]
    # A CA the instance does not have has no device certificates: not an error.
    assert list_page(emulator, 1, 10, '00e0a1c0ffee0000ff') == {'Total': 0, 'PageNo': 1, 'PageSize': 10, 'DeviceCertificateVOS': []}


def test_list_total_of_the_fixture_applies_to_device_listings(start_emulator, emulator):
    document = copy.deepcopy(emulator.fixtures)
    document['instances'][INSTANCE]['list_total'] = 'pages'
    server = start_emulator(fixtures=document)
    assert [list_page(server, 1, size)['Total'] for size in (3, 7)] == [3, 1]
    assert list_page(server, 1, 1, CA_RSA)['Total'] == 2


@pytest.mark.parametrize('action, params, code', [
    ('ListDeviceCertificate', {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '101'}, 'ParameterFieldCheckFailed'),
    ('ListDeviceCertificate', {'MqttInstanceId': INSTANCE, 'PageNo': '0', 'PageSize': '10'}, 'ParameterFieldCheckFailed'),
    ('ListDeviceCertificateByCaSn', {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '10'}, 'MissingParameter'),
    ('ListDeviceCertificateByCaSn', {'MqttInstanceId': INSTANCE, 'CaSn': '', 'PageNo': '1', 'PageSize': '10'}, 'ParameterFieldCheckFailed'),
    ('GetDeviceCertificate', {'MqttInstanceId': INSTANCE, 'CaSn': CA_RSA}, 'MissingParameter'),
    ('GetDeviceCertificate', device_params(CA_RSA, 'a' * 129), 'ParameterFieldCheckFailed'),
    ('ActiveDeviceCertificate', {'MqttInstanceId': INSTANCE, 'DeviceSn': DEVICE_SNS[0]}, 'MissingParameter'),
])
def test_bad_parameters_are_refused(emulator, action, params, code):
    assert_error(api_call(emulator, action, params), 400, code)


DEVICE_ACTIONS = ['GetDeviceCertificate', 'ListDeviceCertificate', 'ListDeviceCertificateByCaSn', 'ActiveDeviceCertificate',
                  'InactivateDeviceCertificate', 'DeleteDeviceCertificate']


@pytest.mark.parametrize('action', DEVICE_ACTIONS)
def test_instance_checks_apply_to_every_device_action(fresh_emulator, action):
    params = dict(device_params(CA_RSA, DEVICE_SNS[0]), PageNo='1', PageSize='10')
    assert_error(write(fresh_emulator, action, dict(params, MqttInstanceId='post-cn-nowhere')), 404, 'MqttInstanceNotFound')
    assert_error(write(fresh_emulator, action, params, keys=OTHER_ACCOUNT), 403, 'MqttOwnerCheckError')
    assert list_all(fresh_emulator) == fixture_devices(fresh_emulator)


# --- writes: Active, Inactivate, Delete; deleting a CA -----------------------------------------------------------------------------
def test_a_device_is_inactivated_activated_and_deleted(fresh_emulator, algorithm):
    server = fresh_emulator
    params = device_params(CA_RSA, DEVICE_SNS[0])
    statuses = []
    for action in ('InactivateDeviceCertificate', 'InactivateDeviceCertificate', 'ActiveDeviceCertificate', 'ActiveDeviceCertificate'):
        assert ok(write(server, action, params, algorithm))['DeviceSn'] == DEVICE_SNS[0]
        statuses.append(ok(get_device(server, CA_RSA, DEVICE_SNS[0]))['Data']['Status'])
    assert statuses == ['0', '0', '1', '1']  # each is idempotent
    ok(write(server, 'InactivateDeviceCertificate', params, algorithm))
    assert [device['Status'] for device in list_all(server, CA_RSA)] == ['0', '0']

    assert ok(write(server, 'DeleteDeviceCertificate', params, algorithm))['DeviceSn'] == DEVICE_SNS[0]
    assert_error(get_device(server, CA_RSA, DEVICE_SNS[0]), 400, 'FindDeviceBySnError')
    assert [device['DeviceSn'] for device in list_all(server)] == DEVICE_SNS[1:]
    for action in ('ActiveDeviceCertificate', 'InactivateDeviceCertificate', 'DeleteDeviceCertificate'):
        assert_error(write(server, action, params, algorithm), 400, 'FindDeviceBySnError')
    server.reset()
    assert list_all(server) == fixture_devices(server)


def test_deleting_a_ca_deletes_its_device_certificates(fresh_emulator):
    server = fresh_emulator
    ok(write(server, 'DeleteCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': CA_RSA}))
    assert list_page(server, 1, 1, CA_RSA)['DeviceCertificateVOS'] == []
    assert_error(get_device(server, CA_RSA, DEVICE_SNS[0]), 400, 'FindDeviceBySnError')
    assert [device['DeviceSn'] for device in list_all(server)] == DEVICE_SNS[2:]
    # Inactivating a CA leaves its device certificates as they are.
    ok(write(server, 'InactivateCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': CA_EC}))
    assert list_all(server, CA_EC) == [device for device in fixture_devices(server) if device['CaSn'] == CA_EC]


# --- a device connects: POST /_emulator/connect ----------------------------------------------------------------------------------
def test_a_device_connecting_for_the_first_time_is_registered_active(fresh_emulator):
    server = fresh_emulator
    spare = fixture_devices(server, 'spare_device_certificates')[SPARE_RSA]
    assert connect(server, spare['DeviceContent']) == connected(spare, registered=True)
    assert connect(server, spare['DeviceContent'] + '\n') == connected(spare, registered=False)
    assert list_all(server) == fixture_devices(server) + [spare]
    assert ok(get_device(server, spare['CaSn'], spare['DeviceSn']))['Data'] == spare
    # Connecting is no API call: the request log holds the listing and the get only.
    assert [entry['action'] for entry in server.requests_log()['requests']] == ['ListDeviceCertificate', 'GetDeviceCertificate']


def test_the_broker_refuses_what_it_must(fresh_emulator):
    server = fresh_emulator
    spares = fixture_devices(server, 'spare_device_certificates')
    refusals = {
        'expired': connect(server, spares[SPARE_EXPIRED]['DeviceContent']),
        'ca inactive': connect(server, spares[SPARE_OF_INACTIVE_CA]['DeviceContent']),
        'device inactive': connect(server, fixture_devices(server)[1]['DeviceContent']),
        'unknown ca': connect(server, pem(Authority.make().issue('stranger'))),
        'ca of the other instance': connect(server, spares[SPARE_RSA]['DeviceContent'], 'post-cn-emulator02'),
    }
    assert {what: (answer['connected'], answer['registered']) for what, answer in refusals.items()} == dict.fromkeys(refusals, (False, False))
    assert [refusals[what]['reason'] for what in ('expired', 'ca inactive', 'device inactive', 'unknown ca')] == [
        'the certificate is outside its validity period', f'its CA certificate {CA_INACTIVE} is inactive',
        f'the device certificate {DEVICE_SNS[1]} is inactive', 'no CA certificate registered on the instance issued this certificate']
    assert refusals['device inactive']['device'] == fixture_devices(server)[1]
    assert list_all(server) == fixture_devices(server)

    # What an operator changes, the broker sees at the next connection.
    ok(write(server, 'ActiveCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': CA_INACTIVE}))
    ok(write(server, 'ActiveDeviceCertificate', device_params(CA_RSA, DEVICE_SNS[1])))
    assert connect(server, spares[SPARE_OF_INACTIVE_CA]['DeviceContent']) == connected(spares[SPARE_OF_INACTIVE_CA], registered=True)
    assert connect(server, fixture_devices(server)[1]['DeviceContent']) == connected(dict(fixture_devices(server)[1], Status='1'), registered=False)
    ok(write(server, 'InactivateCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': CA_RSA}))
    assert connect(server, fixture_devices(server)[0]['DeviceContent'])['reason'] == f'its CA certificate {CA_RSA} is inactive'


def test_a_deleted_device_that_connects_again_is_registered_again(fresh_emulator):
    server = fresh_emulator
    chain_device = fixture_devices(server)[5]  # CRLF line ends, issued by an intermediate CA
    ok(write(server, 'DeleteDeviceCertificate', device_params(CA_CHAIN, chain_device['DeviceSn'])))
    answer = connect(server, chain_device['DeviceContent'])
    assert answer == connected(dict(chain_device, DeviceContent=chain_device['DeviceContent'].replace('\r\n', '\n')), registered=True)
    assert [device['DeviceSn'] for device in list_all(server)][-1] == chain_device['DeviceSn']


def test_devices_of_a_ca_registered_through_the_api(fresh_emulator):
    server = fresh_emulator
    authority = Authority.make('fleet-ca')
    device_certificate = authority.issue('sensor-0001', serial_number=0x1234)
    assert not connect(server, pem(device_certificate))['connected']
    code = ok(api_call(server, 'GetRegisterCode', {'MqttInstanceId': INSTANCE}))['RegisterCode']
    ok(write(server, 'RegisterCaCertificate', {'MqttInstanceId': INSTANCE, 'CaName': 'fleet', 'CaContent': pem(authority.certificate),
                                               'VerificationContent': pem(authority.issue(code))}))
    device = connect(server, pem(device_certificate))['device']
    assert device == {'CaSn': authority.sn, 'DeviceContent': pem(device_certificate).strip(), 'DeviceName': 'sensor-0001', 'DeviceSn': '1234',
                      'Status': '1', 'ValidBegin': epoch_ms(device_certificate.not_valid_before_utc),
                      'ValidEnd': epoch_ms(device_certificate.not_valid_after_utc)}
    assert list_all(server, authority.sn) == [device]
    ok(write(server, 'DeleteCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': authority.sn}))
    assert list_all(server, authority.sn) == []
    assert connect(server, pem(device_certificate))['connected'] is False


@pytest.mark.parametrize('body, status, code', [
    pytest.param(b'not json', 400, 'ParameterFieldCheckFailed', id='not-json'),
    pytest.param(b'[]', 400, 'ParameterFieldCheckFailed', id='not-an-object'),
    pytest.param(b'{"instance_id": "post-cn-emulator01"}', 400, 'ParameterFieldCheckFailed', id='no-certificate'),
    pytest.param(b'{"instance_id": "post-cn-emulator01", "certificate": "x", "extra": 1}', 400, 'ParameterFieldCheckFailed', id='unknown-key'),
    pytest.param(b'{"instance_id": "post-cn-emulator01", "certificate": "not a certificate"}', 400, 'ParameterFieldCheckFailed', id='no-pem'),
    pytest.param(b'{"instance_id": "post-cn-nowhere", "certificate": "x"}', 404, 'MqttInstanceNotFound', id='unknown-instance'),
])
def test_a_bad_connect_request_is_refused(emulator, body, status, code):
    assert_error(connect_with(emulator, body), status, code)


def test_connect_takes_post_only(emulator):
    assert_error(connect_with(emulator, None, method='GET'), 405, 'MethodNotAllowed')


# --- the official SDK is accepted ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize('verifier', ['emulator', 'sdk_verified_emulator'])
@pytest.mark.parametrize('sdk_algorithm, wire_algorithm', SDK_ALGORITHMS)
@pytest.mark.parametrize('key', [PERMANENT, TEMPORARY], ids=['permanent', 'sts'])
def test_official_sdk_runs_the_six_device_operations(request, verifier, sdk_algorithm, wire_algorithm, key):
    server = request.getfixturevalue(verifier)
    server.reset()
    request.addfinalizer(server.reset)
    client = sdk_client(server, key, sdk_algorithm)
    device = fixture_devices(server)[0]
    one = {'mqtt_instance_id': INSTANCE, 'ca_sn': CA_RSA, 'device_sn': device['DeviceSn']}

    got = client.get_device_certificate(onsmqtt_models.GetDeviceCertificateRequest(**one))
    listed = client.list_device_certificate(onsmqtt_models.ListDeviceCertificateRequest(mqtt_instance_id=INSTANCE, page_no='1', page_size='100'))
    by_ca = client.list_device_certificate_by_ca_sn(onsmqtt_models.ListDeviceCertificateByCaSnRequest(
        mqtt_instance_id=INSTANCE, ca_sn=CA_RSA, page_no='1', page_size='1'))
    inactivated = client.inactivate_device_certificate(onsmqtt_models.InactivateDeviceCertificateRequest(**one))
    activated = client.active_device_certificate(onsmqtt_models.ActiveDeviceCertificateRequest(**one))
    deleted = client.delete_device_certificate(onsmqtt_models.DeleteDeviceCertificateRequest(**one))
    with pytest.raises(ClientException) as caught:
        client.get_device_certificate(onsmqtt_models.GetDeviceCertificateRequest(**one))

    assert got.body.data.to_map() == device
    assert [item.to_map() for item in listed.body.data.device_certificate_vos] == fixture_devices(server)
    assert (listed.body.data.total, by_ca.body.data.total, [item.device_sn for item in by_ca.body.data.device_certificate_vos]) == (
        len(DEVICE_SNS), 2, [device['DeviceSn']])
    assert {inactivated.body.device_sn, activated.body.device_sn, deleted.body.device_sn} == {device['DeviceSn']}
    assert (caught.value.code, caught.value.status_code) == ('FindDeviceBySnError', 400)
    log = server.requests_log()['requests']
    assert [(entry['action'], entry['method'], entry['algorithm'], entry['access_key_id'], entry['code']) for entry in log] == [
        (action, method, wire_algorithm, key.access_key_id, code) for action, method, code in (
            ('GetDeviceCertificate', 'GET', None), ('ListDeviceCertificate', 'GET', None), ('ListDeviceCertificateByCaSn', 'GET', None),
            ('InactivateDeviceCertificate', 'POST', None), ('ActiveDeviceCertificate', 'POST', None), ('DeleteDeviceCertificate', 'POST', None),
            ('GetDeviceCertificate', 'GET', 'FindDeviceBySnError'))]


# --- the fixture file ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize('change, message', [
    pytest.param(lambda instance: instance['device_certificates'].append(instance['device_certificates'][0]),
                 'lists a device certificate (CaSn and DeviceSn) twice', id='twice'),
    pytest.param(lambda instance: instance['device_certificates'][0]['data'].pop('DeviceSn'), '"data" object with the strings', id='no-device-sn'),
    pytest.param(lambda instance: instance.update(device_certificates={}), '"device_certificates" must be a list', id='not-a-list'),
    pytest.param(lambda instance: instance.update(registration_code=''), '"registration_code" must be a non-empty string', id='empty-code'),
])
def test_bad_device_fixtures_stop_the_start(emulator, emulator_command, tmp_path, change, message):
    document = copy.deepcopy(emulator.fixtures)
    change(document['instances'][INSTANCE])
    path = tmp_path / 'fixtures.json'
    path.write_text(json.dumps(document), encoding='utf-8')
    finished = subprocess.run([*emulator_command, '--port', '0', '--fixtures', str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert finished.returncode == 2
    assert message in finished.stderr and 'Traceback' not in finished.stderr


def test_a_hand_written_device_of_a_ca_the_instance_lacks_is_served_as_it_is(start_emulator, emulator):
    document = copy.deepcopy(emulator.fixtures)
    orphan = dict(fixture_devices(emulator)[0], CaSn='no-such-ca', DeviceContent='garbage')
    document['instances'][INSTANCE]['device_certificates'] = [{'data': orphan}]
    server = start_emulator(fixtures=document)
    assert list_all(server) == [orphan]
    assert ok(get_device(server, 'no-such-ca', orphan['DeviceSn']))['Data'] == orphan


# --- thousands of device certificates: --device-certificates N -----------------------------------------------------------------
BULK = 1000
BULK_ISSUERS = (CA_RSA, CA_EC, CA_CHAIN, '00e0a1c0ffee000007')


@pytest.fixture(scope='module')
def bulk_fixtures(emulator_command, tmp_path_factory):
    path = tmp_path_factory.mktemp('bulk') / 'fixtures.json'
    subprocess.run([*emulator_command, '--write-fixtures', str(path), '--device-certificates', str(BULK)], check=True, timeout=120)
    return path


def verify_issued_by(certificate, issuer):
    """Raises unless `issuer` signed `certificate`; by hand, since verify_directly_issued_by refuses the fleet's SHA-1 one."""
    assert certificate.issuer == issuer.subject
    public_key = issuer.public_key()
    if isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(certificate.signature, certificate.tbs_certificate_bytes, padding.PKCS1v15(), certificate.signature_hash_algorithm)
    else:
        public_key.verify(certificate.signature, certificate.tbs_certificate_bytes, ec.ECDSA(certificate.signature_hash_algorithm))


def test_bulk_devices_are_real_certificates_of_several_cas_in_several_states(bulk_fixtures):
    text = bulk_fixtures.read_text(encoding='utf-8')
    assert 'PRIVATE KEY' not in text
    instance = json.loads(text)['instances'][INSTANCE]
    devices = [entry['data'] for entry in instance['device_certificates']]
    bulk = devices[len(DEVICE_SNS):]
    assert [device['DeviceSn'] for device in devices[:len(DEVICE_SNS)]] == DEVICE_SNS
    assert len(bulk) == BULK and len({device['DeviceSn'] for device in bulk}) == BULK
    issuers = {entry['data']['Sn']: certificates(entry['data']['CaContent'])[0] for entry in instance['ca_certificates']}
    now = datetime.datetime.now(datetime.timezone.utc)
    for device in bulk:
        [certificate] = certificates(device['DeviceContent'])
        verify_issued_by(certificate, issuers[device['CaSn']])
        assert (serial_hex(certificate.serial_number), common_name(certificate)) == (device['DeviceSn'], device['DeviceName'])
        assert device['ValidEnd'] == epoch_ms(certificate.not_valid_after_utc)
    assert {device['CaSn'] for device in bulk} == set(BULK_ISSUERS)
    assert sum(device['Status'] == '0' for device in bulk) == BULK // 10
    assert sum(int(device['ValidEnd']) < now.timestamp() * 1000 for device in bulk) == BULK // 50
    assert sum(0 <= int(device['ValidEnd']) - now.timestamp() * 1000 < 30 * 86400000 for device in bulk) > 0


def test_bulk_devices_are_served_page_by_page(start_emulator, bulk_fixtures):
    server = start_emulator(fixtures=bulk_fixtures)
    devices = [entry['data'] for entry in server.fixtures['instances'][INSTANCE]['device_certificates']]
    assert list_all(server) == devices
    for sn in BULK_ISSUERS + (CA_EXPIRING,):
        assert list_all(server, sn) == [device for device in devices if device['CaSn'] == sn]


def test_bulk_devices_in_fixtures_generated_at_start(emulator_command):
    with subprocess.Popen([*emulator_command, '--port', '0', '--device-certificates', '30', '--stop-on-stdin-eof'],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as process:
        try:
            server = types.SimpleNamespace(host_port=process.stdout.readline().split('://')[1].strip())
            devices = list_all(server)
        finally:
            process.stdin.close()
            process.wait(10)
    assert [device['DeviceSn'] for device in devices] == DEVICE_SNS + [f'00b017{index:012x}' for index in range(30)]


@pytest.mark.parametrize('options, message', [
    (['--device-certificates', '-1'], '--device-certificates must be from 0 to 100000'),
    (['--device-certificates', '100001'], '--device-certificates must be from 0 to 100000'),
    (['--device-certificates', '5', '--fixtures', 'fixtures.json'], '--device-certificates applies to generated fixtures'),
])
def test_bad_bulk_options_stop_the_start(emulator_command, options, message):
    finished = subprocess.run([*emulator_command, '--port', '0', *options], capture_output=True, text=True, timeout=60, check=False)
    assert finished.returncode == 2
    assert message in finished.stderr


# --- the varied fleet: the odd ones of each block of 1000 (README.md, "Thousands of device certificates") -----------------------
def fleet_mix(fixtures):
    """What the bulk device certificates of a fixture document hold, read off the certificates themselves."""
    instance = fixtures['instances'][INSTANCE]
    entries = instance['device_certificates'][len(DEVICE_SNS):]
    cas = {entry['data']['Sn']: certificates(entry['data']['CaContent'])[0] for entry in instance['ca_certificates']}
    now = datetime.datetime.now(datetime.timezone.utc)
    by_key = {}
    mix = dict.fromkeys(('weak_key', 'sha1_signature', 'revoked', 'revoked_active', 'older_than_365_days', 'outlives_ca',
                         'ending_within_30_days'), 0)
    for entry in entries:
        [certificate] = certificates(entry['data']['DeviceContent'])
        public_key = certificate.public_key()
        by_key.setdefault(public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo), []).append(entry)
        mix['weak_key'] += isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size < 2048
        mix['sha1_signature'] += certificate.signature_hash_algorithm.name == 'sha1'
        mix['revoked'] += 'revoked_at' in entry
        mix['revoked_active'] += 'revoked_at' in entry and entry['data']['Status'] == '1'
        mix['older_than_365_days'] += now - certificate.not_valid_before_utc > datetime.timedelta(days=365)
        mix['outlives_ca'] += certificate.not_valid_after_utc > cas[entry['data']['CaSn']].not_valid_after_utc
        mix['ending_within_30_days'] += now < certificate.not_valid_after_utc <= now + datetime.timedelta(days=30)
    shared = [group for group in by_key.values() if len(group) > 1]
    mix['shared_key_groups'], mix['shared_key_certificates'] = len(shared), sum(map(len, shared))
    mix['expired'] = sum(int(entry['data']['ValidEnd']) < now.timestamp() * 1000 for entry in entries)
    mix['inactive'] = sum(entry['data']['Status'] == '0' for entry in entries)
    return mix


# The README's table: one of each odd kind per block of 1000 started (3 certificates of one key for the shared key, an active and an
# inactive revoked one), every 10th inactive, every 50th expired.
@pytest.mark.parametrize('count, expected', [
    (25, {'weak_key': 1, 'sha1_signature': 1, 'revoked': 2, 'revoked_active': 1, 'older_than_365_days': 1, 'outlives_ca': 1,
          'ending_within_30_days': 3, 'shared_key_groups': 1, 'shared_key_certificates': 3, 'expired': 0, 'inactive': 2}),
    (BULK, {'weak_key': 1, 'sha1_signature': 1, 'revoked': 2, 'revoked_active': 1, 'older_than_365_days': 1, 'outlives_ca': 1,
            'ending_within_30_days': 41, 'shared_key_groups': 1, 'shared_key_certificates': 3, 'expired': 20, 'inactive': 100}),
])
def test_the_bulk_fleet_holds_the_documented_mix(bulk_fixtures, emulator_command, tmp_path, count, expected):
    path = bulk_fixtures
    if count != BULK:
        path = tmp_path / 'fixtures.json'
        subprocess.run([*emulator_command, '--write-fixtures', str(path), '--device-certificates', str(count)], check=True, timeout=120)
    assert fleet_mix(json.loads(path.read_text(encoding='utf-8'))) == expected


def test_the_default_devices_and_spares_each_have_a_key_of_their_own(emulator):
    instance = emulator.fixtures['instances'][INSTANCE]
    keys = [certificates(entry['data']['DeviceContent'])[0].public_key().public_bytes(serialization.Encoding.DER,
                                                                                      serialization.PublicFormat.SubjectPublicKeyInfo)
            for entry in instance['device_certificates'] + instance['spare_device_certificates']]
    assert len(set(keys)) == len(keys) == len(DEVICE_SNS) + 3


def test_the_crls_of_the_bulk_issuers_list_exactly_the_fleets_revoked_serials(start_emulator, bulk_fixtures):
    server = start_emulator(fixtures=bulk_fixtures)
    revoked = {int(entry['data']['DeviceSn'], 16) for entry in server.fixtures['instances'][INSTANCE]['device_certificates'] if 'revoked_at' in entry}
    listed = set()
    for ca_sn in BULK_ISSUERS:
        crl = server.crl(ca_sn)
        assert crl.is_signature_valid(certificates(fixture_ca(server, ca_sn)['CaContent'])[0].public_key())
        listed.update(entry.serial_number for entry in crl)
    assert listed == revoked and len(revoked) == 2 + 2  # the defaults' two, the fleet's two


def test_the_broker_takes_the_sha1_device_certificate(start_emulator, bulk_fixtures):
    server = start_emulator(fixtures=bulk_fixtures)
    entry = next(entry for entry in server.fixtures['instances'][INSTANCE]['device_certificates']
                 if certificates(entry['data']['DeviceContent'])[0].signature_hash_algorithm.name == 'sha1')
    answer = server.connect(INSTANCE, entry['data']['DeviceContent'].replace('\\n', '\n'))
    assert (answer['connected'], answer['registered'], answer['device']) == (True, False, entry['data'])
