# SPDX-License-Identifier: Apache-2.0
"""Operating statuses and statistics end to end: the poller, Octavia, the CLI (issue 7).

The simulator's control API plays the network: it sets what the pool's monitor finds on a
member and the traffic counters of a virtual server on the active device. The worker's
poller ([f5_poller] interval, 2 s in the local cloud) reads them and reports them through
Octavia's driver agent; `openstack loadbalancer status show` and `... stats show` must then
show them as docs/status.md defines.
"""

import json
import time

from tests.e2e import lbtest

# Counters of one virtual server and what Octavia reports for them (docs/status.md,
# "Statistics": the device counts bits; request_errors = slowKilled + evictedConns).
COUNTERS = {'clientside.bitsIn': 8000, 'clientside.bitsOut': 24000,
            'clientside.curConns': 3, 'clientside.totConns': 42,
            'clientside.slowKilled': 1, 'clientside.evictedConns': 1}
STATS = {'bytes_in': 1000, 'bytes_out': 3000, 'active_connections': 3,
         'total_connections': 42, 'request_errors': 2}


def operating_statuses(tree):
    """{id: operating_status} of every object of a load balancer's status tree."""
    lb = tree['loadbalancer']
    found = {lb['id']: lb['operating_status']}
    for listener in lb.get('listeners') or ():
        found[listener['id']] = listener['operating_status']
        for pool in listener.get('pools') or ():
            found[pool['id']] = pool['operating_status']
            monitor = pool.get('health_monitor')
            if monitor:
                found[monitor['id']] = monitor['operating_status']
            for member in pool.get('members') or ():
                found[member['id']] = member['operating_status']
    return found


class TestStatusAndStatistics(lbtest.LoadBalancerTestCase):

    def setUp(self):
        super().setUp()
        lb = self.create_lb(settle=False, listeners=[
            {'name': 'web', 'protocol': 'HTTP', 'protocol_port': 80, 'default_pool': {
                'name': 'web', 'protocol': 'HTTP', 'lb_algorithm': 'ROUND_ROBIN',
                'members': [{'address': '192.0.2.%d' % h, 'protocol_port': 80}
                            for h in (71, 72)],
                'healthmonitor': {'type': 'HTTP', 'delay': 5, 'timeout': 3,
                                  'max_retries': 2, 'url_path': '/health'}}},
            {'name': 'raw', 'protocol': 'TCP', 'protocol_port': 8080}])
        state = self.settle(lb['id'])
        self.lb = lb
        self.listeners = {li['name']: li for li in state['listeners']}
        self.pool = state['pools'][0]
        self.monitor = state['healthmonitors'][0]
        self.members = sorted(state['members'][self.pool['id']], key=lambda m: m['address'])
        self.pool_path = '/%s/pool_%s' % (self.partition().name, self.pool['id'])
        device_pool = self.partition().get('ltm/pool', 'pool_' + self.pool['id'])
        # The device names a member by address%route-domain:port; its description is the id.
        self.member_names = {m['description']: m['name']
                             for m in device_pool['membersReference']['items']}

    def expected(self, lb, listener, pool, first, second):
        return {self.lb['id']: lb, self.listeners['web']['id']: listener,
                self.listeners['raw']['id']: 'ONLINE', self.pool['id']: pool,
                self.monitor['id']: 'ONLINE', self.members[0]['id']: first,
                self.members[1]['id']: second}

    def wait_for_tree(self, expected):
        """Wait until Octavia's status tree shows ``expected``; then the CLI must show it."""
        deadline = time.monotonic() + self.wait_timeout
        path = 'loadbalancers/%s/status' % self.lb['id']
        while True:
            found = operating_statuses(self.get(path)['statuses'])
            if found == expected:
                break
            if time.monotonic() > deadline:
                self.fail('operating statuses are %s, not %s, after %.0f s'
                          % (found, expected, self.wait_timeout))
            time.sleep(self.wait_interval * 5)
        tree = json.loads(self.openstack('loadbalancer', 'status', 'show', self.lb['id'],
                                         parse=False))
        self.assertEqual(expected, operating_statuses(tree))
        self.assertEqual('ACTIVE', tree['loadbalancer']['provisioning_status'])

    def set_member(self, member, state):
        self.devices.set_member_availability(self.pool_path,
                                             self.member_names[member['id']], state)

    def test_member_health_rolls_up_to_the_load_balancer_in_status_show(self):
        first, second = self.members
        self.wait_for_tree(self.expected('ONLINE', 'ONLINE', 'ONLINE', 'ONLINE', 'ONLINE'))

        # A member failing its checks is ERROR; its pool, listener and load balancer are
        # DEGRADED while another member serves.
        self.set_member(first, 'down')
        self.wait_for_tree(self.expected('DEGRADED', 'DEGRADED', 'DEGRADED', 'ERROR',
                                         'ONLINE'))
        # All members failing: the pool is ERROR, which degrades (not fails) the listener.
        self.set_member(second, 'down')
        self.wait_for_tree(self.expected('DEGRADED', 'DEGRADED', 'ERROR', 'ERROR', 'ERROR'))

        self.set_member(first, 'up')
        self.set_member(second, 'up')
        self.wait_for_tree(self.expected('ONLINE', 'ONLINE', 'ONLINE', 'ONLINE', 'ONLINE'))

        # A disabled member is OFFLINE and does not count against its pool.
        self.call('PUT', 'pools/%s/members/%s' % (self.pool['id'], second['id']),
                  {'member': {'admin_state_up': False}})
        self.settle(self.lb['id'])
        self.wait_for_tree(self.expected('ONLINE', 'ONLINE', 'ONLINE', 'ONLINE', 'OFFLINE'))

    def wait_for_stats(self, path, expected):
        deadline = time.monotonic() + self.wait_timeout
        while True:
            found = self.get(path)['stats']
            if all(found[key] == value for key, value in expected.items()):
                return
            if time.monotonic() > deadline:
                self.fail('%s shows %s, not %s, after %.0f s'
                          % (path, found, expected, self.wait_timeout))
            time.sleep(self.wait_interval * 5)

    def test_traffic_counters_show_in_bytes_in_stats_show(self):
        partition = self.partition().name
        web, raw = self.listeners['web'], self.listeners['raw']
        self.devices.set_virtual_counters('/%s/listener_%s' % (partition, web['id']), COUNTERS)
        self.devices.set_virtual_counters('/%s/listener_%s' % (partition, raw['id']),
                                          {'clientside.bitsIn': 800,
                                           'clientside.totConns': 1})
        raw_stats = dict.fromkeys(STATS, 0)
        raw_stats.update(bytes_in=100, total_connections=1)
        # The load balancer's statistics are the sum of its listeners'.
        lb_stats = {key: STATS[key] + raw_stats[key] for key in STATS}
        self.wait_for_stats('loadbalancers/%s/stats' % self.lb['id'], lb_stats)

        self.assertEqual(lb_stats, self.openstack('loadbalancer', 'stats', 'show',
                                                  self.lb['id']))
        self.assertEqual(STATS, self.openstack('loadbalancer', 'listener', 'stats', 'show',
                                               web['id']))
        self.assertEqual(raw_stats, self.openstack('loadbalancer', 'listener', 'stats',
                                                   'show', raw['id']))
