# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Listing hooks (POST /_emulator/listing-hooks): a fleet that moves at a set page of a listing, once; and the spare device
certificates it registers (--spare-device-certificates)."""

import datetime
import json
import subprocess

import pytest
from cryptography import x509

from emulator_client import api_call, http_request
from pki import serial_hex

INSTANCE = 'post-cn-emulator01'
CA_RSA, CA_EC, CA_CHAIN = '00e0a1c0ffee000001', '00e0a1c0ffee000002', '00e0a1c0ffee000006'
SPARE_EXPIRED = 1  # the default spares' second: expired 12 hours ago
FIRST_BULK_SPARE = 3  # the bulk spares follow the three default ones


@pytest.fixture
def fleet(fleet_emulator):
    """The fleet emulator with its fixtures' certificates and no hook, put back after the test."""
    fleet_emulator.reset()
    yield fleet_emulator
    fleet_emulator.reset()


def fixture_data(server, key):
    return [entry['data'] for entry in server.fixtures['instances'][INSTANCE][key]]


def page(server, action, page_no, page_size=100, **params):
    answer = api_call(server, action, dict(params, MqttInstanceId=INSTANCE, PageNo=str(page_no), PageSize=str(page_size)))
    assert answer.status == 200, answer.body
    data = answer.json()['Data']
    return data.get('DeviceCertificateVOS', data.get('CaCertificateVOS'))


def sns(items):
    return [item.get('DeviceSn', item.get('Sn')) for item in items]


def control(server, method, body=None):
    return http_request(server, method, '/_emulator/listing-hooks', {'Content-Type': 'application/json'},
                        None if body is None else json.dumps(body).encode())


def test_a_deletion_on_a_page_already_read_shifts_the_next_page_forward(fleet):
    devices = fixture_data(fleet, 'device_certificates')
    first = page(fleet, 'ListDeviceCertificate', 1)
    fleet.listing_hook('ListDeviceCertificate', 2, delete_devices=[(devices[5]['CaSn'], devices[5]['DeviceSn'])])
    second = page(fleet, 'ListDeviceCertificate', 2)
    assert first == devices[:100]
    assert second == devices[101:201]  # devices[100] slipped into page 1, already read
    [fired] = fleet.listing_hooks()['fired']
    assert (fired['deleted_devices'], fired['problems'], fired['listed_instance']) == ([[devices[5]['CaSn'], devices[5]['DeviceSn']]], [], INSTANCE)
    assert fleet.listing_hooks()['pending'] == []


def test_a_registration_before_the_read_position_repeats_an_item_of_the_page_read(fleet):
    devices = fixture_data(fleet, 'device_certificates')
    spare = fixture_data(fleet, 'spare_device_certificates')[FIRST_BULK_SPARE]
    page(fleet, 'ListDeviceCertificate', 1)
    fleet.listing_hook('ListDeviceCertificate', 2, register=[spare['DeviceContent']], position=0)
    assert page(fleet, 'ListDeviceCertificate', 2) == devices[99:199]
    assert page(fleet, 'ListDeviceCertificate', 1) == [spare] + devices[:99]
    assert fleet.listing_hooks()['fired'][0]['registered'] == [spare['DeviceSn']]


def test_registrations_go_last_without_a_position_as_the_broker_puts_them(fleet):
    devices = fixture_data(fleet, 'device_certificates')
    spares = fixture_data(fleet, 'spare_device_certificates')[FIRST_BULK_SPARE:FIRST_BULK_SPARE + 3]
    fleet.listing_hook('ListDeviceCertificate', 1, register=[spare['DeviceContent'] for spare in spares])
    assert page(fleet, 'ListDeviceCertificate', 1) == devices[:100]
    assert page(fleet, 'ListDeviceCertificate', 3) == devices[200:] + spares


def test_a_ca_deleted_mid_listing_takes_its_devices_and_shifts_the_later_ones(fleet):
    devices = fixture_data(fleet, 'device_certificates')
    page(fleet, 'ListDeviceCertificate', 1)
    fleet.listing_hook('ListDeviceCertificate', 2, delete_ca=CA_EC)
    survivors = [device for device in devices if device['CaSn'] != CA_EC]
    assert page(fleet, 'ListDeviceCertificate', 2) == survivors[100:200]
    assert fleet.listing_hooks()['fired'][0]['deleted_ca'] == CA_EC
    assert CA_EC not in sns(page(fleet, 'ListCaCertificate', 1))


def test_a_ca_deleted_while_the_cas_are_listed(fleet):
    cas = fixture_data(fleet, 'ca_certificates')
    assert page(fleet, 'ListCaCertificate', 1, 3) == cas[:3]
    fleet.listing_hook('ListCaCertificate', 2, delete_ca=cas[0]['Sn'])
    assert page(fleet, 'ListCaCertificate', 2, 3) == cas[4:7]


def test_a_hook_on_one_cas_listing_waits_for_that_ca_and_fires_once(fleet):
    devices = fixture_data(fleet, 'device_certificates')
    of_chain = [device for device in devices if device['CaSn'] == CA_CHAIN]
    fleet.listing_hook('ListDeviceCertificateByCaSn', 1, ca_sn=CA_CHAIN, delete_devices=[(CA_CHAIN, of_chain[0]['DeviceSn'])])
    assert page(fleet, 'ListDeviceCertificateByCaSn', 1, CaSn=CA_RSA) == [device for device in devices if device['CaSn'] == CA_RSA][:100]
    assert page(fleet, 'ListDeviceCertificate', 1) == devices[:100]
    assert fleet.listing_hooks()['fired'] == []
    assert page(fleet, 'ListDeviceCertificateByCaSn', 1, CaSn=CA_CHAIN) == of_chain[1:]
    assert page(fleet, 'ListDeviceCertificateByCaSn', 1, CaSn=CA_CHAIN) == of_chain[1:]
    assert len(fleet.listing_hooks()['fired']) == 1


def test_a_hook_for_another_instance_or_page_waits(fleet):
    devices = fixture_data(fleet, 'device_certificates')
    fleet.listing_hook('ListDeviceCertificate', 1, instance_id='post-cn-emulator02', delete_ca=CA_RSA)
    fleet.listing_hook('ListDeviceCertificate', 3, delete_ca=CA_RSA)
    assert page(fleet, 'ListDeviceCertificate', 1) == devices[:100]
    assert [hook['page'] for hook in fleet.listing_hooks()['pending']] == [1, 3]


def test_a_hook_may_wait_for_a_later_request_of_its_page(fleet):
    devices = fixture_data(fleet, 'device_certificates')
    fleet.listing_hook('ListDeviceCertificate', 1, occurrence=2, delete_devices=[(devices[0]['CaSn'], devices[0]['DeviceSn'])])
    assert page(fleet, 'ListDeviceCertificate', 1) == devices[:100]
    assert page(fleet, 'ListDeviceCertificate', 2) == devices[100:200]
    assert page(fleet, 'ListDeviceCertificate', 1) == devices[1:101]
    assert [hook['occurrence'] for hook in fleet.listing_hooks()['fired']] == [2]


def test_hooks_of_one_page_fire_in_the_order_they_were_added(fleet):
    spare = fixture_data(fleet, 'spare_device_certificates')[FIRST_BULK_SPARE]
    fleet.listing_hook('ListDeviceCertificate', 1, register=[spare['DeviceContent']], position=0)
    fleet.listing_hook('ListDeviceCertificate', 1, delete_devices=[(spare['CaSn'], spare['DeviceSn'])])
    assert page(fleet, 'ListDeviceCertificate', 1) == fixture_data(fleet, 'device_certificates')[:100]
    assert [(hook['registered'], hook['deleted_devices']) for hook in fleet.listing_hooks()['fired']] == [
        ([spare['DeviceSn']], []), ([], [[spare['CaSn'], spare['DeviceSn']]])]


def test_what_a_hook_cannot_do_is_told_and_the_rest_is_done(fleet):
    devices = fixture_data(fleet, 'device_certificates')
    expired = fixture_data(fleet, 'spare_device_certificates')[SPARE_EXPIRED]
    fleet.listing_hook('ListDeviceCertificate', 1, register=[expired['DeviceContent'], devices[0]['DeviceContent']],
                       delete_devices=[(CA_RSA, 'no-such-device'), (devices[1]['CaSn'], devices[1]['DeviceSn'])], delete_ca='no-such-ca')
    assert page(fleet, 'ListDeviceCertificate', 1) == [devices[0]] + devices[2:101]
    [fired] = fleet.listing_hooks()['fired']
    assert fired['registered'] == [] and fired['deleted_devices'] == [[devices[1]['CaSn'], devices[1]['DeviceSn']]]
    assert fired['problems'] == ['the certificate is outside its validity period', f'the device certificate {devices[0]["DeviceSn"]} is registered already',
                                 f'no device certificate no-such-device of CA {CA_RSA} to delete', 'no CA no-such-ca to delete']


def test_a_throttled_page_is_not_read_and_does_not_fire_the_hook(fleet):
    devices = fixture_data(fleet, 'device_certificates')
    fleet.inject(kind='throttling', action='ListDeviceCertificate')
    fleet.listing_hook('ListDeviceCertificate', 1, delete_devices=[(devices[0]['CaSn'], devices[0]['DeviceSn'])])
    throttled = api_call(fleet, 'ListDeviceCertificate', {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '100'})
    assert throttled.json()['Code'] == 'Throttling.User' and fleet.listing_hooks()['fired'] == []
    assert page(fleet, 'ListDeviceCertificate', 1) == devices[1:101]


def test_reset_forgets_every_hook_and_clear_too(fleet):
    fleet.listing_hook('ListDeviceCertificate', 1, delete_ca=CA_RSA)
    fleet.reset()
    assert fleet.listing_hooks() == {'pending': [], 'fired': []}
    fleet.listing_hook('ListDeviceCertificate', 1, delete_ca=CA_RSA)
    assert control(fleet, 'POST', {'clear': True}).json() == {'pending': [], 'fired': []}
    assert sns(page(fleet, 'ListCaCertificate', 1)) == sns(fixture_data(fleet, 'ca_certificates'))


@pytest.mark.parametrize('body, problem', [
    ({'page': 1, 'delete_ca': CA_RSA}, 'action must be one of'),
    ({'action': 'GetCaCertificate', 'page': 1, 'delete_ca': CA_RSA}, 'action must be one of'),
    ({'action': 'ListCaCertificate', 'page': 0, 'delete_ca': CA_RSA}, 'page must be a page number from 1'),
    ({'action': 'ListCaCertificate', 'page': True, 'delete_ca': CA_RSA}, 'page must be a page number from 1'),
    ({'action': 'ListCaCertificate', 'page': 1}, 'a hook needs something to do'),
    ({'action': 'ListCaCertificate', 'page': 1, 'occurrence': 0, 'delete_ca': CA_RSA}, 'occurrence must be a whole number from 1'),
    ({'action': 'ListCaCertificate', 'page': 1, 'ca_sn': CA_RSA, 'delete_ca': CA_RSA}, 'ca_sn goes with ListDeviceCertificateByCaSn only'),
    ({'action': 'ListDeviceCertificate', 'page': 1, 'register': ['garbage']}, 'one is no certificate'),
    ({'action': 'ListDeviceCertificate', 'page': 1, 'register': 'garbage'}, 'register must be a list of PEM certificates'),
    ({'action': 'ListDeviceCertificate', 'page': 1, 'delete_devices': [[CA_RSA]]}, 'delete_devices must be a list of [CaSn, DeviceSn] pairs'),
    ({'action': 'ListDeviceCertificate', 'page': 1, 'delete_ca': CA_RSA, 'position': -1}, 'position must be 0 or more'),
    ({'action': 'ListDeviceCertificate', 'page': 1, 'delete_ca': ''}, 'delete_ca must be a non-empty string'),
    ({'action': 'ListDeviceCertificate', 'page': 1, 'delete_ca': CA_RSA, 'when': 'now'}, 'unknown keys: when'),
    ([1], 'the body must be a JSON object'),
])
def test_a_bad_hook_is_refused_and_changes_nothing(fleet, body, problem):
    answer = control(fleet, 'POST', body)
    assert (answer.status, answer.json()['Code']) == (400, 'ParameterFieldCheckFailed')
    assert problem in answer.json()['Message'] and '\n' not in answer.json()['Message']
    assert fleet.listing_hooks() == {'pending': [], 'fired': []}


def test_the_hooks_route_takes_get_and_post_only(fleet):
    assert control(fleet, 'DELETE').json()['Code'] == 'MethodNotAllowed'


# --- --spare-device-certificates N --------------------------------------------------------------------------------------------
def test_bulk_spares_are_real_valid_certificates_of_fixture_cas_not_registered(fleet):
    spares = fixture_data(fleet, 'spare_device_certificates')[FIRST_BULK_SPARE:]
    cas = {ca['Sn']: x509.load_pem_x509_certificate(ca['CaContent'].encode()) for ca in fixture_data(fleet, 'ca_certificates') if ca['Sn'] in (CA_RSA, CA_EC)}
    registered = {device['DeviceSn'] for device in fixture_data(fleet, 'device_certificates')}
    now = datetime.datetime.now(datetime.timezone.utc)
    assert len(spares) == 10 and {spare['CaSn'] for spare in spares} == {CA_RSA, CA_EC}
    for index, spare in enumerate(spares):
        certificate = x509.load_pem_x509_certificate(spare['DeviceContent'].encode())
        certificate.verify_directly_issued_by(cas[spare['CaSn']])
        assert serial_hex(certificate.serial_number) == spare['DeviceSn'] == f'00b5a7{index:012x}' and spare['DeviceSn'] not in registered
        assert spare['Status'] == '1' and certificate.not_valid_before_utc < now < certificate.not_valid_after_utc
    fleet.listing_hook('ListDeviceCertificate', 1, register=[spare['DeviceContent'] for spare in spares])
    page(fleet, 'ListDeviceCertificate', 1)
    assert page(fleet, 'ListDeviceCertificate', 3)[-10:] == spares  # what the API shows once registered is the spare's data


def test_bad_spare_options_stop_the_start(emulator_command):
    for options, message in ((['--spare-device-certificates', '100001'], '--spare-device-certificates must be from 0 to 100000'),
                             (['--spare-device-certificates', '2', '--fixtures', 'f.json'], '--spare-device-certificates applies to generated fixtures')):
        finished = subprocess.run([*emulator_command, '--port', '0', *options], capture_output=True, text=True, timeout=60, check=False)
        assert finished.returncode == 2 and message in finished.stderr
