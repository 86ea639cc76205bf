# SPDX-License-Identifier: Apache-2.0
"""Fault sweep of L7 policy and rule operations."""

from tests.functional.reliability import jobs
from tests.functional.reliability import sweep


class TestL7Sweep(sweep.SweepTestCase):

    def test_every_failed_call_of_an_l7_operation_ends_clean(self):
        lb_id = self.create('loadbalancer')['loadbalancer_id']
        lid = self.create('listener', lb_id)['listener_id']
        self.create('pool', lb_id, listener_id=lid)
        other = self.create('pool', lb_id)['pool_id']
        policy = self.sweep(lambda: jobs.create(self, 'l7policy', lid,
                                                action='REDIRECT_TO_POOL',
                                                redirect_pool_id=other)).object_id
        rule = self.sweep(lambda: jobs.create(self, 'l7rule', policy, type='PATH',
                                              compare_type='STARTS_WITH',
                                              value='/images')).object_id
        self.sweep(lambda: jobs.update(self, 'l7rule', rule, value='/static'))
        self.sweep(lambda: jobs.update(self, 'l7policy', policy, action='REDIRECT_TO_URL',
                                       redirect_pool_id=None,
                                       redirect_url='https://example.com/'))
        self.sweep(lambda: jobs.delete(self, 'l7rule', rule))
        self.sweep(lambda: jobs.delete(self, 'l7policy', policy))
        self.finish()
