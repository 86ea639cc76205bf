# SPDX-License-Identifier: Apache-2.0
"""Tests of the encryption rule for certificate and key material in job payloads."""

import copy

from cryptography import fernet
import msgpack
from oslo_serialization import jsonutils

from octavia_f5.common import exceptions
from octavia_f5.common import secrets
from tests import base

KEY_PEM = ('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n'
           '-----END PRIVATE KEY-----\n')
CERT_PEM = ('-----BEGIN CERTIFICATE-----\nMIIDazCCAlOgAwIBAgIUfWQ7aJ3y\n'
            '-----END CERTIFICATE-----\n')


def _container():
    return {'id': 'c1', 'primary_cn': 'www.example.com', 'certificate': CERT_PEM,
            'private_key': KEY_PEM, 'intermediates': [CERT_PEM], 'passphrase': None}


def _listener_payload():
    return {'listener': {
        'listener_id': 'l1', 'name': 'web', 'protocol': 'TERMINATED_HTTPS',
        'default_tls_container_ref': 'https://barbican/containers/c1',
        'default_tls_container_data': _container(),
        'sni_container_data': [_container(), _container()],
        'client_ca_tls_container_data': CERT_PEM,
        'client_crl_container_data': None,
        'allowed_cidrs': ['192.0.2.0/24'],
    }}


class TestSecrets(base.TestCase):

    def setUp(self):
        super().setUp()
        self.key = fernet.Fernet.generate_key().decode()
        self.config(group='f5_jobboard', secret_key=self.key)

    def test_every_secret_field_is_encrypted_and_nothing_else(self):
        encrypted = secrets.encrypt_payload(_listener_payload())

        listener = encrypted['listener']
        for field in ('default_tls_container_data', 'sni_container_data',
                      'client_ca_tls_container_data'):
            self.assertTrue(secrets.is_envelope(listener[field]), field)
        self.assertIsNone(listener['client_crl_container_data'])
        self.assertEqual('https://barbican/containers/c1',
                         listener['default_tls_container_ref'])
        self.assertEqual(['192.0.2.0/24'], listener['allowed_cidrs'])
        self.assertEqual('web', listener['name'])
        self.assertNotIn('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', jsonutils.dumps(encrypted))
        self.assertNotIn('MIIDazCCAlOgAwIBAgIUfWQ7aJ3y', jsonutils.dumps(encrypted))

    def test_bare_tls_container_fields_are_encrypted(self):
        encrypted = secrets.encrypt_payload({'containers': [_container()]})

        container = encrypted['containers'][0]
        for field in ('certificate', 'private_key', 'intermediates'):
            self.assertTrue(secrets.is_envelope(container[field]), field)
        self.assertIsNone(container['passphrase'])
        self.assertEqual('www.example.com', container['primary_cn'])

    def test_decrypt_restores_the_payload(self):
        payload = _listener_payload()
        self.assertEqual(payload, secrets.decrypt_payload(secrets.encrypt_payload(payload)))

    def test_bytes_come_back_as_text(self):
        encrypted = secrets.encrypt_payload({'private_key': KEY_PEM.encode()})
        self.assertEqual({'private_key': KEY_PEM}, secrets.decrypt_payload(encrypted))

    def test_input_is_not_modified(self):
        payload = _listener_payload()
        original = copy.deepcopy(payload)
        secrets.decrypt_payload(secrets.encrypt_payload(payload))
        self.assertEqual(original, payload)

    def test_encrypting_twice_keeps_the_first_envelopes(self):
        once = secrets.encrypt_payload(_listener_payload())
        self.assertEqual(once, secrets.encrypt_payload(once))

    def test_envelope_survives_msgpack_and_json(self):
        encrypted = secrets.encrypt_payload(_listener_payload())
        self.assertEqual(encrypted, msgpack.unpackb(msgpack.packb(encrypted)))
        self.assertEqual(encrypted, jsonutils.loads(jsonutils.dumps(encrypted)))

    def test_payload_without_secrets_needs_no_key(self):
        self.config(group='f5_jobboard', secret_key=None)
        payload = {'pool': {'pool_id': 'p1', 'members': [{'member_id': 'm1'}]}}
        self.assertEqual(payload, secrets.encrypt_payload(payload))
        self.assertEqual(payload, secrets.decrypt_payload(payload))

    def test_secrets_without_a_key_are_refused(self):
        self.config(group='f5_jobboard', secret_key=None)
        error = self.assertRaises(exceptions.SecretError, secrets.encrypt_payload,
                                  _listener_payload())
        self.assertIn('secret_key is not set', str(error))

    def test_invalid_key_is_refused_without_quoting_it(self):
        self.config(group='f5_jobboard', secret_key='not-a-fernet-key-at-all')
        error = self.assertRaises(exceptions.SecretError, secrets.encrypt_payload,
                                  _listener_payload())
        self.assertIn('not a valid Fernet key', str(error))
        self.assertNotIn('not-a-fernet-key-at-all', str(error))

    def test_token_from_another_key_is_refused_without_quoting_it(self):
        encrypted = secrets.encrypt_payload(_listener_payload())
        self.config(group='f5_jobboard', secret_key=fernet.Fernet.generate_key().decode())
        error = self.assertRaises(exceptions.SecretError, secrets.decrypt_payload, encrypted)
        self.assertIn('differs', str(error))
        token = encrypted['listener']['client_ca_tls_container_data'][secrets.ENVELOPE]
        self.assertNotIn(token, str(error))

    def test_explicit_key_overrides_the_option(self):
        other = fernet.Fernet.generate_key().decode()
        encrypted = secrets.encrypt_payload(_listener_payload(), key=other)
        self.assertRaises(exceptions.SecretError, secrets.decrypt_payload, encrypted)
        self.assertEqual(_listener_payload(), secrets.decrypt_payload(encrypted, key=other))

    def test_contains_secrets_ignores_encrypted_and_empty_fields(self):
        self.assertTrue(secrets.contains_secrets(_listener_payload()))
        self.assertFalse(secrets.contains_secrets(
            secrets.encrypt_payload(_listener_payload())))
        self.assertFalse(secrets.contains_secrets({'pool': {'tls_container_data': None}}))
