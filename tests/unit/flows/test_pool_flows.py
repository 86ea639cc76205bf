# SPDX-License-Identifier: Apache-2.0
"""Pool, member and health monitor flows on the simulator."""

from tests.unit.flows import base
from tests.unit.flows import certs


class TestPoolFlows(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        self.lb = self.create('loadbalancer')
        self.lb_id = self.lb['loadbalancer_id']
        self.listener = self.create('listener', self.lb_id)
        self.lid = self.listener['listener_id']

    def virtual(self):
        return self.device_object('ltm/virtual', 'listener_' + self.lid)

    def test_create_for_a_listener_becomes_its_pool_and_reports_online(self):
        pool = self.create('pool', self.lb_id, listener_id=self.lid)
        self.assertIsNotNone(self.device_object('ltm/pool', 'pool_' + pool['pool_id']))
        self.assertEqual('/%s/pool_%s' % (base.PARTITION, pool['pool_id']),
                         self.virtual()['pool'])
        self.assertStatus('pools', pool['pool_id'], 'ACTIVE', 'ONLINE')
        self.assertStatus('listeners', self.lid, 'ACTIVE')
        self.assertStatus('loadbalancers', self.lb_id, 'ACTIVE')

    def test_create_without_listener_reports_offline(self):
        pool = self.create('pool', self.lb_id)
        self.assertStatus('pools', pool['pool_id'], 'ACTIVE', 'OFFLINE')
        self.assertEqual('', self.virtual().get('pool', ''))

    def test_session_persistence_goes_on_the_virtual_server(self):
        pool = self.create('pool', self.lb_id, listener_id=self.lid,
                           session_persistence={'type': 'HTTP_COOKIE'})
        persist = self.virtual()['persist']
        self.assertEqual('listener_%s_persist_cookie' % self.lid, persist[0]['name'])
        self.update('pool', pool['pool_id'], session_persistence=None)
        self.assertNotIn('persist', self.virtual())
        self.assertNotIn('ltm/persistence/cookie', self.device_objects())

    def test_switching_persistence_type_replaces_the_profile(self):
        pool = self.create('pool', self.lb_id, listener_id=self.lid,
                           session_persistence={'type': 'SOURCE_IP'})
        self.update('pool', pool['pool_id'],
                    session_persistence={'type': 'APP_COOKIE', 'cookie_name': 'sid'})
        objects = self.device_objects()
        self.assertNotIn('ltm/persistence/source-addr', objects)
        self.assertEqual(1, len(objects['ltm/persistence/universal']))
        self.assertEqual(objects['ltm/persistence/universal'].popitem()[1]['name'],
                         self.virtual()['persist'][0]['name'])
        self.assertStatus('pools', pool['pool_id'], 'ACTIVE')

    def test_renaming_a_pool_keeps_its_persistence(self):
        pool = self.create('pool', self.lb_id, listener_id=self.lid,
                           session_persistence={'type': 'HTTP_COOKIE'})
        self.update('pool', pool['pool_id'], name='renamed')
        self.assertEqual('listener_%s_persist_cookie' % self.lid,
                         self.virtual()['persist'][0]['name'])
        self.assertEqual(1, len(self.device_objects()['ltm/persistence/cookie']))

    def test_tls_pool_gives_the_virtual_a_server_ssl_profile_with_its_ca(self):
        pool = self.create('pool', self.lb_id, listener_id=self.lid, tls_enabled=True,
                           ca_tls_container_ref='ref-ca',
                           ca_tls_container_data=certs.authority()[2])
        profiles = self.device_objects()['ltm/profile/server-ssl']
        (path, profile), = profiles.items()
        self.assertTrue(profile['caFile'].endswith('_server_ca.crt'))
        attached = [p['fullPath'] for p in self.virtual()['profilesReference']['items']]
        self.assertIn(path, attached)
        self.update('pool', pool['pool_id'], tls_enabled=False)
        self.assertNotIn('ltm/profile/server-ssl', self.device_objects())
        self.assertNotIn('sys/file/ssl-cert', self.device_objects())

    def test_delete_detaches_from_the_listener_then_removes_pool_and_nodes(self):
        pool = self.create('pool', self.lb_id, listener_id=self.lid)
        member = self.create('member', pool['pool_id'], address='192.168.5.5')
        self.create('healthmonitor', pool['pool_id'])
        self.delete('pool', pool['pool_id'])
        objects = self.device_objects()
        self.assertNotIn('ltm/pool', objects)
        self.assertNotIn('ltm/node', objects)
        self.assertNotIn('ltm/monitor/http', objects)
        self.assertEqual('', self.virtual().get('pool', ''))
        self.assertStatus('pools', pool['pool_id'], 'DELETED')
        self.assertStatus('members', member['member_id'], 'DELETED')
        self.assertStatus('listeners', self.lid, 'ACTIVE')


class TestMemberFlows(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        self.lb, self.listener, self.pool = self.basic_lb()
        self.pool_id = self.pool['pool_id']

    def members(self):
        pool = self.device_object('ltm/pool', 'pool_' + self.pool_id)
        items = pool.get('membersReference', {}).get('items', [])
        return {m['description']: m for m in items}

    def test_create_adds_the_member_with_one_patch_and_reports_no_monitor(self):
        self.sim.sim.clear_calls()
        member = self.create('member', self.pool_id, address='192.168.1.1', weight=5)
        writes = [c for c in self.rest_calls() if c['method'] != 'GET']
        self.assertEqual(['PATCH'], [c['method'] for c in writes])
        self.assertEqual(5, self.members()[member['member_id']]['ratio'])
        self.assertStatus('members', member['member_id'], 'ACTIVE', 'NO_MONITOR')
        self.assertStatus('pools', self.pool_id, 'ACTIVE')
        self.assertStatus('listeners', self.listener['listener_id'], 'ACTIVE')

    def test_update_to_weight_zero_drains_the_member(self):
        member = self.create('member', self.pool_id)
        self.update('member', member['member_id'], weight=0)
        self.assertEqual('user-disabled', self.members()[member['member_id']]['session'])
        self.assertStatus('members', member['member_id'], 'ACTIVE')

    def test_delete_removes_member_and_its_node(self):
        member = self.create('member', self.pool_id, address='192.168.1.2')
        self.delete('member', member['member_id'])
        self.assertEqual({}, self.members())
        self.assertNotIn('ltm/node', self.device_objects())
        self.assertStatus('members', member['member_id'], 'DELETED')

    def test_node_shared_by_two_members_stays_with_the_remaining_one(self):
        first = self.create('member', self.pool_id, address='192.168.1.3', protocol_port=80)
        self.create('member', self.pool_id, address='192.168.1.3', protocol_port=81)
        self.delete('member', first['member_id'])
        self.assertEqual(1, len(self.device_objects()['ltm/node']))

    def test_batch_adds_updates_and_deletes_in_one_patch(self):
        keep = self.create('member', self.pool_id, address='192.168.2.1')
        gone = self.create('member', self.pool_id, address='192.168.2.2')
        # As Octavia has committed the batch: new values, the new member, and the member
        # to delete still there (PENDING_DELETE).
        new = self.octavia.add('member', self.pool_id, address='192.168.2.3')
        self.octavia.objects['member'][keep['member_id']]['weight'] = 7
        wanted = [dict(self.octavia.objects['member'][keep['member_id']]), new]
        self.sim.sim.clear_calls()
        self.run_flow('member_batch_update', {'pool_id': self.pool_id, 'members': wanted})
        writes = [(c['method'], c['path'].rsplit('/', 2)[1]) for c in self.rest_calls()
                  if c['method'] != 'GET']
        self.assertEqual([('PATCH', 'pool'), ('DELETE', 'node')], writes)
        members = self.members()
        self.assertEqual({keep['member_id'], new['member_id']}, set(members))
        self.assertEqual(7, members[keep['member_id']]['ratio'])
        self.assertStatus('members', new['member_id'], 'ACTIVE', 'NO_MONITOR')
        self.assertStatus('members', keep['member_id'], 'ACTIVE')
        self.assertStatus('members', gone['member_id'], 'DELETED')
        self.assertStatus('pools', self.pool_id, 'ACTIVE')

    def test_batch_changing_only_values_rewrites_the_pool(self):
        member = self.create('member', self.pool_id)
        self.octavia.objects['member'][member['member_id']]['admin_state_up'] = False
        wanted = [dict(self.octavia.objects['member'][member['member_id']])]
        self.run_flow('member_batch_update', {'pool_id': self.pool_id, 'members': wanted})
        self.assertEqual('user-down', self.members()[member['member_id']]['state'])

    def test_batch_of_a_thousand_members_takes_two_calls(self):
        wanted = [self.octavia.add('member', self.pool_id, address='10.9.%d.%d' % (
            i // 250, i % 250 + 1)) for i in range(1000)]
        self.sim.sim.clear_calls()
        self.run_flow('member_batch_update', {'pool_id': self.pool_id, 'members': wanted})
        # GET of the partition (route domain), PATCH of the pool.
        self.assertEqual(2, len(self.rest_calls()))
        self.assertEqual(1000, len(self.members()))


class TestHealthMonitorFlows(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        self.lb, self.listener, self.pool = self.basic_lb()
        self.pool_id = self.pool['pool_id']
        self.member = self.create('member', self.pool_id, monitor_address='192.168.3.9',
                                  monitor_port=9000)

    def test_create_makes_pool_and_member_monitors_and_marks_members_offline(self):
        monitor = self.create('healthmonitor', self.pool_id, type='TCP')
        hm_id = monitor['healthmonitor_id']
        names = sorted(self.device_objects()['ltm/monitor/tcp'])
        self.assertEqual(['/%s/hm_%s' % (base.PARTITION, hm_id),
                          '/%s/hm_%s_%s' % (base.PARTITION, hm_id, self.member['member_id'])],
                         names)
        self.assertStatus('healthmonitors', hm_id, 'ACTIVE', 'ONLINE')
        self.assertStatus('members', self.member['member_id'], None, 'OFFLINE')
        self.assertStatus('pools', self.pool_id, 'ACTIVE')

    def test_disabling_detaches_the_monitor_from_the_pool(self):
        monitor = self.create('healthmonitor', self.pool_id)
        self.update('healthmonitor', monitor['healthmonitor_id'], admin_state_up=False)
        pool = self.device_object('ltm/pool', 'pool_' + self.pool_id)
        self.assertEqual('', pool.get('monitor', '').strip())
        self.assertStatus('healthmonitors', monitor['healthmonitor_id'], 'ACTIVE', 'OFFLINE')

    def test_delete_removes_monitors_and_marks_members_no_monitor(self):
        monitor = self.create('healthmonitor', self.pool_id)
        self.delete('healthmonitor', monitor['healthmonitor_id'])
        self.assertNotIn('ltm/monitor/http', self.device_objects())
        self.assertStatus('healthmonitors', monitor['healthmonitor_id'], 'DELETED')
        self.assertStatus('members', self.member['member_id'], None, 'NO_MONITOR')
