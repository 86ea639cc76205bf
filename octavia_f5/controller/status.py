# SPDX-License-Identifier: Apache-2.0
"""Reporting to Octavia through its driver agent: statuses, statistics, and reading objects.

All traffic goes through octavia-lib's DriverLibrary (unix sockets named by [f5_driver_agent]).
The library is created on first use, because its constructor blocks until the sockets exist
(up to ~2.3 minutes). Every call is retried with exponential back-off, because the driver agent
refuses connections when bursts exceed its process limits, and a lost status update leaves an
object PENDING (its load balancer immutable) forever.
"""

import functools
import threading
import time

from octavia_lib.api.drivers import driver_lib
from octavia_lib.api.drivers import exceptions as driver_exceptions
from octavia_lib.common import constants as lib_consts
from oslo_config import cfg
from oslo_log import log as logging
import tenacity

from octavia_f5.common import config
from octavia_f5.common import exceptions
from octavia_f5.controller import reported as reported_lib

LOG = logging.getLogger(__name__)

# Our singular object kinds -> the driver agent's plural names (keys of a status update, the
# 'object' of a get request).
KINDS = {
    'loadbalancer': lib_consts.LOADBALANCERS,
    'listener': lib_consts.LISTENERS,
    'pool': lib_consts.POOLS,
    'member': lib_consts.MEMBERS,
    'healthmonitor': lib_consts.HEALTHMONITORS,
    'l7policy': lib_consts.L7POLICIES,
    'l7rule': lib_consts.L7RULES,
}

# How the driver agent answers an update for a row that no longer exists (SQLAlchemy's
# NoResultFound).
NO_ROW = 'No row was found'

RETRIABLE = (driver_exceptions.UpdateStatusError, driver_exceptions.UpdateStatisticsError,
             driver_exceptions.DriverAgentTimeout, driver_exceptions.DriverError, OSError)


def status_record(object_id, provisioning_status=None, operating_status=None):
    """One record of a status update; an omitted status stays unchanged in Octavia."""
    record = {lib_consts.ID: object_id}
    if provisioning_status is not None:
        record[lib_consts.PROVISIONING_STATUS] = provisioning_status
    if operating_status is not None:
        record[lib_consts.OPERATING_STATUS] = operating_status
    return record


class StatusReporter:
    """Talks to Octavia's driver agent; one per process is enough (it is thread-safe)."""

    def __init__(self, conf=cfg.CONF, reported=None):
        self._conf = conf
        self._lock = threading.Lock()
        self._library = None
        # What Octavia has from us (octavia_f5.controller.reported); the worker shares it
        # through Redis between its flows and its poller.
        self.reported = reported if reported is not None else reported_lib.Reported()

    def _driver_library(self):
        with self._lock:
            if self._library is None:
                sockets = self._conf[config.DRIVER_AGENT_GROUP]
                self._library = driver_lib.DriverLibrary(
                    status_socket=sockets.status_socket_path,
                    stats_socket=sockets.stats_socket_path,
                    get_socket=sockets.get_socket_path)
            return self._library

    def _call(self, what, function, *args):
        worker = self._conf[config.WORKER_GROUP]
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(RETRIABLE),
            stop=tenacity.stop_after_attempt(worker.status_update_retries),
            wait=tenacity.wait_exponential(multiplier=0.1, max=worker.status_update_max_backoff),
            before_sleep=functools.partial(self._log_retry, what),
            reraise=True)
        return retrying(lambda: function(self._driver_library(), *args))

    @staticmethod
    def _log_retry(what, retry_state):
        LOG.warning('Driver agent refused %s (attempt %d): %s; retrying', what,
                    retry_state.attempt_number, _fault(retry_state.outcome.exception()))

    def update_status(self, status):
        """Send one status update, e.g. ``{'listeners': [status_record(id, 'ACTIVE')], ...}``.

        Send children and parents together: the agent applies members first and load
        balancers last. Retried as a whole: re-applying a status is harmless.
        """
        ids = ', '.join('%s %s' % (kind, record.get(lib_consts.ID))
                        for kind, records in sorted(status.items()) for record in records)
        attempts = []

        def send(lib):
            attempts.append(1)
            try:
                lib.update_loadbalancer_status(status)
            except driver_exceptions.UpdateStatusError as error:
                # The driver agent applies an update even when its answer comes too late
                # (a cascade delete of thousands of rows can outlast the socket timeout);
                # the resend then finds the deleted rows gone. That is success, not failure.
                if len(attempts) > 1 and NO_ROW in _fault(error):
                    LOG.info('Status update of %s was applied by an earlier attempt', ids)
                    return
                raise
        self._call('status update of %s' % ids, send)
        self.reported.record(status)
        LOG.debug('Reported status of %s', ids)

    def set_status(self, kind, object_id, provisioning_status=None, operating_status=None):
        """Send the status of one object (``kind`` in KINDS)."""
        self.update_status({KINDS[kind]: [status_record(object_id, provisioning_status,
                                                        operating_status)]})

    def update_statistics(self, statistics):
        """Send absolute listener statistics.

        Format: ``{'listeners': [{'id', 'active_connections', 'bytes_in', 'bytes_out',
        'request_errors', 'total_connections'}]}``, all six keys in every record.
        """
        self._call('statistics update', lambda lib: lib.update_listener_statistics(statistics))

    def get(self, kind, object_id):
        """Octavia's view of an object as a dict (``to_dict(recurse=True)``), or None."""
        getter = getattr(driver_lib.DriverLibrary, 'get_' + kind)
        obj = self._call('get of %s %s' % (kind, object_id),
                         lambda lib: getter(lib, object_id))
        return obj.to_dict(recurse=True) if obj is not None else None

    get_loadbalancer = functools.partialmethod(get, 'loadbalancer')
    get_listener = functools.partialmethod(get, 'listener')
    get_pool = functools.partialmethod(get, 'pool')
    get_member = functools.partialmethod(get, 'member')
    get_healthmonitor = functools.partialmethod(get, 'healthmonitor')
    get_l7policy = functools.partialmethod(get, 'l7policy')
    get_l7rule = functools.partialmethod(get, 'l7rule')

    def wait_for_object(self, kind, object_id, timeout=None):
        """The object once Octavia shows it; polls with back-off.

        The driver is called inside Octavia's API transaction, so a job may start before the
        object it is about is committed; a status update sent earlier would be silently lost.

        :param timeout: seconds; default ``[f5_worker] object_commit_timeout``
        :raises ObjectNotCommitted: not visible within the timeout
        """
        if timeout is None:
            timeout = self._conf[config.WORKER_GROUP].object_commit_timeout
        deadline = time.monotonic() + timeout
        delay = 0.1
        while True:
            obj = self.get(kind, object_id)
            if obj is not None:
                return obj
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise exceptions.ObjectNotCommitted(kind, object_id, timeout)
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 2.0)


def _fault(error):
    return getattr(error, 'fault_string', None) or str(error) or type(error).__name__


_REPORTER = None
_REPORTER_LOCK = threading.Lock()


def get_reporter():
    """The process-wide StatusReporter (created without touching the sockets)."""
    global _REPORTER
    with _REPORTER_LOCK:
        if _REPORTER is None:
            _REPORTER = StatusReporter()
        return _REPORTER


def reset():
    """Forget the process-wide reporter (tests)."""
    global _REPORTER
    with _REPORTER_LOCK:
        _REPORTER = None
