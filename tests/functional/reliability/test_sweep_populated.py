# SPDX-License-Identifier: Apache-2.0
"""Fault sweep of whole-load-balancer operations: fully populated create, failover, cascade."""

from tests.functional.reliability import jobs
from tests.functional.reliability import sweep
from tests.unit.flows import certs


class TestPopulatedSweep(sweep.SweepTestCase):

    def populate(self):
        """A load balancer with HTTP and TLS listeners, pools, members, monitor, L7 policy.

        The HTTP listener's default pool has two members and a monitor, an L7 policy sends
        /images to a second pool; the TLS listener's pool re-encrypts to its member.
        """
        add = self.octavia.add
        lb_id = add('loadbalancer')['loadbalancer_id']
        http = add('listener', lb_id)['listener_id']
        tls = add('listener', lb_id, **jobs.tls_listener(certs.container('www.example.com'),
                                                         client_ca=False))['listener_id']
        web = add('pool', lb_id, listener_id=http)['pool_id']
        for address in ('192.168.50.1', '192.168.50.2'):
            add('member', web, address=address)
        add('healthmonitor', web, type='HTTP', url_path='/health')
        images = add('pool', lb_id)['pool_id']
        add('member', images, address='192.168.50.3')
        policy = add('l7policy', http, action='REDIRECT_TO_POOL',
                     redirect_pool_id=images)['l7policy_id']
        add('l7rule', policy, type='PATH', compare_type='STARTS_WITH', value='/images')
        secure = add('pool', lb_id, listener_id=tls, **jobs.tls_pool())['pool_id']
        add('member', secure, address='192.168.50.4', protocol_port=443)
        return jobs.populated_create(self, lb_id)

    def test_every_failed_call_of_a_whole_load_balancer_operation_ends_clean(self):
        lb_id = self.sweep(self.populate, 'loadbalancer_create fully populated').object_id
        self.sweep(lambda: jobs.failover(self, lb_id))
        self.sweep(lambda: jobs.cascade_delete(self, lb_id), 'loadbalancer_delete cascade')
        self.finish()
