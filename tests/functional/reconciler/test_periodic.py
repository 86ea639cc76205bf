# SPDX-License-Identifier: Apache-2.0
"""The reconciler inside the worker: every [f5_reconciler] interval, one worker at a time."""

from tests.functional.reconciler import base


class TestPeriodic(base.ReconcilerTestCase):

    PERIODIC = True

    def test_worker_restores_an_object_deleted_behind_octavias_back(self):
        lb, listener, _pool = self.basic_lb()
        virtual = 'listener_' + listener['listener_id']
        self.admins[0].delete(self.item('ltm/virtual', virtual))
        self.assertNotIn(virtual, self.names_on(0, 'ltm/virtual'))
        self.wait_until(lambda: virtual in self.names_on(0, 'ltm/virtual'), timeout=60,
                        what='the periodic reconciler restored %s' % virtual)
        repaired = 'Load balancer %s repaired' % lb['loadbalancer_id']
        # The worker logs the repair after its writes land: wait for the line too.
        self.wait_until(lambda: repaired in self.logs(), timeout=30,
                        what='the worker logged the repair')
        self.assertIn('Reconciler started: every 10 s', self.logs())

    def logs(self):
        return ''.join(worker.log() for worker in self.workers.started)
