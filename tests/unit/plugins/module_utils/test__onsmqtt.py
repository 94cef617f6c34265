# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._signing import Credentials
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError, OutcomeUnknownError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import (
    CA_LISTING, DEVICE_LISTING, DEVICE_LISTING_BY_CA, REPEATABLE_WRITES, check_sn, delete_device_certificate, get_ca_certificate,
    get_device_certificate, list_ca_certificates, list_device_certificates, region_endpoint, set_device_status, write,
)


@pytest.mark.parametrize('region, vpc, host', [
    ('cn-hangzhou', False, 'onsmqtt.cn-hangzhou.aliyuncs.com'),
    ('cn-hangzhou', True, 'onsmqtt-vpc.cn-hangzhou.aliyuncs.com'),
    # not in the documented list: built by the pattern, not refused
    ('xx-mars-1', False, 'onsmqtt.xx-mars-1.aliyuncs.com'),
])
def test_region_endpoint(region, vpc, host):
    assert region_endpoint(region, vpc) == host


@pytest.mark.parametrize('region', ['', 'cn hangzhou', 'cn-hangzhou/evil', 'CN-HANGZHOU', 'cn-hangzhou.', '-cn', 'cn_hangzhou', 'cn-hangzhou\n'])
def test_region_that_cannot_be_a_host_label_is_refused(region):
    with pytest.raises(ApsaraMQError, match='is not a region ID such as cn-hangzhou'):
        region_endpoint(region)


@pytest.mark.parametrize('sn', ['a', 'x' * 128, 'é' * 64, 'a&b=c d+e/f'])
def test_sn_of_1_to_128_bytes_is_accepted(sn):
    check_sn(sn)


@pytest.mark.parametrize('sn, size', [('', 0), ('x' * 129, 129), ('é' * 65, 130)])
def test_sn_outside_1_to_128_bytes_is_refused_with_its_size(sn, size):
    with pytest.raises(ApsaraMQError, match='is %d bytes long; a CA serial number has 1 to 128 bytes' % size):
        check_sn(sn)


@pytest.mark.parametrize('sn', ['x\n', 'a\tb', '\x1b[31mred', 'nul\x00', 'c1\x9b'])
def test_sn_with_a_control_character_is_refused(sn):
    with pytest.raises(ApsaraMQError, match='holds a control character') as raised:
        check_sn(sn)
    assert '\n' not in str(raised.value) and '\x1b' not in str(raised.value)


KEYS = Credentials('emulator-access-key-id', 'emulator-access-key-secret', None, 'test')
INSTANCE = 'post-cn-emulator01'


def _instance_with(emulator, count, list_total):
    """Fixtures whose instance holds ``count`` copies of a default CA, each with its own SN."""
    fixtures = copy.deepcopy(emulator.fixtures)
    template = fixtures['instances'][INSTANCE]['ca_certificates'][0]['data']
    fixtures['instances'][INSTANCE] = {'list_total': list_total, 'ca_certificates': [
        {'data': dict(template, Sn='sn-%04d' % number)} for number in range(count)]}
    return fixtures


@pytest.mark.parametrize('list_total', ['items', 'pages'])
@pytest.mark.parametrize('count, page_size, requests', [(0, 100, 1), (1, 100, 1), (250, 100, 3), (200, 100, 3), (7, 3, 3)])
def test_pager_reads_until_a_short_or_empty_page_whatever_total_says(start_emulator, emulator, list_total, count, page_size, requests, acs_client):
    server = start_emulator(fixtures=_instance_with(emulator, count, list_total))
    answers = list_ca_certificates(acs_client(server.url, KEYS), INSTANCE, page_size)
    assert [data['Sn'] for data, dummy in answers] == ['sn-%04d' % number for number in range(count)]
    log = server.requests_log()
    assert log['count'] == requests and {entry['code'] for entry in log['requests']} == {None}
    assert all(request_id for dummy, request_id in answers)


def test_pager_stops_when_the_server_ignores_page_no(canned_server, acs_client):
    page = {'RequestId': 'R1', 'Data': {'Total': 1, 'CaCertificateVOS': [{'Sn': 'same-%d' % number} for number in range(2)]}}
    url = canned_server(200, 'application/json', json.dumps(page).encode())
    with pytest.raises(ApsaraMQError, match=r'^ListCaCertificate answered pages 2 and 3 with CAs of earlier pages only \(request ID R1\): '
                       r'the server ignores PageNo; check endpoint and proxy$'):
        list_ca_certificates(acs_client(url, KEYS), INSTANCE, page_size=2)


@pytest.mark.parametrize('body, message', [
    ({'RequestId': 'R2'}, r'^ListCaCertificate answered without a Data object \(request ID R2\)'),
    ({'RequestId': 'R3', 'Data': {'CaCertificateVOS': 'oops'}}, r'^ListCaCertificate answered with a CaCertificateVOS that is not a list'),
])
def test_pager_refuses_answers_it_cannot_read(canned_server, body, message, acs_client):
    url = canned_server(200, 'application/json', json.dumps(body).encode())
    with pytest.raises(ApsaraMQError, match=message):
        list_ca_certificates(acs_client(url, KEYS), INSTANCE)


def test_get_ca_certificate_without_data_is_refused(canned_server, acs_client):
    url = canned_server(200, 'application/json', b'{"RequestId": "R4", "Data": null}')
    with pytest.raises(ApsaraMQError, match=r'^GetCaCertificate answered without a Data object \(request ID R4\)'):
        get_ca_certificate(acs_client(url, KEYS), INSTANCE, 'sn')


class _EndlessPages(BaseHTTPRequestHandler):
    """A hostile listing: every page is full, of CAs (or device certificates) never seen before."""

    def do_GET(self):  # pylint: disable=invalid-name
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        page_no, page_size = int(query['PageNo'][0]), int(query['PageSize'][0])
        with self.server.lock:
            self.server.requests += 1
        page = [{'Sn': 'page-%d-item-%d' % (page_no, number), 'CaSn': 'ca', 'DeviceSn': 'page-%d-item-%d' % (page_no, number)}
                for number in range(page_size)]
        body = json.dumps({'RequestId': 'R%d' % page_no, 'Data': {'Total': 10 ** 9, 'CaCertificateVOS': page, 'DeviceCertificateVOS': page}}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def endless_pages():
    server = ThreadingHTTPServer(('127.0.0.1', 0), _EndlessPages)
    server.daemon_threads, server.requests, server.lock = True, 0, threading.Lock()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize('page_size', [100, 2])
def test_a_listing_that_never_ends_stops_after_max_pages_in_one_line(endless_pages, page_size, acs_client):
    url = 'http://127.0.0.1:%d' % endless_pages.server_address[1]
    with pytest.raises(ApsaraMQError, match=r'^ListCaCertificate was still answering full pages after 100 pages of %d CAs \(request ID R100\), '
                       r'more than an instance holds; check endpoint and proxy$' % page_size):
        list_ca_certificates(acs_client(url, KEYS), INSTANCE, page_size)
    assert endless_pages.requests == CA_LISTING.max_pages == 100


def test_an_answer_about_another_ca_is_refused(canned_server, acs_client):
    answer = {'RequestId': 'R5', 'Data': {'Sn': 'attacker-chosen', 'CaName': 'x'}}
    url = canned_server(200, 'application/json', json.dumps(answer).encode())
    with pytest.raises(ApsaraMQError, match=r"^GetCaCertificate answered with the CA of SN 'attacker-chosen' when SN '001' was asked \(request ID R5\)"):
        get_ca_certificate(acs_client(url, KEYS), INSTANCE, '001')


@pytest.mark.parametrize('action', sorted(REPEATABLE_WRITES))
def test_writes_are_posted_and_sent_again_after_a_5xx_only_when_carrying_them_out_twice_is_harmless(start_emulator, action, acs_client):
    server = start_emulator()
    server.inject(kind='unavailable')
    client = acs_client(server.url)
    with pytest.raises(OutcomeUnknownError if action == 'RegisterCaCertificate' else ApsaraMQError):
        write(client, action, {'MqttInstanceId': INSTANCE, 'Sn': 'x'})  # the second attempt's answer does not matter here
    log = server.requests_log()['requests']
    assert [(entry['action'], entry['method']) for entry in log] == [(action, 'POST')] * (1 if action == 'RegisterCaCertificate' else 2)


# --- device certificates ------------------------------------------------------------------------------

def _devices_of(emulator, count, list_total):
    """Fixtures whose instance holds ``count`` copies of a default device certificate, alternately of CA ca-a and ca-b."""
    fixtures = copy.deepcopy(emulator.fixtures)
    template = fixtures['instances'][INSTANCE]['device_certificates'][0]['data']
    fixtures['instances'][INSTANCE]['list_total'] = list_total
    fixtures['instances'][INSTANCE]['device_certificates'] = [
        {'data': dict(template, CaSn='ca-' + 'ab'[number % 2], DeviceSn='dev-%04d' % number)} for number in range(count)]
    return fixtures


@pytest.mark.parametrize('list_total', ['items', 'pages'])
@pytest.mark.parametrize('count, page_size', [(0, 100), (41, 7), (42, 7), (250, 100)])
def test_device_listings_read_every_page_in_api_order(start_emulator, emulator, acs_client, list_total, count, page_size):
    server = start_emulator(fixtures=_devices_of(emulator, count, list_total))
    for ca_sn in (None, 'ca-b'):
        for max_concurrency in (1, 4):
            server.reset()
            answers = list_device_certificates(acs_client(server.url, KEYS), INSTANCE, ca_sn, max_concurrency, page_size=page_size)
            listed = ['dev-%04d' % number for number in range(count) if ca_sn is None or 'ca-' + 'ab'[number % 2] == ca_sn]
            assert [data['DeviceSn'] for data, dummy in answers] == listed
            assert all(request_id for dummy, request_id in answers)
            log = server.requests_log()['requests']
            assert {entry['action'] for entry in log} == {'ListDeviceCertificateByCaSn' if ca_sn else 'ListDeviceCertificate'}
            assert {entry['code'] for entry in log} == {None}
            pages = len(listed) // page_size + 1
            assert pages <= len(log) <= pages + max_concurrency - 1


@pytest.mark.parametrize('ca_sn, count', [(None, 56), ('ca-b', 28)])
def test_a_device_listing_whose_total_is_right_sends_nothing_past_the_empty_page(start_emulator, emulator, acs_client, ca_sn, count):
    # 4 or 8 full pages of 7, then the empty page that ends the listing; the latency keeps any page asked for from being cancelled unsent
    server = start_emulator('--latency-ms', '20', fixtures=_devices_of(emulator, 56, 'items'))
    answers = list_device_certificates(acs_client(server.url, KEYS), INSTANCE, ca_sn, max_concurrency=4, page_size=7)
    assert len(answers) == count
    assert server.requests_log()['count'] == count // 7 + 1


def test_a_device_listing_keeps_only_what_the_filter_accepts(start_emulator, emulator, acs_client):
    server = start_emulator(fixtures=_devices_of(emulator, 30, 'items'))
    answers = list_device_certificates(acs_client(server.url, KEYS), INSTANCE, None, 4, keep=lambda data: data['DeviceSn'].endswith('7'),
                                       page_size=4)
    assert [data['DeviceSn'] for data, dummy in answers] == ['dev-0007', 'dev-0017', 'dev-0027']


def test_the_same_device_sn_under_two_cas_is_two_device_certificates_of_the_instance(start_emulator, emulator, acs_client):
    fixtures = _devices_of(emulator, 2, 'items')
    for entry in fixtures['instances'][INSTANCE]['device_certificates']:
        entry['data']['DeviceSn'] = 'shared'
    server = start_emulator(fixtures=fixtures)
    answers = list_device_certificates(acs_client(server.url, KEYS), INSTANCE, None, 4, page_size=1)
    assert [(data['CaSn'], data['DeviceSn']) for data, dummy in answers] == [('ca-a', 'shared'), ('ca-b', 'shared')]


@pytest.mark.parametrize('ca_sn, action', [(None, 'ListDeviceCertificate'), ('ca', 'ListDeviceCertificateByCaSn')])
@pytest.mark.parametrize('max_concurrency', [1, 4])
def test_a_device_listing_stops_when_the_server_ignores_page_no(canned_server, acs_client, ca_sn, action, max_concurrency):
    page = {'RequestId': 'R1', 'Data': {'Total': 1, 'DeviceCertificateVOS': [{'CaSn': 'ca', 'DeviceSn': 'same-%d' % number} for number in range(2)]}}
    url = canned_server(200, 'application/json', json.dumps(page).encode())
    with pytest.raises(ApsaraMQError, match=r'^%s answered pages 2 and 3 with device certificates of earlier pages only \(request ID R1\): '
                       r'the server ignores PageNo; check endpoint and proxy$' % action):
        list_device_certificates(acs_client(url, KEYS), INSTANCE, ca_sn, max_concurrency, page_size=2)


@pytest.mark.parametrize('ca_sn, listing', [(None, DEVICE_LISTING), ('ca', DEVICE_LISTING_BY_CA)])
def test_a_device_listing_that_never_ends_stops_after_max_pages_in_one_line(endless_pages, acs_client, ca_sn, listing):
    url = 'http://127.0.0.1:%d' % endless_pages.server_address[1]
    with pytest.raises(ApsaraMQError, match=r'^%s was still answering full pages after 10000 pages of 1 device certificates \(request ID R10000\), '
                       r'more than an instance holds; check endpoint and proxy$' % listing.action):
        list_device_certificates(acs_client(url, KEYS), INSTANCE, ca_sn, max_concurrency=4, page_size=1)
    assert endless_pages.requests == listing.max_pages == 10000


@pytest.mark.parametrize('body, message', [
    ({'RequestId': 'R2'}, r'^ListDeviceCertificate answered without a Data object \(request ID R2\)'),
    ({'RequestId': 'R3', 'Data': {'DeviceCertificateVOS': {'DeviceSn': 'x'}}},
     r'^ListDeviceCertificate answered with a DeviceCertificateVOS that is not a list of objects \(request ID R3\)$'),
    ({'RequestId': 'R4', 'Data': {'DeviceCertificateVOS': ['x']}},
     r'^ListDeviceCertificate answered with a DeviceCertificateVOS that is not a list of objects \(request ID R4\)$'),
])
def test_a_device_listing_refuses_answers_it_cannot_read(canned_server, acs_client, body, message):
    url = canned_server(200, 'application/json', json.dumps(body).encode())
    with pytest.raises(ApsaraMQError, match=message):
        list_device_certificates(acs_client(url, KEYS), INSTANCE, max_concurrency=4)


def test_get_device_certificate_returns_the_data_and_request_id(emulator, acs_client):
    data, request_id = get_device_certificate(acs_client(emulator.url, KEYS), INSTANCE, '00e0a1c0ffee000001', '00dec1ce0100000002')
    assert data == emulator.fixtures['instances'][INSTANCE]['device_certificates'][1]['data']
    assert len(request_id) == 36


@pytest.mark.parametrize('answered', [{'DeviceSn': 'attacker-chosen', 'CaSn': 'ca'}, {'CaSn': 'ca'}])
def test_an_answer_about_another_device_is_refused(canned_server, acs_client, answered):
    url = canned_server(200, 'application/json', json.dumps({'RequestId': 'R5', 'Data': answered}).encode())
    with pytest.raises(ApsaraMQError, match=r"^GetDeviceCertificate answered with the device certificate of SN %r when SN 'dev-1' was asked "
                       r"\(request ID R5\); check endpoint and proxy$" % answered.get('DeviceSn')):
        get_device_certificate(acs_client(url, KEYS), INSTANCE, 'ca', 'dev-1')


def test_get_device_certificate_without_data_is_refused(canned_server, acs_client):
    url = canned_server(200, 'application/json', b'{"RequestId": "R6", "Data": []}')
    with pytest.raises(ApsaraMQError, match=r'^GetDeviceCertificate answered without a Data object \(request ID R6\)'):
        get_device_certificate(acs_client(url, KEYS), INSTANCE, 'ca', 'dev-1')


def test_device_writes_name_the_ca_and_the_device_and_are_posted(start_emulator, acs_client):
    server = start_emulator()
    client = acs_client(server.url, KEYS)
    ca_sn, device_sn = '00e0a1c0ffee000001', '00dec1ce0100000001'
    set_device_status(client, INSTANCE, ca_sn, device_sn, False)
    assert get_device_certificate(client, INSTANCE, ca_sn, device_sn)[0]['Status'] == '0'
    set_device_status(client, INSTANCE, ca_sn, device_sn, True)
    assert get_device_certificate(client, INSTANCE, ca_sn, device_sn)[0]['Status'] == '1'
    delete_device_certificate(client, INSTANCE, ca_sn, device_sn)
    assert [(entry['action'], entry['method']) for entry in server.requests_log()['requests'] if entry['method'] == 'POST'] == [
        ('InactivateDeviceCertificate', 'POST'), ('ActiveDeviceCertificate', 'POST'), ('DeleteDeviceCertificate', 'POST')]
    with pytest.raises(ApsaraMQError, match='FindDeviceBySnError'):
        get_device_certificate(client, INSTANCE, ca_sn, device_sn)
