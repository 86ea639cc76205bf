# SPDX-License-Identifier: Apache-2.0
"""Tests of the simulator's HTTP/1.1 layer over an in-process socket pair."""

import io
import socket
import threading

from octavia_f5.simulator import http
from tests import base


class Recorder:
    """An application answering 200 {"n": <request number>} and keeping the requests."""

    def __init__(self, response=None):
        self.requests = []
        self.response = response

    def __call__(self, request):
        self.requests.append(request)
        return self.response or http.Response(200, {'n': len(self.requests)})


class TestReadRequest(base.TestCase):

    def read(self, raw):
        sent = []
        sink = type('Sink', (), {'sendall': lambda self, data: sent.append(data)})()
        request, keep_alive = http.read_request(io.BytesIO(raw), sink, '192.0.2.1')
        return request, keep_alive, sent

    def test_path_stays_percent_encoded_and_query_is_decoded(self):
        request, keep, _ = self.read(
            b'GET /mgmt/tm/ltm/pool/~P~p/members/~P~10.0.0.1%252:80?$filter=partition+eq+P'
            b'&$select=name HTTP/1.1\r\nHost: x\r\n\r\n')
        self.assertEqual('/mgmt/tm/ltm/pool/~P~p/members/~P~10.0.0.1%252:80', request.path)
        self.assertEqual({'$filter': 'partition eq P', '$select': 'name'}, request.query)
        self.assertTrue(keep)
        self.assertEqual('192.0.2.1', request.client)

    def test_headers_are_lower_cased_and_body_read_by_content_length(self):
        request, _, _ = self.read(b'POST /x HTTP/1.1\r\nX-F5-Auth-Token: T\r\n'
                                  b'Content-Length: 7\r\n\r\n{"a":1}GARBAGE')
        self.assertEqual('T', request.headers['x-f5-auth-token'])
        self.assertEqual({'a': 1}, request.json())

    def test_chunked_body_is_joined(self):
        request, _, _ = self.read(b'POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n'
                                  b'3\r\n{"a\r\n4\r\n":1}\r\n0\r\n\r\n')
        self.assertEqual({'a': 1}, request.json())

    def test_expect_100_continue_is_answered_before_the_body(self):
        _, _, sent = self.read(b'POST /x HTTP/1.1\r\nExpect: 100-continue\r\n'
                               b'Content-Length: 2\r\n\r\n{}')
        self.assertEqual([b'HTTP/1.1 100 Continue\r\n\r\n'], sent)

    def test_connection_close_and_http_1_0_end_keep_alive(self):
        self.assertFalse(self.read(b'GET / HTTP/1.1\r\nConnection: close\r\n\r\n')[1])
        self.assertFalse(self.read(b'GET / HTTP/1.0\r\n\r\n')[1])
        self.assertTrue(self.read(b'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')[1])

    def test_end_of_stream_gives_no_request(self):
        self.assertEqual((None, False), self.read(b'')[:2])

    def test_malformed_request_line_is_a_bad_request(self):
        self.assertRaises(http.BadRequest, self.read, b'HELLO\r\n\r\n')

    def test_json_that_is_not_an_object_is_refused(self):
        request = http.Request('POST', '/x', {}, b'[1, 2]')
        self.assertRaises(ValueError, request.json)

    def test_empty_body_is_none(self):
        self.assertIsNone(http.Request('GET', '/x').json())


class TestEncodeResponse(base.TestCase):

    def split(self, response, keep_alive=True):
        head, _, payload = http.encode_response(response, keep_alive).partition(b'\r\n\r\n')
        lines = head.decode().split('\r\n')
        return lines[0], dict(line.split(': ', 1) for line in lines[1:]), payload

    def test_json_body_is_compact_with_bigip_content_type(self):
        status, headers, payload = self.split(http.Response(200, {'a': [1, 'é']}))
        self.assertEqual('HTTP/1.1 200 OK', status)
        self.assertEqual('application/json;charset=utf-8', headers['Content-Type'])
        self.assertEqual('{"a":[1,"é"]}'.encode(), payload)
        self.assertEqual(str(len(payload)), headers['Content-Length'])
        self.assertNotIn('Connection', headers)

    def test_empty_body_has_zero_length(self):
        status, headers, payload = self.split(http.Response(200, None))
        self.assertEqual(('0', b''), (headers['Content-Length'], payload))

    def test_401_carries_httpds_reason_phrase(self):
        self.assertEqual('HTTP/1.1 401 F5 Authorization Required',
                         self.split(http.Response(401, {}))[0])

    def test_closing_response_says_connection_close(self):
        self.assertEqual('close', self.split(http.Response(200), False)[1]['Connection'])

    def test_text_body_keeps_its_content_type(self):
        _, headers, payload = self.split(http.Response(503, '<html/>', 'text/html'))
        self.assertEqual(('text/html', b'<html/>'), (headers['Content-Type'], payload))


class TestServeConnection(base.TestCase):

    def serve(self, app):
        server, client = socket.socketpair()
        thread = threading.Thread(target=http.serve_connection, args=(server, 'c', app))
        thread.start()
        self.addCleanup(thread.join, 5)
        self.addCleanup(client.close)
        return client, client.makefile('rb')

    def read_response(self, rfile):
        head = []
        while True:
            line = rfile.readline()
            if line in (b'\r\n', b''):
                break
            head.append(line.decode().strip())
        headers = dict(h.split(': ', 1) for h in head[1:])
        return head[0] if head else None, rfile.read(int(headers.get('Content-Length', 0)))

    def test_keep_alive_connection_serves_several_requests(self):
        app = Recorder()
        client, rfile = self.serve(app)
        client.sendall(b'GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n')
        first, second = self.read_response(rfile), self.read_response(rfile)
        self.assertEqual(('HTTP/1.1 200 OK', b'{"n":1}'), first)
        self.assertEqual(('HTTP/1.1 200 OK', b'{"n":2}'), second)
        self.assertEqual(['/a', '/b'], [r.path for r in app.requests])

    def test_connection_close_request_ends_the_connection(self):
        client, rfile = self.serve(Recorder())
        client.sendall(b'GET /a HTTP/1.1\r\nConnection: close\r\n\r\n')
        self.assertEqual(b'{"n":1}', self.read_response(rfile)[1])
        self.assertEqual(b'', rfile.read())

    def test_dropped_response_closes_without_an_answer(self):
        client, rfile = self.serve(Recorder(http.Response(0, drop=http.DROP_CLOSE)))
        client.sendall(b'GET /a HTTP/1.1\r\n\r\n')
        self.assertEqual(b'', rfile.read())

    def test_after_runs_once_the_answer_is_sent(self):
        done = threading.Event()
        client, rfile = self.serve(Recorder(http.Response(200, {}, after=done.set)))
        client.sendall(b'GET /a HTTP/1.1\r\nConnection: close\r\n\r\n')
        self.assertEqual(b'{}', self.read_response(rfile)[1])
        self.assertTrue(done.wait(5))

    def test_malformed_request_gets_400_and_close(self):
        client, rfile = self.serve(Recorder())
        client.sendall(b'NONSENSE\r\n\r\n')
        status, body = self.read_response(rfile)
        self.assertEqual('HTTP/1.1 400 Bad Request', status)
        self.assertEqual(b'', rfile.read())
