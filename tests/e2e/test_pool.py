# SPDX-License-Identifier: Apache-2.0
"""Pools end to end: algorithms, persistence, standalone pools, update and delete."""

from tests.e2e import lbtest


class TestPool(lbtest.LoadBalancerTestCase):

    def setUp(self):
        super().setUp()
        self.lb = self.create_lb()

    def create_pool(self, **fields):
        body = dict({'protocol': 'HTTP', 'lb_algorithm': 'ROUND_ROBIN'}, **fields)
        if 'listener_id' not in body:
            body['loadbalancer_id'] = self.lb['id']
        pool = self.call('POST', 'pools', {'pool': body})['pool']
        self.settle(self.lb['id'])
        return pool

    def create_listener(self, protocol='HTTP', port=80):
        listener = self.call('POST', 'listeners', {'listener': {
            'loadbalancer_id': self.lb['id'], 'protocol': protocol,
            'protocol_port': port}})['listener']
        self.settle(self.lb['id'])
        return listener

    def device_pool(self, pool):
        body = self.partition().get('ltm/pool', 'pool_%s' % pool['id'])
        self.assertIsNotNone(body, 'no pool_%s on the device' % pool['id'])
        return body

    def virtual(self, listener):
        return self.partition().get('ltm/virtual', 'listener_%s' % listener['id'])

    def test_standalone_pool_create_update_delete(self):
        pool = self.create_pool(name='alone', description='first')
        self.assertEqual('round-robin', self.device_pool(pool)['loadBalancingMode'])

        self.call('PUT', 'pools/%s' % pool['id'], {'pool': {
            'lb_algorithm': 'LEAST_CONNECTIONS', 'description': 'second'}})
        self.settle(self.lb['id'])
        body = self.device_pool(pool)
        self.assertEqual('least-connections-member', body['loadBalancingMode'])
        self.assertIn('second', body['description'])

        self.call('DELETE', 'pools/%s' % pool['id'])
        self.settle(self.lb['id'])
        self.assertEqual(set(), self.partition().naming(pool['id']))

    def test_pool_created_for_a_listener_becomes_its_default_pool(self):
        listener = self.create_listener()
        pool = self.create_pool(listener_id=listener['id'])
        self.assertEqual('/%s/pool_%s' % (self.partition().name, pool['id']),
                         self.virtual(listener)['pool'])
        self.call('DELETE', 'pools/%s' % pool['id'])
        self.settle(self.lb['id'])
        self.assertEqual('', self.virtual(listener).get('pool') or '')
        self.assertEqual(set(), self.partition().naming(pool['id']))

    def test_source_ip_algorithm_is_persistence_on_the_listener(self):
        listener = self.create_listener()
        self.create_pool(listener_id=listener['id'],
                         lb_algorithm='SOURCE_IP')
        partition = self.partition()
        persist = [p['name'] for p in self.virtual(listener).get('persist') or ()]
        self.assertEqual(1, len(persist), self.virtual(listener))
        profile = partition.get('ltm/persistence/source-addr', persist[0])
        self.assertEqual('carp', profile['hashAlgorithm'])

    def test_cookie_persistence_follows_updates_and_leaves_with_the_pool(self):
        listener = self.create_listener()
        pool = self.create_pool(listener_id=listener['id'],
                                session_persistence={'type': 'HTTP_COOKIE'})
        cookie = self.partition().get('ltm/persistence/cookie',
                                      'listener_%s_persist_cookie' % listener['id'])
        self.assertEqual('insert', cookie['method'])

        self.call('PUT', 'pools/%s' % pool['id'], {'pool': {'session_persistence': {
            'type': 'SOURCE_IP', 'persistence_timeout': None}}})
        self.settle(self.lb['id'])
        partition = self.partition()
        self.assertIsNone(partition.get('ltm/persistence/cookie',
                                        'listener_%s_persist_cookie' % listener['id']))
        self.assertIsNotNone(partition.get('ltm/persistence/source-addr',
                                           'listener_%s_persist_source_ip' % listener['id']))

        self.call('PUT', 'pools/%s' % pool['id'], {'pool': {'session_persistence': None}})
        self.settle(self.lb['id'])
        self.assertEqual([], self.virtual(listener).get('persist') or [])

    def test_disabled_pool_marks_every_member_down(self):
        pool = self.create_pool()
        for host in (31, 32):
            self.call('POST', 'pools/%s/members' % pool['id'], {'member': {
                'address': '192.0.2.%d' % host, 'protocol_port': 80}})
            self.settle(self.lb['id'])
        self.call('PUT', 'pools/%s' % pool['id'], {'pool': {'admin_state_up': False}})
        self.settle(self.lb['id'])
        states = [m['state'] for m in self.device_pool(pool)['membersReference']['items']]
        self.assertEqual(['user-down', 'user-down'], states)

    def test_source_ip_port_is_refused_on_create_and_update(self):
        response = self.api('POST', 'pools', {'pool': {
            'loadbalancer_id': self.lb['id'], 'protocol': 'HTTP',
            'lb_algorithm': 'SOURCE_IP_PORT'}})
        self.assert_refused(response, 'lb_algorithm', 'SOURCE_IP_PORT')
        pool = self.create_pool()
        response = self.api('PUT', 'pools/%s' % pool['id'],
                            {'pool': {'lb_algorithm': 'SOURCE_IP_PORT'}})
        self.assert_refused(response, 'lb_algorithm', 'SOURCE_IP_PORT')
        state = self.settle(self.lb['id'])
        self.assertEqual(['ROUND_ROBIN'], [p['lb_algorithm'] for p in state['pools']])
        self.assertEqual('round-robin', self.device_pool(pool)['loadBalancingMode'])
