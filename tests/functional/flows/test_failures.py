# SPDX-License-Identifier: Apache-2.0
"""Failures: a refused device call mid-create, and a worker killed in the middle of a flow."""

from tests.functional.flows import base
from tests.unit.flows import certs

REFUSED = {'status': 400, 'body': {'code': 400, 'message': '01070734:3: Configuration '
                                   'error: refused by the test', 'errorStack': [],
                                   'apiError': 3}}


class TestFailures(base.FlowsTestCase):

    def test_refused_call_mid_create_leaves_nothing_and_reports_error(self):
        lb_id = self.create('loadbalancer')['loadbalancer_id']
        before = self.device_names()
        self.sim.sim.add_fault(method='POST', path='/ltm/virtual$', **REFUSED)
        container = certs.container('refused.example.com')
        listener = self.create('listener', lb_id, protocol='TERMINATED_HTTPS',
                               protocol_port=443, default_tls_container_ref='ref',
                               default_tls_container_data=container)
        self.assertStatus('listener', listener['listener_id'], 'ERROR')
        self.assertStatus('loadbalancer', lb_id, 'ACTIVE')
        posted = [c['path'] for c in self.sim.sim.calls(method='POST')
                  if '/ltm/profile/' in c['path'] or '/sys/file/' in c['path']]
        self.assertTrue(posted)
        self.assertEqual(before, self.device_names())

    def test_refused_call_mid_load_balancer_create_removes_its_tenancy(self):
        self.sim.sim.add_fault(method='POST', path='/ltm/pool$', **REFUSED)
        lb = self.octavia.add('loadbalancer')
        lb_id = lb['loadbalancer_id']
        listener = self.octavia.add('listener', lb_id)
        self.octavia.add('pool', lb_id, listener_id=listener['listener_id'])
        self.publish({(kind, oid): 'PENDING_CREATE' for kind, oid in self.octavia.all_ids()})
        self.post('loadbalancer_create', self.octavia.payload('loadbalancer', lb_id), lb_id)
        self.assertEqual('ERROR', self.wait_final('loadbalancer', lb_id))
        self.assertStatus('listener', listener['listener_id'], 'ERROR')
        self.assertEqual({}, self.device_objects())


class TestWorkerKilledMidFlow(base.FlowsTestCase):

    def test_second_worker_resumes_and_reaches_the_same_end_state(self):
        lb = self.octavia.add('loadbalancer')
        lb_id = lb['loadbalancer_id']
        listener = self.octavia.add('listener', lb_id)
        pool = self.octavia.add('pool', lb_id, listener_id=listener['listener_id'])
        member = self.octavia.add('member', pool['pool_id'])
        # The virtual server's creation hangs long enough to kill the worker during it.
        self.sim.sim.add_fault(method='POST', path='/ltm/virtual$', action='latency',
                               latency_ms=3000)
        self.publish({(kind, oid): 'PENDING_CREATE' for kind, oid in self.octavia.all_ids()})
        self.post('loadbalancer_create', self.octavia.payload('loadbalancer', lb_id), lb_id)
        self.wait_until(lambda: self.sim.sim.faults()[0]['matched'] == 1,
                        what='the worker reached the virtual server')
        self.worker.kill()
        self.assertEqual('PENDING_CREATE', self.agent.status('loadbalancer', lb_id)[
            'provisioning_status'])
        second = self.workers.start('second')
        self.assertEqual('ACTIVE', self.wait_final('loadbalancer', lb_id))
        self.wait_until(lambda: 'loadbalancer_create done' in second.log(),
                        what='the second worker finished the flow')
        # Resumed, not restarted: the device task that was running at the kill ran again
        # (its POST of the virtual server found the object and patched it), the tasks
        # finished before it did not (the partition was read once).
        calls = [(c['method'], c['path']) for c in self.sim.sim.calls()]
        self.assertEqual(2, calls.count(('POST', '/mgmt/tm/ltm/virtual')))
        self.assertEqual(1, calls.count(('GET', '/mgmt/tm/auth/partition/' + base.PARTITION)))

        names = self.device_names()
        self.assertEqual(['listener_' + listener['listener_id']], names['ltm/virtual'])
        self.assertEqual(['pool_' + pool['pool_id']], names['ltm/pool'])
        self.assertEqual(['lb_' + lb_id], names['ltm/virtual-address'])
        self.assertEqual(1, len(names['ltm/node']))
        for kind, object_id in (('listener', listener['listener_id']),
                                ('pool', pool['pool_id']),
                                ('member', member['member_id'])):
            self.assertStatus(kind, object_id, 'ACTIVE')
