# SPDX-License-Identifier: Apache-2.0
"""The conductor: claims jobs from the board, builds their flows, runs them, keeps claims alive.

Rules it adds to taskflow's non-blocking conductor (docs/worker.md):

* the job's logbook is created here on first claim, under ids derived from the job uuid, so
  that a worker resuming a dead worker's job finds the same task states;
* a job whose flow already ended (the previous owner died before consuming it) is consumed
  without running again: taskflow would re-run a REVERTED flow from the start;
* claims are refreshed on every task/flow transition and by a thread every claim_expiry/4;
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

from octavia_f5.common import config
from octavia_f5.common import exceptions
from octavia_f5.controller import operations
from octavia_f5.controller import poster

LOG = logging.getLogger(__name__)

FINISHED_STATES = frozenset([states.SUCCESS, states.REVERTED, states.FAILURE])
MAX_RETRY_BACKOFF = 60
# Flow details live in the logbook named by the job uuid; a fixed namespace makes the flow
# detail's uuid a pure function of the job's, for whichever worker claims the job.
FLOW_DETAIL_NAMESPACE = uuid.UUID('9f0c2a4e-4b1d-5c1e-8f6a-6f35f5b0c7d1')


def conductor_name():
    """A name no other conductor ever had: a reused name would keep a dead claim alive (P3)."""
    return 'octavia-f5-%s-%s' % (socket.gethostname(), uuid.uuid4())


def flow_detail_uuid(job_uuid):
    return str(uuid.uuid5(FLOW_DETAIL_NAMESPACE, str(job_uuid)))


class ExtendExpiryListener(listener_base.Listener):
    """Refreshes the job's claim on every task, retry and flow transition."""

    def __init__(self, engine, job, expiry):
        super().__init__(engine)
        self._job = job
        self._expiry = expiry

    def _extend(self, state, details):
        try:
            self._job.extend_expiry(self._expiry)
        except tf_exceptions.JobFailure as e:
            LOG.warning('Cannot refresh the claim on job %s: %s', self._job.uuid, e)

    _task_receiver = _extend
    _retry_receiver = _extend
    _flow_receiver = _extend


class Conductor(impl_nonblocking.NonBlockingConductor):
    """Runs up to ``[f5_worker] conductor_threads`` jobs at once, one thread each."""

    def __init__(self, name, board, persistence, conf=cfg.CONF):
        worker = conf[config.WORKER_GROUP]
        super().__init__(name, board, persistence=persistence, engine='serial',
                         max_simultaneous_jobs=worker.conductor_threads)
        self._expiry = board.claim_expiry
        self._max_attempts = worker.job_max_attempts
        self._save_logbook = conf[config.JOBBOARD_GROUP].save_logbook
        self._stopping = threading.Event()
        self._jobs_lock = threading.Lock()
        self._running = {}
        self._flow_details = {}
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
        """Extend the claim of every job this conductor runs; returns how many were extended."""
        extended = 0
        for job in self.running_jobs():
            try:
                if job.extend_expiry(self._expiry):
                    extended += 1
                else:
                    LOG.warning('The claim on job %s expired before it was refreshed; '
                                'another worker may run it as well', job.uuid)
            except tf_exceptions.JobFailure as e:
                LOG.warning('Cannot refresh the claim on job %s: %s', job.uuid, e)
        return extended

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

    def _listeners_from_job(self, job, engine):
        listeners = super()._listeners_from_job(job, engine)
        listeners.append(ExtendExpiryListener(engine, job, self._expiry))
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
            consume = super()._dispatch_job(job)
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
            # Raising makes taskflow trash the job instead of abandoning it.
            raise exceptions.JobGivenUp('job %s given up after %d attempts'
                                        % (job.uuid, attempts))
        delay = min(2 ** (attempts - 1), MAX_RETRY_BACKOFF)
        self._jobboard.hold_off(job.uuid, delay)
        LOG.warning('Job %s (%s) failed outside its flow (attempt %d of %d); this worker '
                    'retries it in %s s', job.name, job.uuid, attempts, self._max_attempts,
                    delay)
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
                connection.save_logbook(book)
        return flow_detail

    def _engine_from_job(self, job):
        with self._jobs_lock:
            flow_detail = self._flow_details[job.uuid]
        payload = job.details['payload']
        flow = operations.build_flow(job.details['operation'], payload)
        return engines.load(flow, store=dict(payload), flow_detail=flow_detail,
                            backend=self._persistence, engine=self._engine,
                            **self._engine_options)

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
