# SPDX-License-Identifier: Apache-2.0
"""Self-signed TLS containers for Octavia's local_cert_manager (run with the cloud's venv).

Octavia's local manager reads a container ref as the base name of ``<ref>.crt`` and
``<ref>.key`` under ``[certificates] storage_path`` (``<cloud>/certs``); a client CA or CRL ref
is read from ``<ref>.crt`` alone. Imports ``cryptography``, which the venv has (Octavia needs it)
and a fresh Debian's system Python may not.
"""

import datetime
import os

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography import x509
from cryptography.x509.oid import NameOID

# Octavia refuses a certificate without a subject CN (MissingCertSubject); SNI uses the CN.
VALIDITY = datetime.timedelta(days=30)


def _write(path, data):
    # Key files are secrets: 0600 from the start, like Octavia's own store_cert.
    fd = os.open(path + '.new', os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'wb') as f:
        f.write(data)
    os.replace(path + '.new', path)


def self_signed(common_name):
    """(certificate PEM, private key PEM) of a new self-signed certificate for ``common_name``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + VALIDITY)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(common_name)]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def store(storage_path, ref, common_name):
    """Write container ``ref`` (certificate + key for ``common_name``); returns ``ref``."""
    os.makedirs(storage_path, mode=0o700, exist_ok=True)
    cert_pem, key_pem = self_signed(common_name)
    base = os.path.join(storage_path, ref)
    _write(base + '.crt', cert_pem)
    _write(base + '.key', key_pem)
    return ref


def remove(storage_path, ref):
    """Remove every file of container ``ref`` (missing ones are fine)."""
    for suffix in ('.crt', '.key', '.int', '.pass'):
        try:
            os.unlink(os.path.join(storage_path, ref + suffix))
        except FileNotFoundError:
            pass
