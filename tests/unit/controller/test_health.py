# SPDX-License-Identifier: Apache-2.0
"""Tests of octavia_f5.controller.health: operating statuses and their roll-up, by table."""

from octavia_f5.bigip import inventory
from octavia_f5.controller import health
from tests import base

ONLINE, OFFLINE, DEGRADED, ERROR, DRAINING, NO_MONITOR = (
    'ONLINE', 'OFFLINE', 'DEGRADED', 'ERROR', 'DRAINING', 'NO_MONITOR')

# (member state, member session) -> operating status; None is no news.
MEMBER_TABLE = [
    ('up', 'monitor-enabled', ONLINE),
    ('up', 'user-enabled', ONLINE),
    ('down', 'monitor-enabled', ERROR),
    ('unchecked', 'user-enabled', NO_MONITOR),
    ('checking', 'monitor-enabled', None),
    # admin_state_up false (member or pool): forced offline.
    ('user-down', 'user-disabled', OFFLINE),
    ('user-down', 'user-enabled', OFFLINE),
    # weight 0: disabled session, drain.
    ('up', 'user-disabled', DRAINING),
    ('unchecked', 'user-disabled', DRAINING),
    ('checking', 'user-disabled', DRAINING),
    # a drained member that fails its checks is failing first.
    ('down', 'user-disabled', ERROR),
    ('fqdn-up', 'monitor-enabled', ONLINE),
    ('fqdn-down', 'monitor-enabled', ERROR),
    ('fqdn-up-no-addr', 'monitor-enabled', ERROR),
    ('something-new', 'monitor-enabled', None),
    ('', '', None),
]

# member statuses -> pool status
POOL_TABLE = [
    ((), ONLINE),
    ((ONLINE, ONLINE), ONLINE),
    ((NO_MONITOR, NO_MONITOR), ONLINE),
    ((ONLINE, DRAINING), ONLINE),
    ((ONLINE, ERROR), DEGRADED),
    ((ERROR, ERROR), ERROR),
    ((ERROR,), ERROR),
    # disabled members neither fail nor serve.
    ((ERROR, OFFLINE), ERROR),
    ((ONLINE, OFFLINE), ONLINE),
    ((OFFLINE, OFFLINE), OFFLINE),
    ((DRAINING, ERROR), DEGRADED),
    # no news from some members: what is known decides, but never ERROR for all.
    ((None, ERROR), DEGRADED),
    ((None, ONLINE), ONLINE),
    ((None, None), None),
    ((None, OFFLINE), None),
]

# (enabled, load balancer enabled, default pool status, full) -> listener status
LISTENER_TABLE = [
    (True, True, ONLINE, False, ONLINE),
    (True, True, None, False, ONLINE),
    (True, True, DEGRADED, False, DEGRADED),
    (True, True, ERROR, False, DEGRADED),
    (True, True, OFFLINE, False, ONLINE),
    (True, True, ONLINE, True, DEGRADED),
    (False, True, ONLINE, False, OFFLINE),
    (False, True, ERROR, True, OFFLINE),
    (True, False, ERROR, False, OFFLINE),
]

# (enabled, listener statuses) -> load balancer status
LOADBALANCER_TABLE = [
    (True, (), ONLINE),
    (True, (ONLINE, ONLINE), ONLINE),
    (True, (ONLINE, OFFLINE), ONLINE),
    (True, (OFFLINE,), ONLINE),
    (True, (ONLINE, DEGRADED), DEGRADED),
    (True, (ERROR,), DEGRADED),
    (False, (DEGRADED,), OFFLINE),
    (False, (), OFFLINE),
]

LB, LB2 = 'lb-1', 'lb-2'


def listener(listener_id, lb_id=LB, pool_id=None, enabled=True, limit=0, current=0):
    return inventory.Listener(listener_id, lb_id, pool_id, enabled, limit,
                              counters={'clientside.curConns': current})


def pool(pool_id, *states, healthmonitor_id=None):
    members = tuple(inventory.Member('%s-m%d' % (pool_id, i), state, session)
                    for i, (state, session) in enumerate(states))
    return inventory.Pool(pool_id, healthmonitor_id, members)


def snapshot(loadbalancers, listeners, pools):
    return inventory.Snapshot({lb.id: lb for lb in loadbalancers},
                              {lst.id: lst for lst in listeners},
                              {p.id: p for p in pools})


class TestRules(base.TestCase):

    def test_member_status_table(self):
        for state, session, expected in MEMBER_TABLE:
            self.assertEqual(expected, health.member_status(state, session),
                             (state, session))

    def test_pool_status_table(self):
        for members, expected in POOL_TABLE:
            self.assertEqual(expected, health.pool_status(members), members)

    def test_listener_status_table(self):
        for enabled, lb_enabled, pool_status, full, expected in LISTENER_TABLE:
            self.assertEqual(expected, health.listener_status(enabled, lb_enabled,
                                                              pool_status, full),
                             (enabled, lb_enabled, pool_status, full))

    def test_loadbalancer_status_table(self):
        for enabled, listeners, expected in LOADBALANCER_TABLE:
            self.assertEqual(expected, health.loadbalancer_status(enabled, listeners),
                             (enabled, listeners))

    def test_listener_is_full_at_its_connection_limit_only(self):
        cases = [(0, 5000, False), (10, 9, False), (10, 10, True), (10, 11, True)]
        for limit, current, expected in cases:
            self.assertEqual(expected, health.is_full(listener('l', limit=limit,
                                                               current=current)))

    def test_listener_without_counters_is_not_full(self):
        self.assertFalse(health.is_full(inventory.Listener('l', LB, None, True, 10)))


class TestDerive(base.TestCase):

    def test_one_member_down_degrades_pool_listener_and_load_balancer(self):
        derived = health.derive(snapshot(
            [inventory.LoadBalancer(LB, True)], [listener('l1', pool_id='p1')],
            [pool('p1', ('up', 'monitor-enabled'), ('down', 'monitor-enabled'),
                  healthmonitor_id='hm1')]))
        self.assertEqual({'members': {'p1-m0': ONLINE, 'p1-m1': ERROR},
                          'healthmonitors': {'hm1': ONLINE},
                          'pools': {'p1': DEGRADED},
                          'listeners': {'l1': DEGRADED},
                          'loadbalancers': {LB: DEGRADED}}, derived)

    def test_all_members_down_pool_error_listener_and_load_balancer_degraded(self):
        derived = health.derive(snapshot(
            [inventory.LoadBalancer(LB, True)], [listener('l1', pool_id='p1')],
            [pool('p1', ('down', 'monitor-enabled'))]))
        self.assertEqual((ERROR, DEGRADED, DEGRADED),
                         (derived['pools']['p1'], derived['listeners']['l1'],
                          derived['loadbalancers'][LB]))

    def test_healthy_tree_without_monitor_is_online_with_no_monitor_members(self):
        # What tempest expects of a pool without health monitor.
        derived = health.derive(snapshot(
            [inventory.LoadBalancer(LB, True)], [listener('l1', pool_id='p1')],
            [pool('p1', ('unchecked', 'user-enabled'))]))
        self.assertEqual({'members': {'p1-m0': NO_MONITOR}, 'healthmonitors': {},
                          'pools': {'p1': ONLINE}, 'listeners': {'l1': ONLINE},
                          'loadbalancers': {LB: ONLINE}}, derived)

    def test_disabled_load_balancer_is_offline_with_its_listeners(self):
        derived = health.derive(snapshot(
            [inventory.LoadBalancer(LB, False)], [listener('l1', pool_id='p1')],
            [pool('p1', ('up', 'monitor-enabled'))]))
        self.assertEqual((OFFLINE, OFFLINE, ONLINE),
                         (derived['loadbalancers'][LB], derived['listeners']['l1'],
                          derived['pools']['p1']))

    def test_pool_no_listener_uses_is_left_to_the_flows_but_its_members_are_reported(self):
        derived = health.derive(snapshot(
            [inventory.LoadBalancer(LB, True)], [listener('l1')],
            [pool('p1', ('down', 'monitor-enabled'), healthmonitor_id='hm1')]))
        self.assertEqual({}, derived['pools'])
        self.assertEqual({'p1-m0': ERROR}, derived['members'])
        self.assertEqual({'hm1': ONLINE}, derived['healthmonitors'])
        self.assertEqual(ONLINE, derived['loadbalancers'][LB])

    def test_a_degraded_listener_degrades_only_its_own_load_balancer(self):
        derived = health.derive(snapshot(
            [inventory.LoadBalancer(LB, True), inventory.LoadBalancer(LB2, True)],
            [listener('l1', pool_id='p1'), listener('l2', LB2, limit=5, current=5)],
            [pool('p1', ('up', 'monitor-enabled'))]))
        self.assertEqual({LB: ONLINE, LB2: DEGRADED}, derived['loadbalancers'])
        self.assertEqual({'l1': ONLINE, 'l2': DEGRADED}, derived['listeners'])

    def test_no_news_is_left_out(self):
        derived = health.derive(snapshot(
            [inventory.LoadBalancer(LB, True)], [listener('l1', pool_id='p1')],
            [pool('p1', ('checking', 'monitor-enabled'))]))
        self.assertEqual({}, derived['members'])
        self.assertEqual({}, derived['pools'])
        self.assertEqual(ONLINE, derived['listeners']['l1'])

    def test_listener_of_an_unknown_load_balancer_is_still_reported(self):
        derived = health.derive(snapshot([], [listener('l1', lb_id=None)], []))
        self.assertEqual({'l1': ONLINE}, derived['listeners'])
        self.assertEqual({}, derived['loadbalancers'])

    def test_shared_pool_counts_for_every_listener_using_it(self):
        derived = health.derive(snapshot(
            [inventory.LoadBalancer(LB, True)],
            [listener('l1', pool_id='p1'), listener('l2', pool_id='p1', enabled=False)],
            [pool('p1', ('down', 'monitor-enabled'))]))
        self.assertEqual({'l1': DEGRADED, 'l2': OFFLINE}, derived['listeners'])
        self.assertEqual({LB: DEGRADED}, derived['loadbalancers'])
