# SPDX-License-Identifier: Apache-2.0
"""TLS containers of the bad-input corpus, written to Octavia's local certificate store.

Octavia's local_cert_manager reads ``<ref>.crt``, ``<ref>.key`` and ``<ref>.int`` (a client CA
or CRL only ``<ref>.crt``); each kind below writes what its name says.
"""

import datetime
import os
import uuid

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography import x509
from cryptography.x509.oid import NameOID

CORRUPT_CERT = b'-----BEGIN CERTIFICATE-----\nnot base64 !!!\n-----END CERTIFICATE-----\n'
CORRUPT_CRL = b'-----BEGIN X509 CRL-----\nZZZZ\n-----END X509 CRL-----\n'
DAY = datetime.timedelta(days=1)


def _certificate(cn, start=-1, days=30, names=1, key=None):
    """(certificate PEM, key PEM): self-signed, valid from ``start`` for ``days`` days."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = datetime.datetime.now(datetime.timezone.utc)
    sans = [x509.DNSName('h%d.example.org' % i) for i in range(names)]
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now + start * DAY).not_valid_after(now + days * DAY)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def _files(kind, cn):
    """{suffix: bytes} of a container of ``kind``."""
    cn = cn or 'www.example.org'
    if kind == 'good':
        crt, key = _certificate(cn)
    elif kind == 'expired':
        crt, key = _certificate('expired.example.org', start=-10, days=-1)
    elif kind == 'future':
        crt, key = _certificate('future.example.org', start=10, days=40)
    elif kind == 'big':
        crt, key = _certificate('big.example.org', names=3000)
    elif kind == 'rsa4096':
        crt, key = _certificate('rsa.example.org',
                                key=rsa.generate_private_key(65537, 4096))
    elif kind == 'mismatch':
        crt, key = _certificate(cn)[0], _certificate(cn)[1]
    elif kind in ('no-key', 'bad-chain'):
        crt, key = _certificate(cn)
        files = {'.crt': crt}
        if kind == 'bad-chain':
            files.update({'.key': key, '.int': CORRUPT_CERT})
        return files
    else:
        corrupt = {'garbage': CORRUPT_CERT, 'not-pem': b'hello world\n',
                   'binary': b'\xff\xfe\x00binary', 'html': b'<script>alert(1)</script>\n',
                   'bad-crl': CORRUPT_CRL}[kind]
        return {'.crt': corrupt, '.key': _certificate('www.example.org')[1]}
    return {'.crt': crt, '.key': key}


def write(store, kind, cn=None):
    """A new container of ``kind`` in ``store``; returns its ref (remove with certs.remove)."""
    ref = 'bad-%s-%s' % (kind, uuid.uuid4().hex[:8])
    os.makedirs(store, mode=0o700, exist_ok=True)
    for suffix, data in _files(kind, cn).items():
        # Key files are secrets: 0600 from the start, as Octavia's own store writes them.
        fd = os.open(os.path.join(store, ref + suffix), os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
    return ref
