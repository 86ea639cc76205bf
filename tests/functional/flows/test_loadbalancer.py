# SPDX-License-Identifier: Apache-2.0
"""Load balancer operations through Redis, a worker and the simulator."""

from tests.functional.flows import base


class TestLoadBalancerOperations(base.FlowsTestCase):

    def test_create_update_failover_and_delete(self):
        lb = self.create('loadbalancer', vip_address='10.2.0.10')
        lb_id = lb['loadbalancer_id']
        self.assertStatus('loadbalancer', lb_id, 'ACTIVE', 'ONLINE')
        names = self.device_names()
        self.assertEqual([base.PARTITION], names['auth/partition'])
        self.assertEqual([base.PARTITION], names['net/route-domain'])
        self.assertEqual(['lb_' + lb_id], names['ltm/virtual-address'])
        domain = self.device_objects()['net/route-domain']['/Common/' + base.PARTITION]
        va = self.device_object('ltm/virtual-address', 'lb_' + lb_id)
        self.assertEqual('10.2.0.10%%%d' % domain['id'], va['address'])

        self.assertEqual('ACTIVE', self.update('loadbalancer', lb_id, admin_state_up=False))
        self.assertEqual('no', self.device_object('ltm/virtual-address',
                                                  'lb_' + lb_id)['enabled'])
        self.assertStatus('loadbalancer', lb_id, 'ACTIVE', 'OFFLINE')

        self.sim.sim.reset()
        self.publish({('loadbalancer', lb_id): 'PENDING_UPDATE'})
        self.post('loadbalancer_failover', {'loadbalancer_id': lb_id}, lb_id)
        self.assertEqual('ACTIVE', self.wait_final('loadbalancer', lb_id))
        self.assertEqual(['lb_' + lb_id], self.device_names()['ltm/virtual-address'])

        self.assertEqual('DELETED', self.delete('loadbalancer', lb_id, cascade=False))
        self.assertEqual({}, self.device_objects())

    def test_fully_populated_create_and_cascade_delete(self):
        lb = self.octavia.add('loadbalancer')
        lb_id = lb['loadbalancer_id']
        listener = self.octavia.add('listener', lb_id, protocol='TCP', protocol_port=443)
        pool = self.octavia.add('pool', lb_id, listener_id=listener['listener_id'],
                                protocol='TCP', lb_algorithm='LEAST_CONNECTIONS')
        members = [self.octavia.add('member', pool['pool_id'], address='192.168.20.%d' % i)
                   for i in (1, 2)]
        monitor = self.octavia.add('healthmonitor', pool['pool_id'], type='TCP')
        self.publish({(kind, oid): 'PENDING_CREATE' for kind, oid in self.octavia.all_ids()})
        self.post('loadbalancer_create', self.octavia.payload('loadbalancer', lb_id), lb_id)
        self.assertEqual('ACTIVE', self.wait_final('loadbalancer', lb_id))

        lid, pool_id = listener['listener_id'], pool['pool_id']
        names = self.device_names()
        self.assertEqual(['listener_' + lid], names['ltm/virtual'])
        self.assertEqual(['pool_' + pool_id], names['ltm/pool'])
        self.assertEqual(['hm_' + monitor['healthmonitor_id']], names['ltm/monitor/tcp'])
        self.assertEqual(['192.168.20.1%', '192.168.20.2%'],
                         [n.split('%')[0] + '%' for n in names['ltm/node']])
        self.assertEqual('least-connections-member',
                         self.device_object('ltm/pool', 'pool_' + pool_id)['loadBalancingMode'])
        self.assertStatus('loadbalancer', lb_id, 'ACTIVE', 'ONLINE')
        self.assertStatus('listener', lid, 'ACTIVE', 'ONLINE')
        self.assertStatus('pool', pool_id, 'ACTIVE', 'ONLINE')
        self.assertStatus('healthmonitor', monitor['healthmonitor_id'], 'ACTIVE', 'ONLINE')
        for member in members:
            self.assertStatus('member', member['member_id'], 'ACTIVE', 'OFFLINE')

        self.assertEqual('DELETED', self.delete('loadbalancer', lb_id, cascade=True))
        self.assertEqual({}, self.device_objects())
        for kind, object_id in (('listener', lid), ('pool', pool_id),
                                ('healthmonitor', monitor['healthmonitor_id']),
                                ('member', members[0]['member_id'])):
            self.assertStatus(kind, object_id, 'DELETED')
            self.assertFalse(self.agent.exists(kind, object_id))
