# SPDX-License-Identifier: Apache-2.0
"""The client's HA handling against a simulated pair: the active device, failover, sync, save."""

from oslo_config import cfg

from octavia_f5.bigip import cluster
from octavia_f5.bigip import device as device_mod
from octavia_f5.bigip import paths
from octavia_f5.common import exceptions
from tests.functional.bigip import base

FAILOVER_STATUS = cluster.FAILOVER_STATUS_PATH + '$'
POOL_1 = {'name': 'pool_1', 'partition': 'Common'}


class HaTestCase(base.ClientTestCase):

    DEVICES = 2

    def make_clocked_cluster(self, **kwargs):
        """A Cluster of configured Devices whose re-check and save clock the test moves."""
        self.configure()
        self.clock = base.FakeClock()
        group = cluster.Cluster([device_mod.Device.from_conf(url) for url in
                                 cfg.CONF.f5_bigip.devices],
                                device_group=self.simulator.device_group,
                                clock=self.clock, **kwargs)
        self.addCleanup(group.close)
        return group

    def pools(self, device):
        return sorted(self.dump('ltm/pool', device))


class TestActiveDevice(HaTestCase):

    def test_active_is_the_device_reporting_itself_active(self):
        group = self.make_cluster()
        self.assertIs(group.devices[0], group.active())
        self.assertEqual(self.simulator.urls[0], group.active().url)
        self.assertEqual([200], self.statuses('GET', FAILOVER_STATUS, device=0))
        # The first device said ACTIVE: the second one was not asked.
        self.assertEqual([], self.calls('GET', FAILOVER_STATUS, device=1))

    def test_active_device_is_asked_once_and_cached(self):
        group = self.make_cluster()
        for _ in range(5):
            group.active().get(base.POOLS)
        self.assertEqual(1, len(self.calls('GET', FAILOVER_STATUS, device=0)))

    def test_after_failover_and_forget_active_the_new_active_is_found(self):
        group = self.make_cluster()
        self.assertIs(group.devices[0], group.active())
        self.sim.failover()
        # A standby accepts writes, so nothing reveals the failover until the client looks.
        self.assertIs(group.devices[0], group.active())
        group.forget_active()
        self.assertIs(group.devices[1], group.active())
        self.assertEqual(['STANDBY', 'ACTIVE'],
                         [cluster.failover_state(d) for d in group.devices])

    def test_cached_active_is_checked_again_after_the_recheck_interval(self):
        group = self.make_clocked_cluster()
        self.assertIs(group.devices[0], group.active())
        self.sim.failover(to='bigip2')
        self.clock.advance(cluster.RECHECK_INTERVAL - 1)
        self.assertIs(group.devices[0], group.active())
        self.clock.advance(1)
        self.assertIs(group.devices[1], group.active())

    def test_active_device_going_down_makes_the_client_find_the_new_one(self):
        group = self.make_cluster()
        old = group.active()
        self.sim.device_down('bigip1')
        error = self.assertRaises(exceptions.RequestNotSent, old.get, base.POOLS)
        self.assertEqual(old.name, error.device)
        new = group.active()
        self.assertIs(group.devices[1], new)
        created = new.create(base.POOLS, POOL_1)
        self.assertEqual('/Common/pool_1', created['fullPath'])
        self.assertEqual(['/Common/pool_1'], self.pools(device=1))

    def test_no_device_active_is_no_active_device_naming_each(self):
        group = self.make_cluster()
        self.sim.device_down('bigip1')
        self.sim.device_down('bigip2')
        error = self.assertRaises(exceptions.NoActiveDevice, group.active)
        for each in group.devices:
            self.assertIn(each.name, error.message)

    def test_discovery_falls_back_to_cm_device(self):
        for index in (0, 1):
            self.sim.add_fault(device=index, method='GET', path=FAILOVER_STATUS, status=404,
                               times=0)
        group = self.make_cluster()
        self.assertIs(group.devices[0], group.active())
        self.assertEqual([200], self.statuses('GET', cluster.CM_DEVICE_PATH + '$', device=0))
        self.sim.failover()
        group.forget_active()
        self.assertIs(group.devices[1], group.active())


class TestSyncAndSave(HaTestCase):

    def test_config_sync_copies_the_active_configuration_to_the_peer(self):
        group = self.make_cluster()
        group.active().create(base.POOLS, POOL_1)
        self.assertEqual([], self.pools(device=1))
        self.assertEqual('Changes Pending', group.sync_status())
        self.assertTrue(group.sync())
        self.assertEqual(['/Common/pool_1'], self.pools(device=1))
        self.assertEqual(['In Sync', 'In Sync'],
                         [group.sync_status(d) for d in group.devices])
        sync, = self.calls('POST', cluster.CM_PATH + '$', device=0)
        self.assertEqual(({'command': 'run',
                           'utilCmdArgs': 'config-sync to-group octavia-f5-group'}, 200),
                         (sync['body'], sync['status']))

    def test_sync_runs_on_the_new_active_device_after_a_failover(self):
        group = self.make_cluster()
        self.sim.failover()
        group.forget_active()
        group.active().create(base.POOLS, POOL_1)
        group.sync()
        self.assertEqual(['/Common/pool_1'], self.pools(device=0))
        self.assertEqual([], self.calls('POST', cluster.CM_PATH + '$', device=0))

    def test_sync_to_an_unknown_group_is_refused_by_the_device(self):
        self.configure(device_group='no-such-group')
        group = self.make_cluster(configure=False)
        error = self.assertRaises(exceptions.InvalidRequest, group.sync)
        self.assertEqual('01070734', error.message_id)
        self.assertIn('no-such-group', error.message)

    def test_write_all_mode_writes_every_device_and_never_syncs(self):
        self.configure(sync_mode='write-all')
        group = self.make_cluster(configure=False)
        self.assertEqual(group.devices, group.writers())
        for writer in group.writers():
            writer.create(base.POOLS, POOL_1)
        self.assertFalse(group.sync())
        self.assertEqual([['/Common/pool_1']] * 2, [self.pools(device=i) for i in (0, 1)])
        self.assertEqual([], self.calls('POST', cluster.CM_PATH + '$', device=0))

    def test_save_config_saves_every_device(self):
        group = self.make_cluster()
        group.save_config()
        for index in (0, 1):
            save, = self.calls('POST', cluster.SAVE_CONFIG_PATH, device=index)
            self.assertEqual(({'command': 'save'}, 200), (save['body'], save['status']))
            self.assertEqual(1, self.simulator.devices[index].backend.runtime.saves)

    def test_save_is_due_after_a_change_and_the_interval(self):
        group = self.make_clocked_cluster(save_interval=600)
        self.assertFalse(group.save_config_if_due())
        group.active().create(base.POOLS, POOL_1)
        self.assertFalse(group.save_config_if_due())
        self.clock.advance(600)
        self.assertTrue(group.save_config_if_due())
        self.assertFalse(group.save_config_if_due())
        self.assertEqual([1, 1], [d.backend.runtime.saves for d in self.simulator.devices])

    def test_failed_save_still_saves_the_peer_and_raises(self):
        group = self.make_cluster()
        self.sim.add_fault(device=0, method='POST', path='/sys/config$', status=400)
        error = self.assertRaises(exceptions.InvalidRequest, group.save_config)
        self.assertEqual(group.devices[0].name, error.device)
        self.assertEqual([0, 1], [d.backend.runtime.saves for d in self.simulator.devices])

    def test_close_releases_the_token_of_every_device(self):
        group = self.make_cluster()
        for each in group.devices:
            each.get(base.POOLS)
        group.close()
        for index in (0, 1):
            self.assertEqual([200], self.statuses('DELETE', '/authz/tokens/', device=index))
            self.assertEqual([], self.live_tokens(index))

    def test_reads_of_the_peer_go_to_the_peer(self):
        group = self.make_cluster()
        group.active().create(base.POOLS, POOL_1)
        path = paths.item('ltm/pool', 'pool_1', 'Common')
        self.assertIsNone(group.devices[1].get_or_none(path))
        group.sync()
        self.assertEqual('/Common/pool_1', group.devices[1].get(path)['fullPath'])
