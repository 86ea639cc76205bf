# SPDX-License-Identifier: Apache-2.0
"""The poller against the simulator over HTTP, reporting to the driver-agent stand-in."""

import time

from oslo_config import cfg

from octavia_f5.bigip import names
from octavia_f5.bigip import paths
from octavia_f5.common import config
from octavia_f5.controller import poller
from tests.functional.poller import base

ONLINE, OFFLINE, DEGRADED, ERROR = 'ONLINE', 'OFFLINE', 'DEGRADED', 'ERROR'
CYCLE_REQUESTS = {'GET /mgmt/tm/ltm/virtual': 1, 'GET /mgmt/tm/ltm/pool': 1,
                  'GET /mgmt/tm/ltm/virtual/stats': 1}
# A cycle that reads the virtual addresses reads them instead of the statistics.
ADDRESS_CYCLE_REQUESTS = {'GET /mgmt/tm/ltm/virtual': 1, 'GET /mgmt/tm/ltm/pool': 1,
                          'GET /mgmt/tm/ltm/virtual-address': 1}


class TestHealth(base.PollerTestCase):

    def test_member_health_changes_reach_octavia_up_to_the_load_balancer(self):
        tree = self.build(0)
        self.poller.run_once()
        self.assertEqual((ONLINE,) * 5, self.tree_statuses(tree))
        self.assertEqual(ONLINE, self.operating('healthmonitor', tree.healthmonitor))

        self.member_availability(tree, 1, 'down')
        self.poller.run_once()
        self.assertEqual((ONLINE, ERROR, DEGRADED, DEGRADED, DEGRADED),
                         self.tree_statuses(tree))

        self.member_availability(tree, 0, 'down')
        self.poller.run_once()
        self.assertEqual((ERROR, ERROR, ERROR, DEGRADED, DEGRADED), self.tree_statuses(tree))

        self.member_availability(tree, 0, 'up')
        self.member_availability(tree, 1, 'up')
        self.poller.run_once()
        self.assertEqual((ONLINE,) * 5, self.tree_statuses(tree))

    def test_one_unhealthy_load_balancer_leaves_the_others_online(self):
        sick, well = self.build(0), self.build(1)
        self.member_availability(sick, 0, 'down')
        self.poller.run_once()
        self.assertEqual(DEGRADED, self.operating('loadbalancer', sick.lb))
        self.assertEqual((ONLINE,) * 5, self.tree_statuses(well))

    def test_pool_without_health_monitor_has_no_monitor_members_and_an_online_tree(self):
        # What tempest expects of a live load balancer without health monitor.
        tree = self.build(0, healthmonitor=False)
        self.poller.run_once()
        self.assertEqual(('NO_MONITOR', 'NO_MONITOR', ONLINE, ONLINE, ONLINE),
                         self.tree_statuses(tree))

    def test_disabled_and_drained_members_written_by_the_mapping(self):
        tree = self.build(0, members=3, member_fields=[
            {'admin_state_up': False}, {'weight': 0}, {}])
        self.poller.run_once()
        self.assertEqual((OFFLINE, 'DRAINING', ONLINE, ONLINE, ONLINE, ONLINE),
                         self.tree_statuses(tree))

    def test_load_balancer_disabled_by_a_flow_has_its_listener_offline_next_cycle(self):
        tree = self.build(0)
        self.poller.run_once()
        # What loadbalancer_update writes, then reports when it ends.
        self.device.patch(paths.item('ltm/virtual-address', names.virtual_address(tree.lb),
                                     base.CTX.partition), {'enabled': 'no'})
        self.reporter.update_status({'loadbalancers': [{
            'id': tree.lb, 'provisioning_status': 'ACTIVE', 'operating_status': OFFLINE}]})
        self.poller.run_once()
        self.assertEqual((OFFLINE, OFFLINE), (self.operating('listener', tree.listener),
                                              self.operating('loadbalancer', tree.lb)))

    def test_checking_member_keeps_what_octavia_shows(self):
        tree = self.build(0)
        self.member_availability(tree, 0, 'checking')
        self.poller.run_once()
        # The stand-in's initial OFFLINE stays: no news is no update.
        self.assertEqual((OFFLINE, ONLINE), (self.operating('member', tree.members[0]),
                                             self.operating('member', tree.members[1])))

    def test_unchanged_statuses_are_not_sent_again(self):
        tree = self.build(0)
        self.poller.run_once()
        self.poller.run_once()
        self.member_availability(tree, 1, 'down')
        self.poller.run_once()
        self.poller.run_once()
        updates = self.agent.status_updates
        self.assertEqual(2, len(updates))
        self.assertEqual({'members': [tree.members[1]], 'pools': [tree.pool],
                          'listeners': [tree.listener], 'loadbalancers': [tree.lb]},
                         {kind: [r['id'] for r in records]
                          for kind, records in updates[1].items()})
        self.assertEqual({'id', 'operating_status'},
                         {key for update in updates for records in update.values()
                          for record in records for key in record})


class TestStatistics(base.PollerTestCase):

    def test_traffic_counters_reach_octavia_in_bytes(self):
        tree = self.build(0)
        self.sim.set_stats('virtual', tree.virtual_path, {
            'clientside.bitsIn': 8000, 'clientside.bitsOut': 64000,
            'clientside.curConns': 3, 'clientside.totConns': 120,
            'clientside.slowKilled': 1, 'clientside.evictedConns': 2})
        # The first cycle reads the virtual addresses in place of the statistics.
        self.poller.run_once()
        self.poller.run_once()
        self.assertEqual([{'listeners': [{
            'id': tree.listener, 'active_connections': 3, 'bytes_in': 1000,
            'bytes_out': 8000, 'request_errors': 3, 'total_connections': 120}]}],
            self.agent.stats_updates)

    def test_only_listeners_whose_counters_changed_are_sent(self):
        first, second = self.build(0), self.build(1)
        self.poller.run_once()
        self.poller.run_once()
        self.sim.set_stats('virtual', second.virtual_path, {'clientside.totConns': 5})
        self.poller.run_once()
        self.assertEqual([[first.listener, second.listener], [second.listener]],
                         [[r['id'] for r in update['listeners']]
                          for update in self.agent.stats_updates])


class TestRestCalls(base.PollerTestCase):

    def test_rest_calls_per_cycle_are_the_same_for_1_and_200_load_balancers(self):
        self.build(0)
        self.poller.run_once()   # logs in first
        one = self.rest_calls_of_one_cycle()
        trees = [self.build(i, members=1) for i in range(1, 200)]
        # The new load balancers have their virtual addresses read at once.
        new = self.rest_calls_of_one_cycle()
        many = self.rest_calls_of_one_cycle()
        self.assertEqual((3, CYCLE_REQUESTS), one)
        self.assertEqual((3, ADDRESS_CYCLE_REQUESTS), new)
        self.assertEqual(one, many)
        self.assertEqual({ONLINE}, {self.operating('loadbalancer', t.lb) for t in trees})
        self.assertEqual({ONLINE}, {self.operating('member', t.members[0]) for t in trees})


class TestLoop(base.PollerTestCase):

    def test_poller_started_from_the_configuration_reports_and_stops(self):
        self.config(group=config.POLLER_GROUP, interval=1)
        tree = self.build(0)
        running = poller.start_from_conf(cfg.CONF, reporter=self.reporter)
        self.addCleanup(running.stop, 30)
        deadline = time.monotonic() + 30
        while self.operating('loadbalancer', tree.lb) != ONLINE:
            self.assertLess(time.monotonic(), deadline, 'the poller reported nothing')
            time.sleep(0.05)
        self.member_availability(tree, 0, 'down')
        while self.operating('loadbalancer', tree.lb) != DEGRADED:
            self.assertLess(time.monotonic(), deadline, 'the change was not reported')
            time.sleep(0.05)
        running.stop(30)
        self.assertFalse(running.running)
