# SPDX-License-Identifier: Apache-2.0
"""The PENDING rule: a lost job is finished, a job still on the board is never fought."""

import datetime

from octavia_f5.controller import reconcile_report as rr
from tests.functional.reconciler import base


class TestPending(base.ReconcilerTestCase):

    def setUp(self):
        super().setUp()
        self.lb, self.listener, self.pool = self.basic_lb(members=2)
        self.lb_id = self.lb['loadbalancer_id']
        self.wait_jobs_done()

    def lose(self, kind, obj, status):
        """Octavia marks the object (and its parents) as for a job that never arrives."""
        self.publish(self._pending(kind, obj, status))

    def test_lost_listener_create_is_finished(self):
        listener = self.octavia.add('listener', self.lb_id, protocol_port=8080)
        self.lose('listener', listener, 'PENDING_CREATE')
        virtual = 'listener_' + listener['listener_id']

        report = self.diff()
        found = report.loadbalancer(self.lb_id)
        self.assertEqual(rr.LOST_JOB, found.state, report.lines())
        self.assertIn('sync would finish the operation', found.action)
        self.assertIn(('missing', 'ltm/virtual', virtual, ()), self.findings(report, self.lb_id))

        report = self.sync()
        self.assertEqual(rr.FINISHED, report.loadbalancer(self.lb_id).state, report.lines())
        self.assertStatus('listener', listener['listener_id'], 'ACTIVE', 'ONLINE')
        self.assertStatus('loadbalancer', self.lb_id, 'ACTIVE', 'ONLINE')
        for device in (0, 1):
            self.assertIn(virtual, self.names_on(device, 'ltm/virtual'))

    def test_lost_member_delete_is_finished(self):
        member = self.octavia.children('member', self.pool['pool_id'])[0]
        self.lose('member', member, 'PENDING_DELETE')

        report = self.sync()
        self.assertEqual(rr.FINISHED, report.loadbalancer(self.lb_id).state, report.lines())
        self.assertStatus('member', member['member_id'], 'DELETED')
        self.assertStatus('pool', self.pool['pool_id'], 'ACTIVE')
        self.assertStatus('loadbalancer', self.lb_id, 'ACTIVE')
        pool = self.objects_on(1)['ltm/pool']['/%s/pool_%s' % (base.PARTITION,
                                                               self.pool['pool_id'])]
        self.assertEqual(1, len(pool['membersReference']['items']))
        self.assertNotIn(member['address'], str(self.names_on(1, 'ltm/node')))

    def test_lost_load_balancer_delete_removes_everything(self):
        self.lose('loadbalancer', self.lb, 'PENDING_DELETE')
        report = self.sync()
        self.assertEqual(rr.FINISHED, report.loadbalancer(self.lb_id).state, report.lines())
        self.assertStatus('loadbalancer', self.lb_id, 'DELETED')
        self.assertStatus('listener', self.listener['listener_id'], 'DELETED')
        for device in (0, 1):
            self.assertEqual({}, self.objects_on(device))
            partitions = self.sim.sim.dump(device).get('auth/partition', {})
            self.assertNotIn(base.PARTITION, partitions)

    def test_recent_pending_waits_for_its_job(self):
        self.config(group='f5_reconciler', pending_timeout=300)
        listener = self.octavia.add('listener', self.lb_id, protocol_port=8080)
        self.lose('listener', listener, 'PENDING_CREATE')
        self.api.updated_at[self.lb_id] = datetime.datetime.now(
            datetime.timezone.utc).replace(tzinfo=None).isoformat(timespec='seconds')
        report = self.sync()
        self.assertEqual(rr.WAITING, report.loadbalancer(self.lb_id).state, report.lines())
        self.assertNotIn('listener_' + listener['listener_id'],
                         self.names_on(0, 'ltm/virtual'))
        self.assertStatus('listener', listener['listener_id'], 'PENDING_CREATE')


class TestJobOnTheBoard(base.ReconcilerTestCase):

    RUN_WORKER = False

    def test_load_balancer_with_a_job_on_the_board_is_left_alone(self):
        self.worker = self.workers.start()
        lb, _listener, _pool = self.basic_lb()
        lb_id = lb['loadbalancer_id']
        self.wait_jobs_done()
        self.worker.terminate()
        self.worker.wait()
        # A listener create posted while no worker runs: its job waits on the board.
        listener = self.create('listener', lb_id, protocol_port=8080, wait=False)
        virtual = 'listener_' + listener['listener_id']

        report = self.sync(wait=False)
        found = report.loadbalancer(lb_id)
        self.assertEqual(rr.BUSY, found.state, report.lines())
        self.assertEqual([], found.findings)
        self.assertNotIn(virtual, self.names_on(0, 'ltm/virtual'))
        self.assertStatus('listener', listener['listener_id'], 'PENDING_CREATE')

        self.workers.start()
        self.wait_final('listener', listener['listener_id'])
        self.assertStatus('listener', listener['listener_id'], 'ACTIVE')
        self.assertIn(virtual, self.names_on(0, 'ltm/virtual'))
