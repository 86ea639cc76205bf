# SPDX-License-Identifier: Apache-2.0
"""Base of the worker's functional tests: real Redis, driver-agent stand-in, SQLite file."""

import os
import time

from cryptography import fernet
import fixtures

from octavia_f5.common import config
from octavia_f5.controller import poster
from octavia_f5.controller import status
from tests import base
from tests.functional.controller import demo_flows
from tests.functional.fixtures import driver_agent
from tests.functional.fixtures import redis_server
from tests.functional.fixtures import workers

DEMO_FLOW = 'tests.functional.controller.demo_flows:make_flow'
BOARD = 'f5test'


class WorkerTestCase(base.TestCase):
    """Each test gets its own Redis, stand-in, persistence file and worker processes."""

    CLAIM_EXPIRY = 3

    def setUp(self):
        super().setUp()
        self.redis = self.useFixture(redis_server.RedisServer())
        self.agent = self.useFixture(driver_agent.DriverAgent())
        self.directory = self.useFixture(fixtures.TempDir()).path
        self.db_path = os.path.join(self.directory, 'taskflow.sqlite')
        self.events = os.path.join(self.directory, 'events.log')
        self.secret_key = fernet.Fernet.generate_key().decode()
        self.config(group=config.JOBBOARD_GROUP, board_name=BOARD,
                    claim_expiry=self.CLAIM_EXPIRY, secret_key=self.secret_key,
                    persistence_connection='sqlite:///%s' % self.db_path)
        self.config(group=config.WORKER_GROUP, conductor_threads=2,
                    flow_modules=['octavia_f5.flows', 'tests.functional'],
                    status_update_max_backoff=0.5)
        self.workers = self.useFixture(workers.Workers())
        poster.reset()
        self.addCleanup(poster.reset)
        status.reset()
        self.addCleanup(status.reset)

    def post_demo(self, tag, **payload):
        payload.update(tag=tag, events=self.events)
        payload.setdefault('delay', 0.0)
        return poster.post(DEMO_FLOW, payload, object_id=tag)

    def job_listed(self, job_uuid):
        return self.redis.client.hexists('%s:listings' % BOARD, job_uuid)

    def job_trashed(self, job_uuid):
        return self.redis.client.hexists('%s:trash' % BOARD, job_uuid)

    def job_owner(self, job_uuid):
        owner = self.redis.client.get('%s:%s.owned' % (BOARD, job_uuid))
        return owner.decode() if owner else None

    def wait_jobs_done(self, job_uuids, timeout=60.0):
        """Wait until the jobs left the board (consumed or trashed)."""
        deadline = time.monotonic() + timeout
        pending = list(job_uuids)
        while pending and time.monotonic() < deadline:
            pending = [j for j in pending if self.job_listed(j)]
            time.sleep(0.1)
        if pending:
            logs = '\n'.join('--- %s\n%s\n%s' % (w.name, w.log()[-4000:], w.output()[-2000:])
                             for w in self.workers.started)
            self.fail('jobs %s still on the board after %s s; events:\n%s\n%s'
                      % (pending, timeout, self.read_events(), logs))

    def wait_for_event(self, tag, step, event, timeout=30.0):
        """The pid that recorded (tag, step, event), once it appears."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for pid, e_tag, e_step, e_event in self.read_events():
                if (e_tag, e_step, e_event) == (tag, step, event):
                    return pid
            time.sleep(0.05)
        self.fail('no %s %s %s after %s s; events: %s'
                  % (tag, step, event, timeout, self.read_events()))

    def read_events(self, tag=None):
        return [e for e in demo_flows.read_events(self.events) if tag in (None, e[1])]

    def done_steps(self, tag):
        """[(pid, step)] of completed steps of one job, in order."""
        return [(pid, step) for pid, _tag, step, event in self.read_events(tag)
                if event == 'done']
