# SPDX-License-Identifier: Apache-2.0
"""Real certificates, keys and CRLs for tests (the simulator parses what it installs)."""

import datetime
import functools
import hashlib

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography import x509
from cryptography.x509.oid import NameOID

_NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _cert(common_name, key, issuer=None, issuer_key=None, ca=False):
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer or subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(_NOW).not_valid_after(_NOW + datetime.timedelta(days=3650))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    return builder.sign(issuer_key or key, hashes.SHA256())


@functools.lru_cache(maxsize=None)
def authority(name='Test CA'):
    """(certificate object, key, PEM) of a CA."""
    key = _key()
    cert = _cert(name, key, ca=True)
    return cert, key, cert.public_bytes(serialization.Encoding.PEM).decode()


@functools.lru_cache(maxsize=None)
def container(common_name):
    """An octavia-lib TLS container dict (as cert_parser builds it) for ``common_name``."""
    ca_cert, ca_key, ca_pem = authority()
    key = _key()
    cert = _cert(common_name, key, ca_cert.subject, ca_key)
    pem = cert.public_bytes(serialization.Encoding.PEM)
    return {'id': hashlib.sha1(pem).hexdigest(), 'primary_cn': common_name,
            'certificate': pem.decode(), 'private_key': _pem_key(key),
            'intermediates': [ca_pem], 'passphrase': None}


@functools.lru_cache(maxsize=None)
def crl():
    """A PEM CRL signed by the test CA."""
    ca_cert, ca_key, _pem = authority()
    revoked = (x509.CertificateRevocationListBuilder().issuer_name(ca_cert.subject)
               .last_update(_NOW).next_update(_NOW + datetime.timedelta(days=30))
               .sign(ca_key, hashes.SHA256()))
    return revoked.public_bytes(serialization.Encoding.PEM).decode()
