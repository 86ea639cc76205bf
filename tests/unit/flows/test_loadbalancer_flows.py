# SPDX-License-Identifier: Apache-2.0
"""Load balancer flows on the simulator: tenancy, VIP, fully populated, cascade, failover."""

from octavia_f5.bigip.mapping import tenancy
from octavia_f5.bigip import paths
from tests.unit.flows import base
from tests.unit.flows import octavia

VA = 'ltm/virtual-address'


class TestLoadBalancerFlows(base.FlowTestCase):

    def test_create_makes_tenancy_and_virtual_address_and_reports_active_online(self):
        lb = self.create('loadbalancer', vip_address='10.1.0.20')
        objects = self.device_objects()
        self.assertIn(base.PARTITION, objects['auth/partition'])
        route_domain = objects['net/route-domain']['/Common/' + base.PARTITION]
        va = self.device_object(VA, 'lb_' + lb['loadbalancer_id'])
        self.assertEqual('10.1.0.20%%%d' % route_domain['id'], va['address'])
        self.assertEqual(route_domain['id'],
                         objects['auth/partition'][base.PARTITION]['defaultRouteDomain'])
        self.assertStatus('loadbalancers', lb['loadbalancer_id'], 'ACTIVE', 'ONLINE')

    def test_second_load_balancer_of_project_reuses_tenancy(self):
        first = self.create('loadbalancer')
        second = self.create('loadbalancer', vip_address='10.1.0.30')
        vas = self.device_objects()[VA]
        self.assertEqual(2, len(vas))
        self.assertEqual(1, len(self.device_objects()['net/route-domain']))
        self.assertStatus('loadbalancers', second['loadbalancer_id'], 'ACTIVE')
        self.assertStatus('loadbalancers', first['loadbalancer_id'], 'ACTIVE')

    def test_fully_populated_create_writes_every_object_and_reports_all_active(self):
        lb = self.octavia.add('loadbalancer')
        lb_id = lb['loadbalancer_id']
        listener = self.octavia.add('listener', lb_id)
        pool = self.octavia.add('pool', lb_id, listener_id=listener['listener_id'])
        member = self.octavia.add('member', pool['pool_id'], address='192.168.9.1')
        monitor = self.octavia.add('healthmonitor', pool['pool_id'])
        policy = self.octavia.add('l7policy', listener['listener_id'], action='REDIRECT_TO_POOL',
                                  redirect_pool_id=pool['pool_id'])
        rule = self.octavia.add('l7rule', policy['l7policy_id'])
        self.run_flow('loadbalancer_create', self.octavia.payload('loadbalancer', lb_id))
        virtual = self.device_object('ltm/virtual', 'listener_' + listener['listener_id'])
        self.assertEqual('/%s/pool_%s' % (base.PARTITION, pool['pool_id']), virtual['pool'])
        device_pool = self.device_object('ltm/pool', 'pool_' + pool['pool_id'])
        self.assertEqual('/%s/hm_%s' % (base.PARTITION, monitor['healthmonitor_id']),
                         device_pool['monitor'].strip())
        self.assertIsNotNone(self.device_object(
            'ltm/policy', 'listener_%s_l7' % listener['listener_id']))
        self.assertStatus('loadbalancers', lb_id, 'ACTIVE', 'ONLINE')
        self.assertStatus('listeners', listener['listener_id'], 'ACTIVE', 'ONLINE')
        self.assertStatus('pools', pool['pool_id'], 'ACTIVE', 'ONLINE')
        self.assertStatus('members', member['member_id'], 'ACTIVE', 'OFFLINE')
        self.assertStatus('healthmonitors', monitor['healthmonitor_id'], 'ACTIVE', 'ONLINE')
        self.assertStatus('l7policies', policy['l7policy_id'], 'ACTIVE', 'ONLINE')
        self.assertStatus('l7rules', rule['l7rule_id'], 'ACTIVE', 'ONLINE')

    def test_update_disables_virtual_address_and_reports_offline(self):
        lb = self.create('loadbalancer')
        self.update('loadbalancer', lb['loadbalancer_id'], admin_state_up=False,
                    name='renamed')
        va = self.device_object(VA, 'lb_' + lb['loadbalancer_id'])
        self.assertEqual('no', va['enabled'])
        self.assertEqual('renamed', va['description'])
        self.assertStatus('loadbalancers', lb['loadbalancer_id'], 'ACTIVE', 'OFFLINE')

    def test_cascade_delete_removes_everything_and_reports_every_child_deleted(self):
        lb, listener, pool = self.basic_lb()
        member = self.create('member', pool['pool_id'])
        monitor = self.create('healthmonitor', pool['pool_id'])
        self.delete('loadbalancer', lb['loadbalancer_id'], cascade=True)
        self.assertEqual({}, self.device_objects())
        for kind, object_id in (('loadbalancers', lb['loadbalancer_id']),
                                ('listeners', listener['listener_id']),
                                ('pools', pool['pool_id']),
                                ('members', member['member_id']),
                                ('healthmonitors', monitor['healthmonitor_id'])):
            self.assertStatus(kind, object_id, 'DELETED')

    def test_delete_keeps_tenancy_used_by_another_load_balancer(self):
        first = self.create('loadbalancer')
        second = self.create('loadbalancer', vip_address='10.1.0.31')
        self.delete('loadbalancer', first['loadbalancer_id'], cascade=False)
        objects = self.device_objects()
        self.assertIn(base.PARTITION, objects['auth/partition'])
        self.assertEqual(['/%s/lb_%s' % (base.PARTITION, second['loadbalancer_id'])],
                         list(objects[VA]))

    def test_failover_recreates_objects_missing_on_the_device(self):
        lb, listener, pool = self.basic_lb()
        self.sim.sim.reset()
        self.run_flow('loadbalancer_failover', {'loadbalancer_id': lb['loadbalancer_id']})
        self.assertIsNotNone(self.device_object('ltm/virtual',
                                                'listener_' + listener['listener_id']))
        self.assertIsNotNone(self.device_object('ltm/pool', 'pool_' + pool['pool_id']))
        self.assertStatus('loadbalancers', lb['loadbalancer_id'], 'ACTIVE', 'ONLINE')

    def test_failover_overwrites_drifted_objects(self):
        lb, listener, _pool = self.basic_lb()
        path = paths.item('ltm/virtual', 'listener_' + listener['listener_id'],
                          base.PARTITION)
        self.devices[0].patch(path, {'connectionLimit': 7})
        self.run_flow('loadbalancer_failover', {'loadbalancer_id': lb['loadbalancer_id']})
        virtual = self.device_object('ltm/virtual', 'listener_' + listener['listener_id'])
        self.assertEqual(0, virtual['connectionLimit'])


class TestTenancy(base.FlowTestCase):

    def test_route_domain_id_taken_by_another_project_is_skipped(self):
        self.config(group='f5_network', route_domain_min=2, route_domain_max=3)
        first_choice = tenancy.pick_route_domain_id(octavia.PROJECT, set(), 2, 3)
        self.devices[0].post('/mgmt/tm/net/route-domain',
                             {'name': 'other_project', 'id': first_choice})
        lb = self.create('loadbalancer')
        domain = self.device_objects()['net/route-domain']['/Common/' + base.PARTITION]
        self.assertEqual({2, 3} - {first_choice}, {domain['id']})
        self.assertStatus('loadbalancers', lb['loadbalancer_id'], 'ACTIVE')

    def test_common_route_domain_policy_makes_no_route_domain(self):
        self.config(group='f5_network', route_domain_policy='common')
        lb = self.create('loadbalancer', vip_address='10.1.0.40')
        objects = self.device_objects()
        self.assertNotIn('net/route-domain', objects)
        va = self.device_object(VA, 'lb_' + lb['loadbalancer_id'])
        self.assertEqual('10.1.0.40', va['address'])
