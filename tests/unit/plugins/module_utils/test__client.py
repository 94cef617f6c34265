# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP client against the real emulator, and against a server of canned broken answers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import concurrent.futures
import json
import pathlib
import re
import socket
import time

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._client import USER_AGENT
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApiError, ApsaraMQError, NotFoundError, OutcomeUnknownError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._http import TransportError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._signing import Credentials

KEYS = Credentials('emulator-access-key-id', 'emulator-access-key-secret', None, 'test')
STS_KEYS = Credentials('STS.emulator-temporary-key-id', 'emulator-temporary-key-secret', 'emulator-security-token', 'test')
ALGORITHMS = ['ACS3-HMAC-SHA256', 'HMAC-SHA1']
INSTANCE = 'post-cn-emulator01'
# How much later than its timeout an attempt may end on a busy machine: the bound of a hang, not a speed target.
SLACK_SECONDS = 1.0


def test_a_proxy_that_refuses_is_named_without_its_password(emulator, monkeypatch, acs_client):
    proxy = 'http://user:pw-secret@127.0.0.1:%d' % _closed_port()
    with pytest.raises(ApsaraMQError, match=r'^The proxy http://127\.0\.0\.1:\d+ refused or failed the request to') as failure:
        acs_client(emulator.url, proxy=proxy).call('GetCaCertificate', {'Sn': 'x'})
    assert 'pw-secret' not in str(failure.value)


@pytest.mark.parametrize('algorithm', ALGORITHMS)
@pytest.mark.parametrize('credentials', [KEYS, STS_KEYS], ids=['permanent', 'sts'])
def test_signed_call_is_accepted(emulator, algorithm, credentials, acs_client):
    sn = emulator.fixtures['instances'][INSTANCE]['ca_certificates'][0]['data']['Sn']
    body = acs_client(emulator.url, credentials, algorithm).call('GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': sn})
    assert body['Data']['Sn'] == sn
    assert re.match(r'^[0-9A-F-]{36}$', body['RequestId'])


def test_every_request_gets_a_fresh_nonce_and_one_session(emulator, acs_client):
    emulator.reset()
    client = acs_client(emulator.url)
    for dummy in range(3):
        client.call('ListCaCertificate', {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '10'})
    nonces = [entry['nonce'] for entry in emulator.requests_log()['requests']]
    assert len(nonces) == 3 and len(set(nonces)) == 3


def test_user_agent_names_the_collection_and_the_version_of_galaxy_yml():
    galaxy_yml = pathlib.Path(__file__).resolve().parents[4] / 'galaxy.yml'
    version = re.search(r'^version: (\S+)$', galaxy_yml.read_text(), re.M).group(1)
    assert re.match(r'^alibabacloud\.apsaramq/%s \(ansible-core/[\w.]+; python/3\.\d+\.\d+\)$' % re.escape(version), USER_AGENT)


@pytest.mark.parametrize('algorithm', ALGORITHMS)
def test_api_error_carries_code_message_request_id_and_status(emulator, algorithm, acs_client):
    with pytest.raises(ApiError) as failure:
        acs_client(emulator.url, signature_algorithm=algorithm).call('GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': 'no-such-sn'})
    error = failure.value
    assert (error.code, error.http_status) == ('FindCaBySnError', 400)
    assert error.message == 'Failed to find the CA by the SN. Please check sn is valid.'
    assert error.request_id and error.request_id in str(error)
    assert str(error).startswith('GetCaCertificate failed: FindCaBySnError: Failed to find the CA by the SN.')


def test_wrong_secret_explains_the_likely_cause_without_the_secret(emulator, acs_client):
    wrong = KEYS._replace(access_key_secret='wrong-secret-value')
    with pytest.raises(ApiError) as failure:
        acs_client(emulator.url, wrong).call('GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': 'x'})
    assert failure.value.code == 'SignatureDoesNotMatch'
    assert 'Check access_key_secret' in str(failure.value)
    assert 'wrong-secret-value' not in str(failure.value)


def test_unknown_key_id(emulator, acs_client):
    with pytest.raises(ApiError) as failure:
        acs_client(emulator.url, KEYS._replace(access_key_id='nobody')).call('GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': 'x'})
    assert failure.value.code == 'InvalidAccessKeyId.NotFound'
    assert 'Check access_key_id' in str(failure.value)


def test_temporary_keys_without_their_token_are_refused(emulator, acs_client):
    with pytest.raises(ApiError) as failure:
        acs_client(emulator.url, STS_KEYS._replace(security_token='forged')).call('GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': 'x'})
    assert failure.value.code.startswith('InvalidSecurityToken')
    assert 'forged' not in str(failure.value)


@pytest.fixture
def tls_emulator(start_emulator, tmp_path):
    server = start_emulator('--tls-dir', str(tmp_path))
    return server, str(tmp_path / 'ca.pem')


def test_tls_endpoint_verifies_with_ca_bundle(tls_emulator, acs_client):
    server, ca_pem = tls_emulator
    assert server.url.startswith('https://')
    body = acs_client(server.url, ca_bundle=ca_pem).call('ListCaCertificate', {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '1'})
    assert len(body['Data']['CaCertificateVOS']) == 1


def test_tls_endpoint_with_an_untrusted_certificate_fails_clearly(tls_emulator, acs_client):
    server = tls_emulator[0]
    expected = r'^TLS verification of https://127\.0\.0\.1:\d+ failed \(.*\); check the endpoint, or trust its CA with ca_bundle$'
    with pytest.raises(ApsaraMQError, match=expected):
        acs_client(server.url).call('ListCaCertificate', {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '1'})


def test_tls_verification_can_be_turned_off(tls_emulator, acs_client):
    server = tls_emulator[0]
    body = acs_client(server.url, validate_certs=False).call('ListCaCertificate', {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '1'})
    assert body['Data']['PageNo'] in (1, '1')


def _closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_connection_refused_is_one_line(acs_client):
    with pytest.raises(ApsaraMQError, match=r'^Could not connect to http://127\.0\.0\.1:\d+ \(.*\); check region or endpoint'):
        acs_client('http://127.0.0.1:%d' % _closed_port(), retries=0).call('GetCaCertificate', {'Sn': 'x'})


def test_explicit_proxy_is_used_and_beats_the_environment(emulator, monkeypatch, acs_client):
    monkeypatch.setenv('HTTP_PROXY', 'http://127.0.0.1:%d' % _closed_port())
    monkeypatch.setenv('NO_PROXY', '')
    explicit = 'http://127.0.0.1:%d' % _closed_port()
    with pytest.raises(ApsaraMQError, match=r'^The proxy %s refused or failed the request to' % re.escape(explicit)):
        acs_client(emulator.url, proxy=explicit).call('GetCaCertificate', {'Sn': 'x'})


@pytest.mark.parametrize('status, content_type, body, expected', [
    (502, 'text/html', b'<html><body><h1>502 Bad Gateway</h1></body></html>',
     r'HTTP 502 with text/html instead of a JSON object \(.<html><body><h1>502 Bad Gateway'),
    (200, 'application/json', b'{"RequestId": "R1", "Data": {"Sn": "00', r'HTTP 200 with application/json instead of a JSON object'),
    (200, 'application/json', b'', r"HTTP 200 with application/json instead of a JSON object \('an empty body'"),
    (200, 'application/json', b'["not", "an", "object"]', r'instead of a JSON object'),
])
def test_unreadable_answers_are_one_line_failures(canned_server, status, content_type, body, expected, acs_client):
    url = canned_server(status, content_type, body)
    with pytest.raises(ApsaraMQError) as failure:
        acs_client(url, retries=0).call('GetCaCertificate', {'Sn': 'x'})
    assert re.search(expected, str(failure.value))
    assert '\n' not in str(failure.value)


@pytest.mark.parametrize('body', [b'[' * 100000 + b']' * 100000, b'{"RequestId": ' * 100000], ids=['lists', 'objects'])
def test_a_json_answer_nested_too_deeply_is_one_line(canned_server, body, acs_client):
    with pytest.raises(ApsaraMQError, match=r"^GetCaCertificate: http://127\.0\.0\.1:\d+ answered HTTP 200 with application/json instead of a JSON object"):
        acs_client(canned_server(200, 'application/json', body), retries=0).call('GetCaCertificate', {'Sn': 'x'})


@pytest.mark.parametrize('status, location, shown', [
    (302, 'https://user:pw-secret@login.example.com/next', ' redirecting to https://login.example.com/next'),
    (301, '/elsewhere', ' redirecting to /elsewhere'),
    (304, None, ''),
])
def test_a_redirect_is_no_answer_even_with_a_json_body_and_is_not_retried(canned_server, status, location, shown, acs_client):
    body = b'{"RequestId": "R-MOVED", "Data": {"Sn": "x"}}'
    client = acs_client(canned_server(status, 'application/json', body, headers={'Location': location} if location else None))
    with pytest.raises(ApsaraMQError) as failure:
        client.call('GetCaCertificate', {'Sn': 'x'})
    assert re.fullmatch(r'GetCaCertificate: http://127\.0\.0\.1:\d+ answered HTTP %d%s instead of an answer of the API '
                        r'\(request ID none\); check endpoint and proxy' % (status, re.escape(shown)), str(failure.value))
    assert client.attempts == 1


def test_body_cut_off_before_its_declared_length(canned_server, acs_client):
    url = canned_server(200, 'application/json', b'{"RequestId": "R1", "Da', declared_length=500)
    expected = r'^The answer of http://127\.0\.0\.1:\d+ to GetCaCertificate broke off before its end \(.*\); check network access and proxy$'
    with pytest.raises(ApsaraMQError, match=expected):
        acs_client(url, timeout=5, retries=0).call('GetCaCertificate', {'Sn': 'x'})


@pytest.mark.parametrize('stall', ['before headers', 'in the body'])
def test_no_answer_within_timeout(canned_server, stall, acs_client):
    url = canned_server(200, 'application/json', b'{"Reque', declared_length=100, stall=stall)
    with pytest.raises(ApsaraMQError, match=r'^No answer from http://127\.0\.0\.1:\d+ to GetCaCertificate within 0\.5 seconds'):
        acs_client(url, timeout=0.5, retries=0).call('GetCaCertificate', {'Sn': 'x'})


@pytest.mark.parametrize('tls', [False, True], ids=['http', 'https'])
@pytest.mark.parametrize('trickle', ['headers', 'body'])
def test_an_answer_trickled_byte_by_byte_ends_within_the_timeout(canned_server, trickle, tls, acs_client):
    url = canned_server(200, 'application/json', b'{"RequestId": "R-SLOW", "Data": "' + b'x' * 60 + b'"}', trickle=trickle, tls=tls)
    client = acs_client(url, timeout=1, retries=0, validate_certs=False)
    started = time.monotonic()
    with pytest.raises(TransportError, match=r'^No answer from https?://127\.0\.0\.1:\d+ to GetCaCertificate within 1 seconds; ') as failure:
        client.call('GetCaCertificate', {'Sn': 'x'})
    assert time.monotonic() - started < 1 + SLACK_SECONDS
    assert failure.value.retryable and failure.value.request_sent


def _error_answer(code, message='whatever'):
    return json.dumps({'RequestId': 'R-CANNED', 'Code': code, 'Message': message}).encode()


def test_an_error_code_that_is_not_retryable_is_not_retried_whatever_its_http_status(canned_server, acs_client):
    client = acs_client(canned_server(500, 'application/json', _error_answer('FindCaBySnError')))
    with pytest.raises(ApiError, match=r'^GetCaCertificate failed: FindCaBySnError: whatever \(request ID R-CANNED, HTTP 500\)$'):
        client.call('GetCaCertificate', {'Sn': 'x'})
    assert client.attempts == 1 and client.retry_warnings == []


def test_the_server_retry_after_is_honoured(start_emulator, acs_client):
    server = start_emulator()
    server.inject(kind='throttling', retry_after_ms=800)
    client = acs_client(server.url)
    started = time.monotonic()
    client.call('ListCaCertificate', {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '1'})
    assert 0.8 <= time.monotonic() - started < 3
    assert client.attempts == 2
    assert client.retry_warnings[0].startswith('ListCaCertificate: retry 1 of at most 5 in 0.8 s after: ListCaCertificate failed: Throttling.User')


def test_concurrent_calls_share_one_tally(start_emulator, acs_client):
    server = start_emulator()
    server.inject(kind='overflow', count=8, retry_after_ms=10)
    client = acs_client(server.url)
    params = {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '1'}
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda dummy: client.call('ListCaCertificate', params), range(24)))
    assert len(answers) == 24
    assert client.attempts == 32 and len(client.retry_warnings) == 8
    nonces = [entry['nonce'] for entry in server.requests_log()['requests']]
    assert len(nonces) == 32 and len(set(nonces)) == 32


def test_dropped_kept_alive_connections_are_retried_signed_afresh_and_counted(start_emulator, acs_client):
    server = start_emulator()
    server.inject(random_percent=50, random_kinds=['drop'], seed=1)
    client = acs_client(server.url)
    sns = [entry['data']['Sn'] for entry in server.fixtures['instances'][INSTANCE]['ca_certificates'][:4]]
    assert [client.call('GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': sn})['Data']['Sn'] for sn in sns] == sns
    log = server.requests_log()
    nonces = [entry['nonce'] for entry in log['requests']]
    assert [entry['fault'] for entry in log['requests']].count('drop') > 0  # the seed makes some drops hit kept-alive connections
    assert client.attempts == log['count'] == len(set(nonces))
    assert len(client.retry_warnings) == log['count'] - len(sns)


def test_expired_timestamp_explains_clock_skew(canned_server, acs_client):
    client = acs_client(canned_server(400, 'application/json', _error_answer('InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.')))
    with pytest.raises(ApiError, match=r'Check the clock of the host that runs the module: the service accepts requests within 15 minutes'):
        client.call('GetCaCertificate', {'Sn': 'x'})
    assert client.attempts == 1


@pytest.mark.parametrize('declared_length', [None, 11 * 1024 * 1024, 'no Content-Length header'], ids=['honest', 'announced', 'undeclared'])
def test_an_answer_over_10_mib_is_refused(canned_server, declared_length, acs_client):
    body = b'{"RequestId": "R1", "Data": "' + b'x' * (10 * 1024 * 1024) + b'"}'
    client = acs_client(canned_server(200, 'application/json', body, declared_length=declared_length), timeout=30)
    with pytest.raises(ApsaraMQError, match=r'^GetCaCertificate: http://127\.0\.0\.1:\d+ answered with .* bytes, more than the 10 MiB an answer'):
        client.call('GetCaCertificate', {'Sn': 'x'})
    assert client.attempts == 1


# Writes: what is sent again after a failure, and what is not

def _first_sn(server):
    return server.fixtures['instances'][INSTANCE]['ca_certificates'][0]['data']['Sn']


@pytest.mark.parametrize('algorithm', ALGORITHMS)
def test_a_call_by_post_is_signed_for_post_with_its_parameters_in_the_query(emulator, algorithm, acs_client):
    sn = _first_sn(emulator)
    body = acs_client(emulator.url, signature_algorithm=algorithm).call('GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': sn}, method='POST')
    assert body['Data']['Sn'] == sn


@pytest.mark.parametrize('fault', ['unavailable', 'drop', 'html', 'stall'])
def test_a_call_that_must_not_be_repeated_is_not_sent_again_when_it_may_have_been_carried_out(start_emulator, fault, acs_client):
    server = start_emulator()
    server.inject(kind=fault, stall_seconds=3)
    client = acs_client(server.url, timeout=1)
    with pytest.raises(OutcomeUnknownError, match=r'; whether the service carried GetCaCertificate out is unknown, and it was not sent again, '
                                                  r'as carrying it out twice is not harmless$') as failure:
        client.call('GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': _first_sn(server)}, method='POST', repeatable=False)
    assert failure.value.cause.retryable and '\n' not in str(failure.value)
    assert client.attempts == server.requests_log()['count'] == 1 and client.retry_warnings == []


@pytest.mark.parametrize('fault', ['throttling', 'overflow'])
def test_a_call_that_must_not_be_repeated_is_sent_again_after_throttling(start_emulator, fault, acs_client):
    server = start_emulator()
    server.inject(kind=fault, count=2, retry_after_ms=10)
    client = acs_client(server.url)
    assert client.call('GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': _first_sn(server)}, method='POST', repeatable=False)['Data']
    assert client.attempts == server.requests_log()['count'] == 3 and len(client.retry_warnings) == 2


def test_a_call_that_must_not_be_repeated_is_sent_again_when_nothing_was_sent(acs_client):
    client = acs_client('http://127.0.0.1:%d' % _closed_port(), retries=1)
    with pytest.raises(TransportError, match=r'^Could not connect to .*; gave up after 2 attempts$') as failure:
        client.call('GetCaCertificate', {'Sn': 'x'}, method='POST', repeatable=False)
    assert failure.value.not_carried_out and client.attempts == 2


def test_not_found_is_its_own_error_class_whatever_the_http_status(emulator, canned_server, acs_client):
    with pytest.raises(NotFoundError, match=r'^GetCaCertificate failed: FindCaBySnError: .* HTTP 400\)$'):
        acs_client(emulator.url).call('GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': 'no-such-sn'})
    with pytest.raises(NotFoundError, match=r'^GetCaCertificate failed: FindDeviceBySnError: whatever \(request ID R-CANNED, HTTP 500\)$'):
        acs_client(canned_server(500, 'application/json', _error_answer('FindDeviceBySnError'))).call('GetCaCertificate', {'Sn': 'x'})
    with pytest.raises(ApiError) as failure:
        acs_client(emulator.url, not_found_codes=()).call('GetCaCertificate', {'MqttInstanceId': INSTANCE, 'Sn': 'no-such-sn'})
    assert type(failure.value) is ApiError  # pylint: disable=unidiomatic-typecheck


# A 2xx answer to a write that cannot be read: the write may have been carried out

CUT_ANSWERS = [b'{"RequestId": "R-CUT", "Sn": "00', b'["not", "an", "object"]', b'']


@pytest.mark.parametrize('body', CUT_ANSWERS, ids=['cut', 'not an object', 'empty'])
def test_an_unreadable_2xx_answer_to_a_repeatable_write_is_an_unknown_outcome_sent_again(canned_server, body, acs_client):
    client = acs_client(canned_server(200, 'application/json', body), retries=2)
    with pytest.raises(ApsaraMQError) as failure:
        client.call('InactivateCaCertificate', {'Sn': 'x'}, method='POST', repeatable=True)
    assert re.fullmatch(r'InactivateCaCertificate: http://127\.0\.0\.1:\d+ answered HTTP 200, but the answer could not be read \(application/json, '
                        r'not a JSON object: .*; request ID none\): the service may have carried InactivateCaCertificate out; gave up after 3 attempts',
                        str(failure.value)), str(failure.value)
    assert 'check endpoint and region' not in str(failure.value)
    assert client.attempts == 3 and len(client.retry_warnings) == 2


@pytest.mark.parametrize('body', CUT_ANSWERS, ids=['cut', 'not an object', 'empty'])
def test_an_unreadable_2xx_answer_to_a_write_that_must_not_be_repeated_is_an_unknown_outcome_not_sent_again(canned_server, body, acs_client):
    client = acs_client(canned_server(200, 'application/json', body))
    with pytest.raises(OutcomeUnknownError, match=r'answered HTTP 200, but the answer could not be read .*: the service may have carried '
                                                  r'RegisterCaCertificate out; whether the service carried RegisterCaCertificate out is unknown'):
        client.call('RegisterCaCertificate', {'CaName': 'x'}, method='POST', repeatable=False)
    assert client.attempts == 1


def test_an_unreadable_2xx_answer_to_a_read_is_not_retried_and_says_check_endpoint_and_region(canned_server, acs_client):
    client = acs_client(canned_server(200, 'application/json', CUT_ANSWERS[0]))
    with pytest.raises(ApsaraMQError, match=r'instead of a JSON object .*; check endpoint and region$'):
        client.call('GetCaCertificate', {'Sn': 'x'})
    assert client.attempts == 1
