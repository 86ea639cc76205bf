# SPDX-License-Identifier: Apache-2.0
"""Device HA: failover during a batch of operations, a device down and back, LB failover."""

from octavia_f5.simulator import cluster as sim_cluster
from tests.functional.reconciler import base


class HaTestCase(base.ReconcilerTestCase):
    """A load balancer with POOLS pools on the pair, served by WORKERS workers."""

    POOLS = 20
    WORKERS = 2
    LATENCY_MS = 0

    def setUp(self):
        super().setUp()
        for _ in range(self.WORKERS - 1):
            self.workers.start()
        self.lb = self.octavia.add('loadbalancer')
        self.lb_id = self.lb['loadbalancer_id']
        # A fully populated create: one job makes the load balancer and all its pools.
        self.pools = [self.octavia.add('pool', self.lb_id)['pool_id']
                      for _ in range(self.POOLS)]
        self.publish({(kind, object_id): 'PENDING_CREATE'
                      for kind, object_id in self.octavia.all_ids()})
        self.post('loadbalancer_create', self.octavia.payload('loadbalancer', self.lb_id),
                  self.lb_id)
        self.wait_final('loadbalancer', self.lb_id)
        for device in (0, 1):
            self.sim.sim.set_latency(self.LATENCY_MS, device=device)

    def post_member_creates(self):
        """One member create per pool, all posted at once (as many users would)."""
        return [self.create('member', pool_id, wait=False) for pool_id in self.pools]

    def wait_some_final(self, members, count):
        self.wait_until(lambda: sum(
            (self.agent.status('member', m['member_id']) or {}).get('provisioning_status')
            in base.flows_base.FINAL for m in members) >= count, what='%d final' % count)

    def assert_all_active(self, members):
        for member in members:
            self.wait_final('member', member['member_id'])
        for member in members:
            self.assertStatus('member', member['member_id'], 'ACTIVE')
        self.assertStatus('loadbalancer', self.lb_id, 'ACTIVE')

    def assert_all_on(self, device, members):
        pools = self.objects_on(device)['ltm/pool']
        for member in members:
            pool = pools['/%s/pool_%s' % (base.PARTITION, member['pool_id'])]
            found = [m['description'] for m in pool['membersReference'].get('items', [])]
            self.assertEqual([member['member_id']], found, (device, member['pool_id']))

    def device_name(self, index):
        return self.sim.devices[index].name

    def wait_in_sync(self):
        self.wait_until(lambda: self.sim.sim.cluster()['sync_status'] == sim_cluster.IN_SYNC,
                        what='device group in sync')


class TestFailoverDuringOperations(HaTestCase):

    LATENCY_MS = 20

    def test_failover_in_the_middle_of_a_batch_loses_no_operation(self):
        members = self.post_member_creates()
        self.wait_some_final(members, 3)
        self.assertEqual(self.device_name(1), self.sim.sim.failover()['active'])
        self.assert_all_active(members)
        self.assert_all_on(1, members)
        self.assert_all_on(0, members)
        self.assertTrue(self.diff().clean)

    def test_active_device_down_in_the_middle_of_a_batch_loses_no_operation(self):
        members = self.post_member_creates()
        self.wait_some_final(members, 3)
        self.sim.sim.device_down(self.device_name(0))
        self.assert_all_active(members)
        self.assertEqual(self.device_name(1), self.sim.sim.cluster()['active'])
        self.assert_all_on(1, members)

        # Back as a standby with an older configuration: the workers config-sync the group
        # from the active device.
        self.sim.sim.device_up(self.device_name(0))
        self.wait_in_sync()
        self.assert_all_on(0, members)


class TestStaleActiveDevice(HaTestCase):
    """The worker still believes the old device active: no watcher check for an hour."""

    POOLS = 2
    WORKERS = 1
    CHECK_INTERVAL = 3600

    def test_writes_to_the_old_active_device_never_overwrite_the_new_one(self):
        self.sim.sim.failover()
        # A change on the new active device that the old one lacks (another worker's).
        self.admins[1].post('/mgmt/tm/ltm/pool', {'name': 'made_on_new_active',
                                                  'partition': 'Common'})
        [member] = self.post_member_creates()[:1]
        self.assert_all_active([member])
        self.assert_all_on(1, [member])
        self.assertIn('made_on_new_active', self.names_on(1, 'ltm/pool', 'Common'))
        self.assertIn('made_on_new_active', self.names_on(0, 'ltm/pool', 'Common'))

    def test_active_device_down_before_a_write_is_failed_over(self):
        self.sim.sim.device_down(self.device_name(0))
        members = self.post_member_creates()
        self.assert_all_active(members)
        self.assert_all_on(1, members)


class TestDetection(HaTestCase):

    POOLS = 1

    def test_failover_without_outage_is_noticed_before_the_next_write(self):
        # Each worker must know its active device before the failover, or its first look
        # simply finds the new one and there is no change to notice.
        for worker in self.workers.started:
            worker.wait_for_log('is the active device')
        self.sim.sim.failover()
        for worker in self.workers.started:
            worker.wait_for_log('is the active device now')
        self.sim.sim.clear_calls(0)
        member = self.create('member', self.pools[0])
        self.assertStatus('member', member['member_id'], 'ACTIVE')
        writes = [c for c in self.sim.sim.calls(0) if c['method'] in ('POST', 'PATCH')
                  and '/mgmt/tm/ltm/' in c['path']]
        self.assertEqual([], writes)
        self.assert_all_on(1, [member])

    def test_standby_down_then_up_is_synced_again(self):
        self.sim.sim.device_down(self.device_name(1))
        member = self.create('member', self.pools[0])
        self.assertStatus('member', member['member_id'], 'ACTIVE')
        self.assertEqual([], self.names_on(1, 'ltm/node'))
        self.sim.sim.device_up(self.device_name(1))
        self.wait_in_sync()
        self.assert_all_on(1, [member])


class TestLoadBalancerFailover(base.ReconcilerTestCase):

    def test_loadbalancer_failover_reasserts_every_object_on_the_active_device(self):
        lb, listener, pool = self.basic_lb()
        lb_id = lb['loadbalancer_id']
        virtual = 'listener_' + listener['listener_id']
        pool_name = 'pool_' + pool['pool_id']
        self.sim.sim.failover()
        admin = self.admins[1]
        admin.delete(self.item('ltm/virtual', virtual))
        admin.patch(self.item('ltm/pool', pool_name), {'loadBalancingMode': 'ratio-member'})

        self.publish({('loadbalancer', lb_id): 'PENDING_UPDATE'})
        self.post('loadbalancer_failover', {'loadbalancer_id': lb_id}, lb_id)
        self.wait_final('loadbalancer', lb_id)

        self.assertStatus('loadbalancer', lb_id, 'ACTIVE')
        for device in (1, 0):
            self.assertIn(virtual, self.names_on(device, 'ltm/virtual'))
            pools = self.objects_on(device)['ltm/pool']
            self.assertEqual('round-robin', pools['/%s/%s' % (
                base.PARTITION, pool_name)]['loadBalancingMode'])
        self.assertTrue(self.diff().clean)
