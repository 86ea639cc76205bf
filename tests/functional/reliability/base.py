# SPDX-License-Identifier: Apache-2.0
"""Base of the reliability tests: a worker process, restorable states, verdicts and figures.

A *state* is what the device holds and what Octavia shows at one moment: the simulator's
configuration (taken and put back in-process, so that the worker's login token survives and
the call log holds only the operation's own calls) and the FakeOctavia's objects. Tests put a
state back, post one job, and judge how it ended.
"""

import copy
import dataclasses
import os
import shutil
import sys

from cryptography import fernet
import fixtures

from octavia_f5.common import config
from octavia_f5.controller import poster
from octavia_f5.controller import status
from octavia_f5.simulator import fixture as sim_fixture
from tests.functional.fixtures import driver_agent
from tests.functional.fixtures import redis_server
from tests.functional.fixtures import workers
from tests.functional.flows import base as flows_base
from tests.unit.flows import octavia

FINAL = flows_base.FINAL
BOARD = 'f5reliability'
PREFIX = 'octavia_'
# Fields that count or date changes rather than describe configuration: a run that writes
# an object twice (a retry, a re-install of the same file) leaves it the same otherwise.
VOLATILE = frozenset(('generation', 'lastUpdateMicros', 'revision', 'vsIndex',
                      'createTime', 'lastUpdateTime', 'creationTime', 'lastModifiedTime',
                      'lastModified'))
# Calls of the client's login and token upkeep: the worker's noise, not the operation's.
AUTH_PATHS = ('/mgmt/shared/authn/', '/mgmt/shared/authz/')


def clean(value):
    """A dumped object without the fields that change on every write."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def operation_calls(calls):
    """The calls an operation made, without logins and token refreshes."""
    return [c for c in calls if not c['path'].startswith(AUTH_PATHS)]


@dataclasses.dataclass
class State:
    """Device configurations (one per simulated device) and Octavia's objects."""

    devices: list
    objects: dict


@dataclasses.dataclass
class Job:
    """One Octavia operation as the API driver posts it, and what counts as its outcome.

    ``subjects``: {(kind, id): status on success}; on failure each is ERROR. ``pending``:
    the statuses Octavia's API set before calling the driver. ``removes``: objects Octavia
    forgets once the operation succeeded.
    """

    operation: str
    payload: dict
    object_id: str
    subjects: dict
    pending: dict
    removes: list = dataclasses.field(default_factory=list)

    @property
    def creates(self):
        return self.operation.endswith('_create')


class ReliabilityTestCase(flows_base.FlowsTestCase):
    """Redis, the driver-agent stand-in, DEVICES simulated BIG-IPs and a worker process."""

    DEVICES = 1
    MAX_RETRIES = 0
    RETRY_BACKOFF = 0.05
    RETRY_MAX_BACKOFF = 0.4
    CONDUCTOR_THREADS = 1
    PASSWORD = 'admin'
    DEBUG = False
    # None: a SQLite file, shared by the workers of a test.
    PERSISTENCE = None

    def setUp(self):
        # FlowsTestCase.setUp fixes one device and starts the worker at once; everything
        # else of that class (publishing, posting, reading the device) serves as it is.
        super(flows_base.FlowsTestCase, self).setUp()
        self.redis = self.useFixture(redis_server.RedisServer())
        self.agent = self.useFixture(driver_agent.DriverAgent())
        self.sim = self.useFixture(sim_fixture.SimulatorFixture(
            devices=self.DEVICES, password=self.PASSWORD))
        # The engine saves every task transition to SQLite, each with an fsync: on tmpfs the
        # fsyncs cost nothing.
        self.directory = self.useFixture(fixtures.TempDir(
            '/dev/shm' if os.path.isdir('/dev/shm') else None)).path
        self.db_path = '%s/taskflow.sqlite' % self.directory
        self.config(group=config.JOBBOARD_GROUP, board_name=BOARD,
                    claim_expiry=self.CLAIM_EXPIRY,
                    secret_key=fernet.Fernet.generate_key().decode(),
                    persistence_connection=self.PERSISTENCE or 'sqlite:///' + self.db_path)
        self.config(group=config.WORKER_GROUP, conductor_threads=self.CONDUCTOR_THREADS,
                    status_update_max_backoff=0.5)
        self.config(group=config.BIGIP_GROUP, devices=self.sim.urls,
                    username=self.sim.username, password=self.sim.password,
                    device_group=self.sim.device_group, verify='false',
                    max_retries=self.MAX_RETRIES, retry_backoff=self.RETRY_BACKOFF,
                    retry_max_backoff=self.RETRY_MAX_BACKOFF, save_config_interval=0)
        # Operating statuses and repairs would blur what the flows alone achieve.
        self.config(group=config.POLLER_GROUP, enabled=False)
        self.config(group=config.RECONCILER_GROUP, enabled=False)
        self.workers = self.useFixture(workers.Workers())
        poster.reset()
        self.addCleanup(poster.reset)
        status.reset()
        self.addCleanup(status.reset)
        self.octavia = octavia.FakeOctavia()
        self.addOnException(self.keep_logs)

    def keep_logs(self, exc_info):
        """Copy the workers' logs of a failed test to .local/reliability/<test> for reading."""
        target = os.path.join(workers.REPO_ROOT, '.local', 'reliability', self.id())
        os.makedirs(target, exist_ok=True)
        for worker in self.workers.started:
            for path in (worker.log_file, worker.output_file):
                if os.path.exists(path):
                    shutil.copy(path, target)

    def start_worker(self, name=None, wait_ready=True):
        return self.workers.start(name, wait_ready=wait_ready, debug=self.DEBUG)

    # --- figures ---------------------------------------------------------------------------

    def figure(self, text):
        """Print one measured figure (stestr shows it with the test's output)."""
        print('%s: %s' % (self.id().rsplit('.', 1)[-1], text))
        sys.stdout.flush()

    # --- states ----------------------------------------------------------------------------

    def capture(self):
        return State([d.backend.snapshot() for d in self.sim.devices],
                     copy.deepcopy(self.octavia.objects))

    def restore(self, state, pending=()):
        """Put a state back: device configurations, Octavia's objects, the agent's store."""
        for device, snapshot in zip(self.sim.devices, state.devices):
            device.backend.restore(snapshot)
        for device in self.sim.devices:
            self.sim.sim.clear_faults(device.name)
            self.sim.sim.clear_calls(device.name)
        self.octavia.objects = copy.deepcopy(state.objects)
        self.reset_agent()
        self.publish(pending)

    def reset_agent(self):
        """Forget every object and status the stand-in holds (runs must not see old ones).

        The stand-in has no reset of its own; its store is this module's to empty.
        """
        agent = self.agent
        with agent.lock:
            for objects in agent._objects.values():
                objects.clear()
            agent._statuses.clear()
            agent._visible_at.clear()
            agent.status_updates.clear()

    # --- running one job -------------------------------------------------------------------

    def run_job(self, job, timeout=30.0):
        """Post the job, wait until its subjects are final and the job left the board.

        Returns {(kind, id): provisioning status} of the subjects; a subject still PENDING
        after ``timeout`` is returned as such (the caller judges it).
        """
        job_uuid = poster.post(job.operation, job.payload, job.object_id)
        outcome = {}
        for kind, object_id in job.subjects:
            try:
                outcome[(kind, object_id)] = self.agent.wait_for_status(
                    kind, object_id, FINAL, timeout=timeout)
            except AssertionError:
                outcome[(kind, object_id)] = self.agent.status(kind, object_id)[
                    'provisioning_status']
        self.wait_until(lambda: not self.job_listed(job_uuid), timeout=timeout,
                        what='job %s %s left the board' % (job.operation, job_uuid))
        return outcome

    def job_listed(self, job_uuid):
        return self.redis.client.hexists('%s:listings' % BOARD, job_uuid)

    def job_trashed(self, job_uuid):
        return self.redis.client.hexists('%s:trash' % BOARD, job_uuid)

    def forget_removed(self, job):
        for kind, object_id in job.removes:
            self.octavia.remove(kind, object_id)

    def statuses(self):
        """{(kind, id): provisioning status} of every object the stand-in holds."""
        with self.agent.lock:
            statuses = dict(self.agent._statuses)
        return {(driver_agent.SINGULAR[kind], object_id): s['provisioning_status']
                for (kind, object_id), s in statuses.items()}

    # --- the device ------------------------------------------------------------------------

    def configuration(self, device=0):
        """{(collection, fullPath): object} of the driver's objects, volatile fields removed."""
        return {(collection, path): clean(obj)
                for collection, objects in self.sim.sim.dump(device).items()
                for path, obj in objects.items() if octavia_path(path)}

    def calls(self, device=0):
        return operation_calls(self.sim.sim.calls(device))

    def tokens_issued(self):
        """Every login token the devices know now, and every one named in their call logs.

        The live ones come from the in-process devices' token stores; expired ones survive
        only in the paths of the client's token PATCHes.
        """
        found = set()
        for device in self.sim.devices:
            found.update(device.auth._tokens)
            for call in self.sim.sim.calls(device.name, path='/authz/tokens/'):
                found.add(call['path'].rsplit('/', 1)[-1])
        return found


def octavia_path(path):
    """Whether a fullPath lies in the driver's partitions (or names one or its route domain).

    A partition's own fullPath has no leading slash.
    """
    return path.startswith(PREFIX) or '/' + PREFIX in path


def logs_of(test):
    """The tail of every worker's log, for failure messages."""
    return '\n'.join('--- %s\n%s\n%s' % (w.name, w.log()[-5000:], w.output()[-1500:])
                     for w in test.workers.started)
