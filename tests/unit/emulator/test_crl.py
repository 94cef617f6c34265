# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Certificate revocation lists on the emulator: GET /_emulator/crl/<ca_sn> signed by the default CA's key, revoking what the
fixtures mark revoked; POST revokes more; CAs whose key the emulator does not hold; a fixture file's revoked_at checked."""

import copy
import datetime
import json
import subprocess

import pytest
from cryptography import x509

from emulator_client import api_call, http_request
from pki import Authority, pem

INSTANCE = 'post-cn-emulator01'
CA_RSA, CA_EC, CA_INACTIVE = '00e0a1c0ffee000001', '00e0a1c0ffee000002', '00e0a1c0ffee000003'
DEFAULT_CA_SNS = [f'00e0a1c0ffee00000{number}' for number in range(1, 8)]
# The default fixtures' revocations: device SN -> its CA's SN.
REVOKED = {'00dec1ce0100000002': CA_RSA, '00dec1ce0200000001': CA_EC}
ERROR_KEYS = {'RequestId', 'HostId', 'Code', 'Message', 'Recommend'}


def fixture_ca_certificate(server, sn):
    data = next(entry['data'] for entry in server.fixtures['instances'][INSTANCE]['ca_certificates'] if entry['data']['Sn'] == sn)
    return x509.load_pem_x509_certificates(data['CaContent'].replace('\\n', '\n').encode('ascii'))[0]


def fixture_revocations(server):
    """{device SN: revoked_at} of the fixtures."""
    return {entry['data']['DeviceSn']: entry['revoked_at'] for entry in server.fixtures['instances'][INSTANCE]['device_certificates']
            if 'revoked_at' in entry}


def utc(text):
    return datetime.datetime.strptime(text, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc)


def assert_error(answer, status, code, detail=''):
    body = answer.json()
    assert (answer.status, body['Code']) == (status, code), body
    assert set(body) == ERROR_KEYS and detail in body['Message']


def post(server, path, body):
    return http_request(server, 'POST', path, {'Content-Type': 'application/json'}, json.dumps(body).encode())


def test_the_default_fixtures_mark_an_active_and_an_inactive_device_certificate_revoked(emulator):
    revocations = fixture_revocations(emulator)
    assert set(revocations) == set(REVOKED)
    statuses = {}
    for device_sn, ca_sn in REVOKED.items():
        answer = api_call(emulator, 'GetDeviceCertificate', {'MqttInstanceId': INSTANCE, 'CaSn': ca_sn, 'DeviceSn': device_sn})
        statuses[device_sn] = answer.json()['Data']['Status']
        # The service has no revoked state: the API's device object says nothing of it.
        assert 'revoked_at' not in answer.json()['Data']
        assert utc(revocations[device_sn]) < datetime.datetime.now(datetime.timezone.utc)
    assert statuses == {'00dec1ce0100000002': '0', '00dec1ce0200000001': '1'}


@pytest.mark.parametrize('ca_sn', DEFAULT_CA_SNS)
def test_each_default_ca_signs_its_crl_listing_exactly_its_revoked_device_certificates(emulator, ca_sn):
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    crl = emulator.crl(ca_sn)
    ca_certificate = fixture_ca_certificate(emulator, ca_sn)
    assert crl.issuer == ca_certificate.subject
    assert crl.is_signature_valid(ca_certificate.public_key())
    revocations = fixture_revocations(emulator)
    expected = {int(device_sn, 16): utc(revocations[device_sn]) for device_sn, issuer in REVOKED.items() if issuer == ca_sn}
    assert {entry.serial_number: entry.revocation_date_utc for entry in crl} == expected
    assert before <= crl.last_update_utc <= datetime.datetime.now(datetime.timezone.utc)
    assert crl.next_update_utc - crl.last_update_utc == datetime.timedelta(days=7)


def test_the_crl_comes_as_pem_by_default_and_as_der_on_request(emulator):
    as_pem = http_request(emulator, 'GET', f'/_emulator/crl/{CA_EC}')
    as_der = http_request(emulator, 'GET', f'/_emulator/crl/{CA_EC}?format=der')
    assert (as_pem.status, as_pem.headers['content-type']) == (200, 'application/x-pem-file')
    assert (as_der.status, as_der.headers['content-type']) == (200, 'application/pkix-crl')
    assert as_pem.text().startswith('-----BEGIN X509 CRL-----')
    from_pem, from_der = x509.load_pem_x509_crl(as_pem.body), x509.load_der_x509_crl(as_der.body)
    assert [entry.serial_number for entry in from_pem] == [entry.serial_number for entry in from_der] == [int('00dec1ce0200000001', 16)]


def test_a_stale_crl_is_past_its_next_update_and_lists_the_same_revocations(emulator):
    now = datetime.datetime.now(datetime.timezone.utc)
    stale = emulator.crl(CA_RSA, stale=True)
    assert stale.next_update_utc < now
    assert now - stale.last_update_utc >= datetime.timedelta(days=8)
    assert stale.is_signature_valid(fixture_ca_certificate(emulator, CA_RSA).public_key())
    assert [entry.serial_number for entry in stale] == [entry.serial_number for entry in emulator.crl(CA_RSA)]


def test_post_revokes_one_more_which_the_next_crl_lists_until_a_reset(fresh_emulator):
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    answer = fresh_emulator.revoke(CA_RSA, '00dec1ce0100000001')
    assert answer['instance_id'] == INSTANCE and answer['ca_sn'] == CA_RSA
    assert [entry['device_sn'] for entry in answer['revoked']] == ['00dec1ce0100000002', '00dec1ce0100000001']
    crl = fresh_emulator.crl(CA_RSA)
    revoked = {entry.serial_number: entry.revocation_date_utc for entry in crl}
    assert set(revoked) == {int('00dec1ce0100000002', 16), int('00dec1ce0100000001', 16)}
    assert before <= revoked[int('00dec1ce0100000001', 16)] <= datetime.datetime.now(datetime.timezone.utc)
    assert crl.is_signature_valid(fixture_ca_certificate(fresh_emulator, CA_RSA).public_key())
    # Revoking again keeps the first date; the device stays active on the instance.
    assert fresh_emulator.revoke(CA_RSA, '00dec1ce0100000001') == answer
    device = api_call(fresh_emulator, 'GetDeviceCertificate', {'MqttInstanceId': INSTANCE, 'CaSn': CA_RSA, 'DeviceSn': '00dec1ce0100000001'})
    assert device.json()['Data']['Status'] == '1'
    fresh_emulator.reset()
    assert [entry.serial_number for entry in fresh_emulator.crl(CA_RSA)] == [int('00dec1ce0100000002', 16)]


@pytest.mark.parametrize('body, detail', [
    ({'revoke': ['00dec1ce0100000001', 'no-such-device']}, 'has no device certificate no-such-device; nothing was revoked'),
    ({'revoke': ['00dec1ce0200000002']}, f'CA {CA_RSA} of instance {INSTANCE} has no device certificate 00dec1ce0200000002'),
    ({'revoke': []}, 'the body must be {"revoke"'),
    ({'revoke': '00dec1ce0100000001'}, 'the body must be {"revoke"'),
    ({'revoke': ['00dec1ce0100000001'], 'reason': 'x'}, 'the body must be {"revoke"'),
])
def test_revoking_an_unknown_device_or_another_cas_is_refused_and_revokes_nothing(fresh_emulator, body, detail):
    assert_error(post(fresh_emulator, f'/_emulator/crl/{CA_RSA}', body), 400, 'ParameterFieldCheckFailed', detail)
    assert [entry.serial_number for entry in fresh_emulator.crl(CA_RSA)] == [int('00dec1ce0100000002', 16)]


def test_a_ca_registered_through_the_api_gets_no_crl(fresh_emulator):
    authority = Authority.make('crl-test-ca')
    code = api_call(fresh_emulator, 'GetRegisterCode', {'MqttInstanceId': INSTANCE}).json()['RegisterCode']
    registration = {'MqttInstanceId': INSTANCE, 'CaName': 'crl-test-ca', 'CaContent': pem(authority.certificate),
                    'VerificationContent': pem(authority.issue(code))}
    assert api_call(fresh_emulator, 'RegisterCaCertificate', registration, method='POST').status == 200
    detail = f'CA {authority.sn} of instance {INSTANCE} is not one of the default fixtures'
    assert_error(http_request(fresh_emulator, 'GET', f'/_emulator/crl/{authority.sn}'), 409, 'CaKeyNotHeld', detail)
    assert_error(post(fresh_emulator, f'/_emulator/crl/{authority.sn}', {'revoke': ['x']}), 409, 'CaKeyNotHeld', detail)


def test_a_fixture_ca_of_a_default_sn_but_another_key_gets_no_crl(start_emulator, emulator):
    fixtures = copy.deepcopy(emulator.fixtures)
    impostor = Authority.make('impostor', serial_number=int(CA_EC, 16))
    fixtures['instances'][INSTANCE]['ca_certificates'][1]['data']['CaContent'] = pem(impostor.certificate)
    server = start_emulator(fixtures=fixtures)
    assert_error(http_request(server, 'GET', f'/_emulator/crl/{CA_EC}'), 409, 'CaKeyNotHeld')
    assert server.crl(CA_RSA).is_signature_valid(fixture_ca_certificate(server, CA_RSA).public_key())


@pytest.mark.parametrize('method, path, status, code', [
    ('GET', '/_emulator/crl/no-such-ca', 400, 'FindCaBySnError'),
    ('GET', f'/_emulator/crl/{CA_RSA}?format=txt', 400, 'ParameterFieldCheckFailed'),
    ('GET', f'/_emulator/crl/{CA_RSA}?stale=yes', 400, 'ParameterFieldCheckFailed'),
    ('GET', f'/_emulator/crl/{CA_RSA}?format=pem&format=der', 400, 'ParameterFieldCheckFailed'),
    ('GET', f'/_emulator/crl/{CA_RSA}?serial=1', 400, 'ParameterFieldCheckFailed'),
    ('GET', f'/_emulator/crl/{CA_RSA}?instance_id=post-cn-nowhere', 404, 'MqttInstanceNotFound'),
    ('GET', f'/_emulator/crl/{CA_RSA}?instance_id=post-cn-emulator02', 400, 'FindCaBySnError'),
    ('GET', '/_emulator/crl/', 404, 'InvalidAction.NotFound'),
    ('DELETE', f'/_emulator/crl/{CA_RSA}', 405, 'MethodNotAllowed'),
])
def test_bad_crl_requests_are_refused_in_the_api_error_shape(emulator, method, path, status, code):
    assert_error(http_request(emulator, method, path), status, code)


def test_the_crl_is_no_api_call_and_is_not_logged(fresh_emulator):
    fresh_emulator.crl(CA_RSA)
    fresh_emulator.revoke(CA_RSA, '00dec1ce0100000001')
    assert fresh_emulator.requests_log() == {'count': 0, 'requests': []}


@pytest.mark.parametrize('revoked_at', ['yesterday', 20250101, None])
def test_a_fixture_file_with_a_bad_revoked_at_stops_the_start_in_one_line(emulator, emulator_command, tmp_path, revoked_at):
    fixtures = copy.deepcopy(emulator.fixtures)
    fixtures['instances'][INSTANCE]['device_certificates'][0]['revoked_at'] = revoked_at
    path = tmp_path / 'fixtures.json'
    path.write_text(json.dumps(fixtures), encoding='utf-8')
    finished = subprocess.run([*emulator_command, '--port', '0', '--fixtures', str(path)], capture_output=True, text=True, timeout=60, check=False)
    assert finished.returncode == 2
    assert finished.stderr.splitlines() == [
        f'onsmqtt_emulator: error: {path}: instance {INSTANCE}: device certificate 00dec1ce0100000001: "revoked_at" must be YYYY-MM-DDThh:mm:ssZ']


def test_revoking_a_device_whose_sn_is_no_hex_serial_is_refused(start_emulator, emulator):
    fixtures = copy.deepcopy(emulator.fixtures)
    fixtures['instances'][INSTANCE]['device_certificates'][0]['data']['DeviceSn'] = 'device-one'
    server = start_emulator(fixtures=fixtures)
    assert_error(post(server, f'/_emulator/crl/{CA_RSA}', {'revoke': ['device-one']}), 400, 'ParameterFieldCheckFailed',
                 'device certificate device-one: its SN is no serial number in hex, which a CRL lists; nothing was revoked.')
    assert [entry.serial_number for entry in server.crl(CA_RSA)] == [int('00dec1ce0100000002', 16)]
