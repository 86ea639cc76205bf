# SPDX-License-Identifier: Apache-2.0
"""Helpers of the backend conformance suite: a fresh Backend, verbs, errors, certificates."""

import datetime

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography import x509
from cryptography.x509.oid import NameOID

from octavia_f5.simulator.backend import Backend
from tests import base

TM = '/mgmt/tm/'


class FakeClock:
    """A clock tests move by hand (transaction expiry)."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def pem_pair(common_name='www.example.com'):
    """(certificate PEM, private key PEM) of a fresh self-signed EC certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(4660)
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


class BackendTestCase(base.TestCase):
    """A factory-default device per test, and one-line verbs that return (status, body)."""

    def setUp(self):
        super().setUp()
        self.clock = FakeClock()
        self.backend = Backend(hostname='bigip1', version='17.1.1', clock=self.clock)

    def call(self, method, path, body=None, query=None, txn=None):
        return self.backend.handle(method, TM + path, query or {}, body, transaction_id=txn)

    def get(self, path, **query):
        return self.call('GET', path, query=query)

    def post(self, path, body, txn=None):
        return self.call('POST', path, body, txn=txn)

    def patch(self, path, body, txn=None):
        return self.call('PATCH', path, body, txn=txn)

    def put(self, path, body, txn=None):
        return self.call('PUT', path, body, txn=txn)

    def delete(self, path, txn=None):
        return self.call('DELETE', path, txn=txn)

    def ok(self, method, path, body=None, **kw):
        """The body of a call that must succeed."""
        status, out = self.call(method, path, body, **kw)
        self.assertEqual(200, status, out)
        return out

    def create(self, path, body):
        return self.ok('POST', path, body)

    def assertRefused(self, response, status, message, api_error=3):
        """The exact error body of BIG-IP: code, message, errorStack, apiError."""
        self.assertEqual((status, {'code': status, 'message': message, 'errorStack': [],
                                   'apiError': api_error}), response)

    def tenant(self, partition='P', rd=2):
        """A partition with its own route domain, as the driver sets a project up."""
        self.create('net/route-domain', {'name': 'rd%d' % rd, 'id': rd})
        self.create('auth/partition', {'name': partition, 'defaultRouteDomain': rd})

    def upload(self, name, data):
        self.backend.store_upload(name, data)
        return 'file:/var/config/rest/downloads/' + name
