# SPDX-License-Identifier: Apache-2.0
"""Tests of validation helpers not covered through one mapping module: TLS key pairs."""

from tests import base as test_base
from tools.localcloud import certs

from octavia_f5.bigip.mapping import validation
from octavia_f5.common import exceptions


def container(certificate, key, **extra):
    return dict({'id': 'c1', 'certificate': certificate.decode(),
                 'private_key': key.decode(), 'primary_cn': 'www.example.org'}, **extra)


class TestKeyPair(test_base.TestCase):

    def setUp(self):
        super().setUp()
        self.cert, self.key = certs.self_signed('www.example.org')
        self.other_cert, self.other_key = certs.self_signed('other.example.org')

    def test_a_certificate_with_its_own_key_passes(self):
        self.assertIsNone(validation.key_pair('tls', container(self.cert, self.key)))

    def test_a_key_of_another_certificate_is_refused_without_echoing_it(self):
        error = self.assertRaises(exceptions.InvalidValue, validation.key_pair,
                                  'default_tls_container_data',
                                  container(self.cert, self.other_key))
        self.assertEqual('default_tls_container_data', error.field)
        self.assertIn('does not belong', error.reason)
        self.assertNotIn('PRIVATE KEY', str(error))

    def test_what_cannot_be_compared_is_left_to_the_device(self):
        for value in (None, {}, container(self.cert, self.other_key, passphrase='x'),
                      container(b'-----BEGIN CERTIFICATE-----\nMIIB\n', self.key)):
            self.assertIsNone(validation.key_pair('tls', value))
