# SPDX-License-Identifier: Apache-2.0
"""Failures and repeats: a failed write leaves nothing behind, a repeated flow converges."""

from octavia_f5.bigip import paths
from octavia_f5.common import exceptions
from tests.unit.flows import base

INVALID = {'status': 400, 'body': {'code': 400, 'message': '01070734:3: Configuration '
                                   'error: injected', 'errorStack': [], 'apiError': 3}}


class TestFailures(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        self.lb = self.create('loadbalancer')
        self.lb_id = self.lb['loadbalancer_id']

    def test_refused_virtual_server_leaves_no_profile_and_reports_error(self):
        self.sim.sim.add_fault(method='POST', path='/ltm/virtual$', **INVALID)
        listener = self.octavia.add('listener', self.lb_id)
        self.assertRaises(exceptions.InvalidRequest, self.run_flow, 'listener_create',
                          self.octavia.payload('listener', listener['listener_id']))
        objects = self.device_objects()
        self.assertNotIn('ltm/virtual', objects)
        self.assertNotIn('ltm/profile/tcp', objects)
        self.assertNotIn('ltm/profile/http', objects)
        self.assertStatus('listeners', listener['listener_id'], 'ERROR')
        self.assertStatus('loadbalancers', self.lb_id, 'ACTIVE')

    def test_failed_save_does_not_fail_the_operation(self):
        self.sim.sim.add_fault(method='POST', path='/sys/config', **INVALID)
        self.cluster._save_interval = 1
        self.cluster._saved_at = -10 ** 6
        listener = self.create('listener', self.lb_id)
        saves = [c for c in self.rest_calls() if c['path'] == '/mgmt/tm/sys/config']
        self.assertEqual([400], [c['status'] for c in saves])
        self.assertIsNotNone(self.device_object('ltm/virtual',
                                                'listener_' + listener['listener_id']))
        self.assertStatus('listeners', listener['listener_id'], 'ACTIVE')

    def test_failed_load_balancer_create_removes_its_tenancy(self):
        self.delete('loadbalancer', self.lb_id, cascade=True)
        self.sim.sim.add_fault(method='POST', path='/ltm/virtual-address$', **INVALID)
        lb = self.octavia.add('loadbalancer')
        self.assertRaises(exceptions.InvalidRequest, self.run_flow, 'loadbalancer_create',
                          self.octavia.payload('loadbalancer', lb['loadbalancer_id']))
        self.assertEqual({}, self.device_objects())
        self.assertStatus('loadbalancers', lb['loadbalancer_id'], 'ERROR')

    def test_objects_left_by_an_earlier_run_of_a_create_are_removed_on_failure(self):
        listener = self.octavia.add('listener', self.lb_id)
        lid = listener['listener_id']
        # As if a worker died after creating the first profile of this listener.
        self.devices[0].post(paths.collection('ltm/profile/tcp'), {
            'name': 'listener_%s_client_tcp' % lid, 'partition': base.PARTITION})
        self.sim.sim.add_fault(method='POST', path='/ltm/virtual$', **INVALID)
        self.assertRaises(exceptions.InvalidRequest, self.run_flow, 'listener_create',
                          self.octavia.payload('listener', lid))
        self.assertNotIn('ltm/profile/tcp', self.device_objects())

    def test_repeated_create_converges_on_objects_it_finds(self):
        listener = self.octavia.add('listener', self.lb_id, connection_limit=10)
        payload = self.octavia.payload('listener', listener['listener_id'])
        self.run_flow('listener_create', payload)
        virtual = 'listener_' + listener['listener_id']
        self.devices[0].patch(paths.item('ltm/virtual', virtual, base.PARTITION),
                              {'connectionLimit': 99})
        self.run_flow('listener_create', payload)
        self.assertEqual(10, self.device_object('ltm/virtual', virtual)['connectionLimit'])
        self.assertStatus('listeners', listener['listener_id'], 'ACTIVE')

    def test_repeated_delete_finds_nothing_and_succeeds(self):
        listener = self.create('listener', self.lb_id)
        payload = self.octavia.payload('listener', listener['listener_id'], for_delete=True)
        self.run_flow('listener_delete', payload)
        self.run_flow('listener_delete', payload)
        self.assertNotIn('ltm/virtual', self.device_objects())
        self.assertStatus('listeners', listener['listener_id'], 'DELETED')

    def test_failed_update_keeps_the_objects_that_existed(self):
        listener = self.create('listener', self.lb_id)
        self.sim.sim.add_fault(method='PATCH', path='/ltm/virtual/', **INVALID)
        self.assertRaises(exceptions.InvalidRequest, self.update, 'listener',
                          listener['listener_id'], connection_limit=5)
        self.assertIsNotNone(self.device_object('ltm/virtual',
                                                'listener_' + listener['listener_id']))
        self.assertStatus('listeners', listener['listener_id'], 'ERROR')
        self.assertStatus('loadbalancers', self.lb_id, 'ACTIVE')

    def test_create_of_an_object_octavia_never_committed_reports_nothing_active(self):
        listener = self.octavia.add('listener', self.lb_id)
        payload = self.octavia.payload('listener', listener['listener_id'])
        self.octavia.remove('listener', listener['listener_id'])
        self.assertRaises(exceptions.ObjectNotCommitted, self.run_flow, 'listener_create',
                          payload)
        self.assertNotIn('ltm/virtual', self.device_objects())
        self.assertNotEqual('ACTIVE', self.status('listeners', listener['listener_id']).get(
            'provisioning_status'))


class TestDeviceGroup(base.FlowTestCase):

    DEVICES = 2

    def test_changes_are_written_to_the_active_device_and_synced(self):
        lb = self.create('loadbalancer')
        listener = self.create('listener', lb['loadbalancer_id'])
        name = 'listener_' + listener['listener_id']
        self.assertIsNotNone(self.device_object('ltm/virtual', name, device=1))
        synced = [c for c in self.sim.sim.calls(0) if c['path'] == '/mgmt/tm/cm']
        self.assertTrue(synced)
        self.assertEqual([], [c for c in self.sim.sim.calls(1)
                              if c['method'] in ('POST', 'PATCH') and '/ltm/' in c['path']])

    def test_failed_config_sync_removes_what_the_flow_created(self):
        lb = self.create('loadbalancer')
        self.sim.sim.add_fault(method='POST', path='/mgmt/tm/cm$', **INVALID)
        listener = self.octavia.add('listener', lb['loadbalancer_id'])
        self.assertRaises(exceptions.InvalidRequest, self.run_flow, 'listener_create',
                          self.octavia.payload('listener', listener['listener_id']))
        self.assertNotIn('ltm/virtual', self.device_objects(0))
        self.assertStatus('listeners', listener['listener_id'], 'ERROR')

    def test_write_all_mode_writes_every_device(self):
        self.cluster.sync_mode = 'write-all'
        lb = self.create('loadbalancer')
        ids = {self.device_objects(d)['net/route-domain']['/Common/' + base.PARTITION]['id']
               for d in (0, 1)}
        self.assertEqual(1, len(ids))
        self.assertIsNotNone(self.device_object('ltm/virtual-address',
                                                'lb_' + lb['loadbalancer_id'], device=1))
