# SPDX-License-Identifier: Apache-2.0
"""Golden tests of TLS: certificate files, client-ssl (SNI, client auth, versions, ALPN, HSTS)
and server-ssl of TLS pools.
"""

from octavia_f5.bigip.mapping import listener
from octavia_f5.bigip.mapping import tls
from tests.unit.bigip.mapping import base
from tests.unit.bigip.mapping import fixtures


def _https(**kw):
    return fixtures.listener(protocol='TERMINATED_HTTPS', **kw)


def _map(lis, pools=None):
    return listener.resources(lis, fixtures.loadbalancer(),
                              pools if pools is not None else [fixtures.pool()],
                              fixtures.ctx())


class TestListenerTlsGolden(base.MappingTestCase):

    family = 'tls'

    def test_sni_certificates_with_chain_and_one_sni_default(self):
        lis = _https(
            default_tls_container_data=fixtures.tls_container(
                intermediates=[fixtures.INTERMEDIATE_PEM]),
            sni_container_data=[
                fixtures.tls_container(fixtures.SNI_ID, fixtures.SNI_PEM, '*.shop.example'),
                fixtures.tls_container()])  # the default again: one profile only
        self.assertGolden('sni', tls.listener_resources(lis, fixtures.ctx())[0])

    def test_mandatory_client_authentication_with_ca_and_crl(self):
        lis = _https(client_authentication='MANDATORY',
                     client_ca_tls_container_data=fixtures.CA_PEM,
                     client_crl_container_data=fixtures.CRL_PEM)
        self.assertGolden('client_auth_mandatory', tls.listener_resources(lis,
                                                                          fixtures.ctx())[0])

    def test_versions_ciphers_alpn_h2_and_hsts(self):
        lis = _https(client_authentication='OPTIONAL',
                     client_ca_tls_container_data=fixtures.CA_PEM,
                     tls_versions=['TLSv1.3'], tls_ciphers='ECDHE-RSA-AES128-GCM-SHA256:!RC4',
                     alpn_protocols=['h2', 'http/1.1'], hsts_max_age=31536000,
                     hsts_include_subdomains=True, hsts_preload=False)
        self.assertGolden('versions_ciphers_alpn_hsts', _map(lis))

    def test_pool_reencryption_with_ca_crl_and_client_certificate(self):
        pool = fixtures.pool(protocol='HTTPS', tls_enabled=True,
                             tls_container_data=fixtures.tls_container(fixtures.POOL_CERT_ID),
                             ca_tls_container_data=fixtures.CA_PEM,
                             crl_container_data=fixtures.CRL_PEM,
                             tls_versions=['TLSv1.2'], tls_ciphers='ECDHE-RSA-AES256-GCM-SHA384',
                             alpn_protocols=['http/1.1'])
        self.assertGolden('pool_reencryption', tls.pool_resources(fixtures.LISTENER_ID, pool,
                                                                  fixtures.ctx())[0])

    def test_pool_tls_without_ca_does_not_verify_members(self):
        pool = fixtures.pool(protocol='HTTPS', tls_enabled=True)
        items, refs = tls.pool_resources(fixtures.LISTENER_ID, pool, fixtures.ctx())
        fields = ('peerCertMode', 'cert', 'key', 'ciphers')
        self.assertEqual(('ignore', 'none', 'none', 'DEFAULT'),
                         tuple(items[0].body[k] for k in fields))
        self.assertEqual('serverside', refs[0]['context'])

    def test_server_ssl_is_on_the_virtual_of_a_tls_pool(self):
        virtual = self.body(_map(fixtures.listener(), [fixtures.pool(tls_enabled=True)]),
                            'ltm/virtual')
        self.assertEqual({'name': '/octavia_%s/listener_%s_serverssl'
                                  % (fixtures.PROJECT, fixtures.LISTENER_ID),
                          'context': 'serverside'}, virtual['profiles'][-1])

    def test_non_terminated_listener_has_no_tls_objects(self):
        self.assertEqual(([], []), tls.listener_resources(fixtures.listener(),
                                                          fixtures.ctx()))

    def test_private_key_content_is_marked_secret_and_hidden_from_repr(self):
        items = tls.listener_resources(_https(), fixtures.ctx())[0]
        key = [i for i in items if i.secret]
        self.assertEqual(['sys/file/ssl-key'], [i.collection for i in key])
        self.assertEqual(fixtures.KEY_PEM, key[0].content)
        self.assertNotIn('SECRETKEYMATERIAL', repr(items))


class TestTlsRefusals(base.MappingTestCase):

    def test_client_auth_without_ca_is_refused(self):
        self.assertInvalid('client_ca_tls_container_ref', 'needs a client CA',
                           tls.validate_listener, _https(client_authentication='OPTIONAL'))

    def test_crl_without_ca_is_refused(self):
        self.assertInvalid('client_crl_container_ref', 'needs a client CA',
                           tls.validate_listener,
                           _https(client_crl_container_data=fixtures.CRL_PEM))

    def test_unknown_tls_version_and_empty_list_are_refused(self):
        self.assertUnsupported('tls_versions', "'TLSv1.4' is not supported",
                               tls.validate_listener, _https(tls_versions=['TLSv1.4']))
        self.assertInvalid('tls_versions', 'at least one', tls.validate_listener,
                           _https(tls_versions=[]))

    def test_cipher_string_with_unsafe_characters_is_refused(self):
        self.assertInvalid('tls_ciphers', 'OpenSSL cipher string', tls.validate_listener,
                           _https(tls_ciphers='AES128 "x"'))

    def test_unknown_alpn_is_refused(self):
        self.assertUnsupported('alpn_protocols', "'spdy/3' is not supported",
                               tls.validate_listener, _https(alpn_protocols=['spdy/3']))

    def test_missing_default_certificate_is_refused(self):
        self.assertInvalid('default_tls_container_data', 'is required', tls.validate_listener,
                           _https(default_tls_container_data=None))

    def test_encrypted_private_key_is_refused(self):
        container = dict(fixtures.tls_container(), passphrase='secret')
        error = self.assertUnsupported('default_tls_container_data.passphrase', 'decrypted',
                                       tls.validate_listener,
                                       _https(default_tls_container_data=container))
        self.assertNotIn('secret', str(error).replace('decrypted', ''))

    def test_certificate_that_is_not_pem_is_refused_without_echoing_it(self):
        container = dict(fixtures.tls_container(), private_key='hunter2-not-a-pem')
        error = self.assertInvalid('default_tls_container_data.private_key', 'PEM data',
                                   tls.validate_listener,
                                   _https(default_tls_container_data=container))
        self.assertNotIn('hunter2', str(error))

    def test_sni_certificate_without_dns_primary_cn_is_refused(self):
        sni = fixtures.tls_container(fixtures.SNI_ID, primary_cn='bad name"')
        self.assertInvalid('sni_container_data.primary_cn', 'DNS name',
                           tls.validate_listener, _https(sni_container_data=[sni]))

    def test_unknown_client_authentication_is_refused(self):
        self.assertUnsupported('client_authentication', "'SOMETIMES' is not supported",
                               tls.validate_listener,
                               _https(client_authentication='SOMETIMES'))

    def test_pool_crl_without_ca_is_refused(self):
        pool = fixtures.pool(tls_enabled=True, crl_container_data=fixtures.CRL_PEM)
        self.assertInvalid('crl_container_ref', 'needs a CA', tls.validate_pool, pool)

    def test_pool_alpn_without_http1_is_refused(self):
        pool = fixtures.pool(tls_enabled=True, alpn_protocols=['h2'])
        self.assertUnsupported('alpn_protocols', 'HTTP/1.x', tls.validate_pool, pool)
