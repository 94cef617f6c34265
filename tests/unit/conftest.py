# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""Fixtures shared by all unit tests: the onsmqtt emulator (tests/emulator/) running as a real subprocess, a server of canned
broken answers, and a forward proxy."""

import datetime
import functools
import http.client
import json
import os
import pathlib
import queue
import select
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

EMULATOR_SCRIPT = pathlib.Path(__file__).resolve().parent.parent / 'emulator' / 'onsmqtt_emulator.py'
STARTUP_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 10
LISTENING_PREFIX = 'listening on '
NO_CONTENT_LENGTH = 'no Content-Length header'
TRICKLE_SECONDS_PER_BYTE = 0.2


class RunningEmulator:
    """One emulator process: where it listens, the data it serves, and its control interface."""

    def __init__(self, process, url, fixtures, log_file, ca_file=None):
        self.process = process
        self.url = url  # http://127.0.0.1:PORT (https:// in TLS mode)
        self.host_port = url.split('://', 1)[1]  # 127.0.0.1:PORT, e.g. the SDK's endpoint
        self.port = int(self.host_port.rsplit(':', 1)[1])
        self.fixtures = fixtures  # the parsed fixture document the emulator serves
        self.log_file = log_file  # the emulator's stderr
        self.ca_file = ca_file  # TLS mode: the CA to trust (DIR/ca.pem)

    def requests_log(self):
        """{"count": N, "requests": [{"action", "method", "algorithm", "access_key_id", "nonce", "status", "code", "fault", "metadata_token",
        "rate_limited", "time"}, ...]}"""
        return self._control('GET', 'requests')

    def reset(self):
        """Forgets the logged requests and the nonces seen, and puts the fault and metadata settings back to the command line's."""
        return self._control('POST', 'reset')

    def inject(self, **settings):
        """POST /_emulator/faults, e.g. inject(kind='throttling', count=3), inject(latency_ms=50) or inject(max_requests_per_second=10)
        (the rate limit); returns the settings now."""
        return self._control('POST', 'faults', settings)

    def connect(self, instance_id, certificate):
        """POST /_emulator/connect: a device connects with ``certificate`` (PEM); {"connected", "registered", "reason", "device"}."""
        return self._control('POST', 'connect', {'instance_id': instance_id, 'certificate': certificate})

    def listing_hook(self, action, page, **hook):
        """POST /_emulator/listing-hooks: once, just before the emulator reads page ``page`` of the listing ``action`` off its state,
        make the hook's changes: ``register=[PEM, ...]`` (the broker registers them; ``position=N`` puts them at that place of the
        listing order, 0 first, instead of last), ``delete_devices=[(CaSn, DeviceSn), ...]``, ``delete_ca=SN`` (with its device
        certificates); ``instance_id=``, ``ca_sn=`` (ListDeviceCertificateByCaSn) narrow the listings it waits for, ``occurrence=N``
        waits for the N-th request of that page (default 1).
        Returns {"pending": [...], "fired": [...]}, as listing_hooks() does."""
        return self._control('POST', 'listing-hooks', dict(hook, action=action, page=page))

    def listing_hooks(self):
        """GET /_emulator/listing-hooks: {"pending": [hook, ...], "fired": [hook with what it did, ...]}."""
        return self._control('GET', 'listing-hooks')

    def metadata(self, **settings):
        """POST /_emulator/metadata, e.g. metadata(mode='required') or metadata(role=None); returns {"mode", "role"} now."""
        return self._control('POST', 'metadata', settings)

    def crl(self, ca_sn, stale=False):
        """GET /_emulator/crl/<ca_sn>: the CRL (cryptography's CertificateRevocationList) the default CA of that SN signs, revoking the
        device certificates the fixtures mark `revoked_at` and those revoke() added; `stale`: one whose nextUpdate has passed."""
        with self._open('GET', f'crl/{ca_sn}?format=der' + ('&stale=1' if stale else '')) as response:
            return x509.load_der_x509_crl(response.read())

    def revoke(self, ca_sn, *device_sns):
        """POST /_emulator/crl/<ca_sn>: the CA revokes these device certificates now; {"instance_id", "ca_sn", "revoked": [...]}."""
        return self._control('POST', f'crl/{ca_sn}', {'revoke': list(device_sns)})

    def log_text(self):
        return self.log_file.read_text(encoding='utf-8')

    def stop(self):
        """Terminates the emulator (if still running) and returns its exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.process.stdin.close()
        return self.process.returncode

    def _control(self, method, name, body=None):
        with self._open(method, name, body) as response:
            return json.load(response)

    def _open(self, method, name, body=None):
        context = ssl.create_default_context(cafile=str(self.ca_file)) if self.ca_file else None
        # No proxy, whatever the environment says: the emulator is local.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
        data = json.dumps(body).encode() if body is not None else b'' if method == 'POST' else None
        request = urllib.request.Request(f'{self.url}/_emulator/{name}', data=data, method=method)
        return opener.open(request, timeout=10)


def _await_listening_url(process, log_file):
    lines = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=STARTUP_TIMEOUT_SECONDS)
    except queue.Empty:
        line = ''
    if not line.startswith(LISTENING_PREFIX):
        process.kill()
        process.wait()
        pytest.fail(f'the emulator did not start; stdout: {line!r}; stderr: {log_file.read_text(encoding="utf-8")[-2000:]}')
    return line[len(LISTENING_PREFIX):].strip()


def _launch(fixtures_path, work_dir, extra_args):
    log_file = work_dir / 'emulator.stderr.log'
    command = [sys.executable, str(EMULATOR_SCRIPT), '--port', '0', '--fixtures', str(fixtures_path), '--stop-on-stdin-eof', *map(str, extra_args)]
    with open(log_file, 'w', encoding='utf-8') as log_stream:
        # The emulator stops when this pipe closes: also when a forked pytest worker exits without teardown.
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log_stream, text=True)  # pylint: disable=consider-using-with
    url = _await_listening_url(process, log_file)
    fixtures = json.loads(pathlib.Path(fixtures_path).read_text(encoding='utf-8'))
    tls_dir = extra_args[extra_args.index('--tls-dir') + 1] if '--tls-dir' in extra_args else None
    return RunningEmulator(process, url, fixtures, log_file, pathlib.Path(tls_dir) / 'ca.pem' if tls_dir else None)


@pytest.fixture(scope='session')
def emulator_command():
    """The command that runs the emulator script, for tests that run it their own way."""
    return [sys.executable, str(EMULATOR_SCRIPT)]


@pytest.fixture(scope='session')
def emulator_fixtures_path(tmp_path_factory, emulator_command):
    """A default fixture file generated once per session (`--write-fixtures`)."""
    path = tmp_path_factory.mktemp('emulator-fixtures') / 'fixtures.json'
    subprocess.run([*emulator_command, '--write-fixtures', str(path)], check=True, timeout=STARTUP_TIMEOUT_SECONDS)
    return path


# A fleet: the default fixtures and FLEET_DEVICES more device certificates (three pages of 100 with the seven defaults), and
# FLEET_SPARES more spares, for listings that shift under registrations and deletions (RunningEmulator.listing_hook).
FLEET_DEVICES, FLEET_SPARES = 250, 10


@pytest.fixture(scope='session')
def moving_fleet_fixtures_path(tmp_path_factory, emulator_command):
    """A fixture file with a fleet (FLEET_DEVICES, FLEET_SPARES), generated once per session. (Not fleet_fixtures_path: the module
    tests' factory of that name would shadow it, also for fleet_emulator.)"""
    path = tmp_path_factory.mktemp('emulator-fleet-fixtures') / 'fixtures.json'
    subprocess.run([*emulator_command, '--write-fixtures', str(path), '--device-certificates', str(FLEET_DEVICES),
                    '--spare-device-certificates', str(FLEET_SPARES)], check=True, timeout=STARTUP_TIMEOUT_SECONDS)
    return path


@pytest.fixture(scope='session')
def fleet_emulator(moving_fleet_fixtures_path, tmp_path_factory):
    """The emulator serving the fleet over plain HTTP; tests that move the fleet reset it before and after."""
    running = _launch(moving_fleet_fixtures_path, tmp_path_factory.mktemp('emulator-fleet'), [])
    yield running
    running.stop()


@pytest.fixture(scope='session')
def emulator(emulator_fixtures_path, tmp_path_factory):
    """The emulator serving the session's default fixtures over plain HTTP."""
    running = _launch(emulator_fixtures_path, tmp_path_factory.mktemp('emulator'), [])
    yield running
    running.stop()


@pytest.fixture(scope='session')
def sdk_verified_emulator(emulator_fixtures_path, tmp_path_factory):
    """Like `emulator`, but every signature must also match the official SDK's (`--signature-verifier sdk`)."""
    running = _launch(emulator_fixtures_path, tmp_path_factory.mktemp('emulator-sdk'), ['--signature-verifier', 'sdk'])
    yield running
    running.stop()


@pytest.fixture
def start_emulator(emulator_fixtures_path, tmp_path_factory):
    """Factory: start_emulator(*extra_args, fixtures=None) -> RunningEmulator, stopped at teardown.

    `fixtures` is a fixture file path, a fixture document (dict) to serve, or None for the session's defaults.
    """
    started = []

    def start(*extra_args, fixtures=None):
        work_dir = tmp_path_factory.mktemp('emulator-started')
        if isinstance(fixtures, dict):
            fixtures_path = work_dir / 'fixtures.json'
            fixtures_path.write_text(json.dumps(fixtures), encoding='utf-8')
        else:
            fixtures_path = fixtures or emulator_fixtures_path
        started.append(_launch(fixtures_path, work_dir, list(extra_args)))
        return started[-1]

    yield start
    for running in started:
        running.stop()


class _Trickled:
    """A server's output stream that sends one byte per TRICKLE_SECONDS_PER_BYTE, as a hostile or choked server does."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, data):
        try:
            for index in range(len(data)):
                self._stream.write(data[index:index + 1])
                self._stream.flush()
                time.sleep(TRICKLE_SECONDS_PER_BYTE)
        except OSError:  # the client gave up: what a trickle is for
            pass
        return len(data)

    def __getattr__(self, name):
        return getattr(self._stream, name)


class _CannedAnswer(BaseHTTPRequestHandler):
    """Answers every request with the server's canned status, headers and body; the body may lie about its length."""

    def do_GET(self):  # pylint: disable=invalid-name
        status, content_type, body, declared_length = self.server.canned
        if self.server.stall == 'before headers':
            threading.Event().wait(3)
        if self.server.trickle == 'headers':
            self.wfile = _Trickled(self.wfile)
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        for name, value in self.server.extra_headers.items():
            self.send_header(name, value)
        if declared_length != NO_CONTENT_LENGTH:  # without it, the body ends when the connection closes (HTTP/1.0)
            self.send_header('Content-Length', str(declared_length if declared_length is not None else len(body)))
        self.end_headers()
        if self.server.trickle == 'body':
            self.wfile = _Trickled(self.wfile)
        self.wfile.write(body)
        if self.server.stall == 'in the body':
            self.wfile.flush()
            threading.Event().wait(3)

    do_POST = do_GET  # pylint: disable=invalid-name  # writes get the same canned answer

    def log_message(self, *args):
        pass


@functools.lru_cache(maxsize=None)
def _self_signed_tls_context(directory):
    """A server SSLContext with a throwaway self-signed certificate for 127.0.0.1 (clients skip verification)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, '127.0.0.1')])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
                   .sign(key, hashes.SHA256()))
    chain = pathlib.Path(directory) / 'canned-server.pem'
    chain.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
                      + certificate.public_bytes(serialization.Encoding.PEM))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(chain))
    return context


@pytest.fixture
def canned_server(tmp_path_factory):
    """Factory: start(status, content_type, body, declared_length=None, stall=None, trickle=None, headers=None, tls=False) -> URL
    of a server that answers every GET and POST alike; for the broken answers the emulator does not give (HTML pages, cut bodies, stalls).
    declared_length=NO_CONTENT_LENGTH sends no Content-Length header; trickle='headers' or 'body' sends that and what follows
    one byte per TRICKLE_SECONDS_PER_BYTE; headers: more headers to send; tls: https with a self-signed certificate."""
    servers = []

    def start(status, content_type, body, declared_length=None, stall=None, trickle=None, headers=None, tls=False):
        server = ThreadingHTTPServer(('127.0.0.1', 0), _CannedAnswer)
        server.canned, server.stall, server.daemon_threads = (status, content_type, body, declared_length), stall, True
        server.trickle, server.extra_headers = trickle, headers or {}
        if tls:
            context = _self_signed_tls_context(str(tmp_path_factory.getbasetemp()))
            server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return '%s://127.0.0.1:%d' % ('https' if tls else 'http', server.server_address[1])

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class _MeddlingProxy(BaseHTTPRequestHandler):
    """A reverse proxy in front of a server (the emulator): each request goes there as it came, Host and signature
    untouched, and the server's ``meddle(action, status, body)`` -> ``(status, body)`` decides the answer the client gets."""

    protocol_version = 'HTTP/1.1'

    def do_GET(self):  # pylint: disable=invalid-name
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        action = self.headers.get('x-acs-action') or query.get('Action', [None])[0]
        upstream = http.client.HTTPConnection(self.server.upstream_host, self.server.upstream_port, timeout=30)
        headers = {name: value for name, value in self.headers.items() if name.lower() != 'connection'}
        upstream.request(self.command, self.path, body=self.rfile.read(int(self.headers.get('Content-Length') or 0)), headers=headers)
        answer = upstream.getresponse()
        status, body = self.server.meddle(action, answer.status, answer.read())
        upstream.close()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json;charset=utf-8')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET  # pylint: disable=invalid-name

    def log_message(self, *args):
        pass


@pytest.fixture
def meddling_proxy():
    """Factory: meddling_proxy(upstream_url, action, answer, times=None) -> the URL of a reverse proxy in front of
    ``upstream_url`` (http, the emulator): every request reaches it as sent, and the answers to ``action`` (the first
    ``times`` of them; all with None) become ``answer(the upstream's JSON body) -> (status, body bytes)``, e.g. a cut
    body, or another SN, after the emulator carried a write out. For hostile answers among real ones."""
    servers = []

    def start(upstream_url, action, answer, times=None):
        left = [times]

        def meddle(asked, status, body):
            if asked != action or left[0] == 0:
                return status, body
            if left[0] is not None:
                left[0] -= 1
            return answer(json.loads(body))

        server = ThreadingHTTPServer(('127.0.0.1', 0), _MeddlingProxy)
        target = urllib.parse.urlsplit(upstream_url)
        server.upstream_host, server.upstream_port, server.meddle, server.daemon_threads = target.hostname, target.port, meddle, True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return 'http://127.0.0.1:%d' % server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class _ForwardProxy(BaseHTTPRequestHandler):
    """A forward proxy: GET with an absolute URL is passed on, CONNECT opens a tunnel; each request is logged."""

    protocol_version = 'HTTP/1.1'

    def do_GET(self):  # pylint: disable=invalid-name
        self._log()
        target = urllib.parse.urlsplit(self.path)
        upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
        headers = {name: value for name, value in self.headers.items() if name.lower() not in ('proxy-authorization', 'connection')}
        upstream.request('GET', target.path + ('?' + target.query if target.query else ''), headers=headers)
        answer = upstream.getresponse()
        body = answer.read()
        upstream.close()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ('connection', 'transfer-encoding', 'content-length', 'server', 'date'):
                self.send_header(name, value)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self):  # pylint: disable=invalid-name
        self._log()
        host, port = self.path.rsplit(':', 1)
        try:
            upstream = socket.create_connection((host, int(port)), timeout=10)
        except OSError:
            self.send_error(502)
            return
        if self.server.trickle_connect:
            self.wfile = _Trickled(self.wfile)
        self.send_response(200, 'Connection established')
        self.end_headers()
        self.close_connection = True
        sockets = [self.connection, upstream]
        with upstream:
            while True:
                readable = select.select(sockets, [], [], 10)[0]
                if not readable:
                    return
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is self.connection else self.connection).sendall(data)

    def _log(self):
        self.server.log.append((self.command, self.path, self.headers.get('Proxy-Authorization')))

    def log_message(self, *args):
        pass


@pytest.fixture
def forward_proxy():
    """A proxy on loopback: .url, and .log, one (method, target, Proxy-Authorization) per request it got.

    Set .trickle_connect to answer CONNECT one byte per TRICKLE_SECONDS_PER_BYTE."""
    server = ThreadingHTTPServer(('127.0.0.1', 0), _ForwardProxy)
    server.daemon_threads, server.log, server.trickle_connect = True, [], False
    server.url = 'http://127.0.0.1:%d' % server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope='session')
def emulator_keys():
    """The emulator's default access key (see tests/emulator/README.md), as the client signs with it."""
    from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._signing import Credentials
    return Credentials('emulator-access-key-id', 'emulator-access-key-secret', None, 'the emulator')


@pytest.fixture
def acs_client(emulator_keys):
    """Factory: acs_client(endpoint, credentials=emulator_keys, signature_algorithm=ACS3, **settings) -> an onsmqtt AcsClient,
    with the connection options' defaults (timeout, retries) for whatever ``settings`` does not say."""
    from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._client import AcsClient
    from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._connection import DEFAULTS
    from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._onsmqtt import API_VERSION, NOT_FOUND_CODES

    def new_client(endpoint, credentials=emulator_keys, signature_algorithm=DEFAULTS['signature_algorithm'], **settings):
        settings = dict({'timeout': DEFAULTS['timeout'], 'retries': DEFAULTS['retries'], 'not_found_codes': NOT_FOUND_CODES}, **settings)
        return AcsClient(endpoint, API_VERSION, credentials, signature_algorithm, **settings)
    return new_client


MODULE_RUN_TIMEOUT_SECONDS = 60


@pytest.fixture(scope='session')
def hermetic_environment(tmp_path_factory):
    """What every module run gets: an empty home (no ~/.aliyun/config.json) and, unless a test says otherwise, no question
    to the ECS metadata service, which off ECS would cost a timeout."""
    return {'HOME': str(tmp_path_factory.mktemp('home')), 'ALIBABA_CLOUD_ECS_METADATA_DISABLED': 'true'}


@pytest.fixture(scope='session')
def run_module_file(hermetic_environment):
    """Factory: run_module_file(path, args, environ=None) -> (result, process): the module in the file ``path`` run as Ansible
    runs a module, a process of this Python with JSON arguments in and JSON out.

    The process gets the hermetic environment with ``environ`` on top; its output is checked to be one JSON document and
    nothing else.
    """
    def run(path, args, environ=None):
        env = dict(hermetic_environment, PATH=os.environ['PATH'], PYTHONPATH=os.pathsep.join(sys.path))
        env.update(environ or {})
        process = subprocess.run([sys.executable, str(path)], input=json.dumps({'ANSIBLE_MODULE_ARGS': args}),
                                 capture_output=True, text=True, timeout=MODULE_RUN_TIMEOUT_SECONDS, env=env, check=False)
        assert process.stderr == '', process.stderr
        result = json.loads(process.stdout)
        assert 'module_stderr' not in result
        return result, process
    return run


@pytest.fixture(scope='session')
def module_file_failure(run_module_file):
    """Factory: module_file_failure(path, args, environ=None) -> the result of a run of run_module_file that fails in one
    line: exit code 1, a message without line breaks, no traceback."""
    def fail(path, args, environ=None):
        result, process = run_module_file(path, args, environ)
        assert result['failed'] is True and process.returncode == 1
        assert '\n' not in result['msg'] and 'exception' not in result
        return result
    return fail


@pytest.fixture(scope='session')
def module_keys(emulator_keys):
    """The emulator's default access key (emulator_keys) as the module options that carry it."""
    return {'access_key_id': emulator_keys.access_key_id, 'access_key_secret': emulator_keys.access_key_secret}


@pytest.fixture(scope='session')
def warning_texts():
    """Function: warning_texts(result) -> the result's warnings as texts (ansible-core 2.19 and later return summaries
    with the message inside)."""
    def texts(result):
        return [warning['event']['msg'] if isinstance(warning, dict) else warning for warning in result.get('warnings', [])]
    return texts
