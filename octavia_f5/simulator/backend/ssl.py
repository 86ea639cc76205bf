# SPDX-License-Identifier: Apache-2.0
"""Certificates, keys and CRLs (sys file / sys crypto) and the client-ssl/server-ssl profiles.

Certificate and key objects keep metadata and a digest of the public key, never the PEM of a
private key: the matching rule of a profile compares the digests (reference 3.15).
"""

import hashlib
import time

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography import x509

from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import model
from octavia_f5.simulator.backend import names
from octavia_f5.simulator.backend import profiles

CERT, KEY, CRL = 'sys/file/ssl-cert', 'sys/file/ssl-key', 'sys/file/ssl-crl'
DOWNLOADS = '/var/config/rest/downloads/'
SSL_PROFILES = (profiles.PROFILE + 'client-ssl', profiles.PROFILE + 'server-ssl')
_SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def read_upload(cfg, source):
    """The bytes of file:/var/config/rest/downloads/<name> (also file:///...)."""
    path = source[len('file:'):] if isinstance(source, str) and source.startswith('file:') \
        else source
    if isinstance(path, str) and path.startswith('//'):
        path = path[2:]
    data = None
    if isinstance(path, str) and path.startswith(DOWNLOADS):
        data = cfg.runtime.uploads.get(path[len(DOWNLOADS):])
    if data is None:
        # [U] text: no capture of an install from a missing file was found.
        raise errors.bad_request('01070711:3: Failed to open the source file (%s).' % path,
                                 errors.MCPD)
    return data


def unknown_format(full_path):
    return errors.bad_request('01070712:3: Certificate/Key has unknown format or security type '
                              '(%s).' % full_path, errors.MCPD)


def spki(public_key):
    return hashlib.sha256(public_key.public_bytes(*_SPKI)).hexdigest()


def key_facts(public_key, kind):
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return {'keyType': 'ec-' + kind, 'keySize': public_key.curve.key_size}
    return {'keyType': 'rsa-' + kind, 'keySize': public_key.key_size}


def file_facts(data, source):
    stamp = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
    return {'checksum': 'SHA1:%d:%s' % (len(data), hashlib.sha1(data).hexdigest()),
            'createTime': stamp, 'createdBy': 'admin', 'lastUpdateTime': stamp, 'mode': 33188,
            'revision': 1, 'size': len(data), 'sourcePath': source, 'updatedBy': 'admin'}


def cert_facts(data, full_path, source):
    try:
        certs = x509.load_pem_x509_certificates(data)
    except ValueError:
        raise unknown_format(full_path)
    cert = certs[0]
    expires = cert.not_valid_after_utc
    facts = file_facts(data, source)
    facts.update(key_facts(cert.public_key(), 'public'))
    facts.update({
        'expirationDate': int(expires.timestamp()),
        'expirationString': expires.strftime('%b %d %H:%M:%S %Y GMT'),
        'fingerprint': 'SHA256/' + cert.fingerprint(hashes.SHA256()).hex(':').upper(),
        'isBundle': 'true' if len(certs) > 1 else 'false',
        'issuer': cert.issuer.rfc4514_string(), 'serialNumber': '%x' % cert.serial_number,
        'subject': cert.subject.rfc4514_string(), 'version': 3,
        '_spki': spki(cert.public_key())})
    return facts


def key_facts_of(data, full_path, source, passphrase):
    password = passphrase.encode() if passphrase else None
    try:
        key = serialization.load_pem_private_key(data, password)
    except (ValueError, TypeError):
        raise unknown_format(full_path)
    facts = file_facts(data, source)
    facts.update(key_facts(key.public_key(), 'private'))
    facts.update(securityType='password' if passphrase else 'normal',
                 _spki=spki(key.public_key()))
    return facts


def crl_facts(data, full_path, source):
    try:
        x509.load_pem_x509_crl(data)
    except ValueError:
        raise unknown_format(full_path)
    return file_facts(data, source)


class SslFile(model.Model):
    """sys file ssl-cert | ssl-key | ssl-crl, installed from an uploaded file."""

    noun = 'file object'
    plural = 'file objects'
    fields = frozenset(('description', 'sourcePath', 'securityType', 'passphrase'))
    secrets = frozenset(('passphrase',))

    def __init__(self, path, label, parse, builtins=()):
        self.path = path
        kind = path.rsplit('/', 1)[1]
        self.kind = 'tm:sys:file:%s:%sstate' % (kind, kind)
        self.label = label
        self.parse = parse
        self.builtins = builtins
        super().__init__()

    def prepare(self, op):
        obj = op.obj
        if 'sourcePath' not in obj:
            raise errors.config_error('The %s (%s) requires a sourcePath.'
                                      % (self.noun, obj['fullPath']))
        data = read_upload(op.cfg, obj['sourcePath'])
        if self.path == KEY:
            facts = self.parse(data, obj['fullPath'], obj['sourcePath'], obj.get('passphrase'))
        else:
            facts = self.parse(data, obj['fullPath'], obj['sourcePath'])
        if op.old is not None:
            facts.pop('createTime')
            facts['revision'] = op.old.get('revision', 1) + 1
        obj.update(facts)

    def after_write(self, cfg, obj, old):
        if old is not None:
            for user_model, _, user_path in self.users(cfg, obj['fullPath']):
                if user_model.path in SSL_PROFILES:
                    check_later(cfg, user_path)


def _builtin(spki_digest, kind):
    return {'keyType': 'rsa-' + kind, 'keySize': 2048, 'sourcePath': 'builtin',
            '_spki': spki_digest}


CERT_FILE = SslFile(CERT, 'Certificate File Object', cert_facts,
                    (('default.crt', _builtin('default', 'public')),
                     ('ca-bundle.crt', _builtin('ca-bundle', 'public'))))
KEY_FILE = SslFile(KEY, 'Key File Object', key_facts_of,
                   (('default.key', _builtin('default', 'private')),))
CRL_FILE = SslFile(CRL, 'CRL File Object', crl_facts)


def check_later(cfg, profile_path):
    cfg.defer(('ssl-pair', profile_path), lambda: check_pairs(cfg, profile_path))


def check_pairs(cfg, profile_path):
    """Each certificate of a profile must match its key (mcpd checks at commit)."""
    _, prof = cfg.find(SSL_PROFILES, profile_path)
    for entry in (prof or {}).get('certKeyChain', ()):
        cert, key = cfg.get(CERT, entry.get('cert')), cfg.get(KEY, entry.get('key'))
        if cert and key and cert['_spki'] != key['_spki']:
            raise errors.bad_request("01070317:3: profile %s's key and certificate do not "
                                     "match" % profile_path, errors.MCPD)


class SslProfile(profiles.Profile):
    """client-ssl / server-ssl: a profiles.Profile plus certificate, key and chain rules."""

    handlers = {'cert': 'set_file', 'key': 'set_file', 'chain': 'set_file',
                'certKeyChain': 'set_chain', 'sniDefault': 'set_flag', 'sniRequire': 'set_flag',
                'passphrase': 'set_passphrase'}
    secrets = frozenset(('passphrase',))

    def set_file(self, op, key, value):
        coll = KEY if key == 'key' else CERT
        op.obj[key] = 'none' if value in (None, '', 'none') else self.resolve(op, (coll,), value)
        op.obj['_legacy'] = True

    def set_flag(self, op, key, value):
        op.obj[key] = model.to_flag(key, value)

    def set_passphrase(self, op, key, value):
        op.obj[key] = value

    def set_chain(self, op, key, value):
        if not isinstance(value, list):
            raise errors.invalid_value(key, value)
        chain = []
        for entry in value:
            if not isinstance(entry, dict) or set(entry) - {'name', 'cert', 'key', 'chain',
                                                            'passphrase', 'usage', 'ocsp'}:
                raise errors.invalid_value(key, entry)
            item = {'name': entry.get('name') or str(entry.get('cert', '')).rsplit('/', 1)[-1],
                    'cert': self.resolve(op, (CERT,), entry.get('cert')),
                    'key': self.resolve(op, (KEY,), entry.get('key'))}
            if entry.get('chain') not in (None, '', 'none'):
                item['chain'] = self.resolve(op, (CERT,), entry['chain'])
            if entry.get('passphrase'):
                item['passphrase'] = entry['passphrase']
            chain.append(item)
        op.obj[key] = chain
        op.obj['_chain_set'] = True

    def prepare(self, op):
        obj = op.obj
        if obj.pop('_chain_set', False):
            first = obj['certKeyChain'][0] if obj['certKeyChain'] else {}
            obj.update(cert=first.get('cert', 'none'), key=first.get('key', 'none'),
                       chain=first.get('chain', 'none'))
        elif obj.get('_legacy'):
            entry = {'name': 'default', 'cert': obj['cert'], 'key': obj['key']}
            if obj.get('chain', 'none') != 'none':
                entry['chain'] = obj['chain']
            obj['certKeyChain'] = [] if obj['cert'] == 'none' else [entry]
        obj.pop('_legacy', None)
        if (obj['cert'] == 'none') != (obj['key'] == 'none'):
            raise errors.config_error('The profile (%s) needs both a certificate and a key.'
                                      % obj['fullPath'])
        check_later(op.cfg, obj['fullPath'])

    def references(self, cfg, obj):
        yield from super().references(cfg, obj)
        seen = set()
        for entry in [obj] + obj.get('certKeyChain', []):
            for key, coll in (('cert', CERT), ('key', KEY), ('chain', CERT)):
                path = entry.get(key)
                if path and path != 'none' and (coll, path) not in seen:
                    seen.add((coll, path))
                    yield (coll,), path, self.label, obj['fullPath']

    def decorate(self, cfg, obj, out):
        ver = '?ver=' + cfg.version
        for key, coll in (('cert', CERT), ('key', KEY), ('chain', CERT)):
            if out.get(key, 'none') != 'none':
                out[key + 'Reference'] = {'link': self.link_of(cfg, (coll,), out[key], ver)}
        chain = []
        for entry in obj.get('certKeyChain', ()):
            entry = dict(entry)
            if 'passphrase' in entry:
                entry['passphrase'] = model.mask(entry['passphrase'])
            for key, coll in (('cert', CERT), ('key', KEY), ('chain', CERT)):
                if key in entry:
                    entry[key + 'Reference'] = {'link': self.link_of(cfg, (coll,), entry[key],
                                                                     ver)}
            chain.append(entry)
        out['certKeyChain'] = chain


_SSL_COMMON = {'alertTimeout': 'indefinite', 'authenticate': 'once', 'authenticateDepth': 9,
               'caFile': 'none', 'cacheSize': 262144, 'cacheTimeout': 3600, 'ciphers': 'DEFAULT',
               'crlFile': 'none', 'handshakeTimeout': '10', 'mode': 'enabled',
               'options': ['dont-insert-empty-fragments', 'no-tlsv1.3'],
               'peerCertMode': 'ignore', 'renegotiation': 'enabled', 'serverName': 'none',
               'sessionMirroring': 'disabled', 'sessionTicket': 'disabled',
               'sniDefault': 'false', 'sniRequire': 'false', 'certKeyChain': []}
_SSL_FIELDS = ('tmOptions', 'cipherGroup', 'renegotiatePeriod', 'renegotiateSize',
               'renegotiateMaxRecordDelay', 'maxRenegotiationsPerMinute', 'maxActiveHandshakes',
               'uncleanShutdown', 'strictResume', 'retainCertificate', 'proxySsl',
               'proxySslPassthrough', 'sslForwardProxy', 'allowExpiredCrl', 'ocspStapling',
               'allowNonSsl', 'certLifespan', 'certExtensionIncludes', 'genericAlert',
               'inheritCertkeychain', 'modSslMethods', 'notifyCertStatusToVirtualServer',
               'peerNoRenegotiateTimeout', 'c3dClientFallbackCert', 'sslSignHash',
               'expireCertResponseControl', 'untrustedCertResponseControl',
               'authenticateName', 'secureRenegotiation')
_SSL_ENUMS = {'peerCertMode': frozenset(('ignore', 'require', 'request', 'auto')),
              'authenticate': frozenset(('once', 'always')), 'mode': model.ENABLED,
              'renegotiation': model.ENABLED, 'sessionTicket': model.ENABLED,
              'secureRenegotiation': frozenset(('require', 'require-strict', 'request'))}


def ssl_profile(ptype, label, base, extra, builtins):
    prof = SslProfile(ptype, label, base, dict(_SSL_COMMON, **extra), _SSL_FIELDS,
                      ('authenticateDepth', 'cacheSize', 'cacheTimeout'), _SSL_ENUMS, builtins)
    prof.refs = dict(prof.refs, caFile=model.Ref(CERT, keep_none=True),
                     clientCertCa=model.Ref(CERT, keep_none=True),
                     crlFile=model.Ref(CRL, keep_none=True))
    prof.known |= set(prof.refs) | set(SslProfile.handlers)
    return prof


CLIENT_SSL = ssl_profile('client-ssl', 'ClientSSL Profile', 'clientssl', {
    'cert': '/Common/default.crt', 'key': '/Common/default.key', 'chain': 'none',
    'clientCertCa': 'none', 'secureRenegotiation': 'require',
    'certKeyChain': [{'name': 'default', 'cert': '/Common/default.crt',
                      'key': '/Common/default.key'}]},
    ('clientssl', 'clientssl-secure', 'clientssl-insecure-compatible'))
SERVER_SSL = ssl_profile('server-ssl', 'ServerSSL Profile', 'serverssl', {
    'cert': 'none', 'key': 'none', 'chain': '/Common/default.crt',
    'secureRenegotiation': 'require-strict', 'untrustedCertResponseControl': 'drop',
    'expireCertResponseControl': 'drop'},
    ('serverssl', 'serverssl-insecure-compatible'))


def crypto_name(body):
    """The full path a sys crypto install names ('x.crt', '/P/x.crt' or with partition)."""
    ident = names.identity(body)
    if ident is None:
        raise errors.no_identifier()
    return ident[0]


MODELS = (CERT_FILE, KEY_FILE, CRL_FILE, CLIENT_SSL, SERVER_SSL)
