# SPDX-License-Identifier: Apache-2.0
"""Secrets never reach the logs or exception texts, whoever logs: the client or urllib3.

The device here is a small HTTP server on 127.0.0.1 (not a mock of requests), so that the log
lines of the real transport (urllib3) are captured too. It answers errors that echo whatever
was sent, the worst case a device can produce.
"""

import base64
import http.server
import json
import logging
import threading

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import serialization
import fixtures

from octavia_f5.bigip import device
from octavia_f5.bigip import retry
from octavia_f5.common import exceptions
from tests import base
from tests.unit.bigip import fakes

PASSPHRASE = 'correct-horse-battery-staple'
ECHOING_PATHS = ('/mgmt/tm/ltm/profile/client-ssl', '/mgmt/shared/file-transfer/uploads/bad.key')


class _FakeBigip(http.server.BaseHTTPRequestHandler):
    """Logins hand out TOKEN then TOKEN2; TOKEN is refused once by sys/version."""

    protocol_version = 'HTTP/1.1'
    # Buffered answers leave in one segment; unbuffered, headers and body wait on delayed ACKs.
    wbufsize = -1
    tokens = None

    def log_message(self, *args):
        """Quiet: the test captures logging, not stderr."""

    def _answer(self, status, body=None):
        data = json.dumps(body).encode() if body is not None else b''
        self.send_response(status)
        self.send_header('Content-Type', 'application/json;charset=utf-8')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        return self.rfile.read(int(self.headers.get('Content-Length') or 0))

    def _route(self):
        raw = self._body()
        path = self.path.split('?')[0]
        if path == '/mgmt/shared/authn/login':
            return 200, fakes.login_answer(self.tokens.pop(0))
        if path.startswith('/mgmt/shared/authz/tokens/'):
            token = path.rsplit('/', 1)[1]
            return 200, (fakes.token_item(token, 36000) if self.command == 'PATCH' else None)
        if path.startswith(ECHOING_PATHS):
            echo = raw.decode('utf-8', 'replace')
            return 400, fakes.error(400, '01070712:3: cannot use %s' % echo)
        if path == '/mgmt/tm/sys/version' and self.headers['X-F5-Auth-Token'] == fakes.TOKEN:
            return 401, fakes.rest_error(401, 'X-F5-Auth-Token does not exist.')
        if path.startswith('/mgmt/shared/file-transfer/uploads/'):
            return 200, {'localFilePath': '/var/config/rest/downloads/k1.key'}
        return 200, {'kind': 'tm:ok', 'name': 'ok'}

    def _handle(self):
        self._answer(*self._route())

    do_GET = do_POST = do_PATCH = do_DELETE = _handle


def _encrypted_key():
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSPHRASE.encode())).decode()


class TestSecretsNeverLogged(base.TestCase):

    def setUp(self):
        super().setUp()
        handler = type('Handler', (_FakeBigip,), {'tokens': [fakes.TOKEN, fakes.TOKEN2]})
        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        self.url = 'http://127.0.0.1:%d' % server.server_address[1]
        for name in ('urllib3', 'octavia_f5'):
            logger = logging.getLogger(name)
            self.addCleanup(logger.setLevel, logger.level)
            logger.setLevel(logging.DEBUG)
        self.logs = self.useFixture(fixtures.FakeLogger(
            level=logging.DEBUG, format='%(levelname)s %(name)s %(message)s'))
        self.key = _encrypted_key()

    def _secrets(self):
        basic = base64.b64encode(('admin:%s' % fakes.PASSWORD).encode()).decode()
        key_lines = [line for line in self.key.splitlines() if '-----' not in line]
        return [fakes.PASSWORD, fakes.TOKEN, fakes.TOKEN2, PASSPHRASE, basic] + key_lines

    def _use_the_device(self):
        """Every kind of exchange that carries a secret; returns the errors raised."""
        options = device.DeviceOptions(password=fakes.PASSWORD,
                                       retry_policy=retry.RetryPolicy(1, 0.0, 0.0))
        dev = device.Device(self.url, options, sleep=lambda seconds: None)
        raised = []
        dev.upload('k1.key', self.key.encode())
        dev.post('/mgmt/tm/sys/file/ssl-key',
                 {'name': 'k1.key', 'partition': 'P', 'passphrase': PASSPHRASE,
                  'sourcePath': 'file:///var/config/rest/downloads/k1.key'})
        dev.get('/mgmt/tm/sys/version')
        raised.append(self.assertRaises(
            exceptions.InvalidRequest, dev.post, '/mgmt/tm/ltm/profile/client-ssl',
            {'name': 'cs', 'certKeyChain': [{'name': 'k1', 'key': '/P/k1.key',
                                             'passphrase': PASSPHRASE}],
             'description': self.key}))
        raised.append(self.assertRaises(exceptions.InvalidRequest, dev.upload, 'bad.key',
                                        self.key.encode()))
        dev.close()
        return raised

    def test_no_secret_in_any_log_line_or_exception_text(self):
        raised = self._use_the_device()
        output = self.logs.output
        texts = [str(error) for error in raised] + [error.message for error in raised]
        for secret in self._secrets():
            self.assertNotIn(secret, output)
            for text in texts:
                self.assertNotIn(secret, text)

    def test_the_captured_logs_hold_the_lines_that_could_have_leaked(self):
        raised = self._use_the_device()
        output = self.logs.output
        # The client's own lines, with masked bodies and paths ...
        self.assertIn('POST /mgmt/shared/authn/login -> 200', output)
        self.assertIn('"passphrase": "***"', output)
        self.assertIn('POST /mgmt/tm/ltm/profile/client-ssl -> 400', output)
        # ... and urllib3's request lines, whose URL held the token on release.
        self.assertIn('"DELETE /mgmt/shared/authz/tokens/*** HTTP/1.1" 200', output)
        self.assertIn('01070712:3: cannot use', raised[0].message)
