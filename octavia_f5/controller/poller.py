# SPDX-License-Identifier: Apache-2.0
"""The poller: operating statuses and listener statistics from the active device to Octavia.

Every ``[f5_poller] interval`` seconds it reads the active device of the cluster with a
constant number of REST calls (octavia_f5.bigip.inventory.REQUESTS), derives the statuses
(octavia_f5.controller.health) and sends what changed: one status update and one statistics
update per cycle at most. It never sends a provisioning status, so it cannot race the flows
into or out of PENDING_*; operating statuses of PENDING objects are updated like any other
(the driver agent changes only the columns a record names).

Three reasons to send a status again although it did not change:

* the device showed a change to the object's load balancer tree within
  ``[f5_poller] resend_window`` seconds: a flow touched it and reports operating statuses of
  its own when it ends (e.g. a member OFFLINE "until the poller says otherwise"), which would
  otherwise stand until the next real change;
* ``[f5_poller] full_report_interval`` passed: everything is sent once more, which bounds how
  long a status written by anyone else (a flow of another worker, an operator) stays wrong;
* the worker restarted: it remembers nothing.
"""

import dataclasses
import threading
import time

from octavia_lib.common import constants as lib_consts
from oslo_config import cfg
from oslo_log import log as logging

from octavia_f5.bigip import cluster as cluster_lib
from octavia_f5.bigip import inventory
from octavia_f5.bigip import stats
from octavia_f5.common import config
from octavia_f5.common import exceptions
from octavia_f5.controller import health
from octavia_f5.controller import status as status_lib

LOG = logging.getLogger(__name__)

# The driver agent applies children before parents whatever the order; sending them in that
# order keeps logs and partial failures (it stops at the first bad record) readable.
ORDER = (lib_consts.MEMBERS, lib_consts.HEALTHMONITORS, lib_consts.POOLS,
         lib_consts.LISTENERS, lib_consts.LOADBALANCERS)


@dataclasses.dataclass
class CycleReport:
    """What one cycle read and sent."""

    device: str
    requests: int
    statuses: dict
    statistics: list
    full: bool = False
    failures: list = dataclasses.field(default_factory=list)


def _generations(snapshot):
    """{(kind, id): device generation(s)} of the objects whose change a flow may follow."""
    found = {(lib_consts.LOADBALANCERS, lb.id): lb.generation
             for lb in snapshot.loadbalancers.values()}
    found.update(((lib_consts.LISTENERS, lst.id), lst.generation)
                 for lst in snapshot.listeners.values())
    for pool in snapshot.pools.values():
        # A member change may show on the member only (a POST to the sub-collection).
        found[(lib_consts.POOLS, pool.id)] = (pool.generation,) + tuple(
            (m.id, m.generation) for m in pool.members)
    return found


def _pool_tree(snapshot, pool_id):
    pool = snapshot.pools.get(pool_id)
    if pool is None:
        return set()
    keys = {(lib_consts.POOLS, pool.id)}
    keys.update((lib_consts.MEMBERS, m.id) for m in pool.members)
    if pool.healthmonitor_id:
        keys.add((lib_consts.HEALTHMONITORS, pool.healthmonitor_id))
    return keys


def _loadbalancer_tree(snapshot, lb_id):
    keys = {(lib_consts.LOADBALANCERS, lb_id)}
    for listener in snapshot.listeners_of(lb_id):
        keys.add((lib_consts.LISTENERS, listener.id))
        keys |= _pool_tree(snapshot, listener.pool_id)
    return keys


def related(snapshot, kind, object_id):
    """Every object whose status a flow about (kind, object_id) may have reported.

    Flows report the object, its parents up to the load balancer, and the children they
    wrote, so a change anywhere re-sends the whole tree of the load balancer(s) concerned.
    """
    if kind == lib_consts.LOADBALANCERS:
        return _loadbalancer_tree(snapshot, object_id)
    if kind == lib_consts.LISTENERS:
        listener = snapshot.listeners[object_id]
        keys = {(kind, object_id)} | _pool_tree(snapshot, listener.pool_id)
        if listener.loadbalancer_id:
            keys |= _loadbalancer_tree(snapshot, listener.loadbalancer_id)
        return keys
    keys = _pool_tree(snapshot, object_id)
    for listener in snapshot.listeners_using(object_id):
        keys |= related(snapshot, lib_consts.LISTENERS, listener.id)
    return keys


class Poller:
    """Polls one cluster's active device; ``run_once()`` for one cycle, ``start()`` for all."""

    def __init__(self, cluster, reporter, conf=cfg.CONF, clock=time.monotonic,
                 close_cluster=False):
        opts = conf[config.POLLER_GROUP]
        self._cluster = cluster
        self._reporter = reporter
        self._clock = clock
        self._close_cluster = close_cluster
        self.interval = opts.interval
        self._resend_window = opts.resend_window
        self._full_interval = opts.full_report_interval
        self._prefix = conf[config.NETWORK_GROUP].partition_prefix
        self._sent = {}           # (kind, id) -> operating status Octavia has from us
        self._sent_stats = {}     # listener id -> statistics record Octavia has from us
        self._generations = None  # (kind, id) -> generation at the last cycle; None: no cycle
        self._touched = {}        # (kind, id) -> clock time the device last showed a change
        self._device = None
        self._full_due = None     # clock time of the next full report; None: now
        self._stop = threading.Event()
        self._thread = None

    # --- one cycle -------------------------------------------------------------------------

    def run_once(self):
        """Read the active device, send what changed; a CycleReport. DeviceError if unreadable.

        Nothing is sent when a read fails: a partial view would report objects as gone or
        unhealthy that are not.
        """
        device = self._cluster.active()
        snapshot = inventory.read(device, self._prefix)
        now = self._clock()
        if device.name != self._device:
            if self._device is not None:
                LOG.info('Poller now reads %s (was %s)', device.name, self._device)
            # Another device numbers its generations differently: not a sign of a flow.
            self._device, self._generations = device.name, None
        self._track_changes(snapshot, now)
        full = self._full_due is None or now >= self._full_due
        derived = health.derive(snapshot)
        report = CycleReport(device.name, len(inventory.REQUESTS),
                             self._status_changes(derived, now, full),
                             self._statistics_changes(snapshot, full), full)
        sent_statuses = self._send(report, 'status update', self._reporter.update_status,
                                   report.statuses)
        sent_stats = self._send(report, 'statistics update', self._reporter.update_statistics,
                                {lib_consts.LISTENERS: report.statistics} if report.statistics
                                else None)
        if sent_statuses:
            self._remember_statuses(report.statuses)
        if sent_stats:
            self._sent_stats.update((r[lib_consts.ID], r) for r in report.statistics)
        if full and sent_statuses and sent_stats:
            self._full_due = (now + self._full_interval) if self._full_interval else float('inf')
        self._forget_gone(derived, snapshot)
        return report

    def _send(self, report, what, function, payload):
        """True when ``payload`` reached Octavia (or there was nothing to send)."""
        if not payload:
            return True
        try:
            function(payload)
        except Exception as error:
            # The reporter already retried; what was not remembered is sent next cycle.
            LOG.warning('Poller: %s for %s failed: %s', what, report.device, error)
            report.failures.append('%s: %s' % (what, error))
            return False
        return True

    def _track_changes(self, snapshot, now):
        generations = _generations(snapshot)
        if self._generations is not None and self._resend_window > 0:
            for key, generation in generations.items():
                if self._generations.get(key) != generation:
                    for touched in related(snapshot, *key):
                        self._touched[touched] = now
        self._generations = generations
        horizon = now - self._resend_window
        self._touched = {k: t for k, t in self._touched.items() if t > horizon}

    def _status_changes(self, derived, now, full):
        update = {}
        for kind in ORDER:
            records = []
            for object_id, status in sorted(derived.get(kind, {}).items()):
                key = (kind, object_id)
                if full or self._sent.get(key) != status or key in self._touched:
                    records.append(status_lib.status_record(object_id,
                                                            operating_status=status))
            if records:
                update[kind] = records
        return update

    def _statistics_changes(self, snapshot, full):
        records = []
        for listener in sorted(snapshot.listeners.values(), key=lambda lst: lst.id):
            if listener.counters is None:
                continue   # listed by the configuration GET but not by the statistics GET
            record = stats.listener_statistics(listener.id, listener.counters)
            if full or self._sent_stats.get(listener.id) != record:
                records.append(record)
        return records

    def _remember_statuses(self, update):
        for kind, records in update.items():
            for record in records:
                key = (kind, record[lib_consts.ID])
                status = record[lib_consts.OPERATING_STATUS]
                before = self._sent.get(key)
                if before is not None and before != status:
                    LOG.info('%s %s operating status %s (was %s)', kind[:-1],
                             record[lib_consts.ID], status, before)
                self._sent[key] = status

    def _forget_gone(self, derived, snapshot):
        """Objects the device no longer shows are re-sent when they come back."""
        self._sent = {k: v for k, v in self._sent.items() if k[1] in derived.get(k[0], ())}
        self._sent_stats = {k: v for k, v in self._sent_stats.items()
                            if k in snapshot.listeners}

    # --- the loop --------------------------------------------------------------------------

    def run(self):
        """Poll every ``interval`` seconds until stop(); a failed cycle is logged and skipped."""
        LOG.info('Poller started: every %d s, partitions %s*', self.interval, self._prefix)
        while not self._stop.is_set():
            started = self._clock()
            try:
                report = self.run_once()
            except exceptions.DeviceError as error:
                LOG.warning('Poller: cannot read the active device, statuses unchanged: %s',
                            error)
            except Exception:
                LOG.exception('Poller: cycle failed')
            else:
                LOG.debug('Poller: %s read with %d requests; sent %d status and %d '
                          'statistics records%s', report.device, report.requests,
                          sum(len(r) for r in report.statuses.values()),
                          len(report.statistics), ' (full report)' if report.full else '')
            self._stop.wait(max(0.0, started + self.interval - self._clock()))
        LOG.info('Poller stopped')

    def start(self):
        """Run the loop in a daemon thread."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run_and_close, name='f5-poller',
                                        daemon=True)
        self._thread.start()
        return self

    def _run_and_close(self):
        try:
            self.run()
        finally:
            if self._close_cluster:
                self._cluster.close()

    def stop(self, timeout=None):
        """Stop the loop; waits up to ``timeout`` seconds (None: until the cycle ends)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive()


def start_from_conf(conf=cfg.CONF, reporter=None):
    """A started Poller of the [f5_bigip] devices, or None if disabled or not configured."""
    if not conf[config.POLLER_GROUP].enabled:
        LOG.info('Poller disabled ([f5_poller] enabled = false)')
        return None
    try:
        cluster = cluster_lib.Cluster.from_conf(conf)
    except ValueError as error:
        LOG.error('Poller not started: %s', error)
        return None
    return Poller(cluster, reporter or status_lib.get_reporter(), conf,
                  close_cluster=True).start()
