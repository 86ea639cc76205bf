# SPDX-License-Identifier: Apache-2.0
"""A throw-away CA and server certificate for the simulator's HTTPS, made at start."""

import datetime
import ipaddress
import os
import ssl

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography import x509
from cryptography.x509 import oid

CA_FILE = 'ca.pem'
CERT_FILE = 'server.pem'
KEY_FILE = 'server-key.pem'
VALIDITY = datetime.timedelta(days=30)


def _name(common_name):
    return x509.Name([x509.NameAttribute(oid.NameOID.ORGANIZATION_NAME, 'octavia_f5 simulator'),
                      x509.NameAttribute(oid.NameOID.COMMON_NAME, common_name)])


def _builder(subject, issuer, public_key):
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(public_key).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + VALIDITY))


def _alt_names(hosts):
    names = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return x509.SubjectAlternativeName(names)


def make_certificates(directory, hosts=('localhost', '127.0.0.1', '::1')):
    """Write a CA, and a server certificate it signed for ``hosts``; the CA file's path.

    Clients verify against the CA file. A separate CA (rather than one self-signed leaf)
    is what OpenSSL's strict verification accepts as a trust anchor.
    """
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name('octavia_f5 simulator CA')
    ca = (_builder(ca_name, ca_name, ca_key.public_key())
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                       False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                         critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (_builder(_name(hosts[0]), ca_name, key.public_key())
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_alt_names(hosts), critical=False)
            .add_extension(x509.ExtendedKeyUsage([oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    _write(os.path.join(directory, CA_FILE), ca.public_bytes(pem))
    _write(os.path.join(directory, CERT_FILE), cert.public_bytes(pem) + ca.public_bytes(pem))
    _write(os.path.join(directory, KEY_FILE), key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()), mode=0o600)
    return os.path.join(directory, CA_FILE)


def _write(path, data, mode=0o644):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, 'wb') as f:
        f.write(data)


def server_context(directory):
    """The TLS context of the listeners, from the files make_certificates wrote."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(os.path.join(directory, CERT_FILE),
                            os.path.join(directory, KEY_FILE))
    return context
