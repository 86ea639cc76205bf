# SPDX-License-Identifier: Apache-2.0
"""Tests of the simulator's throw-away TLS certificates."""

import ipaddress
import os
import ssl
import stat

from cryptography import x509
import fixtures

from octavia_f5.simulator import tls
from tests import base


class TestCertificates(base.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.ca_file = tls.make_certificates(self.dir, ['sim.example', '127.0.0.1'])

    def load(self, name):
        with open(os.path.join(self.dir, name), 'rb') as f:
            return x509.load_pem_x509_certificates(f.read())

    def test_server_certificate_is_signed_by_the_ca_file(self):
        (ca,) = self.load(tls.CA_FILE)
        server, chain_ca = self.load(tls.CERT_FILE)
        server.verify_directly_issued_by(ca)
        self.assertEqual(ca, chain_ca)
        self.assertEqual(os.path.join(self.dir, tls.CA_FILE), self.ca_file)

    def test_server_certificate_names_the_hosts(self):
        server = self.load(tls.CERT_FILE)[0]
        names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        self.assertEqual(['sim.example'], names.get_values_for_type(x509.DNSName))
        self.assertEqual([ipaddress.ip_address('127.0.0.1')],
                         names.get_values_for_type(x509.IPAddress))

    def test_private_key_is_readable_by_the_owner_only(self):
        mode = os.stat(os.path.join(self.dir, tls.KEY_FILE)).st_mode
        self.assertEqual(0o600, stat.S_IMODE(mode))

    def test_server_context_is_a_tls_1_2_plus_server_context(self):
        context = tls.server_context(self.dir)
        self.assertEqual((ssl.PROTOCOL_TLS_SERVER, ssl.TLSVersion.TLSv1_2),
                         (context.protocol, context.minimum_version))
