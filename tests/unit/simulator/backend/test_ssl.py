# SPDX-License-Identifier: Apache-2.0
"""Certificates and keys (upload, sys file, sys crypto install) and SSL profiles."""

import hashlib

from cryptography.hazmat.primitives import serialization

from tests.unit.simulator.backend import base

MISMATCH = "01070317:3: profile /Common/prof's key and certificate do not match"


class SslTestCase(base.BackendTestCase):

    def install(self, name, data, coll='ssl-cert', **extra):
        source = self.upload(name, data)
        return self.post('sys/file/' + coll, dict(extra, name=name, partition='Common',
                                                  sourcePath=source))

    def pair(self, stem='www'):
        cert, key = base.pem_pair(stem + '.example.com')
        self.assertEqual(200, self.install(stem + '.crt', cert)[0])
        self.assertEqual(200, self.install(stem + '.key', key, 'ssl-key')[0])
        return cert, key


class TestCertificatesAndKeys(SslTestCase):

    def test_certificate_installed_from_an_upload(self):
        cert, _ = base.pem_pair()
        status, out = self.install('c.crt', cert)
        self.assertEqual(200, status)
        self.assertEqual(('tm:sys:file:ssl-cert:ssl-certstate', 'ec-public', 'false',
                          'CN=www.example.com', 'file:/var/config/rest/downloads/c.crt'),
                         (out['kind'], out['keyType'], out['isBundle'], out['subject'],
                          out['sourcePath']))
        self.assertEqual('SHA1:%d:%s' % (len(cert), hashlib.sha1(cert).hexdigest()),
                         out['checksum'])
        self.assertEqual('Dec 29 00:00:00 2033 GMT', out['expirationString'])

    def test_triple_slash_source_path_is_accepted(self):
        cert, _ = base.pem_pair()
        self.upload('c.crt', cert)
        self.assertEqual(200, self.post('sys/file/ssl-cert', {
            'name': 'c.crt', 'sourcePath': 'file:///var/config/rest/downloads/c.crt'})[0])

    def test_key_object_never_shows_the_key(self):
        _, key = base.pem_pair()
        out = self.install('k.key', key, 'ssl-key')[1]
        self.assertEqual(('ec-private', 'normal', 256), (out['keyType'], out['securityType'],
                                                         out['keySize']))
        self.assertNotIn('PRIVATE KEY', str(out))
        self.assertNotIn('PRIVATE KEY', str(self.backend.dump()))
        self.assertNotIn('PRIVATE KEY', str(self.backend.snapshot()))

    def test_encrypted_key_needs_its_passphrase(self):
        key = serialization.load_pem_private_key(base.pem_pair()[1], None)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.BestAvailableEncryption(b'pass-phrase'))
        self.assertRefused(self.install('k.key', pem, 'ssl-key'), 400,
                           '01070712:3: Certificate/Key has unknown format or security type '
                           '(/Common/k.key).')
        out = self.install('k.key', pem, 'ssl-key', passphrase='pass-phrase')[1]
        self.assertEqual('password', out['securityType'])
        self.assertNotIn('pass-phrase', str(out))

    def test_garbage_certificate_is_refused(self):
        self.assertRefused(self.install('c.crt', b'not a certificate'), 400,
                           '01070712:3: Certificate/Key has unknown format or security type '
                           '(/Common/c.crt).')

    def test_install_from_a_missing_upload_is_refused(self):
        self.assertRefused(self.post('sys/file/ssl-cert', {
            'name': 'c.crt', 'sourcePath': 'file:/var/config/rest/downloads/none.crt'}), 400,
            '01070711:3: Failed to open the source file (/var/config/rest/downloads/none.crt).')

    def test_crypto_install_creates_the_file_object(self):
        self.backend.store_upload('c.crt', base.pem_pair()[0])
        body = {'command': 'install', 'name': 'c.crt',
                'from-local-file': '/var/config/rest/downloads/c.crt'}
        self.assertEqual(dict(body, kind='tm:sys:crypto:cert:certstate'),
                         self.create('sys/crypto/cert', body))
        self.assertEqual(200, self.get('sys/file/ssl-cert/~Common~c.crt')[0])
        items = self.ok('GET', 'sys/crypto/cert')['items']
        self.assertIn('tm:sys:crypto:cert:certstate', {i['kind'] for i in items})
        self.assertIn('/Common/c.crt', {i['fullPath'] for i in items})

    def test_crypto_key_install_and_delete(self):
        self.backend.store_upload('k.key', base.pem_pair()[1])
        self.create('sys/crypto/key', {'command': 'install', 'name': 'k.key',
                                       'from-local-file': '/var/config/rest/downloads/k.key'})
        self.assertEqual('ec-private', self.ok('GET', 'sys/crypto/key/~Common~k.key')['keyType'])
        self.assertEqual((200, None), self.delete('sys/crypto/key/~Common~k.key'))
        self.assertEqual(404, self.get('sys/file/ssl-key/~Common~k.key')[0])


class TestSslProfiles(SslTestCase):

    def test_client_ssl_has_reference_defaults(self):
        out = self.create('ltm/profile/client-ssl', {'name': 'prof'})
        expected = {'ciphers': 'DEFAULT', 'sniDefault': 'false', 'sniRequire': 'false',
                    'serverName': 'none', 'mode': 'enabled', 'renegotiation': 'enabled',
                    'secureRenegotiation': 'require', 'cacheSize': 262144,
                    'cacheTimeout': 3600, 'cert': '/Common/default.crt',
                    'key': '/Common/default.key', 'defaultsFrom': '/Common/clientssl'}
        self.assertEqual(expected, {k: out[k] for k in expected})

    def test_server_ssl_has_reference_defaults(self):
        out = self.create('ltm/profile/server-ssl', {'name': 'prof'})
        self.assertEqual(('require-strict', 'none', 'none', 'drop'),
                         (out['secureRenegotiation'], out['cert'], out['key'],
                          out['untrustedCertResponseControl']))

    def test_cert_key_chain_sets_cert_and_key(self):
        self.pair()
        out = self.create('ltm/profile/client-ssl', {'name': 'prof', 'certKeyChain': [
            {'name': 'www', 'cert': 'www.crt', 'key': '/Common/www.key', 'passphrase': 'pw'}]})
        self.assertEqual(('/Common/www.crt', '/Common/www.key'), (out['cert'], out['key']))
        entry = out['certKeyChain'][0]
        self.assertEqual(('www', '/Common/www.crt', '/Common/www.key'),
                         (entry['name'], entry['cert'], entry['key']))
        self.assertNotEqual('pw', entry['passphrase'])
        self.assertEqual('https://localhost/mgmt/tm/sys/file/ssl-cert/~Common~www.crt'
                         '?ver=17.1.1', entry['certReference']['link'])

    def test_legacy_cert_and_key_build_the_chain(self):
        self.pair()
        out = self.create('ltm/profile/client-ssl', {'name': 'prof', 'cert': 'www.crt',
                                                     'key': 'www.key'})
        self.assertEqual([('default', '/Common/www.crt', '/Common/www.key')],
                         [(e['name'], e['cert'], e['key']) for e in out['certKeyChain']])

    def test_client_ssl_profile_with_mismatched_key_is_refused(self):
        self.pair('a')
        self.pair('b')
        self.assertRefused(self.post('ltm/profile/client-ssl', {
            'name': 'prof', 'certKeyChain': [{'name': 'x', 'cert': 'a.crt', 'key': 'b.key'}]}),
            400, MISMATCH)

    def test_replacing_only_the_certificate_of_a_profile_is_refused(self):
        self.pair()
        self.create('ltm/profile/client-ssl', {'name': 'prof', 'cert': 'www.crt',
                                               'key': 'www.key'})
        before = self.ok('GET', 'sys/file/ssl-cert/~Common~www.crt')['checksum']
        new_cert, new_key = base.pem_pair('new.example.com')
        source = self.upload('new.crt', new_cert)
        self.assertRefused(self.put('sys/file/ssl-cert/~Common~www.crt', {'sourcePath': source}),
                           400, MISMATCH)
        self.assertEqual(before, self.ok('GET', 'sys/file/ssl-cert/~Common~www.crt')['checksum'])

    def test_replacing_certificate_and_key_in_one_transaction_succeeds(self):
        self.pair()
        self.create('ltm/profile/client-ssl', {'name': 'prof', 'cert': 'www.crt',
                                               'key': 'www.key'})
        new_cert, new_key = base.pem_pair('new.example.com')
        txn = str(self.create('transaction', {})['transId'])
        self.put('sys/file/ssl-cert/~Common~www.crt',
                 {'sourcePath': self.upload('new.crt', new_cert)}, txn=txn)
        self.put('sys/file/ssl-key/~Common~www.key',
                 {'sourcePath': self.upload('new.key', new_key)}, txn=txn)
        self.assertEqual('COMPLETED', self.ok('PATCH', 'transaction/' + txn,
                                              {'state': 'VALIDATING'})['state'])
        self.assertEqual('CN=new.example.com',
                         self.ok('GET', 'sys/file/ssl-cert/~Common~www.crt')['subject'])

    def test_delete_certificate_used_by_profile_is_refused(self):
        self.pair()
        self.create('ltm/profile/client-ssl', {'name': 'prof', 'cert': 'www.crt',
                                               'key': 'www.key'})
        self.assertRefused(self.delete('sys/file/ssl-cert/~Common~www.crt'), 400,
                           '01070265:3: The Certificate File Object (/Common/www.crt) cannot be '
                           'deleted because it is in use by a ClientSSL Profile (/Common/prof).')

    def test_client_authentication_references_ca_and_crl_files(self):
        cert, _ = self.pair()
        self.install('ca.crt', cert)
        out = self.create('ltm/profile/client-ssl', {'name': 'prof', 'caFile': 'ca.crt',
                                                     'peerCertMode': 'require'})
        self.assertEqual(('/Common/ca.crt', 'require', 'none'),
                         (out['caFile'], out['peerCertMode'], out['crlFile']))
        self.assertRefused(self.patch('ltm/profile/client-ssl/~Common~prof',
                                      {'crlFile': 'missing.crl'}), 400,
                           '01020036:3: The requested CRL File Object (/Common/missing.crl) was '
                           'not found.')

    def test_refused_chain_does_not_echo_its_passphrase(self):
        status, out = self.post('ltm/profile/client-ssl', {'name': 'p', 'certKeyChain': [
            {'name': 'x', 'cert': 'default.crt', 'key': 'default.key', 'passphrase': 'pw-123',
             'bogus': 1}]})
        self.assertEqual(400, status)
        self.assertNotIn('pw-123', out['message'])

    def test_peer_cert_mode_is_an_enumeration(self):
        self.assertRefused(self.post('ltm/profile/client-ssl', {'name': 'p',
                                                                'peerCertMode': 'optional'}),
                           400, 'invalid property value "peerCertMode":"optional"', 26214401)
