# SPDX-License-Identifier: Apache-2.0
"""Listener flows on the simulator: virtual servers, TLS objects, iRules, only differences."""

from octavia_f5.common import exceptions
from tests.unit.flows import base
from tests.unit.flows import certs

CERT = 'sys/file/ssl-cert'
KEY = 'sys/file/ssl-key'
CLIENT_SSL = 'ltm/profile/client-ssl'


def tls_fields(default, *sni, client_ca=False):
    fields = {'protocol': 'TERMINATED_HTTPS', 'protocol_port': 443,
              'default_tls_container_ref': 'ref-' + default['primary_cn'],
              'default_tls_container_data': default,
              'sni_container_refs': ['ref-' + s['primary_cn'] for s in sni] or None,
              'sni_container_data': list(sni) or None}
    if client_ca:
        fields.update(client_authentication='MANDATORY',
                      client_ca_tls_container_ref='ref-ca',
                      client_ca_tls_container_data=certs.authority()[2],
                      client_crl_container_ref='ref-crl',
                      client_crl_container_data=certs.crl())
    return fields


class TestListenerFlows(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        self.lb = self.create('loadbalancer', vip_address='10.1.0.50')
        self.lb_id = self.lb['loadbalancer_id']

    def names(self, collection):
        return sorted(p.rsplit('/', 1)[1] for p in self.device_objects().get(collection, {}))

    def test_create_makes_profiles_and_virtual_on_the_vip_and_reports_online(self):
        listener = self.create('listener', self.lb_id, protocol='TCP', protocol_port=8443)
        lid = listener['listener_id']
        virtual = self.device_object('ltm/virtual', 'listener_' + lid)
        # BIG-IP names the destination by the load balancer's virtual address.
        self.assertEqual('/%s/lb_%s:8443' % (base.PARTITION, self.lb_id),
                         virtual['destination'])
        self.assertEqual(['listener_%s_client_tcp' % lid, 'listener_%s_server_tcp' % lid],
                         self.names('ltm/profile/tcp'))
        self.assertStatus('listeners', lid, 'ACTIVE', 'ONLINE')
        self.assertStatus('loadbalancers', self.lb_id, 'ACTIVE')

    def test_create_cost_does_not_grow_with_other_listeners(self):
        for port in range(8000, 8005):
            self.create('listener', self.lb_id, protocol_port=port)
        self.sim.sim.clear_calls()
        self.create('listener', self.lb_id, protocol_port=9000)
        calls = self.rest_calls()
        self.assertFalse([c for c in calls if c['method'] == 'GET' and 'virtual?' in
                          c['path']])
        # GET partition, 3 profiles (client tcp, server tcp, http), the virtual server.
        self.assertEqual(5, len(calls), [(c['method'], c['path']) for c in calls])

    def test_terminated_https_installs_certificates_and_one_profile_per_certificate(self):
        default, sni = certs.container('www.example.com'), certs.container('api.example.com')
        listener = self.create('listener', self.lb_id, **tls_fields(default, sni,
                                                                    client_ca=True))
        lid = listener['listener_id']
        self.assertEqual(sorted(['listener_%s_tls_%s' % (lid, c['id'])
                                 for c in (default, sni)]), self.names(CLIENT_SSL))
        self.assertEqual(sorted(['tls_%s.key' % c['id'] for c in (default, sni)]),
                         self.names(KEY))
        self.assertIn('listener_%s_client_ca.crt' % lid, self.names(CERT))
        self.assertIn('listener_%s_client.crl' % lid, self.names('sys/file/ssl-crl'))
        self.assertStatus('listeners', lid, 'ACTIVE', 'ONLINE')

    def test_replacing_the_certificate_removes_the_old_one(self):
        old, new = certs.container('old.example.com'), certs.container('new.example.com')
        listener = self.create('listener', self.lb_id, **tls_fields(old))
        lid = listener['listener_id']
        self.update('listener', lid, default_tls_container_ref='ref-new',
                    default_tls_container_data=new)
        self.assertEqual(['listener_%s_tls_%s' % (lid, new['id'])], self.names(CLIENT_SSL))
        self.assertEqual(['tls_%s.key' % new['id']], self.names(KEY))
        self.assertNotIn('tls_%s.crt' % old['id'], self.names(CERT))
        self.assertStatus('listeners', lid, 'ACTIVE')

    def test_certificate_shared_by_two_listeners_stays_until_the_last_is_deleted(self):
        shared = certs.container('shared.example.com')
        first = self.create('listener', self.lb_id, **tls_fields(shared))
        fields = dict(tls_fields(shared), protocol_port=8443)
        second = self.create('listener', self.lb_id, **fields)
        self.delete('listener', first['listener_id'])
        self.assertEqual(['tls_%s.key' % shared['id']], self.names(KEY))
        self.delete('listener', second['listener_id'])
        self.assertEqual([], self.names(KEY))
        self.assertEqual([], self.names(CERT))
        self.assertStatus('listeners', second['listener_id'], 'DELETED')

    def test_update_writes_only_the_virtual_server_when_only_it_changes(self):
        listener = self.create('listener', self.lb_id)
        self.sim.sim.clear_calls()
        self.update('listener', listener['listener_id'], connection_limit=100, name='web')
        writes = [c for c in self.rest_calls() if c['method'] != 'GET']
        self.assertEqual([('PATCH', 'ltm/virtual')],
                         [(c['method'], c['path'].split('/mgmt/tm/')[1].rsplit('/', 1)[0])
                          for c in writes])
        virtual = self.device_object('ltm/virtual', 'listener_' + listener['listener_id'])
        self.assertEqual(100, virtual['connectionLimit'])

    def test_allowed_cidrs_grow_to_an_irule_and_shrink_back_to_the_source(self):
        listener = self.create('listener', self.lb_id, allowed_cidrs=['10.0.0.0/8'])
        lid = listener['listener_id']
        self.assertEqual([], self.names('ltm/rule'))
        self.update('listener', lid, allowed_cidrs=['10.0.0.0/8', '172.16.0.0/12'])
        self.assertEqual(['listener_%s_cidrs' % lid], self.names('ltm/rule'))
        self.assertEqual(['listener_%s_cidrs' % lid], self.names('ltm/data-group/internal'))
        self.update('listener', lid, allowed_cidrs=['192.168.0.0/16'])
        self.assertEqual([], self.names('ltm/rule'))
        self.assertEqual([], self.names('ltm/data-group/internal'))
        virtual = self.device_object('ltm/virtual', 'listener_' + lid)
        self.assertTrue(virtual['source'].startswith('192.168.0.0%'))

    def test_allowed_cidrs_cleared_leave_no_data_group_or_irule(self):
        listener = self.create('listener', self.lb_id,
                               allowed_cidrs=['10.0.0.0/8', '172.16.0.0/12'])
        lid = listener['listener_id']
        self.update('listener', lid, allowed_cidrs=None)
        self.assertEqual([], self.names('ltm/rule'))
        self.assertEqual([], self.names('ltm/data-group/internal'))
        virtual = self.device_object('ltm/virtual', 'listener_' + lid)
        self.assertEqual([], virtual.get('rules') or [])
        self.assertTrue(virtual['source'].startswith('0.0.0.0%'), virtual['source'])

    def test_renaming_a_listener_keeps_its_allowed_cidrs(self):
        listener = self.create('listener', self.lb_id,
                               allowed_cidrs=['10.0.0.0/8', '172.16.0.0/12'])
        lid = listener['listener_id']
        self.update('listener', lid, name='renamed')
        self.assertEqual(['listener_%s_cidrs' % lid], self.names('ltm/rule'))
        virtual = self.device_object('ltm/virtual', 'listener_' + lid)
        self.assertEqual(['/%s/listener_%s_cidrs' % (base.PARTITION, lid)], virtual['rules'])

    def test_new_default_certificate_keeps_sni_and_emptied_sni_is_removed(self):
        first, sni = certs.container('www.example.com'), certs.container('api.example.com')
        listener = self.create('listener', self.lb_id, **tls_fields(first, sni))
        lid = listener['listener_id']
        second = certs.container('www2.example.com')
        self.update('listener', lid, default_tls_container_ref='ref-www2',
                    default_tls_container_data=second)
        self.assertEqual(sorted('listener_%s_tls_%s' % (lid, c['id']) for c in (second, sni)),
                         self.names(CLIENT_SSL))
        # Octavia does not pass an update that empties the SNI list on to the driver.
        self.update('listener', lid, sni_container_refs=[], sni_container_data=[])
        self.assertEqual(['listener_%s_tls_%s' % (lid, second['id'])], self.names(CLIENT_SSL))
        self.assertEqual(['tls_%s.key' % second['id']], self.names(KEY))
        self.assertStatus('listeners', lid, 'ACTIVE')

    def test_delete_removes_the_virtual_and_its_profiles(self):
        listener = self.create('listener', self.lb_id, insert_headers={
            'X-Forwarded-Port': 'true'})
        self.delete('listener', listener['listener_id'])
        objects = self.device_objects()
        self.assertNotIn('ltm/virtual', objects)
        self.assertNotIn('ltm/profile/tcp', objects)
        self.assertNotIn('ltm/rule', objects)
        self.assertIn('ltm/virtual-address', objects)
        self.assertStatus('listeners', listener['listener_id'], 'DELETED')
        self.assertStatus('loadbalancers', self.lb_id, 'ACTIVE')

    def test_unsupported_listener_reports_error_and_leaves_nothing(self):
        listener = self.octavia.add('listener', self.lb_id, protocol='PROMETHEUS')
        self.assertRaises(exceptions.UnsupportedOption, self.run_flow, 'listener_create',
                          self.octavia.payload('listener', listener['listener_id']))
        self.assertNotIn('ltm/virtual', self.device_objects())
        self.assertStatus('listeners', listener['listener_id'], 'ERROR')
        self.assertStatus('loadbalancers', self.lb_id, 'ACTIVE')

    def test_listener_refused_for_its_sni_certificate_leaves_the_lb_deletable(self):
        bad = dict(certs.container('api.example.com'), primary_cn='a" [exec id]')
        fields = tls_fields(certs.container('www.example.com'))
        fields.update(sni_container_refs=['ref-bad'], sni_container_data=[bad])
        listener = self.octavia.add('listener', self.lb_id, **fields)
        self.assertRaises(exceptions.InvalidValue, self.run_flow, 'listener_create',
                          self.octavia.payload('listener', listener['listener_id']))
        self.assertStatus('listeners', listener['listener_id'], 'ERROR')
        self.delete('loadbalancer', self.lb_id, cascade=True)
        self.assertEqual({}, self.device_objects())
        self.assertStatus('loadbalancers', self.lb_id, 'DELETED')
