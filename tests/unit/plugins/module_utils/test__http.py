# Copyright (c) 2026 alibabacloud.apsaramq contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP layer: endpoints parsed, and on real sockets kept-alive connections, proxies (explicit, from the environment, tunnels), TLS set-up."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import concurrent.futures
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._signing import Credentials
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError
from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._http import HttpEndpoint, TransportError, parse_endpoint

KEYS = Credentials('emulator-access-key-id', 'emulator-access-key-secret', None, 'test')
INSTANCE = 'post-cn-emulator01'
LIST_ONE = {'MqttInstanceId': INSTANCE, 'PageNo': '1', 'PageSize': '1'}
# How much later than its timeout an attempt may end on a busy machine: the bound of a hang, not a speed target.
SLACK_SECONDS = 1.0


@pytest.mark.parametrize('endpoint, expected', [
    ('onsmqtt.cn-hangzhou.aliyuncs.com', ('https://onsmqtt.cn-hangzhou.aliyuncs.com', 'onsmqtt.cn-hangzhou.aliyuncs.com')),
    ('127.0.0.1:8443', ('https://127.0.0.1:8443', '127.0.0.1:8443')),
    ('http://127.0.0.1:8080', ('http://127.0.0.1:8080', '127.0.0.1:8080')),
    ('https://example.com/', ('https://example.com', 'example.com')),
    ('  http://[::1]:9000  ', ('http://[::1]:9000', '[::1]:9000')),
])
def test_parse_endpoint_accepts_host_host_port_and_urls(endpoint, expected):
    assert parse_endpoint(endpoint) == expected


@pytest.mark.parametrize('endpoint', [
    '', 'ftp://example.com', 'http://', 'example.com/path', 'https://example.com?x=1', 'example.com:99999', 'example.com:port',
    'user:pw@example.com', 'exa mple.com', 'http://example.com#frag', 'https://-bad-.com', 'http://127.0.0.1:', 'https://[::1]:', 'http://[::1',
    'http://[example.com]', 'example.com:0',
])
def test_parse_endpoint_refuses_anything_else_in_one_line(endpoint):
    with pytest.raises(ApsaraMQError, match=r"^endpoint .* is not a host, host:port or http\(s\)://host\[:port\] URL$"):
        parse_endpoint(endpoint)


@pytest.mark.parametrize('endpoint, shown', [
    ('https://user:pw-secret@example.com', 'https://***@example.com'), ('user:pw-secret@example.com:443', '***@example.com:443'),
    ('http://user:pw/secret@example.com', 'http://***@example.com'), ('https://user:pw-secret@[::1', 'https://***@[::1'),
])
def test_an_endpoint_with_user_info_is_refused_without_its_password(endpoint, shown):
    with pytest.raises(ApsaraMQError) as failure:
        parse_endpoint(endpoint)
    assert str(failure.value) == "endpoint '%s' is not a host, host:port or http(s)://host[:port] URL" % shown


class _KeepAlive(BaseHTTPRequestHandler):
    """HTTP/1.1 answers; logs the client port of every request (one port, one connection).

    With the server's ``hang_up`` set, it closes each connection after its answer without saying so, as an idle timeout does,
    and then releases ``hung_up``; with ``drop_second`` set, it reads the second request on a connection and closes it without an answer.
    """

    protocol_version = 'HTTP/1.1'

    def do_GET(self):  # pylint: disable=invalid-name
        self.server.ports.append(self.client_address[1])
        if self.server.drop_second and self.server.ports.count(self.client_address[1]) == 2:
            self.close_connection = True
            return
        body = b'{"RequestId": "R-KEEP"}'
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        if self.server.hang_up:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.close_connection = True
            self.server.hung_up.release()

    def log_message(self, *args):
        pass


@pytest.fixture
def keep_alive_server():
    servers = []

    def start(hang_up=False, drop_second=False):
        server = ThreadingHTTPServer(('127.0.0.1', 0), _KeepAlive)
        server.daemon_threads, server.ports, server.hang_up, server.drop_second = True, [], hang_up, drop_second
        server.hung_up = threading.Semaphore(0)
        server.url = 'http://127.0.0.1:%d' % server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def no_proxy_environment(monkeypatch):
    for name in ('HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _get(endpoint, what='GetCaCertificate'):
    return endpoint.request('GET', '/?Action=x', {}, what, 1024 * 1024)


def test_sequential_requests_reuse_one_connection(keep_alive_server, no_proxy_environment):
    server = keep_alive_server()
    endpoint = HttpEndpoint(server.url, timeout=5)
    answers = [_get(endpoint) for dummy in range(5)]
    assert [answer.body for answer in answers] == [b'{"RequestId": "R-KEEP"}'] * 5
    assert answers[0].headers.get('content-type') == 'application/json'  # any case
    assert len(server.ports) == 5 and len(set(server.ports)) == 1


def test_concurrent_callers_each_keep_a_connection_no_more(keep_alive_server, no_proxy_environment):
    server = keep_alive_server()
    endpoint = HttpEndpoint(server.url, timeout=5, max_connections=4)
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for dummy in range(3):
            assert len(list(pool.map(lambda dummy: _get(endpoint), range(40)))) == 40
    assert len(server.ports) == 120 and len(set(server.ports)) <= 4


def test_a_connection_the_server_closed_while_idle_is_replaced_without_a_failure(keep_alive_server, no_proxy_environment, acs_client):
    server = keep_alive_server(hang_up=True)
    client = acs_client(server.url, KEYS, retries=0)
    for dummy in range(3):
        assert client.call('ListCaCertificate', LIST_ONE) == {'RequestId': 'R-KEEP'}
        # Idle means closed before the next request: one closed as it goes out may have been read, and costs a retry.
        assert server.hung_up.acquire(timeout=5)
    assert client.attempts == 3 and client.retry_warnings == []
    assert len(set(server.ports)) == 3


def test_a_request_a_kept_alive_connection_dropped_is_not_sent_again_below_the_signer(keep_alive_server, no_proxy_environment):
    server = keep_alive_server(drop_second=True)
    endpoint = HttpEndpoint(server.url, timeout=5)
    assert _get(endpoint).status == 200
    with pytest.raises(TransportError) as failure:
        _get(endpoint)
    assert failure.value.retryable and failure.value.request_sent
    assert len(server.ports) == 2  # the dropped request went out once: sending it again is the signer's job, with a new nonce


def test_a_failed_connect_says_nothing_was_sent(no_proxy_environment):
    with pytest.raises(TransportError) as failure:
        _get(HttpEndpoint('http://127.0.0.1:9', timeout=5))  # the discard port: nothing listens there
    assert failure.value.retryable and not failure.value.request_sent


@pytest.mark.parametrize('algorithm', ['ACS3-HMAC-SHA256', 'HMAC-SHA1'])
def test_an_http_endpoint_through_an_explicit_proxy_with_credentials(emulator, forward_proxy, no_proxy_environment, algorithm, acs_client):
    proxy = forward_proxy.url.replace('http://', 'http://squid%20user:p%40ss@')
    client = acs_client(emulator.url, KEYS, signature_algorithm=algorithm, proxy=proxy)
    assert client.call('ListCaCertificate', LIST_ONE)['Data']
    method, target, authorization = forward_proxy.log[-1]
    assert method == 'GET' and target.startswith(emulator.url + '/?')
    assert authorization == 'Basic ' + base64.b64encode(b'squid user:p@ss').decode()


def test_an_https_endpoint_through_a_proxy_from_the_environment_is_tunnelled(start_emulator, forward_proxy, no_proxy_environment, tmp_path, acs_client):
    server = start_emulator('--tls-dir', str(tmp_path))
    no_proxy_environment.setenv('HTTPS_PROXY', forward_proxy.url)
    client = acs_client(server.url, KEYS, ca_bundle=str(server.ca_file))
    for dummy in range(2):
        assert client.call('ListCaCertificate', LIST_ONE)['Data']
    # One tunnel for both requests: the TLS connection inside it is kept alive.
    assert forward_proxy.log == [('CONNECT', server.host_port, None)]


def test_no_proxy_names_the_hosts_that_are_reached_directly(emulator, forward_proxy, no_proxy_environment, acs_client):
    no_proxy_environment.setenv('HTTP_PROXY', forward_proxy.url)
    no_proxy_environment.setenv('NO_PROXY', 'example.com,127.0.0.1')
    assert acs_client(emulator.url, KEYS).call('ListCaCertificate', LIST_ONE)['Data']
    assert forward_proxy.log == []
    no_proxy_environment.setenv('NO_PROXY', 'example.com')
    assert acs_client(emulator.url, KEYS).call('ListCaCertificate', LIST_ONE)['Data']
    assert [entry[0] for entry in forward_proxy.log] == ['GET']


def test_the_environment_proxy_is_not_used_when_the_caller_says_so(emulator, no_proxy_environment):
    no_proxy_environment.setenv('HTTP_PROXY', 'http://127.0.0.1:9')  # the discard port: nothing answers there
    assert _get(HttpEndpoint(emulator.url, timeout=5, environment_proxies=False)).status == 400  # unsigned, but answered


def test_a_proxy_that_will_not_open_a_tunnel_is_one_line_and_not_retried(start_emulator, forward_proxy, no_proxy_environment, tmp_path, acs_client):
    server = start_emulator('--tls-dir', str(tmp_path))
    server.stop()  # the proxy's CONNECT then fails: 502
    client = acs_client(server.url, KEYS, proxy=forward_proxy.url, ca_bundle=str(server.ca_file))
    with pytest.raises(ApsaraMQError, match=r'^The proxy http://127\.0\.0\.1:\d+ refused or failed the request to https://127\.0\.0\.1:\d+ '
                                            r'\(Tunnel connection failed: 502 .*\); check proxy and HTTPS_PROXY$'):
        client.call('ListCaCertificate', LIST_ONE)
    assert client.attempts == 1


def test_a_proxy_that_trickles_its_tunnel_answer_ends_within_the_timeout(emulator, forward_proxy, no_proxy_environment, acs_client):
    forward_proxy.trickle_connect = True
    client = acs_client(emulator.url.replace('http://', 'https://'), KEYS, proxy=forward_proxy.url, timeout=1, retries=0)
    started = time.monotonic()
    with pytest.raises(TransportError, match=r'^No answer from https://127\.0\.0\.1:\d+ to ListCaCertificate within 1 seconds; '):
        client.call('ListCaCertificate', LIST_ONE)
    assert time.monotonic() - started < 1 + SLACK_SECONDS


@pytest.mark.parametrize('proxy', ['https://proxy.example.com:3128', 'socks5://user:secret@proxy.example.com', 'http://proxy.example.com:port'])
def test_a_proxy_url_that_is_not_http_is_refused_without_its_password(proxy):
    with pytest.raises(ApsaraMQError, match=r'^proxy \S+ is not an http://host:port URL') as failure:
        HttpEndpoint('https://onsmqtt.cn-hangzhou.aliyuncs.com', timeout=5, proxy=proxy)
    assert 'secret' not in str(failure.value)


@pytest.mark.parametrize('proxy', ['http://user:pw-secret@[::1', 'http://user:pw-secret@proxy host:3128', 'http://user:pw/secret@proxy.example.com:3128',
                                   'http://proxy.example.com:0', 'http://user:pw-secret@proxy.example.com:'])
@pytest.mark.parametrize('source', ['option', 'environment'])
def test_a_proxy_url_that_cannot_be_parsed_is_one_line_without_its_password(no_proxy_environment, proxy, source):
    if source == 'environment':
        no_proxy_environment.setenv('HTTP_PROXY', proxy)
    with pytest.raises(ApsaraMQError, match=r'^proxy http://.* (\(from HTTPS_PROXY, HTTP_PROXY or ALL_PROXY\) )?is not an http://host:port URL') as failure:
        _get(HttpEndpoint('http://127.0.0.1:1', timeout=5, proxy=proxy if source == 'option' else None))
    assert 'pw' not in str(failure.value) and '\n' not in str(failure.value)
    assert ('(from HTTPS_PROXY' in str(failure.value)) == (source == 'environment')


def test_a_socks_proxy_from_the_environment_is_refused_saying_where_it_came_from(no_proxy_environment):
    no_proxy_environment.setenv('ALL_PROXY', 'socks5://user:secret@127.0.0.1:1080')
    with pytest.raises(ApsaraMQError, match=r'^proxy socks5://127\.0\.0\.1:1080 \(from HTTPS_PROXY, HTTP_PROXY or ALL_PROXY\) is not an http://'):
        HttpEndpoint('https://onsmqtt.cn-hangzhou.aliyuncs.com', timeout=5)


def test_an_unusable_ca_bundle_is_one_line(tmp_path):
    not_pem = tmp_path / 'not-a-bundle.pem'
    not_pem.write_text('hello\n')
    for path in (tmp_path / 'missing.pem', not_pem):
        with pytest.raises(ApsaraMQError, match=r'^ca_bundle %s cannot be used \(.*\); give a PEM file of CA certificates$' % path):
            HttpEndpoint('https://127.0.0.1:1', timeout=5, ca_bundle=str(path))


def test_https_to_a_plain_http_server_says_so_and_is_not_retried(emulator, no_proxy_environment, acs_client):
    client = acs_client(emulator.url.replace('http://', 'https://'), KEYS)
    with pytest.raises(TransportError, match=r'^TLS with https://127\.0\.0\.1:\d+ failed \(.*\); check that the endpoint speaks https'):
        client.call('ListCaCertificate', LIST_ONE)
    assert client.attempts == 1


def test_the_size_cap_is_the_callers(keep_alive_server, no_proxy_environment):
    endpoint = HttpEndpoint(keep_alive_server().url, timeout=5)
    with pytest.raises(ApsaraMQError, match=r'^the metadata service: http://127\.0\.0\.1:\d+ answered with 23 bytes, more than the 16 bytes an answer'):
        endpoint.request('GET', '/', {}, 'the metadata service', 16)
