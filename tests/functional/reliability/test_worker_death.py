# SPDX-License-Identifier: Apache-2.0
"""Workers killed with SIGKILL while 100 operations are in flight: every one ends as if not."""

import contextlib
import os
import random
import time

from oslo_utils import uuidutils
from taskflow.persistence import backends
from taskflow.persistence import models
from taskflow import storage

from octavia_f5.controller import conductor
from tests.functional.reliability import base
from tests.functional.reliability import jobs
from tests.functional.reliability import streams

# 10 load balancers of lb, listener, pool and 7 members: 100 operations, 6 kills (about a
# minute on the 2-core CI machine). A bigger run is opt-in: OCTAVIA_F5_KILL_LOADBALANCERS=30
# OCTAVIA_F5_KILLS=15.
LOADBALANCERS = int(os.environ.get('OCTAVIA_F5_KILL_LOADBALANCERS') or 10)
MEMBERS = 7
KILLS = int(os.environ.get('OCTAVIA_F5_KILLS') or 6)
# streams.run's time for 10 load balancers, scaled for a bigger run.
STREAM_TIMEOUT = 120.0 * max(1.0, LOADBALANCERS / 10.0)
# The conductor's log line when it stops a run whose claim another worker took.
LOST_CLAIM = 'lapsed and another worker holds it'


class TestWorkerDeath(base.ReliabilityTestCase):

    CLAIM_EXPIRY = 3
    CONDUCTOR_THREADS = 4
    MAX_RETRIES = 2

    def test_operations_survive_a_worker_killed_at_random_points(self):
        steady = self.start_worker('steady')
        self.victim = self.start_worker('victim')
        reference = streams.Story(self, 0, MEMBERS)
        streams.run(self, [reference])

        stories = [streams.Story(self, i, MEMBERS) for i in range(1, LOADBALANCERS + 1)]
        # The kill times follow a seed; OCTAVIA_F5_KILL_SEED replays a run's.
        seed = int(os.environ.get('OCTAVIA_F5_KILL_SEED') or random.randrange(1 << 30))
        print('kill seed %d' % seed)
        self.chance = random.Random(seed)
        self.kills = []
        self.started = time.monotonic()
        self.next_kill = self.started + self.chance.uniform(0.5, 2.0)
        streams.run(self, stories, timeout=STREAM_TIMEOUT, tick=self.kill_when_due)

        operations = sum(len(s.outcomes) for s in stories)
        statuses = self.statuses()
        active = sum(1 for s in statuses.values() if s == 'ACTIVE')
        wanted, found, problems = streams.judge(self.configuration(), stories, reference)
        # An object a job made twice would be left over ("left on the device"); one made by
        # a dead run and never finished, an orphan or a difference.
        counts = {kind: sum(1 for p in problems if kind in p)
                  for kind in ('orphan', 'left on the device', 'missing', 'differs')}
        # Runs a starved worker stopped because another worker had taken its job over.
        stopped = sum(w.log().count(LOST_CLAIM) for w in self.workers.started)
        self.figure('seed %d: operations: %d, kills: %d (at %s s), final ACTIVE: %d of %d '
                    'objects, device objects expected: %d, found: %d, orphaned: %d, '
                    'duplicated or left over: %d, missing: %d, differing: %d; runs stopped '
                    'on a lost claim: %d'
                    % (seed, operations, len(self.kills),
                       ', '.join('%.1f' % k for k in self.kills), active, len(statuses),
                       wanted, found, counts['orphan'], counts['left on the device'],
                       counts['missing'], counts['differs'], stopped))
        self.assertEqual(LOADBALANCERS * (3 + MEMBERS), operations)
        self.assertGreaterEqual(len(self.kills), 3, 'the operations ended before 3 kills')
        not_active = {k: s for k, s in statuses.items() if s != 'ACTIVE'}
        self.assertEqual({}, not_active, base.logs_of(self))
        self.assertEqual([], problems)
        self.assertTrue(steady.alive())

    def kill_when_due(self, ended=0):
        """SIGKILL the victim at random moments (KILLS times), restarting it each time."""
        now = time.monotonic()
        if len(self.kills) >= KILLS or now < self.next_kill:
            return
        self.victim.kill()
        self.kills.append(now - self.started)
        # Not waiting for it to be ready: the other stories go on meanwhile.
        self.victim = self.start_worker('victim%d' % len(self.kills), wait_ready=False)
        self.next_kill = time.monotonic() + self.chance.uniform(1.0, 3.0)


class TestKilledWhileSavingState(base.ReliabilityTestCase):

    CLAIM_EXPIRY = 3

    def test_job_of_a_worker_killed_between_its_first_two_saves_is_resumed(self):
        """The first claimer saves the flow's store in two writes; a kill between them.

        TaskFlow saves the injector's task detail first without results, then its results
        (the job's payload). A worker killed in between leaves exactly this logbook, made
        here directly while no worker runs.
        """
        job = jobs.create(self, 'loadbalancer')
        self.publish(job.pending)
        job_uuid = self.post(job.operation, job.payload, job.object_id)
        name = '%s-%s' % (job.operation, job.object_id)
        backend = backends.fetch({'connection': 'sqlite:///' + self.db_path})
        with contextlib.closing(backend.get_connection()) as connection:
            connection.upgrade()
            book = models.LogBook(name, uuid=job_uuid)
            flow_detail = models.FlowDetail(name, uuid=conductor.flow_detail_uuid(job_uuid))
            injector = models.TaskDetail(storage.Storage.injector_name,
                                         uuidutils.generate_uuid())
            injector.state = None
            flow_detail.add(injector)
            book.add(flow_detail)
            connection.save_logbook(book)
        backend.close()
        self.start_worker()
        try:
            final = self.agent.wait_for_status('loadbalancer', job.object_id, timeout=20)
        except AssertionError as error:
            self.fail('%s; the job is %s\n%s' % (
                error, 'in the trash' if self.job_trashed(job_uuid) else 'on the board',
                base.logs_of(self)))
        self.assertEqual('ACTIVE', final)
