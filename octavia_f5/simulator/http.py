# SPDX-License-Identifier: Apache-2.0
"""A lean HTTP/1.1 server: keep-alive connections, one thread each, JSON response shaping.

http.server parses headers with the email package and costs several times the time of the
simulated device itself; this module reads exactly what iControl REST clients send (request
line, headers, Content-Length or chunked body, Expect: 100-continue) and nothing more.
"""

import email.utils
import http
import json
import socket
import struct
import threading
import time
import urllib.parse

JSON_TYPE = 'application/json;charset=utf-8'
# What a BIG-IP's iControl REST answers carry (Jetty behind httpd, reference section 0).
SERVER_HEADER = 'Jetty(9.2.22.v20170606)'
MAX_LINE = 65536
# httpd's reason phrase for a refused login, which ICR's tests match (reference 1.1).
REASONS = {s.value: s.phrase for s in http.HTTPStatus}
REASONS[401] = 'F5 Authorization Required'
DROP_RESET = 'reset'
DROP_CLOSE = 'close'
_JSON_DUMPS = json.JSONEncoder(separators=(',', ':'), ensure_ascii=False).encode


class BadRequest(Exception):
    """The bytes on the wire are not an HTTP/1.x request."""


class Request:
    """One parsed request; the path is kept percent-encoded, as the backend wants it."""

    __slots__ = ('method', 'path', 'query_string', 'headers', 'body', 'client', '_query')

    def __init__(self, method, target, headers=None, body=b'', client='127.0.0.1'):
        self.method = method
        self.path, _, self.query_string = target.partition('?')
        self.headers = headers or {}
        self.body = body
        self.client = client
        self._query = None

    @property
    def query(self):
        """Decoded query parameters ($select, $filter, ver, ...) as a dict."""
        if self._query is None:
            self._query = dict(urllib.parse.parse_qsl(self.query_string,
                                                      keep_blank_values=True))
        return self._query

    def json(self):
        """The parsed JSON body, None when empty; ValueError when it is not a JSON object."""
        if not self.body:
            return None
        value = json.loads(self.body)
        if not isinstance(value, dict):
            raise ValueError('not a JSON object')
        return value


class Response:
    """What to answer: a status and a body (dict -> JSON, str/bytes -> as is, None -> empty).

    ``drop`` closes the connection without answering (DROP_RESET sends a TCP reset,
    DROP_CLOSE a normal close); ``after`` runs once the answer is on the wire.
    """

    __slots__ = ('status', 'body', 'content_type', 'headers', 'drop', 'after')

    def __init__(self, status, body=None, content_type=JSON_TYPE, headers=None, drop=None,
                 after=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers
        self.drop = drop
        self.after = after

    def payload(self):
        """The body as bytes."""
        body = self.body
        if body is None:
            return b''
        if isinstance(body, bytes):
            return body
        if isinstance(body, str):
            return body.encode('utf-8')
        return _JSON_DUMPS(body).encode('utf-8')


_date = [0, '']


def _http_date():
    now = int(time.time())
    if _date[0] != now:
        _date[1] = email.utils.formatdate(now, usegmt=True)
        _date[0] = now
    return _date[1]


def encode_response(response, keep_alive=True):
    """The response as bytes: status line, headers, body."""
    payload = response.payload()
    status = response.status
    lines = ['HTTP/1.1 %d %s' % (status, REASONS.get(status, 'Unknown')),
             'Date: ' + _http_date(),
             'Server: ' + SERVER_HEADER,
             'Content-Type: ' + response.content_type,
             'Content-Length: %d' % len(payload)]
    if response.headers:
        lines.extend('%s: %s' % item for item in response.headers.items())
    if not keep_alive:
        lines.append('Connection: close')
    head = '\r\n'.join(lines) + '\r\n\r\n'
    return head.encode('latin-1') + payload


def _read_line(rfile):
    line = rfile.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE:
        raise BadRequest('line too long')
    return line


def _read_headers(rfile):
    headers = {}
    while True:
        line = _read_line(rfile)
        if line in (b'\r\n', b'\n'):
            return headers
        if not line:
            raise BadRequest('connection closed inside the headers')
        name, sep, value = line.decode('latin-1').partition(':')
        if not sep:
            raise BadRequest('malformed header line')
        headers[name.strip().lower()] = value.strip()


def _read_chunked(rfile):
    parts = []
    while True:
        size = int(_read_line(rfile).split(b';', 1)[0], 16)
        if size == 0:
            _read_headers(rfile)  # trailers
            return b''.join(parts)
        parts.append(rfile.read(size))
        _read_line(rfile)


def read_request(rfile, wfile, client):
    """The next request on a connection and whether to keep it open; (None, False) at EOF."""
    line = _read_line(rfile)
    while line in (b'\r\n', b'\n'):  # RFC 9112 2.2: ignore empty lines before a request
        line = _read_line(rfile)
    if not line:
        return None, False
    try:
        method, target, version = line.decode('latin-1').split()
    except ValueError:
        raise BadRequest('malformed request line')
    if not version.startswith('HTTP/1.'):
        raise BadRequest('unsupported protocol %s' % version)
    headers = _read_headers(rfile)
    connection = headers.get('connection', '').lower()
    if version == 'HTTP/1.1':
        keep_alive = connection != 'close'
    else:
        keep_alive = connection == 'keep-alive'
    if headers.get('expect', '').lower() == '100-continue':
        wfile.sendall(b'HTTP/1.1 100 Continue\r\n\r\n')
    if 'chunked' in headers.get('transfer-encoding', '').lower():
        body = _read_chunked(rfile)
    else:
        length = int(headers.get('content-length') or 0)
        body = rfile.read(length) if length else b''
        if len(body) != length:
            return None, False
    return Request(method, target, headers, body, client), keep_alive


def drop_connection(sock, how):
    """Close without answering; a reset makes the peer see ECONNRESET rather than EOF."""
    try:
        if how == DROP_RESET:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        sock.close()
    except OSError:
        pass


def serve_connection(sock, client, app):
    """Answer requests on one connection until the client or ``app`` ends it."""
    rfile = sock.makefile('rb', buffering=MAX_LINE)
    try:
        while True:
            try:
                request, keep_alive = read_request(rfile, sock, client)
            except (BadRequest, ValueError):
                sock.sendall(encode_response(Response(400, {'code': 400, 'message':
                                                            'Bad request'}), False))
                return
            if request is None:
                return
            response = app(request)
            if response.drop:
                drop_connection(sock, response.drop)
                return
            sock.sendall(encode_response(response, keep_alive))
            if response.after:
                response.after()
            if not keep_alive:
                return
    except (OSError, ValueError):
        return  # the client went away, or the device was taken down under it
    finally:
        rfile.close()
        drop_connection(sock, DROP_CLOSE)


class Listener:
    """One listening port serving ``app`` (Request -> Response); can stop and start again.

    Stopping refuses new connections and resets the open ones, which is what a client sees
    of a BIG-IP that went down.
    """

    def __init__(self, app, host='127.0.0.1', port=0, ssl_context=None):
        self.app = app
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self._sock = None
        self._thread = None
        self._conns = set()
        self._lock = threading.Lock()

    @property
    def serving(self):
        return self._sock is not None

    def start(self):
        """Listen on host:port (port 0 picks a free one, kept for later restarts)."""
        sock = socket.socket(socket.AF_INET6 if ':' in self.host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
            sock.listen(128)
        except OSError:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        self._sock = sock
        self._thread = threading.Thread(target=self._accept_loop, args=(sock,),
                                        name='bigip-sim-%d' % self.port, daemon=True)
        self._thread.start()

    def stop(self):
        """Stop listening and reset every open connection."""
        sock, self._sock = self._sock, None
        if sock is None:
            return
        try:
            sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() of the accept thread
        except OSError:
            pass
        sock.close()
        self._thread.join(5)
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                # The plain socket's shutdown, also for TLS: it wakes the reader thread
                # without touching the TLS state that thread is using.
                socket.socket.shutdown(conn, socket.SHUT_RDWR)
            except OSError:
                pass

    def _accept_loop(self, sock):
        while True:
            try:
                conn, addr = sock.accept()
            except OSError:
                return
            if self._sock is not sock:
                drop_connection(conn, DROP_RESET)
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve, args=(conn, addr[0]), daemon=True).start()

    def _serve(self, conn, client):
        with self._lock:
            self._conns.add(conn)
        stream = conn
        try:
            if self.ssl_context is not None:
                # wrap_socket detaches ``conn``: from here on only the TLS socket is usable.
                stream = self.ssl_context.wrap_socket(conn, server_side=True)
                with self._lock:
                    self._conns.discard(conn)
                    self._conns.add(stream)
            serve_connection(stream, client, self.app)
        except OSError:
            pass  # a failed TLS handshake
        finally:
            with self._lock:
                self._conns.discard(conn)
                self._conns.discard(stream)
            drop_connection(stream, DROP_CLOSE)
