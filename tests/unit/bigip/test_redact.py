# SPDX-License-Identifier: Apache-2.0
"""Tests of masking passwords, tokens and private keys."""

import json
import logging

import fixtures

from octavia_f5.bigip import redact
from tests import base
from tests.unit.bigip import fakes

KEY_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7fakeKeyMaterial'
PEM_KEY = '-----BEGIN RSA PRIVATE KEY-----\n%s\n-----END RSA PRIVATE KEY-----\n' % KEY_BODY
PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIDcertificatebody\n-----END CERTIFICATE-----\n'


class TestPatterns(base.TestCase):

    def test_pem_private_key_block_is_masked(self):
        text = redact.patterns('cert %s key %s end' % (PEM_CERT, PEM_KEY))
        self.assertNotIn(KEY_BODY, text)
        self.assertIn('MIIDcertificatebody', text)
        self.assertTrue(text.endswith(' end'))

    def test_pem_key_inside_json_text_is_masked(self):
        text = redact.patterns(json.dumps({'content': PEM_KEY}))
        self.assertNotIn(KEY_BODY, text)

    def test_truncated_pem_key_is_masked_to_the_end(self):
        text = redact.patterns('body: ' + PEM_KEY[:60])
        self.assertNotIn(KEY_BODY[:20], text)

    def test_encrypted_and_pkcs8_keys_are_masked(self):
        for label in ('ENCRYPTED PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY'):
            pem = '-----BEGIN %s-----\nSECRETBITS\n-----END %s-----' % (label, label)
            self.assertNotIn('SECRETBITS', redact.patterns(pem))

    def test_secret_json_fields_are_masked(self):
        text = redact.patterns('{"username": "admin", "password": "p\\"w", "Passphrase": "x"}')
        self.assertEqual('{"username": "admin", "password": "***", "Passphrase": "***"}', text)

    def test_token_in_url_path_is_masked(self):
        self.assertEqual('DELETE /mgmt/shared/authz/tokens/*** 200',
                         redact.patterns('DELETE /mgmt/shared/authz/tokens/%s 200'
                                         % fakes.TOKEN))


class TestBody(base.TestCase):

    def test_secret_fields_and_keys_are_masked_in_a_copy(self):
        original = {'name': 'k1', 'passphrase': 'pp',
                    'certKeyChain': [{'key': '/P/k1.key', 'passphrase': 'pp'}],
                    'content': PEM_KEY}
        masked = redact.body(original)
        self.assertEqual({'name': 'k1', 'passphrase': '***',
                          'certKeyChain': [{'key': '/P/k1.key', 'passphrase': '***'}],
                          'content': redact._PEM_MASK + '\n'}, masked)
        self.assertEqual('pp', original['passphrase'])

    def test_nested_token_object_is_walked_into(self):
        masked = redact.body({'token': {'token': fakes.TOKEN, 'timeout': 1200}})
        self.assertEqual({'token': {'token': '***', 'timeout': 1200}}, masked)

    def test_secrets_in_finds_field_values_and_key_blocks(self):
        found = redact.secrets_in({'a': [{'password': 'pw1'}], 'b': 'x ' + PEM_KEY})
        self.assertEqual('pw1', found[0])
        self.assertIn(KEY_BODY, found[1])
        self.assertEqual(2, len(found))

    def test_secrets_in_nothing(self):
        self.assertEqual([], redact.secrets_in(None))


class TestRedactor(base.TestCase):

    def test_known_secrets_are_masked_anywhere(self):
        redactor = redact.Redactor([fakes.PASSWORD])
        redactor.add(fakes.TOKEN)
        text = redactor.text('pw=%s tok=%s' % (fakes.PASSWORD, fakes.TOKEN))
        self.assertEqual('pw=*** tok=***', text)

    def test_secret_is_masked_in_its_json_escaped_form(self):
        secret = 'pa"ss\\word'
        redactor = redact.Redactor([secret])
        self.assertNotIn(json.dumps(secret)[1:-1], redactor.text(json.dumps({'x': secret})))

    def test_extra_secrets_are_masked_for_one_call(self):
        redactor = redact.Redactor()
        self.assertEqual('a *** b', redactor.text('a horse-staple b', extra=['horse-staple']))
        self.assertEqual('a horse-staple b', redactor.text('a horse-staple b'))

    def test_very_short_secrets_do_not_destroy_text(self):
        self.assertEqual('abc abc', redact.Redactor(['ab']).text('abc abc'))

    def test_body_text_is_masked_and_capped(self):
        redactor = redact.Redactor([fakes.PASSWORD])
        text = redactor.body_text({'description': fakes.PASSWORD, 'x': 'y' * 50}, limit=40)
        self.assertNotIn(fakes.PASSWORD, text)
        self.assertEqual(43, len(text))
        self.assertTrue(text.endswith('...'))


class TestLogFilter(base.TestCase):

    def test_urllib3_request_lines_lose_their_token(self):
        logs = self.useFixture(fixtures.FakeLogger(level=logging.DEBUG))
        redact.install_log_filter()
        redact.install_log_filter()
        logger = logging.getLogger('urllib3.connectionpool')
        self.assertEqual(1, sum(isinstance(f, redact._PatternFilter) for f in logger.filters))
        logger.debug('%s://%s:%s "%s %s %s" %s %s', 'https', 'h', 443, 'DELETE',
                     '/mgmt/shared/authz/tokens/' + fakes.TOKEN, 'HTTP/1.1', 200, 0)
        self.assertIn('/mgmt/shared/authz/tokens/***', logs.output)
        self.assertNotIn(fakes.TOKEN, logs.output)
