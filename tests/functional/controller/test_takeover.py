# SPDX-License-Identifier: Apache-2.0
"""A job outlives its worker: SIGKILL -> resumed after the claim expires; SIGTERM -> released."""

import collections
import time

from tests.functional.controller import base
from tests.functional.controller import demo_flows

STEPS = ['step%d' % i for i in range(1, 6)]


class TestTakeover(base.WorkerTestCase):

    def _start_owner_then_standby(self, tag):
        """Worker A claims a 5-step job, B starts as a standby; A is held inside step3."""
        owner = self.workers.start('owner')
        job = self.post_demo(tag, steps=5, hold_at=3)
        self.assertEqual(owner.pid, self.wait_for_event(tag, 'step1', 'start'))
        standby = self.workers.start('standby')
        self.assertEqual(owner.pid, self.wait_for_event(tag, 'step3', 'start'))
        return job, owner, standby

    def release(self):
        """Let step3 finish (in whichever worker runs it now)."""
        with open(demo_flows.release_file(self.events), 'w'):
            pass

    def test_killed_worker_job_is_resumed_by_another_worker_after_claim_expiry(self):
        job, owner, standby = self._start_owner_then_standby('killed')
        owner.kill()
        killed_at = time.monotonic()
        self.release()
        self.wait_jobs_done([job], timeout=30)
        print('takeover after SIGKILL with claim_expiry=%s s: job finished %.2f s after the '
              'kill' % (self.CLAIM_EXPIRY, time.monotonic() - killed_at))

        undisturbed = self.post_demo('undisturbed', steps=5, delay=0.0)
        self.wait_jobs_done([undisturbed])
        self.assertEqual([step for _pid, step in self.done_steps('undisturbed')],
                         [step for _pid, step in self.done_steps('killed')])
        events = self.read_events('killed')
        starts = collections.Counter(step for _pid, _tag, step, event in events
                                     if event == 'start')
        # Finished steps never run twice; only the one in flight at the kill runs again.
        self.assertEqual({'step1': 1, 'step2': 1, 'step3': 2, 'step4': 1, 'step5': 1}, starts)
        self.assertEqual([(owner.pid, 'step1'), (owner.pid, 'step2'),
                          (standby.pid, 'step3'), (standby.pid, 'step4'),
                          (standby.pid, 'step5')], self.done_steps('killed'))
        self.assertFalse(self.job_trashed(job))

    def test_sigterm_finishes_current_task_then_releases_the_job(self):
        # An expiry far beyond the test's wait: only an explicit release lets B take over.
        self.config(group='f5_jobboard', claim_expiry=60)
        job, owner, standby = self._start_owner_then_standby('terminated')
        owner.terminate()
        time.sleep(0.5)   # the signal handler asks the conductor to stop after this task
        self.release()
        self.assertEqual(0, owner.wait(timeout=20))
        self.assertNotIn('Traceback', owner.output())

        self.wait_jobs_done([job], timeout=20)
        self.assertEqual([(owner.pid, 'step1'), (owner.pid, 'step2'), (owner.pid, 'step3'),
                          (standby.pid, 'step4'), (standby.pid, 'step5')],
                         self.done_steps('terminated'))
        starts = [step for _pid, _tag, step, event in self.read_events('terminated')
                  if event == 'start']
        self.assertEqual(STEPS, starts)
