# SPDX-License-Identifier: Apache-2.0
"""A worker process runs posted jobs, reports through the driver agent, reverts failures."""

import contextlib

import msgpack
from oslo_utils import uuidutils
from taskflow import exceptions as tf_exceptions

from octavia_f5.controller import jobboard
from octavia_f5.controller import poster
from tests.functional.controller import base


def _listener_objects(agent, visible_after=0.0):
    lb_id, listener_id = uuidutils.generate_uuid(), uuidutils.generate_uuid()
    agent.add('loadbalancers', {'loadbalancer_id': lb_id, 'name': 'lb'},
              provisioning_status='PENDING_UPDATE', operating_status='ONLINE')
    agent.add('listeners', {'listener_id': listener_id, 'loadbalancer_id': lb_id,
                            'protocol': 'HTTP', 'protocol_port': 80},
              visible_after=visible_after)
    return {'kind': 'listener', 'id': listener_id, 'loadbalancer_id': lb_id}


class TestWorker(base.WorkerTestCase):

    def test_posted_job_runs_and_reports_active_after_octavia_commits(self):
        self.workers.start()
        report = _listener_objects(self.agent, visible_after=1.5)
        job = self.post_demo('ok', steps=2, report=report)

        self.assertEqual('ACTIVE', self.agent.wait_for_status('listener', report['id']))
        self.wait_jobs_done([job])
        self.assertEqual({'provisioning_status': 'ACTIVE', 'operating_status': 'ONLINE'},
                         self.agent.status('listener', report['id']))
        self.assertEqual('ACTIVE', self.agent.status('loadbalancer',
                                                     report['loadbalancer_id'])[
                                                         'provisioning_status'])
        self.assertEqual(
            [{'listeners': [{'id': report['id'], 'provisioning_status': 'ACTIVE',
                             'operating_status': 'ONLINE'}],
              'loadbalancers': [{'id': report['loadbalancer_id'],
                                 'provisioning_status': 'ACTIVE'}]}],
            self.agent.status_updates)
        gets = [found for kind, oid, found in self.agent.get_requests if oid == report['id']]
        # The flow asked before Octavia "committed" and went on only once it saw the object.
        self.assertIn(False, gets)
        self.assertTrue(gets[-1])
        self.assertEqual(['step1', 'step2'], [step for _pid, step in self.done_steps('ok')])
        self.assertFalse(self.job_trashed(job))

    def test_failing_task_is_reverted_and_its_job_consumed(self):
        report = _listener_objects(self.agent)
        self.workers.start()
        job = self.post_demo('bad', steps=3, fail_at=2, report=report)

        self.assertEqual('ERROR', self.agent.wait_for_status('listener', report['id']))
        self.wait_jobs_done([job])
        self.assertEqual(
            [('step1', 'start'), ('step1', 'done'), ('step2', 'start'), ('step2', 'FAIL'),
             ('step2', 'revert'), ('step1', 'revert')],
            [(step, event) for _pid, _tag, step, event in self.read_events('bad')
             if step.startswith('step')])
        self.assertEqual('ACTIVE', self.agent.status('loadbalancer',
                                                     report['loadbalancer_id'])[
                                                         'provisioning_status'])
        self.assertFalse(self.job_trashed(job))
        # Consumed, not abandoned: nobody runs it again, and its logbook is gone.
        persistence = jobboard.make_persistence()
        with contextlib.closing(persistence), \
                contextlib.closing(persistence.get_connection()) as connection:
            self.assertRaises(tf_exceptions.NotFound, connection.get_logbook, job)

    def test_two_workers_share_the_board(self):
        self.config(group='f5_worker', conductor_threads=1)
        first, second = self.workers.start(), self.workers.start()
        jobs = [self.post_demo('share%d' % i, steps=2, delay=0.4) for i in range(6)]

        self.wait_jobs_done(jobs)
        done = [(pid, tag, step) for pid, tag, step, event in self.read_events()
                if event == 'done']
        self.assertEqual(sorted((('share%d' % i, 'step%d' % s) for i in range(6)
                                 for s in (1, 2))),
                         sorted((tag, step) for _pid, tag, step in done))
        self.assertEqual({first.pid, second.pid}, {pid for pid, _tag, _step in done})

    def test_broken_jobs_are_dropped_and_the_worker_goes_on(self):
        worker = self.workers.start()
        missing_flow = poster.post('tests.functional.no_such_module:make_flow', {})
        # A posting that decodes but lacks taskflow's fields crashes taskflow's job listing.
        self.redis.client.hset('%s:listings' % base.BOARD, 'mangled', msgpack.packb({}))
        self.redis.client.hset('%s:listings' % base.BOARD, 'garbage', b'\xc1not msgpack')

        self.wait_jobs_done([missing_flow, 'mangled', 'garbage'])
        self.assertTrue(self.job_trashed(missing_flow))
        good = self.post_demo('after', steps=1)
        self.wait_jobs_done([good])
        self.assertEqual([(worker.pid, 'step1')], self.done_steps('after'))
        self.assertTrue(worker.alive())
