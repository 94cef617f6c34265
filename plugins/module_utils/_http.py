# Copyright (c) 2026 alibabacloud.apsaramq contributors
# Simplified BSD License (see LICENSES/BSD-2-Clause.txt or https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""HTTP(S) requests to one endpoint over kept-alive connections, on the standard library alone.

The standard library rather than requests: a module run imports it in half the time and a fraction of the
memory, and the collection then needs no HTTP library on the host that runs it. What requests gave us is
here: a pool of kept-alive connections for concurrent callers, proxies (an explicit one, or HTTPS_PROXY,
HTTP_PROXY and NO_PROXY from the environment), TLS verification with the system's CAs or a bundle, time
limits, a cap on the size of an answer, and one-line errors.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import re
import select
import socket
import ssl
import threading
import time

from http.client import HTTPConnection, HTTPException, HTTPSConnection, IncompleteRead
from urllib.parse import unquote, urlsplit
from urllib.request import getproxies_environment, proxy_bypass_environment

from ansible_collections.alibabacloud.apsaramq.plugins.module_utils._errors import ApsaraMQError, one_line

_CHUNK_BYTES = 64 * 1024
# A DNS name or an IP address; urlsplit gives IPv6 addresses without their brackets.
_HOST = re.compile(r'^([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)$')
_SCHEME = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*://')


class TransportError(ApsaraMQError):
    """No complete answer came back: the endpoint or the proxy could not be reached, TLS failed, or the answer broke off or stalled.

    ``cause``: what went wrong in a few words, for messages that say it their own way.
    ``request_sent``: False when nothing of the request went out (no connection, no tunnel, no TLS), so that sending it again
    cannot do anything twice; True when it, or a part of it, may have reached the server and only the answer was lost.
    """

    def __init__(self, message, cause, retryable=False, request_sent=False):
        super(TransportError, self).__init__(message, retryable, not_carried_out=not request_sent)
        self.cause = cause
        self.request_sent = request_sent


class HttpAnswer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # case-insensitive get()
        self.body = body


def _cause(exc):
    """The innermost reason of an exception, short enough for a one-line message."""
    for dummy in range(10):  # bounded: exception chains can be cyclic
        inner = exc.__cause__ or exc.__context__
        if inner is None:
            break
        exc = inner
    return one_line(str(exc) or type(exc).__name__)[:200]


def without_user_info(url, replacement=''):
    """``url`` for a message, without whatever comes before its last ``@``: user info, perhaps with a password holding an
    unescaped ``/`` or ``#``, which urlsplit() would not recognize. ``replacement``: what to show in its place."""
    if '@' not in url:
        return url
    scheme = _SCHEME.match(url)
    return (scheme.group() if scheme else '') + replacement + url.rpartition('@')[2]


def host_and_port(parts, default_port):
    """``(host, port)`` of a urlsplit() result; None unless its host is a DNS name or an IP address and its port, if any, 1 to 65535.

    ``host:`` with an empty port is refused too: what was meant is unclear.
    """
    try:
        port = parts.port
    except ValueError:  # not a number, or out of range
        return None
    if not _HOST.match(parts.hostname or '') or port == 0 or parts.netloc.endswith(':'):
        return None
    return parts.hostname, port or default_port


def parse_endpoint(endpoint):
    """``(base_url, host)`` for ``host``, ``host:port`` or an http(s) URL; https when no scheme is given."""
    text = (endpoint or '').strip()
    try:
        parts = urlsplit(text if '://' in text else 'https://' + text)
        usable = (parts.scheme in ('http', 'https') and host_and_port(parts, None) is not None and parts.path in ('', '/')
                  and not parts.query and not parts.fragment and '@' not in parts.netloc)
    except ValueError:  # brackets that enclose no IPv6 address
        usable = False
    if not usable:
        raise ApsaraMQError("endpoint %r is not a host, host:port or http(s)://host[:port] URL" % (without_user_info(text, '***@'),))
    return '%s://%s' % (parts.scheme, parts.netloc), parts.netloc


def _tls_context(validate_certs, ca_bundle):
    if not validate_certs:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    try:
        return ssl.create_default_context(cafile=ca_bundle)
    except (OSError, ssl.SSLError) as exc:  # a missing file is an OSError, a file without certificates an SSLError
        raise ApsaraMQError('ca_bundle %s cannot be used (%s); give a PEM file of CA certificates' % (ca_bundle, _cause(exc)))


class _Proxy:
    """Where to send requests instead of the endpoint, and the credentials the proxy URL carries."""

    def __init__(self, url, origin=''):
        url = url if '://' in url else 'http://' + url
        self.display = without_user_info(url)
        try:
            parts = urlsplit(url)
            address = host_and_port(parts, 80) if parts.scheme == 'http' else None
        except ValueError:  # brackets that enclose no IPv6 address
            address = None
        if address is None:
            raise ApsaraMQError('proxy %s%s is not an http://host:port URL (the proxy itself is reached over plain HTTP; '
                                'https endpoints go through it in a CONNECT tunnel)' % (self.display, origin))
        self.host, self.port = address
        self.headers = {}
        if parts.username is not None:
            userinfo = '%s:%s' % (unquote(parts.username), unquote(parts.password or ''))
            self.headers['Proxy-Authorization'] = 'Basic ' + base64.b64encode(userinfo.encode('utf-8')).decode('ascii')


def _proxy_for(base_url, host_port, proxy, environment_proxies):
    """The explicit proxy, else the environment's for the endpoint's scheme unless NO_PROXY names the host."""
    if proxy:
        return _Proxy(proxy)
    if not environment_proxies:
        return None
    proxies = getproxies_environment()
    url = proxies.get(urlsplit(base_url).scheme) or proxies.get('all')
    if not url or proxy_bypass_environment(host_port, proxies):
        return None
    return _Proxy(url, ' (from HTTPS_PROXY, HTTP_PROXY or ALL_PROXY)')


class _Deadline:
    """The time limit of one attempt, from opening the connection (through a proxy tunnel and TLS) to the last byte of the answer.

    A socket timeout bounds each wait for data, not a server that trickles: at the deadline a timer shuts the attempt's socket
    down, which ends whatever wait the attempt is in, with TLS too. The timer holds a duplicate of the socket, so that it never
    touches a descriptor that a closed connection gave back to the system.
    """

    def __init__(self, seconds):
        self._ends = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._watched = None
        self._expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def open_socket(self, address, timeout=None, source_address=None):
        """socket.create_connection() for http.client: the connect bounded by the time left, the new socket watched."""
        left = self._ends - time.monotonic()
        if left <= 0:
            raise socket.timeout('timed out')
        sock = socket.create_connection(address, left, source_address)
        sock.settimeout(timeout)  # for each wait; the deadline is this watch's
        return self.watch(sock)

    def watch(self, sock):
        """Brings the connected socket ``sock`` (TLS or not) under the deadline; returns it."""
        duplicate = socket.fromfd(sock.fileno(), sock.family, sock.type)
        with self._lock:
            self._watched = duplicate
            if self._expired:
                _shut_down(duplicate)
        return sock

    def _expire(self):
        with self._lock:
            self._expired = True
            if self._watched is not None:
                _shut_down(self._watched)

    def end(self):
        """Stops the watch; whether the deadline came first, leaving the socket shut down."""
        self._timer.cancel()
        with self._lock:
            if self._watched is not None:
                self._watched.close()
                self._watched = None
            return self._expired


def _shut_down(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)  # for every descriptor of the connection, unlike close()
    except OSError:  # already closed by the server
        pass


def _dropped(connection):
    """Whether a kept-alive connection was closed (or sent something unasked) while it was idle."""
    if connection.sock is None:
        return True
    try:
        readable = select.select([connection.sock], [], [], 0)[0]
    except (OSError, ValueError):  # ValueError: a descriptor select() cannot watch
        return True
    return bool(readable)


class HttpEndpoint:
    """Requests to ``base_url`` (``scheme://host[:port]``), thread-safe; each caller borrows a kept-alive connection.

    ``proxy``: a proxy URL that is always used; None: the environment's proxy settings, unless ``environment_proxies`` is False.
    """

    def __init__(self, base_url, timeout, validate_certs=True, ca_bundle=None, proxy=None, environment_proxies=True, max_connections=10):
        parts = urlsplit(base_url)
        self.base_url = base_url
        self._https = parts.scheme == 'https'
        self._host, self._port = parts.hostname, parts.port or (443 if self._https else 80)
        self._timeout = timeout
        self._tls = _tls_context(validate_certs, ca_bundle) if self._https else None
        self._proxy = _proxy_for(base_url, parts.netloc, proxy, environment_proxies)
        self._max_idle = max_connections
        self._idle = []
        self._idle_lock = threading.Lock()

    def request(self, method, target, headers, request_name, max_bytes):
        """The answer to one request for ``target`` (path and query), sent once and read whole within the timeout and ``max_bytes``.

        ``request_name`` names the request in messages. Raises TransportError when no complete answer came, ApsaraMQError when it is too large.
        """
        if self._proxy and not self._https:
            target = self.base_url + target  # a forward proxy takes the whole URL
            headers = dict(headers, **self._proxy.headers)
        connection = self._borrow()
        deadline = _Deadline(self._timeout)
        request_sent = timed_out = False
        try:
            try:
                self._connect(connection, deadline)
                request_sent = True
                # Sent once: a connection that breaks now fails the attempt, and a new attempt is signed afresh (a resend here
                # would repeat the nonce, which the service refuses, and go uncounted).
                connection.request(method, target, headers=headers)
                response = connection.getresponse()
                body = self._read_body(request_name, response, max_bytes)
            finally:
                timed_out = deadline.end()
            if timed_out:  # an answer without Content-Length looks whole when the deadline ends it
                raise socket.timeout('timed out')
        except BaseException as exc:
            connection.close()
            if not isinstance(exc, Exception) or (isinstance(exc, ApsaraMQError) and not timed_out):
                raise
            raise self._failure(request_name, exc, request_sent, timed_out)
        self._give_back(connection, response)
        return HttpAnswer(response.status, response.headers, body)

    def _borrow(self):
        with self._idle_lock:
            while self._idle:
                connection = self._idle.pop()
                if not _dropped(connection):
                    return connection
                connection.close()
        if self._proxy is None:
            if self._https:
                return HTTPSConnection(self._host, self._port, timeout=self._timeout, context=self._tls)
            return HTTPConnection(self._host, self._port, timeout=self._timeout)
        if self._https:
            connection = HTTPSConnection(self._proxy.host, self._proxy.port, timeout=self._timeout, context=self._tls)
            connection.set_tunnel(self._host, self._port, headers=self._proxy.headers)
            return connection
        return HTTPConnection(self._proxy.host, self._proxy.port, timeout=self._timeout)

    @staticmethod
    def _connect(connection, deadline):
        if connection.sock is not None:
            deadline.watch(connection.sock)
            return
        # http.client opens its socket through this attribute (set by HTTPConnection.__init__ since Python 3.4): the one place
        # where the socket comes under the deadline before a proxy tunnel or a TLS handshake waits on it.
        connection._create_connection = deadline.open_socket  # pylint: disable=protected-access
        connection.connect()

    def _read_body(self, request_name, response, max_bytes):
        declared = response.getheader('Content-Length', '')
        if declared.isdigit() and int(declared) > max_bytes:
            raise self._too_large(request_name, declared + ' bytes', max_bytes)
        chunks, size = [], 0
        while True:
            chunk = response.read(_CHUNK_BYTES)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                raise self._too_large(request_name, 'more than %d bytes' % max_bytes, max_bytes)
        if response.length:  # http.client ends a read short of Content-Length quietly
            raise IncompleteRead(b''.join(chunks), response.length)
        return b''.join(chunks)

    def _give_back(self, connection, response):
        with self._idle_lock:
            if not response.will_close and len(self._idle) < self._max_idle:
                self._idle.append(connection)
                return
        connection.close()

    def _too_large(self, request_name, size, max_bytes):
        return ApsaraMQError('%s: %s answered with %s, more than the %s an answer of this API can be; check endpoint and proxy'
                             % (request_name, self.base_url, size, _size_text(max_bytes)))

    def _failure(self, request_name, exc, request_sent, timed_out):
        """The one-line error for an exception of http.client, ssl or socket; all but TLS and proxy failures may pass on another attempt.

        ``timed_out``: the deadline ended the attempt, whatever exception that caused.
        """
        cause = _cause(exc)
        if timed_out or isinstance(exc, socket.timeout):
            return TransportError('No answer from %s to %s within %s seconds; check network access to the endpoint, or raise timeout'
                                  % (self.base_url, request_name, self._timeout), 'timed out', True, request_sent)
        if isinstance(exc, ssl.SSLCertVerificationError):
            return TransportError('TLS verification of %s failed (%s); check the endpoint, or trust its CA with ca_bundle'
                                  % (self.base_url, cause), cause, False, request_sent)
        if isinstance(exc, ssl.SSLError) and not isinstance(exc, ssl.SSLEOFError):
            return TransportError('TLS with %s failed (%s); check that the endpoint speaks https, or give it as http://'
                                  % (self.base_url, cause), cause, False, request_sent)
        if self._proxy and not request_sent and isinstance(exc, (OSError, HTTPException)) and not isinstance(exc, ssl.SSLError):
            # refused, unreachable, or a tunnel it would not open: trying again does not help
            return TransportError('The proxy %s refused or failed the request to %s (%s); check proxy and HTTPS_PROXY'
                                  % (self._proxy.display, self.base_url, cause), cause)
        if isinstance(exc, IncompleteRead):
            return TransportError('The answer of %s to %s broke off before its end (%s); check network access and proxy'
                                  % (self.base_url, request_name, cause), cause, True, request_sent)
        if isinstance(exc, (OSError, HTTPException)):
            return TransportError('Could not connect to %s (%s); check region or endpoint, proxy settings and network access'
                                  % (self.base_url, cause), cause, True, request_sent)
        return TransportError('The request to %s failed: %s' % (self.base_url, cause), cause, False, request_sent)


def _size_text(max_bytes):
    for unit, size in (('MiB', 1 << 20), ('KiB', 1 << 10)):
        if max_bytes % size == 0:
            return '%d %s' % (max_bytes // size, unit)
    return '%d bytes' % max_bytes
