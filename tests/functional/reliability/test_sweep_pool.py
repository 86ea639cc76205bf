# SPDX-License-Identifier: Apache-2.0
"""Fault sweep of pool, member (single and batch) and health monitor operations."""

from tests.functional.reliability import jobs
from tests.functional.reliability import sweep


class TestPoolSweep(sweep.SweepTestCase):

    def setUp(self):
        super().setUp()
        self.lb_id = self.create('loadbalancer')['loadbalancer_id']
        self.lid = self.create('listener', self.lb_id)['listener_id']

    def test_every_failed_call_of_a_pool_or_member_operation_ends_clean(self):
        pool_id = self.sweep(lambda: jobs.create(
            self, 'pool', self.lb_id, listener_id=self.lid,
            session_persistence={'type': 'SOURCE_IP'})).object_id
        self.sweep(lambda: jobs.update(self, 'pool', pool_id, lb_algorithm='LEAST_CONNECTIONS',
                                       session_persistence={'type': 'HTTP_COOKIE'}))
        first = self.sweep(lambda: jobs.create(self, 'member', pool_id,
                                               address='192.168.40.1')).object_id
        self.sweep(lambda: jobs.update(self, 'member', first, weight=5,
                                       admin_state_up=False))
        second = self.create('member', pool_id, address='192.168.40.2')['member_id']
        self.sweep(lambda: jobs.batch_update(self, pool_id, keep=[first], drop=[second],
                                             add=['192.168.40.3', '192.168.40.4'], weight=2))
        self.sweep(lambda: jobs.delete(self, 'member', first))
        self.sweep(lambda: jobs.delete(self, 'pool', pool_id))
        self.finish()

    def test_every_failed_call_of_a_health_monitor_operation_ends_clean(self):
        pool_id = self.create('pool', self.lb_id, listener_id=self.lid)['pool_id']
        self.create('member', pool_id, address='192.168.41.1')
        hm_id = self.sweep(lambda: jobs.create(self, 'healthmonitor', pool_id,
                                               url_path='/health')).object_id
        self.sweep(lambda: jobs.update(self, 'healthmonitor', hm_id, delay=20,
                                       expected_codes='200-204'))
        self.sweep(lambda: jobs.delete(self, 'healthmonitor', hm_id))
        self.finish()
