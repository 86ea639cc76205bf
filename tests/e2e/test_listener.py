# SPDX-License-Identifier: Apache-2.0
"""Listeners end to end: create, update and delete for every protocol, TLS, CIDRs, headers."""

from tests.e2e import lbtest

TRANSPORT_PROFILES = ('ltm/profile/tcp', 'ltm/profile/udp', 'ltm/profile/sctp')
UPDATE = {'name': 'changed', 'connection_limit': 100, 'admin_state_up': False,
          'timeout_client_data': 30000, 'timeout_member_data': 30000}


class TestListener(lbtest.LoadBalancerTestCase):

    def create_listener(self, lb, protocol, port, **fields):
        body = dict({'loadbalancer_id': lb['id'], 'protocol': protocol,
                     'protocol_port': port}, **fields)
        listener = self.call('POST', 'listeners', {'listener': body})['listener']
        self.settle(lb['id'])
        return listener

    def virtual(self, listener):
        virtual = self.partition().get('ltm/virtual', 'listener_%s' % listener['id'])
        self.assertIsNotNone(virtual, 'no virtual for listener %s' % listener['id'])
        return virtual

    def client_idle_timeout(self, virtual):
        """idleTimeout of the virtual's client-side transport profile (tcp/udp/sctp)."""
        partition = self.partition()
        for ref in virtual['profilesReference']['items']:
            if ref.get('context') not in ('clientside', 'all'):
                continue
            for collection in TRANSPORT_PROFILES:
                body = partition.get(collection, ref['name'])
                if body is not None:
                    return body['idleTimeout']
        self.fail('virtual %s has no client-side transport profile' % virtual['name'])

    def check_lifecycle(self, protocol, port, **fields):
        """Create, update every common field, delete; the device follows each step."""
        lb = self.create_lb()
        listener = self.create_listener(lb, protocol, port, **fields)
        self.assertEqual('ACTIVE', self.get('listeners/%s' % listener['id'])['listener'][
            'provisioning_status'])
        self.assertEqual(50, int(self.client_idle_timeout(self.virtual(listener))))

        self.call('PUT', 'listeners/%s' % listener['id'], {'listener': UPDATE})
        self.settle(lb['id'])
        virtual = self.virtual(listener)
        self.assertEqual((100, True), (virtual['connectionLimit'], virtual.get('disabled')))
        self.assertEqual(30, int(self.client_idle_timeout(virtual)))

        self.call('DELETE', 'listeners/%s' % listener['id'])
        self.settle(lb['id'])
        self.assertEqual(set(), self.partition().naming(listener['id']))
        return lb

    def test_http_listener_lifecycle(self):
        self.check_lifecycle('HTTP', 80)

    def test_https_passthrough_listener_lifecycle(self):
        self.check_lifecycle('HTTPS', 443)

    def test_tcp_listener_lifecycle(self):
        self.check_lifecycle('TCP', 5432)

    def test_udp_listener_lifecycle(self):
        self.check_lifecycle('UDP', 53)

    def test_sctp_listener_lifecycle(self):
        self.check_lifecycle('SCTP', 3868)

    def test_terminated_https_listener_lifecycle(self):
        self.check_lifecycle('TERMINATED_HTTPS', 443,
                             default_tls_container_ref=self.tls_container())

    def test_terminated_https_through_the_cli_installs_and_swaps_certificates(self):
        lb = self.create_lb()
        first, sni = self.tls_container('www.example.org'), self.tls_container('api.example.org')
        listener = self.openstack(
            'loadbalancer', 'listener', 'create', '--protocol', 'TERMINATED_HTTPS',
            '--protocol-port', '443', '--default-tls-container-ref', first,
            '--sni-container-refs', sni, '--name', 'tls', lb['id'])
        self.settle(lb['id'])
        before = self.partition()
        self.assertEqual(2, len(before.names('sys/file/ssl-cert')), before.rows())
        self.assertEqual(2, len(before.names('sys/file/ssl-key')), before.rows())
        client_ssl = [before.get('ltm/profile/client-ssl', n)
                      for n in before.names('ltm/profile/client-ssl')]
        self.assertEqual(['api.example.org'],
                         [p['serverName'] for p in client_ssl if p.get('serverName')
                          and p.get('sniDefault') in ('false', False)])

        second = self.tls_container('www.example.org')
        self.openstack('loadbalancer', 'listener', 'set', '--default-tls-container-ref',
                       second, listener['id'], parse=False)
        self.settle(lb['id'])
        self.openstack('loadbalancer', 'listener', 'unset', '--sni-container-refs',
                       listener['id'], parse=False)
        self.settle(lb['id'])
        after = self.partition()
        # The certificates no listener uses any more are gone from the device.
        self.assertEqual(1, len(after.names('sys/file/ssl-cert')), after.rows())
        self.assertEqual(1, len(after.names('ltm/profile/client-ssl')), after.rows())
        self.assertNotEqual(before.names('sys/file/ssl-cert'),
                            after.names('sys/file/ssl-cert'))

    def test_default_pool_swap_repoints_the_virtual(self):
        lb = self.create_lb()
        listener = self.create_listener(lb, 'HTTP', 80)
        pools = []
        for name in ('blue', 'green'):
            pools.append(self.call('POST', 'pools', {'pool': {
                'loadbalancer_id': lb['id'], 'protocol': 'HTTP', 'name': name,
                'lb_algorithm': 'ROUND_ROBIN'}})['pool'])
            self.settle(lb['id'])
        for pool in pools + [None]:
            self.call('PUT', 'listeners/%s' % listener['id'],
                      {'listener': {'default_pool_id': pool and pool['id']}})
            self.settle(lb['id'])
            expected = '/%s/pool_%s' % (self.partition().name, pool['id']) if pool else ''
            self.assertEqual(expected, self.virtual(listener).get('pool') or '')

    def test_allowed_cidrs_restrict_the_source_then_use_an_irule_for_several(self):
        lb = self.create_lb()
        listener = self.create_listener(lb, 'TCP', 22, allowed_cidrs=['203.0.113.0/24'])
        virtual = self.virtual(listener)
        self.assertTrue(virtual['source'].startswith('203.0.113.0%'), virtual['source'])

        self.call('PUT', 'listeners/%s' % listener['id'], {'listener': {
            'allowed_cidrs': ['203.0.113.0/24', '198.51.100.7/32']}})
        self.settle(lb['id'])
        partition = self.partition()
        name = 'listener_%s_cidrs' % listener['id']
        group = partition.get('ltm/data-group/internal', name)
        self.assertEqual(2, len(group['records']), group)
        self.assertIn('/%s/%s' % (partition.name, name), self.virtual(listener)['rules'])

        self.call('PUT', 'listeners/%s' % listener['id'], {'listener': {'allowed_cidrs': None}})
        self.settle(lb['id'])
        self.assertEqual(set(), self.partition().naming(name))

    def test_x_forwarded_for_is_set_in_the_http_profile(self):
        lb = self.create_lb()
        listener = self.create_listener(lb, 'HTTP', 80,
                                        insert_headers={'X-Forwarded-For': 'true'})
        profile = self.partition().get('ltm/profile/http', 'listener_%s_http' % listener['id'])
        self.assertEqual('enabled', profile['insertXforwardedFor'])
