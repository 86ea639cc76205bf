# SPDX-License-Identifier: Apache-2.0
"""The worker service: persistence, jobboard, conductor and claim refresher of one process.

Used by both ways of running the worker: the octavia-f5-worker console script and the provider
agent inside octavia-driver-agent. ``run()`` blocks until ``stop()``; it survives Redis or the
database being down (it retries with back-off) and a conductor crash (it restarts it).
"""

import threading
import time

from oslo_config import cfg
from oslo_log import log as logging

from octavia_f5.common import config
from octavia_f5.controller import conductor as conductor_lib
from octavia_f5.controller import ha
from octavia_f5.controller import jobboard
from octavia_f5.controller import poller as poller_lib
from octavia_f5.controller import reconciler
from octavia_f5.controller import reported
from octavia_f5.controller import status
from octavia_f5.flows import services as flow_services

LOG = logging.getLogger(__name__)

MAX_RESTART_BACKOFF = 60


class Worker:
    """One worker process's conductor with everything it needs."""

    def __init__(self, conf=cfg.CONF):
        self._conf = conf
        self._stop = threading.Event()
        self._conductor = None
        self.name = conductor_lib.conductor_name()

    def stop(self):
        """Graceful stop; safe from a signal handler and from any thread."""
        self._stop.set()
        conductor = self._conductor
        if conductor is not None:
            conductor.stop()

    @property
    def stopping(self):
        return self._stop.is_set()

    def run(self):
        """Serve jobs until ``stop()``; returns once running jobs are abandoned or done.

        The poller (operating status and statistics), the HA watcher and the reconciler run
        beside the conductor in this process.
        """
        reporter = status.get_reporter()
        # Flows and poller of every worker share what Octavia has from us (reported.py).
        reporter.reported = reported.RedisReported(jobboard.board_conf(self._conf))
        flow_services.configure(reporter=reporter)
        running = [poller_lib.start_from_conf(self._conf, status.get_reporter())]
        running.extend(self._start_device_helpers())
        try:
            self._run()
        finally:
            for helper in running:
                if helper is not None:
                    helper.stop(timeout=10)

    def _start_device_helpers(self):
        """The HA watcher and the reconciler, on the cluster the flows write through."""
        try:
            cluster = flow_services.cluster()
        except ValueError as error:
            LOG.error('HA watcher and reconciler not started: %s', error)
            return []
        return [ha.start(cluster, self._conf),
                reconciler.start_from_conf(self._conf, status.get_reporter(), cluster,
                                           name=self.name)]

    def _run(self):
        LOG.info('Worker %s starting: jobs from %s, persistence in %s', self.name,
                 jobboard.describe_board(self._conf),
                 jobboard.describe_persistence(self._conf))
        persistence = self._until_stopped('open the persistence database',
                                          self._open_persistence)
        if persistence is None:
            return
        try:
            board = self._until_stopped('connect to the jobboard',
                                        lambda: self._connect_board(persistence))
            if board is None:
                return
            try:
                self._serve(board, persistence)
            finally:
                board.close()
        finally:
            persistence.close()
            LOG.info('Worker %s stopped', self.name)

    def _open_persistence(self):
        persistence = jobboard.make_persistence(self._conf)
        try:
            jobboard.upgrade_persistence(persistence, self._conf)
        except Exception:
            persistence.close()
            raise
        return persistence

    def _connect_board(self, persistence):
        board = jobboard.make_board(self._conf, persistence=persistence)
        board.connect()
        return board

    def _until_stopped(self, what, function):
        """``function()``, retried with back-off until it works or the worker is stopped."""
        delay = 1
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                return function()
            except Exception as e:
                if time.monotonic() - started > MAX_RESTART_BACKOFF:
                    delay = 1   # it worked for a while: a new failure, not the same one
                LOG.warning('Worker %s cannot %s (%s: %s); retrying in %s s', self.name,
                            what, type(e).__name__, e, delay)
                if self._stop.wait(delay):
                    break
                delay = min(delay * 2, MAX_RESTART_BACKOFF)
        return None

    def _serve(self, board, persistence):
        conductor = conductor_lib.Conductor(self.name, board, persistence, self._conf)
        self._conductor = conductor
        if self._stop.is_set():
            return
        refresher = conductor_lib.ClaimRefresher(conductor, board.claim_expiry)
        refresher.start()
        LOG.info('Worker %s running up to %d jobs at once, claim expiry %s s', self.name,
                 self._conf[config.WORKER_GROUP].conductor_threads, board.claim_expiry)
        try:
            self._until_stopped('run its conductor', lambda: self._run_conductor(conductor))
        finally:
            refresher.stop()

    def _run_conductor(self, conductor):
        conductor.run()
        if not self._stop.is_set():
            raise RuntimeError('conductor %s returned without being stopped' % self.name)
