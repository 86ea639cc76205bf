# SPDX-License-Identifier: Apache-2.0
"""Fault sweep of the load balancer's own operations: create, update, delete."""

from tests.functional.reliability import jobs
from tests.functional.reliability import sweep


class TestLoadBalancerSweep(sweep.SweepTestCase):

    def test_every_failed_call_of_a_load_balancer_operation_ends_clean(self):
        lb_id = self.sweep(lambda: jobs.create(self, 'loadbalancer')).object_id
        self.sweep(lambda: jobs.update(self, 'loadbalancer', lb_id, admin_state_up=False,
                                       name='renamed'))
        self.sweep(lambda: jobs.delete(self, 'loadbalancer', lb_id, cascade=False))
        self.finish()
