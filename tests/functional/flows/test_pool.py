# SPDX-License-Identifier: Apache-2.0
"""Pool, member and health monitor operations through Redis, a worker and the simulator."""

from tests.functional.flows import base


class PoolTestCase(base.FlowsTestCase):

    def setUp(self):
        super().setUp()
        self.lb_id = self.create('loadbalancer')['loadbalancer_id']
        self.lid = self.create('listener', self.lb_id)['listener_id']

    def pool_on_device(self, pool_id):
        return self.device_object('ltm/pool', 'pool_' + pool_id)

    def device_members(self, pool_id):
        pool = self.pool_on_device(pool_id)
        return {m['description']: m for m in pool['membersReference'].get('items', [])}


class TestPoolOperations(PoolTestCase):

    def test_create_update_and_delete(self):
        pool = self.create('pool', self.lb_id, listener_id=self.lid,
                           session_persistence={'type': 'SOURCE_IP'})
        pool_id = pool['pool_id']
        self.assertStatus('pool', pool_id, 'ACTIVE', 'ONLINE')
        self.assertStatus('listener', self.lid, 'ACTIVE')
        virtual = self.device_object('ltm/virtual', 'listener_' + self.lid)
        self.assertEqual('/%s/pool_%s' % (base.PARTITION, pool_id), virtual['pool'])
        self.assertEqual(1, len(virtual['persist']))

        self.assertEqual('ACTIVE', self.update('pool', pool_id, lb_algorithm='SOURCE_IP',
                                               session_persistence=None))
        persist = self.device_object('ltm/virtual', 'listener_' + self.lid)['persist']
        profile = self.device_objects()['ltm/persistence/source-addr']['/%s/%s' % (
            base.PARTITION, persist[0]['name'])]
        self.assertEqual('carp', profile['hashAlgorithm'])
        self.assertStatus('listener', self.lid, 'ACTIVE')

        self.assertEqual('DELETED', self.delete('pool', pool_id))
        names = self.device_names()
        self.assertNotIn('ltm/pool', names)
        self.assertNotIn('ltm/persistence/source-addr', names)
        self.assertEqual('', self.device_object('ltm/virtual',
                                                'listener_' + self.lid).get('pool', ''))
        self.assertStatus('listener', self.lid, 'ACTIVE')


class TestMemberOperations(PoolTestCase):

    def setUp(self):
        super().setUp()
        self.pool_id = self.create('pool', self.lb_id, listener_id=self.lid)['pool_id']

    def test_create_update_and_delete(self):
        member = self.create('member', self.pool_id, address='192.168.30.1',
                             protocol_port=8080)
        mid = member['member_id']
        self.assertStatus('member', mid, 'ACTIVE', 'NO_MONITOR')
        self.assertStatus('pool', self.pool_id, 'ACTIVE')
        self.assertStatus('listener', self.lid, 'ACTIVE')
        # A member of a pool without monitor reads "unchecked" on a BIG-IP.
        self.assertEqual('unchecked', self.device_members(self.pool_id)[mid]['state'])
        self.assertEqual('user-enabled', self.device_members(self.pool_id)[mid]['session'])

        self.assertEqual('ACTIVE', self.update('member', mid, admin_state_up=False))
        self.assertEqual('user-down', self.device_members(self.pool_id)[mid]['state'])

        self.assertEqual('DELETED', self.delete('member', mid))
        self.assertEqual({}, self.device_members(self.pool_id))
        self.assertNotIn('ltm/node', self.device_names())
        self.assertStatus('pool', self.pool_id, 'ACTIVE')

    def test_batch_update_adds_changes_and_deletes(self):
        keep = self.create('member', self.pool_id, address='192.168.31.1')
        gone = self.create('member', self.pool_id, address='192.168.31.2')
        new = self.octavia.add('member', self.pool_id, address='192.168.31.3')
        self.octavia.objects['member'][keep['member_id']]['weight'] = 4
        pending = {('member', new['member_id']): 'PENDING_CREATE',
                   ('member', keep['member_id']): 'PENDING_UPDATE',
                   ('member', gone['member_id']): 'PENDING_DELETE',
                   ('pool', self.pool_id): 'PENDING_UPDATE',
                   ('listener', self.lid): 'PENDING_UPDATE',
                   ('loadbalancer', self.lb_id): 'PENDING_UPDATE'}
        self.publish(pending)
        wanted = [self.octavia.objects['member'][keep['member_id']], new]
        self.post('member_batch_update', {'pool_id': self.pool_id, 'members': wanted},
                  self.pool_id)
        self.assertEqual('DELETED', self.wait_final('member', gone['member_id']))
        for member in (keep, new):
            self.assertEqual('ACTIVE', self.wait_final('member', member['member_id']))
        members = self.device_members(self.pool_id)
        self.assertEqual({keep['member_id'], new['member_id']}, set(members))
        self.assertEqual(4, members[keep['member_id']]['ratio'])
        self.assertEqual(2, len(self.device_names()['ltm/node']))
        for kind, object_id in pending:
            if object_id != gone['member_id']:
                self.assertStatus(kind, object_id, 'ACTIVE')


class TestHealthMonitorOperations(PoolTestCase):

    def test_create_update_and_delete(self):
        pool_id = self.create('pool', self.lb_id, listener_id=self.lid)['pool_id']
        member = self.create('member', pool_id)
        monitor = self.create('healthmonitor', pool_id, type='HTTP', delay=10,
                              url_path='/health')
        hm_id = monitor['healthmonitor_id']
        self.assertStatus('healthmonitor', hm_id, 'ACTIVE', 'ONLINE')
        self.assertStatus('member', member['member_id'], 'ACTIVE', 'OFFLINE')
        device_monitor = self.device_object('ltm/monitor/http', 'hm_' + hm_id)
        self.assertEqual(10, device_monitor['interval'])
        self.assertIn('/health', device_monitor['send'])
        self.assertEqual('/%s/hm_%s' % (base.PARTITION, hm_id),
                         self.pool_on_device(pool_id)['monitor'].strip())

        self.assertEqual('ACTIVE', self.update('healthmonitor', hm_id, delay=20))
        self.assertEqual(20, self.device_object('ltm/monitor/http', 'hm_' + hm_id)['interval'])

        self.assertEqual('DELETED', self.delete('healthmonitor', hm_id))
        self.assertNotIn('ltm/monitor/http', self.device_names())
        self.assertEqual('', self.pool_on_device(pool_id).get('monitor', '').strip())
        self.assertStatus('member', member['member_id'], 'ACTIVE', 'NO_MONITOR')
        self.assertStatus('pool', pool_id, 'ACTIVE')
