# SPDX-License-Identifier: Apache-2.0
"""No password, token or private key in any log record or exception text, over real HTTP.

Everything logs at DEBUG (the client, urllib3, the in-process simulator) while the client logs
in, renews a refused token, uploads and installs private keys (sys/file/ssl-key and sys crypto
install, with and without a passphrase), provokes refusals that echo the request, fails a login
and releases its token.
"""

import base64
import logging

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import serialization
import fixtures

from octavia_f5.bigip import auth
from octavia_f5.bigip import paths
from octavia_f5.common import exceptions
from tests.functional.bigip import base

PASSWORD = 'Adm1n-pa55word-for-tests'
WRONG_PASSWORD = 'wrong-pa55word-for-tests'
PASSPHRASE = 'correct-horse-battery-staple'
SSL_KEYS = paths.collection('sys/file/ssl-key')
CRYPTO_KEYS = paths.collection('sys/crypto/key')
DOWNLOADS = '/var/config/rest/downloads/'


def _private_key(passphrase=None):
    encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                  else serialization.NoEncryption())
    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()


class TestSecretsNeverShown(base.ClientTestCase):

    SIMULATOR = {'password': PASSWORD}

    def setUp(self):
        super().setUp()
        for name in ('octavia_f5', 'urllib3'):
            logger = logging.getLogger(name)
            self.addCleanup(logger.setLevel, logger.level)
            logger.setLevel(logging.DEBUG)
        self.logs = self.useFixture(fixtures.FakeLogger(
            level=logging.DEBUG, format='%(levelname)s %(name)s %(message)s'))
        self.plain_key = _private_key()
        self.encrypted_key = _private_key(PASSPHRASE)
        self.raised = []

    def secrets(self):
        """Every secret of the exchanges: passwords, Basic values, tokens, key material."""
        found = [PASSWORD, WRONG_PASSWORD, PASSPHRASE]
        found += [base64.b64encode(('admin:%s' % p).encode()).decode()
                  for p in (PASSWORD, WRONG_PASSWORD)]
        # The device's call log shows the token paths the client used; the log masks bodies.
        tokens = {c['path'].rsplit('/', 1)[1] for c in self.calls(path=auth.TOKENS_PATH + '/')}
        self.assertGreaterEqual(len(tokens), 2, 'expected a login and a renewed login')
        found += sorted(tokens)
        for key in (self.plain_key, self.encrypted_key):
            found += [line for line in key.splitlines() if '-----' not in line]
        return found

    def expect(self, error_class, function, *args):
        self.raised.append(self.assertRaises(error_class, function, *args))

    def install_keys(self, device):
        """Both install paths, each with a plain and an encrypted key; then refusals."""
        device.upload('plain.key', self.plain_key.encode())
        device.upload('encrypted.key', self.encrypted_key.encode())
        device.create(SSL_KEYS, {'name': 'plain.key', 'partition': 'Common',
                                 'sourcePath': 'file:' + DOWNLOADS + 'plain.key'})
        with device.transaction() as tx:
            tx.post(SSL_KEYS, {'name': 'encrypted.key', 'partition': 'Common',
                               'sourcePath': 'file:' + DOWNLOADS + 'encrypted.key',
                               'passphrase': PASSPHRASE})
        device.post(CRYPTO_KEYS, {'command': 'install', 'name': 'crypto_encrypted',
                                  'from-local-file': DOWNLOADS + 'encrypted.key',
                                  'passphrase': PASSPHRASE})
        device.post(CRYPTO_KEYS, {'command': 'install', 'name': 'crypto_plain',
                                  'from-local-file': DOWNLOADS + 'plain.key'})
        # Refusals that repeat what was sent: the key text, the passphrase.
        self.expect(exceptions.InvalidRequest, device.post, CRYPTO_KEYS,
                    {'command': 'install', 'name': 'echo', 'from-local-file':
                     DOWNLOADS + 'plain.key', 'keyText': self.plain_key})
        self.expect(exceptions.InvalidRequest, device.post, SSL_KEYS,
                    {'name': 'echo.key', 'partition': 'Common', 'privateKey': self.plain_key,
                     'sourcePath': 'file:' + DOWNLOADS + 'plain.key'})
        self.expect(exceptions.InvalidRequest, device.post, base.POOLS,
                    {'name': 'pool_1', 'partition': 'Common', 'password': PASSWORD})
        self.expect(exceptions.InvalidRequest, device.create, SSL_KEYS,
                    {'name': 'wrong.key', 'partition': 'Common', 'passphrase': 'not-it-at-all',
                     'sourcePath': 'file:' + DOWNLOADS + 'encrypted.key'})

    def use_the_client(self):
        device = self.make_device(password=PASSWORD)
        self.install_keys(device)
        self.sim.expire_tokens()
        self.assertEqual(['/Common/crypto_encrypted', '/Common/crypto_plain',
                          '/Common/default.key', '/Common/encrypted.key',
                          '/Common/plain.key'],
                         sorted(k['fullPath'] for k in device.items(SSL_KEYS)))
        device.close()
        basic = self.make_device(password=PASSWORD, auth_method='basic')
        self.assertEqual(5, len(basic.items(CRYPTO_KEYS)))
        for method in ('token', 'basic'):
            wrong = self.make_device(password=WRONG_PASSWORD, auth_method=method)
            self.expect(exceptions.AuthenticationFailed, wrong.get, base.POOLS)

    def test_no_secret_in_logs_or_exceptions(self):
        self.use_the_client()
        self.assertEqual(6, len(self.raised))
        texts = [self.logs.output] + [str(e) for e in self.raised] + [
            repr(e) for e in self.raised] + [e.message for e in self.raised]
        for secret in self.secrets():
            for text in texts:
                self.assertNotIn(secret, text)
        # The checks above looked at real log lines of every kind, not at silence.
        for expected in ('POST /mgmt/shared/authn/login -> 200',
                         'DELETE /mgmt/shared/authz/tokens/*** -> 200',
                         'POST /mgmt/shared/file-transfer/uploads/plain.key -> 200',
                         '"passphrase": "***"', 'login token refused; logging in again',
                         'urllib3.connectionpool'):
            self.assertIn(expected, self.logs.output)

    def test_device_keeps_no_key_material_readable(self):
        device = self.make_device(password=PASSWORD)
        self.install_keys(device)
        shown = str(device.items(SSL_KEYS)) + str(device.items(CRYPTO_KEYS))
        self.assertNotIn(PASSPHRASE, shown)
        for key in (self.plain_key, self.encrypted_key):
            for line in key.splitlines()[1:-1]:
                self.assertNotIn(line, shown)
