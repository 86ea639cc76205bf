# SPDX-License-Identifier: Apache-2.0
"""Tests of octavia_f5.controller.poller: what is sent, when, and how the loop behaves."""

import threading

from octavia_f5.common import config
from octavia_f5.common import exceptions
from octavia_f5.controller import poller
from tests import base
from tests.unit.bigip import test_inventory as shapes

P = shapes.P
LB, LISTENER, POOL, HM = shapes.LB, shapes.LISTENER, shapes.POOL, shapes.HM
MEMBER, MEMBER2 = shapes.MEMBER, shapes.MEMBER2
LB2 = shapes.LB2
LISTENER2 = '22222222-2222-4222-8222-222222222223'
ADDRESSES = '/mgmt/tm/ltm/virtual-address'
VIRTUALS = '/mgmt/tm/ltm/virtual'
POOLS = '/mgmt/tm/ltm/pool'
STATS = '/mgmt/tm/ltm/virtual/stats'


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class FakeDevice:
    """One load balancer tree (LB, listener, pool with HM and two members) by default."""

    def __init__(self, name='bigip1'):
        self.name = name
        self.requests = []
        self.error = None
        self.addresses = {LB: shapes.va()}
        self.virtuals = {LISTENER: shapes.virtual()}
        self.pools = {POOL: shapes.pool(members=[
            shapes.member(), shapes.member(MEMBER2, name='10.0.0.2%12:80')])}
        self.counters = {LISTENER: {'clientside.bitsIn': 800}}

    def member(self, member_id):
        return next(m for p in self.pools.values() for m in p['membersReference']['items']
                    if m['description'] == member_id)

    def get(self, path, params=None):
        self.requests.append(path)
        if self.error is not None:
            raise self.error
        if path.endswith('/stats'):
            entries = {}
            for listener_id, counters in self.counters.items():
                entries.update(shapes.vs_stats(listener_id, **counters)['entries'])
            return {'entries': entries} if entries else {}
        table = {'/mgmt/tm/ltm/virtual-address': self.addresses,
                 '/mgmt/tm/ltm/virtual': self.virtuals, '/mgmt/tm/ltm/pool': self.pools}[path]
        return shapes.answer(*table.values())


class FakeCluster:
    def __init__(self, device):
        self.device = device

    def active(self):
        return self.device

    def close(self):
        pass


class FakeReporter:
    def __init__(self):
        self.statuses = []
        self.statistics = []
        self.status_errors = []
        self.sent = threading.Event()

    def update_status(self, update):
        if self.status_errors:
            raise self.status_errors.pop(0)
        self.statuses.append(update)
        self.sent.set()

    def update_statistics(self, update):
        self.statistics.append(update)


def ids(update):
    """{kind: [ids]} of a status update."""
    return {kind: [r['id'] for r in records] for kind, records in update.items()}


def statuses(update):
    return {(kind, r['id']): r['operating_status'] for kind, records in update.items()
            for r in records}


class PollerTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.config(group=config.POLLER_GROUP, resend_window=0, full_report_interval=0,
                    loadbalancer_interval=60, new_object_grace=0)
        self.device = FakeDevice()
        self.cluster = FakeCluster(self.device)
        self.reporter = FakeReporter()
        self.clock = FakeClock()

    def make_poller(self):
        return poller.Poller(self.cluster, self.reporter, clock=self.clock)

    def cycle(self, p, advance=10):
        self.clock.now += advance
        return p.run_once()


class TestCycle(PollerTestCase):

    def test_first_cycle_sends_every_status_children_first_the_second_statistics(self):
        p = self.make_poller()
        report = p.run_once()
        self.assertEqual([{'members': [MEMBER, MEMBER2], 'healthmonitors': [HM],
                           'pools': [POOL], 'listeners': [LISTENER],
                           'loadbalancers': [LB]}], [ids(u) for u in self.reporter.statuses])
        self.assertEqual(['members', 'healthmonitors', 'pools', 'listeners', 'loadbalancers'],
                         list(self.reporter.statuses[0]))
        self.assertEqual({('members', MEMBER): 'ONLINE', ('members', MEMBER2): 'ONLINE',
                          ('healthmonitors', HM): 'ONLINE', ('pools', POOL): 'ONLINE',
                          ('listeners', LISTENER): 'ONLINE', ('loadbalancers', LB): 'ONLINE'},
                         statuses(self.reporter.statuses[0]))
        # The first cycle reads the virtual addresses in place of the statistics.
        self.assertEqual(([], 3, False), (self.reporter.statistics, report.requests,
                                          report.read_statistics))
        self.cycle(p)
        self.assertEqual([{'listeners': [{'id': LISTENER, 'active_connections': 0,
                                          'bytes_in': 100, 'bytes_out': 0,
                                          'request_errors': 0, 'total_connections': 0}]}],
                         self.reporter.statistics)

    def test_no_record_ever_carries_a_provisioning_status(self):
        p = self.make_poller()
        p.run_once()
        self.device.member(MEMBER)['state'] = 'down'
        self.cycle(p)
        keys = {key for update in self.reporter.statuses for records in update.values()
                for record in records for key in record}
        self.assertEqual({'id', 'operating_status'}, keys)

    def test_unchanged_statuses_and_counters_are_not_sent_again(self):
        p = self.make_poller()
        p.run_once()
        self.cycle(p)
        report = self.cycle(p)
        self.assertEqual(({}, []), (report.statuses, report.statistics))
        self.assertEqual(1, len(self.reporter.statuses))
        self.assertEqual(1, len(self.reporter.statistics))

    def test_member_going_down_sends_only_what_changed(self):
        p = self.make_poller()
        p.run_once()
        self.device.member(MEMBER2)['state'] = 'down'
        self.cycle(p)
        self.assertEqual({('members', MEMBER2): 'ERROR', ('pools', POOL): 'DEGRADED',
                          ('listeners', LISTENER): 'DEGRADED',
                          ('loadbalancers', LB): 'DEGRADED'},
                         statuses(self.reporter.statuses[-1]))

    def test_member_back_up_restores_online_in_one_update(self):
        p = self.make_poller()
        self.device.member(MEMBER2)['state'] = 'down'
        p.run_once()
        self.device.member(MEMBER2)['state'] = 'up'
        self.cycle(p)
        self.assertEqual(2, len(self.reporter.statuses))
        self.assertEqual({'ONLINE'}, set(statuses(self.reporter.statuses[-1]).values()))

    def test_changed_counters_send_only_that_listener(self):
        self.device.virtuals[LISTENER2] = shapes.virtual(LISTENER2, pool=None)
        self.device.counters[LISTENER2] = {'clientside.totConns': 1}
        p = self.make_poller()
        p.run_once()
        self.cycle(p)
        self.device.counters[LISTENER2] = {'clientside.totConns': 2, 'clientside.curConns': 1}
        self.cycle(p)
        self.assertEqual({'listeners': [{'id': LISTENER2, 'active_connections': 1,
                                         'bytes_in': 0, 'bytes_out': 0, 'request_errors': 0,
                                         'total_connections': 2}]},
                         self.reporter.statistics[-1])

    def test_listener_missing_from_the_statistics_gets_no_record(self):
        self.device.counters = {}
        self.make_poller().run_once()
        self.assertEqual([], self.reporter.statistics)
        self.assertEqual([LISTENER], ids(self.reporter.statuses[0])['listeners'])

    def test_unreadable_device_raises_and_sends_nothing(self):
        self.device.error = exceptions.DeviceUnavailable('connection refused', device='bigip1')
        self.assertRaises(exceptions.DeviceUnavailable, self.make_poller().run_once)
        self.assertEqual(([], []), (self.reporter.statuses, self.reporter.statistics))

    def test_failed_status_update_is_sent_again_next_cycle(self):
        from octavia_lib.api.drivers import exceptions as lib_exceptions
        self.reporter.status_errors.append(lib_exceptions.UpdateStatusError(
            fault_string='driver agent overloaded'))
        p = self.make_poller()
        report = p.run_once()
        self.assertEqual(1, len(report.failures))
        self.cycle(p)
        self.assertEqual(6, len(statuses(self.reporter.statuses[0])))

    def test_object_that_disappears_and_returns_is_sent_again(self):
        p = self.make_poller()
        p.run_once()
        member = self.device.pools[POOL]['membersReference']['items'].pop()
        self.cycle(p)
        self.device.pools[POOL]['membersReference']['items'].append(member)
        self.cycle(p)
        self.assertEqual({('members', MEMBER2): 'ONLINE'}, statuses(self.reporter.statuses[-1]))

    def test_read_count_is_the_same_for_one_and_fifty_load_balancers(self):
        self.make_poller().run_once()
        one = len(self.device.requests)
        for i in range(50):
            lb_id = '11111111-1111-4111-8111-%012d' % i
            self.device.addresses[lb_id] = shapes.va(lb_id, address='192.0.2.%d%%12' % i)
        self.device.requests = []
        self.make_poller().run_once()
        self.assertEqual((3, 3), (one, len(self.device.requests)))
        self.assertEqual(51, len(self.reporter.statuses[-1]['loadbalancers']))


class TestResend(PollerTestCase):

    def test_device_change_resends_the_tree_of_its_load_balancer_within_the_window(self):
        self.config(group=config.POLLER_GROUP, resend_window=30)
        self.device.addresses[LB2] = shapes.va(LB2, address='192.0.2.11%12')
        p = self.make_poller()
        p.run_once()
        # A flow rewrote the pool (and will report its own statuses when it ends).
        self.device.pools[POOL]['generation'] += 1
        self.cycle(p)
        self.cycle(p)
        expected = {'members': [MEMBER, MEMBER2], 'healthmonitors': [HM], 'pools': [POOL],
                    'listeners': [LISTENER], 'loadbalancers': [LB]}
        self.assertEqual([expected, expected], [ids(u) for u in self.reporter.statuses[1:]])
        self.cycle(p, advance=30)
        self.assertEqual(3, len(self.reporter.statuses))

    def test_member_change_alone_marks_its_tree(self):
        self.config(group=config.POLLER_GROUP, resend_window=30)
        p = self.make_poller()
        p.run_once()
        self.device.member(MEMBER)['generation'] += 1
        self.cycle(p)
        self.assertEqual([LB], ids(self.reporter.statuses[-1])['loadbalancers'])

    def test_new_object_created_by_a_flow_is_resent_within_the_window(self):
        self.config(group=config.POLLER_GROUP, resend_window=30)
        p = self.make_poller()
        p.run_once()
        self.device.virtuals[LISTENER2] = shapes.virtual(LISTENER2, pool=None)
        self.cycle(p)
        self.cycle(p)
        self.assertEqual([[LISTENER, LISTENER2], [LISTENER, LISTENER2]],
                         [ids(u)['listeners'] for u in self.reporter.statuses[1:]])

    def test_first_cycle_and_a_new_active_device_mark_nothing_as_changed(self):
        self.config(group=config.POLLER_GROUP, resend_window=30)
        p = self.make_poller()
        p.run_once()
        other = FakeDevice('bigip2')
        other.pools[POOL]['generation'] = 999
        self.cluster.device = other
        report = self.cycle(p)
        self.assertEqual(({}, 'bigip2'), (report.statuses, report.device))

    def test_full_report_resends_everything_after_its_interval(self):
        self.config(group=config.POLLER_GROUP, full_report_interval=60,
                    loadbalancer_interval=600)
        p = self.make_poller()
        p.run_once()
        self.assertFalse(self.cycle(p, advance=59).full)
        report = self.cycle(p, advance=1)
        self.assertTrue(report.full)
        self.assertEqual(6, len(statuses(report.statuses)))
        self.assertEqual(2, len(self.reporter.statistics))
        self.assertFalse(self.cycle(p).full)

    def test_full_report_in_a_cycle_without_statistics_sends_them_with_the_next(self):
        self.config(group=config.POLLER_GROUP, full_report_interval=60,
                    loadbalancer_interval=60)
        p = self.make_poller()
        p.run_once()
        self.cycle(p, advance=30)
        report = self.cycle(p, advance=30)
        self.assertEqual((True, False), (report.full, report.read_statistics))
        self.assertEqual(6, len(statuses(report.statuses)))
        report = self.cycle(p)
        self.assertEqual(({}, False), (report.statuses, report.full))
        self.assertEqual([LISTENER], [r['id'] for r in report.statistics])


class TestReads(PollerTestCase):
    """Three GETs a cycle: the virtual addresses take the statistics' turn when due."""

    def reads(self, p, advance=10):
        self.device.requests = []
        self.cycle(p, advance)
        return self.device.requests

    def test_steady_cycles_read_virtuals_pools_and_statistics(self):
        p = self.make_poller()
        self.assertEqual([VIRTUALS, POOLS, ADDRESSES], self.reads(p))
        for _ in range(4):
            self.assertEqual([VIRTUALS, POOLS, STATS], self.reads(p))

    def test_virtual_addresses_are_read_again_after_the_interval(self):
        p = self.make_poller()
        p.run_once()
        self.assertEqual(STATS, self.reads(p, advance=59)[-1])
        self.assertEqual(ADDRESSES, self.reads(p, advance=1)[-1])

    def test_disabled_load_balancer_shows_within_the_interval(self):
        p = self.make_poller()
        p.run_once()
        self.device.addresses[LB]['enabled'] = 'no'
        self.cycle(p, advance=30)
        self.assertEqual(1, len(self.reporter.statuses))
        self.cycle(p, advance=30)
        self.assertEqual({('listeners', LISTENER): 'OFFLINE', ('loadbalancers', LB): 'OFFLINE'},
                         statuses(self.reporter.statuses[-1]))

    def test_load_balancer_new_to_the_poller_is_read_at_once(self):
        p = self.make_poller()
        p.run_once()
        self.cycle(p)
        self.device.addresses[LB2] = shapes.va(LB2, address='192.0.2.11%12')
        self.device.virtuals[LISTENER2] = shapes.virtual(
            LISTENER2, destination='/%s/lb_%s:80' % (P, LB2), pool=None)
        self.assertEqual(ADDRESSES, self.reads(p)[-1])
        self.assertEqual({('listeners', LISTENER2): 'ONLINE', ('loadbalancers', LB2): 'ONLINE'},
                         statuses(self.reporter.statuses[-1]))

    def test_load_balancer_a_flow_reported_disabled_is_read_at_once(self):
        p = self.make_poller()
        p.run_once()
        self.device.addresses[LB]['enabled'] = 'no'
        # The update's flow reports it OFFLINE when it ends (worker and poller share it).
        p._reported.record({'loadbalancers': [{'id': LB, 'provisioning_status': 'ACTIVE',
                                               'operating_status': 'OFFLINE'}]})
        self.assertEqual(ADDRESSES, self.reads(p)[-1])
        self.assertEqual({('listeners', LISTENER): 'OFFLINE'},
                         statuses(self.reporter.statuses[-1]))

    def test_load_balancer_no_virtual_names_any_more_is_read_at_once(self):
        p = self.make_poller()
        p.run_once()
        self.cycle(p)
        del self.device.addresses[LB], self.device.virtuals[LISTENER]
        self.assertEqual(ADDRESSES, self.reads(p)[-1])

    def test_statistics_are_read_at_least_every_other_cycle(self):
        self.config(group=config.POLLER_GROUP, loadbalancer_interval=0)
        p = self.make_poller()
        p.run_once()
        self.assertEqual([STATS, ADDRESSES, STATS, ADDRESSES],
                         [self.reads(p)[-1] for _ in range(4)])

    def test_load_balancer_named_but_not_ours_is_not_read_every_cycle(self):
        # A destination naming a virtual address outside our partitions.
        self.device.virtuals[LISTENER2] = shapes.virtual(
            LISTENER2, destination='/Common/lb_%s:80' % LB2, pool=None)
        p = self.make_poller()
        p.run_once()
        self.assertEqual([STATS, STATS], [self.reads(p)[-1] for _ in range(2)])

    def test_new_active_device_has_its_virtual_addresses_read(self):
        p = self.make_poller()
        p.run_once()
        self.cycle(p)
        self.cluster.device = FakeDevice('bigip2')
        report = self.cycle(p)
        self.assertEqual(([VIRTUALS, POOLS, ADDRESSES], 'bigip2'),
                         (self.cluster.device.requests, report.device))


class TestLoop(PollerTestCase):

    def test_stop_ends_the_loop_without_waiting_for_the_interval(self):
        self.config(group=config.POLLER_GROUP, interval=3600)
        p = poller.Poller(self.cluster, self.reporter)
        p.start()
        self.assertTrue(self.reporter.sent.wait(10))
        p.stop(timeout=10)
        self.assertFalse(p.running)

    def test_failed_cycle_is_logged_and_the_loop_goes_on(self):
        self.config(group=config.POLLER_GROUP, interval=1)
        self.device.error = exceptions.DeviceUnavailable('reset', device='bigip1')
        p = poller.Poller(self.cluster, self.reporter)
        original = self.device.get

        def heal(path, params=None):
            try:
                return original(path, params)
            finally:
                self.device.error = None
        self.device.get = heal
        p.start()
        self.addCleanup(p.stop, 10)
        self.assertTrue(self.reporter.sent.wait(10))
        self.assertEqual(6, len(statuses(self.reporter.statuses[0])))


class TestStartFromConf(base.TestCase):

    def test_disabled_poller_is_not_started(self):
        self.config(group=config.POLLER_GROUP, enabled=False)
        self.assertIsNone(poller.start_from_conf(reporter=FakeReporter()))

    def test_poller_without_devices_is_not_started(self):
        self.config(group=config.BIGIP_GROUP, devices=[])
        self.assertIsNone(poller.start_from_conf(reporter=FakeReporter()))
