# SPDX-License-Identifier: Apache-2.0
"""HA on the in-process simulator pair: the watcher, a verified config-sync, write retries."""

from octavia_f5.common import exceptions
from octavia_f5.controller import ha
from octavia_f5.flows.tasks import device_tasks
from octavia_f5.simulator import cluster as sim_cluster
from tests.unit.flows import base


class HaCase(base.FlowTestCase):

    DEVICES = 2

    def setUp(self):
        super().setUp()
        self.config(group='f5_ha', failover_timeout=5)
        self.names = [d.name for d in self.sim.devices]


class TestClusterChecks(HaCase):

    def test_check_active_follows_a_failover_without_outage(self):
        self.assertIs(self.devices[0], self.cluster.active())
        self.sim.sim.failover()
        # the cached answer is still the old device until someone asks it
        self.assertIs(self.devices[0], self.cluster.active())
        self.assertIs(self.devices[1], self.cluster.check_active())
        self.assertIs(self.devices[1], self.cluster.active())

    def test_config_sync_from_a_device_that_is_no_longer_active_is_refused(self):
        self.cluster.active()
        self.sim.sim.failover()
        self.assertRaises(exceptions.ActiveDeviceChanged, self.cluster.sync)
        self.assertEqual([], [c for c in self.sim.sim.calls(0) if c['path'] == '/mgmt/tm/cm'])
        self.assertTrue(self.cluster.sync())
        self.assertEqual(1, len([c for c in self.sim.sim.calls(1)
                                 if c['path'] == '/mgmt/tm/cm']))

    def test_sync_only_if_changed_skips_when_nothing_was_written_since(self):
        self.create('loadbalancer')
        self.sim.sim.clear_calls(0)
        self.assertFalse(self.cluster.sync(only_if_changed=True))
        self.assertEqual([], self.sim.sim.calls(0))

    def test_an_operation_after_a_failover_is_written_to_the_new_active_device(self):
        lb = self.create('loadbalancer')
        self.sim.sim.failover()
        self.sim.sim.clear_calls(0)
        listener = self.create('listener', lb['loadbalancer_id'])
        name = 'listener_' + listener['listener_id']
        self.assertIsNotNone(self.device_object('ltm/virtual', name, device=1))
        self.assertIsNotNone(self.device_object('ltm/virtual', name, device=0))
        self.assertStatus('listeners', listener['listener_id'], 'ACTIVE')
        # it went to the old active first, found it standby at the sync, wrote again
        self.assertEqual([], [c for c in self.sim.sim.calls(0) if c['path'] == '/mgmt/tm/cm'])

    def test_write_all_mode_never_fails_over(self):
        self.cluster.sync_mode = 'write-all'
        self.assertFalse(device_tasks.can_fail_over(self.cluster))
        self.cluster.sync_mode = 'config-sync'
        self.assertTrue(device_tasks.can_fail_over(self.cluster))


class TestWatcher(HaCase):

    def test_watcher_notices_a_failover(self):
        watcher = ha.Watcher(self.cluster)
        self.assertEqual((self.devices[0].name, 'In Sync', False), watcher.check())
        self.sim.sim.failover()
        self.assertEqual(self.names[1], self.sim.sim.cluster()['active'])
        active, _status, _synced = watcher.check()
        self.assertEqual(self.devices[1].name, active)

    def test_returning_device_is_synced_after_two_checks(self):
        watcher = ha.Watcher(self.cluster)
        watcher.check()
        self.sim.sim.device_down(self.names[1])
        self.create('loadbalancer')
        self.sim.sim.device_up(self.names[1])
        self.assertEqual(sim_cluster.CHANGES_PENDING, self.sim.sim.cluster()['sync_status'])
        self.assertFalse(watcher.check()[2])
        self.assertTrue(watcher.check()[2])
        self.assertEqual(sim_cluster.IN_SYNC, self.sim.sim.cluster()['sync_status'])
        self.assertIsNotNone(self.device_objects(1).get('ltm/virtual-address'))
