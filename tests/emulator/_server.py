# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (c) 2025, alibabacloud.apsaramq contributors
"""The HTTP side: routing, the API call pipeline, the request log and the control interface."""

import dataclasses
import http.server
import json
import re
import socketserver
import ssl
import sys
import threading
import time
import uuid

from _actions import PRODUCTS, authorize, find_action
from _api import ONSMQTT_VERSION
from _sts import STS_VERSION
from _auth import NonceRegistry, authenticate, check_unsigned_call
from _errors import ApiError, error_body
from _faults import HTML_502_PAGE, REFUSING_FAULTS, FaultInjector, error_fault
from _certificates import read_certificates
from _crl import PATH_PREFIX as CRL_PREFIX, Revocations, answer_crl, revoke_devices
from _default_fixtures import PERMANENT_CREDENTIAL
from _keyring import Keyring
from _listing_hooks import ListingHooks
from _metadata import PREFIX as METADATA_PREFIX, TOKEN_HEADER as METADATA_TOKEN_HEADER, MetadataService, MetadataSettings
from _protocol import RPC_SIGNATURE_PARAMETERS, IncomingRequest, read_call
from _state import CertificateState

JSON_CONTENT_TYPE = 'application/json;charset=utf-8'
MAX_BODY_BYTES = 1024 * 1024
API_PATH = '/'
API_METHODS = ('GET', 'POST')
CONTROL_PREFIX = '/_emulator/'
QUERY_STRING = re.compile(r'\?\S*')
UNSIGNED_CALLER = PERMANENT_CREDENTIAL['access_key_id']
RATE_LIMIT_FAULT = ('throttling', None)  # how a request past --max-requests-per-second is answered


def log(line):
    sys.stderr.write(f'{line}\n')
    sys.stderr.flush()


def new_request_id():
    return str(uuid.uuid4()).upper()


@dataclasses.dataclass(frozen=True)
class Response:
    status: int
    body: dict
    headers: dict = dataclasses.field(default_factory=dict)
    log_note: str = ''  # what the stderr log line adds about the request
    raw_body: bytes = None  # sent instead of the JSON of `body` (an HTML error page)
    content_type: str = JSON_CONTENT_TYPE
    delivery: str = 'whole'  # 'whole'; 'drop': close without answering; 'cut': close halfway through the body


def product_of(call):
    """The product code of the troubleshooting link in the call's error answers."""
    return PRODUCTS.get(getattr(call, 'version', None), PRODUCTS[ONSMQTT_VERSION])


def error_response(error, host_id, request_id=None, product=PRODUCTS[ONSMQTT_VERSION]):
    request_id = request_id or new_request_id()
    return Response(error.http_status, error_body(error, request_id, host_id or '', product), {'x-acs-request-id': request_id})


def internal_error_response(exc, what, host_id):
    log(f'internal error while handling {what}: {type(exc).__name__}: {exc}')
    return error_response(ApiError('InternalError'), host_id)


class RequestLog:
    """Every API request received, accepted or not, without secrets; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries = []

    def append(self, entry):
        with self._lock:
            self._entries.append(entry)

    def snapshot(self):
        with self._lock:
            return {'count': len(self._entries), 'requests': list(self._entries)}

    def clear(self):
        with self._lock:
            self._entries.clear()


class Emulator:
    """The state one running emulator shares between its request threads."""

    def __init__(self, fixtures, cross_check=None, clock=time.time, faults=None, accept_unsigned=False, metadata=MetadataSettings()):
        self.fixtures = fixtures
        self.certificates = CertificateState(fixtures)  # the CAs and device certificates as they stand, starting from the fixtures
        self.cross_check = cross_check  # optional second signature check, see _sdk_verifier
        self.clock = clock
        self.accept_unsigned = accept_unsigned  # --accept-unsigned: for benchmarks against clients that cannot sign
        self.keys = Keyring(fixtures)  # the fixtures' keys and those issued by STS and the ECS metadata service
        self.nonces = NonceRegistry()
        self.request_log = RequestLog()
        self.faults = faults or FaultInjector()
        self.metadata = MetadataService(metadata, self.keys, clock)
        self.listing_hooks = ListingHooks()  # changes made at a set page of a listing: a fleet that moves while it is listed
        self.revocations = Revocations(fixtures)  # what the default CAs revoked: their CRLs

    def reset(self):
        self.certificates.reset()
        self.revocations.reset()
        self.listing_hooks.reset()
        self.nonces.clear()
        self.request_log.clear()
        self.faults.reset()
        self.metadata.reset()


def wait_latency(emulator):
    latency = emulator.faults.latency_seconds
    if latency:
        time.sleep(latency)


def handle_api_call(request, emulator):
    arrived = emulator.clock()
    seen = readable_call(request)
    # The rate limit is the onsmqtt account's: STS calls pass by and do not count.
    rate_limited = getattr(seen, 'version', None) != STS_VERSION and not emulator.faults.admit(arrived)
    wait_latency(emulator)
    fault = RATE_LIMIT_FAULT if rate_limited else emulator.faults.next_fault(getattr(seen, 'action', None))
    # Checked, its nonce spent, and carried out, but for a throttling fault or the rate limit: the service refuses those before acting.
    response, call = answer_api_call(request, emulator, carry_out=not (fault and fault[0] in REFUSING_FAULTS))
    if fault:
        response = faulted_response(fault, response, request.header('Host'), product_of(call))
    entry = request_log_entry(call, response, None if rate_limited or not fault else fault[0], request.method)
    entry.update(rate_limited=rate_limited, time=arrived)
    emulator.request_log.append(entry)
    if fault and fault[0] == 'stall':
        time.sleep(emulator.faults.stall_seconds)  # logged first: a test sees the request while it stalls
    return dataclasses.replace(response, log_note=log_note(entry))


def readable_call(request):
    """The call as read from the request, or None when it cannot be read (answer_api_call then says why)."""
    try:
        return read_call(request)
    except Exception:  # pylint: disable=broad-exception-caught
        return None


def faulted_response(fault, response, host_id, product):
    """The answer `response` becomes under the fault `(kind, retry_after_ms)`; a stall is the caller's."""
    kind, retry_after_ms = fault
    if kind == 'drop':
        return dataclasses.replace(response, delivery='drop')
    if kind == 'truncated':
        return dataclasses.replace(response, delivery='cut')
    if kind == 'cut_json':  # a broken gateway's: a whole HTTP message, its JSON body cut in half
        body = json.dumps(response.body, ensure_ascii=False).encode('utf-8')
        return dataclasses.replace(response, raw_body=body[:len(body) // 2])
    if kind == 'html':
        return Response(502, {}, {}, raw_body=HTML_502_PAGE, content_type='text/html')
    if kind == 'stall':
        return response
    faulted = error_response(error_fault(kind), host_id, product=product)
    if retry_after_ms is not None:
        faulted.headers['x-acs-retry-after'] = str(retry_after_ms)
    return faulted


def answer_api_call(request, emulator, carry_out=True):
    """``(response, call)``: the answer the service would give, and the call as read (None when unreadable).

    ``carry_out`` False: every check, but the action is not carried out (the caller replaces the answer).
    """
    request_id = new_request_id()
    host_id = request.header('Host')
    call = None
    try:
        if request.path != API_PATH or request.method not in API_METHODS:
            raise ApiError('InvalidAction.NotFound', f'The emulator serves the API on GET and POST {API_PATH} only.')
        call = read_call(request)
        signing = None if call.unsigned else call.signing_input(request)
        action = find_action(call.version, call.action)
        credential = identify_caller(call, signing, action, emulator)
        authorize(credential, action)
        answer = action.handler(call.params, emulator, credential) if carry_out else {}
        response = Response(200, {'RequestId': request_id, **answer}, {'x-acs-request-id': request_id})
    except ApiError as error:
        response = error_response(error, host_id, request_id, product_of(call))
    except Exception as exc:  # pylint: disable=broad-exception-caught
        response = internal_error_response(exc, f'{request.method} {request.path}', host_id)
    return response, call


def identify_caller(call, signing, action, emulator):
    """The Credential the call acts for: its signer's; for an unsigned call, none when the action is anonymous,
    the default key's for onsmqtt under --accept-unsigned."""
    if signing is not None:
        return authenticate(call, signing, emulator.keys, emulator.nonces, emulator.clock(), emulator.cross_check)
    if action.anonymous:
        check_unsigned_call(call, emulator.nonces, emulator.clock())
        return None
    if not (emulator.accept_unsigned and call.version == ONSMQTT_VERSION):
        raise ApiError('MissingParameter', f'This action takes signed calls only: {", ".join(RPC_SIGNATURE_PARAMETERS[:3])} are mandatory.')
    credential = emulator.fixtures.credential(UNSIGNED_CALLER)
    if credential is None:
        raise ApiError('InvalidAccessKeyId.NotFound', f'--accept-unsigned serves unsigned calls as {UNSIGNED_CALLER}, which the fixtures lack.')
    return credential


def request_log_entry(call, response, fault=None, method=None):
    """What the control interface tells about one API request; `call` is None when it could not be read."""
    return {
        'action': getattr(call, 'action', None),
        'method': method,
        'algorithm': getattr(call, 'algorithm', None),
        'access_key_id': getattr(call, 'access_key_id', None),
        'nonce': getattr(call, 'nonce', None),
        'status': None if response.delivery == 'drop' else response.status,
        'code': response.body.get('Code'),
        'fault': fault,
        'metadata_token': None,
        'rate_limited': False,
        'time': None,
    }


def log_note(entry):
    """What the stderr log line tells of a request log entry."""
    return ' '.join(f'{name}={entry[name]}' for name in ('action', 'algorithm', 'access_key_id', 'fault', 'rate_limited') if entry[name])


def handle_metadata(request, emulator):
    """The ECS metadata service: latency applies, faults do not."""
    wait_latency(emulator)
    answer = emulator.metadata.answer(request)
    response = Response(answer.status, {}, raw_body=answer.body, content_type=answer.content_type)
    token_sent = request.header(METADATA_TOKEN_HEADER) is not None
    entry = {**request_log_entry(None, response, method=request.method), 'action': answer.action, 'metadata_token': token_sent,
             'time': emulator.clock()}
    emulator.request_log.append(entry)
    return dataclasses.replace(response, log_note=log_note(entry))


def show_request_log(_request, emulator):
    return Response(200, emulator.request_log.snapshot())


def reset_emulator(_request, emulator):
    emulator.reset()
    return Response(200, {'reset': True})


def show_faults(_request, emulator):
    return Response(200, emulator.faults.state())


def configure(request, what, apply):
    """Applies a control request's JSON object with `apply`; a bad one changes nothing and is ParameterFieldCheckFailed."""
    try:
        return Response(200, apply(json.loads(request.body or b'{}')))
    except (ValueError, UnicodeDecodeError) as exc:  # the settings' errors are ValueErrors, like a JSON syntax error
        raise ApiError('ParameterFieldCheckFailed', f'{what} settings: {exc}') from exc


def connect_device(request, emulator):
    """A device connects to the instance's broker with a certificate: {"instance_id", "certificate"} (PEM, the first counts)."""
    try:
        spec = json.loads(request.body or b'{}')
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError('ParameterFieldCheckFailed', f'Connect: the body is no JSON object: {exc}') from exc
    if not isinstance(spec, dict) or set(spec) != {'instance_id', 'certificate'} or not all(isinstance(value, str) for value in spec.values()):
        raise ApiError('ParameterFieldCheckFailed', 'Connect: the body must be {"instance_id": "<instance ID>", "certificate": "<PEM>"}.')
    if emulator.fixtures.instance(spec['instance_id']) is None:
        raise ApiError('MqttInstanceNotFound')
    try:
        certificate = read_certificates(spec['certificate'])[0]
    except ValueError as exc:
        raise ApiError('ParameterFieldCheckFailed', 'Connect: "certificate" must be an X.509 certificate in PEM.') from exc
    return Response(200, emulator.certificates.connect(spec['instance_id'], certificate, emulator.clock()))


def configure_faults(request, emulator):
    return configure(request, 'Fault', emulator.faults.configure)


def show_listing_hooks(_request, emulator):
    return Response(200, emulator.listing_hooks.state())


def configure_listing_hooks(request, emulator):
    return configure(request, 'Listing hook', emulator.listing_hooks.configure)


def show_metadata(_request, emulator):
    return Response(200, emulator.metadata.settings())


def configure_metadata(request, emulator):
    return configure(request, 'Metadata', emulator.metadata.configure)


def show_crl(request, emulator):
    body, content_type = answer_crl(request, emulator)
    return Response(200, {}, raw_body=body, content_type=content_type)


def revoke(request, emulator):
    return Response(200, revoke_devices(request, emulator))


CRL_ROUTE = {'GET': show_crl, 'POST': revoke}
# path: {method: handler}
CONTROL_ROUTES = {
    f'{CONTROL_PREFIX}requests': {'GET': show_request_log},
    f'{CONTROL_PREFIX}reset': {'POST': reset_emulator},
    f'{CONTROL_PREFIX}faults': {'GET': show_faults, 'POST': configure_faults},
    f'{CONTROL_PREFIX}metadata': {'GET': show_metadata, 'POST': configure_metadata},
    f'{CONTROL_PREFIX}connect': {'POST': connect_device},
    f'{CONTROL_PREFIX}listing-hooks': {'GET': show_listing_hooks, 'POST': configure_listing_hooks},
}


def handle_control(request, emulator):
    handlers = CRL_ROUTE if request.path.startswith(CRL_PREFIX) and len(request.path) > len(CRL_PREFIX) else CONTROL_ROUTES.get(request.path)
    if handlers is None:
        raise ApiError('InvalidAction.NotFound', f'Control paths: {", ".join(sorted(CONTROL_ROUTES))}, {CRL_PREFIX}<CA SN>.')
    if request.method not in handlers:
        raise ApiError('MethodNotAllowed', f'{request.path} accepts {" and ".join(handlers)} only.')
    return handlers[request.method](request, emulator)


def route(request, emulator):
    if request.path.startswith(CONTROL_PREFIX):
        return handle_control(request, emulator)
    if request.path.startswith(METADATA_PREFIX):
        return handle_metadata(request, emulator)
    return handle_api_call(request, emulator)


class EmulatorRequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    # Headers and body go out in separate writes: with Nagle's algorithm on, the body waits for
    # the client's delayed ACK (40 ms) on every kept-alive request.
    disable_nagle_algorithm = True
    server_version = 'onsmqtt-emulator'
    sys_version = ''
    timeout = 60  # seconds an idle keep-alive connection may hold its thread

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.timeout)
            self.request.do_handshake()
        super().setup()

    def do_GET(self):  # pylint: disable=invalid-name
        self._respond(self._handle())

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _handle(self):
        host_id = self.headers.get('Host')
        try:
            return route(self._read_request(), self.server.emulator)
        except ApiError as error:
            return error_response(error, host_id)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            return internal_error_response(exc, f'{self.command} {self.path.partition("?")[0]}', host_id)

    def _read_request(self):
        if self.headers.get('Transfer-Encoding'):
            self.close_connection = True
            raise ApiError('ParameterFieldCheckFailed', 'The emulator needs a Content-Length, not a Transfer-Encoding.')
        length = self.headers.get('Content-Length', '0').strip()
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            self.close_connection = True
            raise ApiError('RequestTooLarge' if length.isdigit() else 'ParameterFieldCheckFailed', f'Content-Length: {length!r}.')
        path, _separator, query_string = self.path.partition('?')
        return IncomingRequest(self.command, path, query_string, self.headers, self.rfile.read(int(length)))

    def _respond(self, response):
        if response.delivery == 'drop':
            self.close_connection = True
            self.log_message('"%s %s" dropped without an answer %s', self.command, self.path.partition('?')[0], response.log_note)
            return
        payload = response.raw_body if response.raw_body is not None else json.dumps(response.body, ensure_ascii=False).encode('utf-8')
        self.send_response(response.status)
        self.send_header('Content-Type', response.content_type)
        self.send_header('Content-Length', str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if response.delivery == 'cut':
            # The headers promise the whole body; the connection closes after half of it.
            self.wfile.write(payload[:len(payload) // 2])
            self.close_connection = True
        else:
            self.wfile.write(payload)
        code = response.body.get('Code') if response.status >= 400 else None
        details = ' '.join(part for part in (code, response.log_note) if part)
        self.log_message('"%s %s" %d %s', self.command, self.path.partition('?')[0], response.status, details)

    def log_request(self, code='-', size='-'):
        """Replaced by the line _respond() logs, which never shows the query string."""

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        # http.server's own messages may quote the request line, whose query string can hold a security token.
        log(f'{self.address_string()} - {QUERY_STRING.sub("?<query omitted>", format % args)}')


class EmulatorServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 drops connections when a client opens 16 at once (a module's max_concurrency): the service
    # does not, and the client would wait a second to connect again.
    request_queue_size = 128

    def __init__(self, address, emulator, ssl_context=None):
        self.emulator = emulator
        self.ssl_context = ssl_context
        super().__init__(address, EmulatorRequestHandler)

    def server_bind(self):
        # HTTPServer.server_bind() resolves the host's FQDN, which can stall start-up for seconds.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def get_request(self):
        connection, address = super().get_request()
        if self.ssl_context is not None:
            # The handshake then happens in the request's own thread (EmulatorRequestHandler.setup).
            connection = self.ssl_context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)
        return connection, address

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        log(f'{client_address[0]}:{client_address[1]} - connection failed: {type(error).__name__}: {error}')
