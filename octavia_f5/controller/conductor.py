# SPDX-License-Identifier: Apache-2.0
"""The conductor: claims jobs from the board, builds their flows, runs them, keeps claims alive.

Rules it adds to taskflow's non-blocking conductor (docs/worker.md):

* the job's logbook is created here on first claim, under ids derived from the job uuid, so
  that a worker resuming a dead worker's job finds the same task states;
* a job whose flow already ended (the previous owner died before consuming it) is consumed
  without running again: taskflow would re-run a REVERTED flow from the start;
* the job's payload (the engine store) is saved with the flow detail, in the same write: a
  worker killed between taskflow's own two writes of it left a logbook taskflow cannot load
  (docs/reliability.md, bug D); such a logbook is repaired before loading;
* a job of a known operation whose flow cannot be built or loaded is reported failed (the
  object ERROR, its parents ACTIVE) and consumed, never left PENDING;
* claims are refreshed on every task/flow transition and by a thread every claim_expiry/4,
  only while this worker still holds them: a worker that finds its claim taken by another
  (it was starved of CPU longer than claim_expiry) stops its run after the current task;
* a job that fails outside its flow (database or Redis errors) is abandoned and held off by
  this process with exponential back-off, and trashed after ``job_max_attempts``; a failing
  flow is reverted and consumed like a successful one. No failure loops.
"""

import collections
import contextlib
import socket
import threading
import uuid

from oslo_config import cfg
from oslo_log import log as logging
from taskflow.conductors.backends import impl_nonblocking
from taskflow import engines
from taskflow import exceptions as tf_exceptions
from taskflow.listeners import base as listener_base
from taskflow.persistence import models
from taskflow import states
from taskflow import storage

from octavia_f5.common import config
from octavia_f5.common import exceptions
from octavia_f5.controller import operations
from octavia_f5.controller import poster
from octavia_f5.flows import constants as flow_constants
from octavia_f5.flows.tasks import status_tasks

LOG = logging.getLogger(__name__)

FINISHED_STATES = frozenset([states.SUCCESS, states.REVERTED, states.FAILURE])
MAX_RETRY_BACKOFF = 60
# Flow details live in the logbook named by the job uuid; a fixed namespace makes the flow
# detail's uuid a pure function of the job's, for whichever worker claims the job.
FLOW_DETAIL_NAMESPACE = uuid.UUID('9f0c2a4e-4b1d-5c1e-8f6a-6f35f5b0c7d1')
# The task detail in which taskflow keeps the values injected into a flow's store.
INJECTOR = storage.Storage.injector_name


class EngineNotLoadable(Exception):
    """The flow of a job could not be built, loaded, compiled or validated (not storage)."""


def conductor_name():
    """A name no other conductor ever had: a reused name would keep a dead claim alive (P3)."""
    return 'octavia-f5-%s-%s' % (socket.gethostname(), uuid.uuid4())


def flow_detail_uuid(job_uuid):
    return str(uuid.uuid5(FLOW_DETAIL_NAMESPACE, str(job_uuid)))


def stored_payload(flow_detail, payload):
    """Give ``flow_detail`` the injector task detail holding ``payload``; True if it changed.

    taskflow's ``Storage.inject`` saves a new injector task detail without results, then its
    results: a worker killed in between leaves a detail whose ``results`` is None, and every
    later ``engines.load`` fails on it (AttributeError). Written here with the flow detail
    instead, in one save, or repaired; the payload is the job's, the same for every worker.
    """
    injector = next((ad for ad in flow_detail if ad.name == INJECTOR), None)
    if injector is not None and isinstance(injector.results, dict):
        return False
    if injector is None:
        injector = models.TaskDetail(INJECTOR, str(uuid.uuid4()))
        flow_detail.add(injector)
    injector.results = dict(payload)
    injector.state = states.SUCCESS
    return True


class ExtendExpiryListener(listener_base.Listener):
    """Refreshes the job's claim on every task, retry and flow transition.

    A task transition that finds the claim held by another worker suspends the run: the
    other worker runs the job from its stored state, and two runs side by side could write
    a stale plan after a later operation of the same load balancer.
    """

    def __init__(self, engine, job, conductor):
        super().__init__(engine)
        self._job = job
        self._conductor = conductor

    def _extend(self, state, details):
        self._conductor.keep_claim(self._job)

    def _extend_or_stop(self, state, details):
        if not self._conductor.keep_claim(self._job):
            self._conductor.stop_lost_run(self._job)

    _task_receiver = _extend_or_stop
    _retry_receiver = _extend_or_stop
    _flow_receiver = _extend


class Conductor(impl_nonblocking.NonBlockingConductor):
    """Runs up to ``[f5_worker] conductor_threads`` jobs at once, one thread each."""

    def __init__(self, name, board, persistence, conf=cfg.CONF):
        worker = conf[config.WORKER_GROUP]
        super().__init__(name, board, persistence=persistence, engine='serial',
                         max_simultaneous_jobs=worker.conductor_threads,
                         wait_timeout=worker.idle_poll_interval)
        self._expiry = board.claim_expiry
        self._max_attempts = worker.job_max_attempts
        self._save_logbook = conf[config.JOBBOARD_GROUP].save_logbook
        self._stopping = threading.Event()
        self._jobs_lock = threading.Lock()
        self._running = {}
        self._flow_details = {}
        self._engines = {}
        self._lost = set()
        self._failures = collections.Counter()
        self.notifier.register('job_consumed', self._forget_logbook)

    @property
    def name(self):
        return self._name

    def stop(self):
        """Claim nothing more; let running flows finish their current task, then abandon them.

        Another worker then resumes them at once instead of waiting for the claims to expire.
        """
        self._stopping.set()
        super().stop()

    def running_jobs(self):
        with self._jobs_lock:
            return list(self._running.values())

    def refresh_claims(self):
        """Extend the claim of every job this conductor runs; returns how many were extended.

        A run whose claim another worker holds now is stopped after its current task.
        """
        extended = 0
        for job in self.running_jobs():
            if self.keep_claim(job):
                extended += 1
            else:
                self.stop_lost_run(job)
        return extended

    def keep_claim(self, job):
        """Extend the claim on ``job`` if this conductor still holds it; False if it lost it.

        A Redis error tells nothing about the claim: it counts as kept (logged).
        """
        with self._jobs_lock:
            if job.uuid in self._lost:
                return False
        try:
            if self._jobboard.extend_claim(job, self._name, self._expiry):
                return True
        except tf_exceptions.JobFailure as e:
            LOG.warning('Cannot refresh the claim on job %s: %s', job.uuid, e)
            return True
        with self._jobs_lock:
            self._lost.add(job.uuid)
        LOG.warning('The claim on job %s (%s) lapsed and another worker holds it (or the job '
                    'ended): this worker was starved longer than claim_expiry; it stops its '
                    'run after the current task', job.name, job.uuid)
        return False

    def stop_lost_run(self, job):
        """Suspend the engine of a job whose claim this conductor lost."""
        with self._jobs_lock:
            engine = self._engines.get(job.uuid)
        if engine is None:
            return
        try:
            engine.suspend()
        except tf_exceptions.TaskFlowException as e:
            # The flow ended meanwhile: nothing left to stop.
            LOG.debug('Job %s not suspended: %s', job.uuid, e)

    @contextlib.contextmanager
    def _tracking(self, job):
        with self._jobs_lock:
            self._running[job.uuid] = job
        try:
            yield
        finally:
            with self._jobs_lock:
                self._running.pop(job.uuid, None)
                self._flow_details.pop(job.uuid, None)
                self._engines.pop(job.uuid, None)
                self._lost.discard(job.uuid)

    def _listeners_from_job(self, job, engine):
        listeners = super()._listeners_from_job(job, engine)
        listeners.append(ExtendExpiryListener(engine, job, self))
        return listeners

    def _dispatch_job(self, job):
        with self._tracking(job):
            try:
                flow_detail = self._load_flow_detail(job)
            except tf_exceptions.StorageFailure as e:
                LOG.warning('Cannot load the logbook of job %s: %s', job.uuid, e)
                return self._retry_later(job)
            if flow_detail.state in FINISHED_STATES:
                LOG.info('Job %s (%s) had already ended in state %s; consuming it',
                         job.name, job.uuid, flow_detail.state)
                return True
            with self._jobs_lock:
                self._flow_details[job.uuid] = flow_detail
            try:
                consume = super()._dispatch_job(job)
            except tf_exceptions.StorageFailure as e:
                LOG.warning('Cannot load the flow of job %s: %s', job.uuid, e)
                return self._retry_later(job)
            except EngineNotLoadable as e:
                consume = self._report_not_loadable(job, e.__cause__)
            with self._jobs_lock:
                lost = job.uuid in self._lost
        if lost:
            # Not ours to consume or abandon: the worker holding it finishes it.
            return False
        if consume:
            with self._jobs_lock:
                self._failures.pop(job.uuid, None)
            return True
        if self._stopping.is_set():
            return False
        return self._retry_later(job)

    def _retry_later(self, job):
        with self._jobs_lock:
            self._failures[job.uuid] += 1
            attempts = self._failures[job.uuid]
            if attempts >= self._max_attempts:
                del self._failures[job.uuid]
        if attempts >= self._max_attempts:
            LOG.error('Job %s (%s) failed outside its flow %d times; moving it to the trash',
                      job.name, job.uuid, attempts)
            operation = (job.details or {}).get('operation')
            if operation in flow_constants.OPERATIONS:
                # Best effort: the object must not stay PENDING behind a trashed job.
                status_tasks.report_failure(operation, job.details.get('payload') or {})
            # Raising makes taskflow trash the job instead of abandoning it.
            raise exceptions.JobGivenUp('job %s given up after %d attempts'
                                        % (job.uuid, attempts))
        delay = min(2 ** (attempts - 1), MAX_RETRY_BACKOFF)
        self._jobboard.hold_off(job.uuid, delay)
        LOG.warning('Job %s (%s) failed outside its flow (attempt %d of %d); this worker '
                    'retries it in %s s', job.name, job.uuid, attempts, self._max_attempts,
                    delay)
        return False

    def _report_not_loadable(self, job, error):
        """Report the job's operation failed and consume the job (False: try again later).

        A flow that cannot be loaded cannot be reverted either: what an earlier run of it
        wrote stays on the device (for the reconciler), but the object is not left PENDING.
        A job that names no known operation has no object to report: it is trashed, loudly.
        """
        operation = job.details.get('operation')
        if operation not in flow_constants.OPERATIONS:
            LOG.error('The flow of job %s (%s) cannot be loaded (%s); moving it to the trash',
                      job.name, job.uuid, error)
            raise exceptions.JobGivenUp('job %s: flow not loadable: %s' % (job.uuid, error))
        LOG.error('The flow of job %s (%s) cannot be loaded: %s; reporting %s failed',
                  job.name, job.uuid, error, operation)
        if status_tasks.report_failure(operation, job.details.get('payload') or {}):
            return True
        return False

    def _load_flow_detail(self, job):
        details = job.details or {}
        if details.get('version') != poster.DETAILS_VERSION:
            raise exceptions.UnknownOperation(details.get('operation'),
                                              'job details version %r is not supported'
                                              % details.get('version'))
        operations.factory_path(details.get('operation'))
        fd_uuid = flow_detail_uuid(job.uuid)
        with contextlib.closing(self._persistence.get_connection()) as connection:
            try:
                book = connection.get_logbook(job.uuid)
            except tf_exceptions.NotFound:
                book = models.LogBook(job.name, uuid=job.uuid)
            flow_detail = book.find(fd_uuid)
            if flow_detail is None:
                flow_detail = models.FlowDetail(job.name, uuid=fd_uuid)
                book.add(flow_detail)
                stored_payload(flow_detail, details.get('payload') or {})
                connection.save_logbook(book)
            elif (flow_detail.state not in FINISHED_STATES
                    and stored_payload(flow_detail, details.get('payload') or {})):
                LOG.warning('Job %s (%s): the payload was not (fully) saved by the worker '
                            'that ran it before; saved again', job.name, job.uuid)
                connection.save_logbook(book)
        return flow_detail

    def _engine_from_job(self, job):
        """The job's engine, compiled, prepared and validated.

        Done here rather than by taskflow's dispatch so that a flow that cannot be loaded
        is told apart from one that failed (taskflow would consume it without a word).
        """
        with self._jobs_lock:
            flow_detail = self._flow_details[job.uuid]
        payload = job.details['payload']
        try:
            flow = operations.build_flow(job.details['operation'], payload)
            engine = engines.load(flow, store=dict(payload), flow_detail=flow_detail,
                                  backend=self._persistence, engine=self._engine,
                                  **self._engine_options)
            engine.compile()
            engine.prepare()
            engine.validate()
        except (tf_exceptions.StorageFailure, exceptions.UnknownOperation):
            # Retried later / trashed at once (a job naming code that does not exist).
            raise
        except Exception as error:
            raise EngineNotLoadable(str(error)) from error
        with self._jobs_lock:
            self._engines[job.uuid] = engine
        return engine

    def _forget_logbook(self, event, details):
        if self._save_logbook:
            return
        job = details['job']
        try:
            with contextlib.closing(self._persistence.get_connection()) as connection:
                connection.destroy_logbook(job.uuid)
        except tf_exceptions.NotFound:
            pass
        except tf_exceptions.StorageFailure as e:
            LOG.warning('Cannot remove the logbook of finished job %s: %s', job.uuid, e)


class ClaimRefresher:
    """A thread that refreshes a conductor's claims every claim_expiry/4.

    The transition listener alone is not enough: one task (waiting for Octavia's commit, a
    slow device) can outlast the expiry, and a claim that lapses lets a second worker run the
    same job (reference P1).
    """

    def __init__(self, conductor, expiry):
        self._conductor = conductor
        self._interval = expiry / 4.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name='claim-refresher-%s' % conductor.name)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.wait(self._interval):
            try:
                self._conductor.refresh_claims()
            except Exception:
                LOG.exception('Claim refresh of %s failed', self._conductor.name)
