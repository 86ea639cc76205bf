# SPDX-License-Identifier: Apache-2.0
"""Listener operations through Redis, a worker and the simulator (TLS included)."""

from tests.functional.flows import base
from tests.unit.flows import certs


class TestListenerOperations(base.FlowsTestCase):

    def setUp(self):
        super().setUp()
        self.lb_id = self.create('loadbalancer')['loadbalancer_id']

    def test_create_update_and_delete_of_an_http_listener(self):
        listener = self.create('listener', self.lb_id, protocol='HTTP', protocol_port=80,
                               insert_headers={'X-Forwarded-For': 'true'})
        lid = listener['listener_id']
        self.assertStatus('listener', lid, 'ACTIVE', 'ONLINE')
        self.assertStatus('loadbalancer', self.lb_id, 'ACTIVE')
        names = self.device_names()
        self.assertEqual(['listener_' + lid], names['ltm/virtual'])
        self.assertEqual(['listener_%s_http' % lid], names['ltm/profile/http'])
        self.assertEqual('enabled', self.device_object(
            'ltm/profile/http', 'listener_%s_http' % lid)['insertXforwardedFor'])

        self.assertEqual('ACTIVE', self.update('listener', lid, connection_limit=50,
                                               allowed_cidrs=['10.0.0.0/8', '10.9.0.0/16']))
        virtual = self.device_object('ltm/virtual', 'listener_' + lid)
        self.assertEqual(50, virtual['connectionLimit'])
        self.assertEqual(['listener_%s_cidrs' % lid], self.device_names()['ltm/rule'])
        self.assertStatus('loadbalancer', self.lb_id, 'ACTIVE')

        self.assertEqual('DELETED', self.delete('listener', lid))
        names = self.device_names()
        for collection in ('ltm/virtual', 'ltm/profile/http', 'ltm/profile/tcp', 'ltm/rule',
                           'ltm/data-group/internal'):
            self.assertNotIn(collection, names)
        self.assertEqual(['lb_' + self.lb_id], names['ltm/virtual-address'])
        self.assertStatus('loadbalancer', self.lb_id, 'ACTIVE')

    def test_terminated_https_certificate_rotation_and_delete(self):
        first, second = certs.container('one.example.com'), certs.container('two.example.com')
        listener = self.create('listener', self.lb_id, protocol='TERMINATED_HTTPS',
                               protocol_port=443, default_tls_container_ref='ref-1',
                               default_tls_container_data=first,
                               client_authentication='OPTIONAL',
                               client_ca_tls_container_ref='ref-ca',
                               client_ca_tls_container_data=certs.authority()[2])
        lid = listener['listener_id']
        self.assertStatus('listener', lid, 'ACTIVE', 'ONLINE')
        names = self.device_names()
        self.assertEqual(['tls_%s.key' % first['id']], names['sys/file/ssl-key'])
        self.assertEqual(['listener_%s_tls_%s' % (lid, first['id'])],
                         names['ltm/profile/client-ssl'])
        profile = self.device_object('ltm/profile/client-ssl',
                                     'listener_%s_tls_%s' % (lid, first['id']))
        self.assertEqual('request', profile['peerCertMode'])

        self.assertEqual('ACTIVE', self.update('listener', lid,
                                               default_tls_container_ref='ref-2',
                                               default_tls_container_data=second))
        names = self.device_names()
        self.assertEqual(['tls_%s.key' % second['id']], names['sys/file/ssl-key'])
        self.assertEqual(['listener_%s_tls_%s' % (lid, second['id'])],
                         names['ltm/profile/client-ssl'])

        self.assertEqual('DELETED', self.delete('listener', lid))
        names = self.device_names()
        for collection in ('sys/file/ssl-key', 'sys/file/ssl-cert', 'ltm/profile/client-ssl'):
            self.assertNotIn(collection, names)
