# SPDX-License-Identifier: Apache-2.0
"""Golden tests of what each flavor key changes in a listener's objects, and its refusals."""

from octavia_f5.bigip.mapping import context
from octavia_f5.bigip.mapping import listener
from tests.unit.bigip.mapping import base
from tests.unit.bigip.mapping import fixtures

_TCP = {'protocol': 'TCP', 'protocol_port': 5000}
_UDP_POOL = {'protocol': 'UDP'}
# flavor key -> (flavor, listener fields, pool fields): the case whose golden shows the key.
CASES = {
    'snat_pool': ({'snat_mode': 'snatpool', 'snat_pool': '/Common/snat1'}, {}, {}),
    'snat_mode': ({'snat_mode': 'none'}, {}, {}),
    'tcp_profile': ({'tcp_profile': '/Common/tcp-lan-optimized'}, {}, {}),
    'fastl4_profile': ({'fastl4_profile': '/Common/fastL4'}, _TCP, {}),
    'udp_profile': ({'udp_profile': '/Common/udp-dns'},
                    {'protocol': 'UDP', 'protocol_port': 53}, _UDP_POOL),
    'http_profile': ({'http_profile': '/Common/http-hardened'}, {}, {}),
    'oneconnect_profile': ({'oneconnect_profile': '/Common/oneconnect'}, {}, {}),
    'client_ssl_profile': ({'client_ssl_profile': '/Common/clientssl-secure'},
                           {'protocol': 'TERMINATED_HTTPS'}, {}),
    'server_ssl_profile': ({'server_ssl_profile': '/Common/serverssl-secure'}, {},
                           {'tls_enabled': True}),
    # Shows the order: allowed CIDRs, the operator's iRules, the listener's headers iRule.
    'irules': ({'irules': ['/Common/op_log', '/Common/op_block']},
               {'allowed_cidrs': ['10.0.0.0/8', '192.168.0.0/16'],
                'insert_headers': {'X-Forwarded-Port': 'true'}}, {}),
}
# The key the device group, not the mapping, honours (context.FLAVOR_KEYS says so).
NO_MAPPING_EFFECT = ('loadbalancer_topology',)


def _map(flavor, fields=None, pool_fields=None):
    return listener.resources(fixtures.listener(**(fields or {})), fixtures.loadbalancer(),
                              [fixtures.pool(**(pool_fields or {}))],
                              fixtures.ctx(flavor=flavor))


class TestFlavorGolden(base.MappingTestCase):

    family = 'flavor'

    def test_golden(self):
        for key, (flavor, fields, pool_fields) in CASES.items():
            with self.subTest(key=key):
                self.assertGolden(key, _map(flavor, fields, pool_fields))

    def test_every_flavor_key_changes_what_is_written(self):
        # A key the mapping ignores would be a silent degradation: each needs a case here
        # whose objects differ from the same listener without a flavor.
        for key in context.FLAVOR_KEYS:
            if key in NO_MAPPING_EFFECT:
                continue
            with self.subTest(key=key):
                self.assertIn(key, CASES)
                flavor, fields, pool_fields = CASES[key]
                self.assertIn(key, flavor)
                self.assertNotEqual(_map({}, fields, pool_fields),
                                    _map(flavor, fields, pool_fields))

    def test_topology_changes_nothing_the_mapping_writes(self):
        for protocol in ('TCP', 'HTTP', 'TERMINATED_HTTPS'):
            fields = {'protocol': protocol}
            self.assertEqual(_map({}, fields),
                             _map({'loadbalancer_topology': 'ACTIVE_STANDBY'}, fields))

    def test_all_profile_keys_together_reach_each_profile_type(self):
        flavor = {k: '/Common/p_' + k for k in context.FLAVOR_KEYS if k.endswith('_profile')}
        items = _map(flavor, {'protocol': 'TERMINATED_HTTPS'}, {'tls_enabled': True})
        parents = {i.collection: i.body['defaultsFrom'] for i in items
                   if i.collection.startswith('ltm/profile/')}
        self.assertEqual({'ltm/profile/tcp': '/Common/p_tcp_profile',
                          'ltm/profile/http': '/Common/p_http_profile',
                          'ltm/profile/client-ssl': '/Common/p_client_ssl_profile',
                          'ltm/profile/server-ssl': '/Common/p_server_ssl_profile'}, parents)
        self.assertIn({'name': '/Common/p_oneconnect_profile', 'context': 'all'},
                      self.body(items, 'ltm/virtual')['profiles'])


class TestFastL4(base.MappingTestCase):

    FLAVOR = {'fastl4_profile': '/Common/fastL4'}

    def test_https_pass_through_is_fastl4_but_http_stays_a_full_proxy(self):
        https = _map(self.FLAVOR, {'protocol': 'HTTPS', 'protocol_port': 443})
        self.assertEqual(['ltm/profile/fastl4', 'ltm/virtual'], [i.collection for i in https])
        http = _map(self.FLAVOR)
        self.assertEqual(['ltm/profile/tcp', 'ltm/profile/tcp', 'ltm/profile/http'],
                         [i.collection for i in http][:3])

    def test_timeouts_become_idle_and_handshake_timeouts(self):
        body = self.body(_map(self.FLAVOR, dict(_TCP, timeout_client_data=0,
                                                timeout_member_data=0,
                                                timeout_member_connect=12000)),
                         'ltm/profile/fastl4')
        self.assertEqual(('indefinite', '12'), (body['idleTimeout'],
                                                body['tcpHandshakeTimeout']))

    def test_different_data_timeouts_are_refused(self):
        lis = fixtures.listener(timeout_member_data=60000, **_TCP)
        self.assertUnsupported('timeout_member_data', 'fastL4', listener.validate, lis,
                               fixtures.ctx(flavor=self.FLAVOR))
        # Without the flavor the same listener is a full proxy and fine.
        listener.validate(lis)

    def test_sub_second_connect_timeout_is_refused(self):
        self.assertUnsupported('timeout_member_connect', 'whole seconds', _map, self.FLAVOR,
                               dict(_TCP, timeout_member_connect=1500))

    def test_proxy_and_reencrypting_pools_are_refused(self):
        self.assertUnsupported('protocol', 'full-proxy', _map, self.FLAVOR, _TCP,
                               {'protocol': 'PROXY'})
        self.assertUnsupported('tls_enabled', 'full proxy', _map, self.FLAVOR, _TCP,
                               {'tls_enabled': True})


class TestOneConnect(base.MappingTestCase):

    FLAVOR = {'oneconnect_profile': '/Common/oneconnect'}

    def test_only_http_listeners_get_it(self):
        virtual = self.body(_map(self.FLAVOR, _TCP), 'ltm/virtual')
        self.assertNotIn('/Common/oneconnect', [p['name'] for p in virtual['profiles']])

    def test_proxy_pool_on_an_http_listener_is_refused(self):
        self.assertUnsupported('protocol', 'PROXY header names one client', _map, self.FLAVOR,
                               {}, {'protocol': 'PROXY'})

    def test_proxy_pool_on_a_tcp_listener_is_fine(self):
        virtual = self.body(_map(self.FLAVOR, _TCP, {'protocol': 'PROXY'}), 'ltm/virtual')
        self.assertEqual(1, len(virtual['rules']))
