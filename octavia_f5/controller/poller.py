# SPDX-License-Identifier: Apache-2.0
"""The poller: operating statuses and listener statistics from the active device to Octavia.

Every ``[f5_poller] interval`` seconds it reads the active device of the cluster with three
collection GETs whatever the number of load balancers (octavia_f5.bigip.inventory), derives
the statuses (octavia_f5.controller.health) and sends what changed: one status update and
one statistics update per cycle at most. It never sends a provisioning status, so it cannot
race the flows into or out of PENDING_*; operating statuses of PENDING objects are updated
like any other (the driver agent changes only the columns a record names).

A status is sent when it differs from what Octavia has from us: the last value the flows
or the poller sent (octavia_f5.controller.reported, shared by the workers through Redis).
Sending an unchanged value is not harmless: the driver agent's UPDATE moves the object's
``updated_at``. Two reasons remain to send one again although it did not change:

* the device showed a change to the object's load balancer tree within
  ``[f5_poller] resend_window`` seconds (0, the default, turns this off: the flows' own
  reports are known now; kept for deployments whose workers share no Redis);
* ``[f5_poller] full_report_interval`` passed (default 0: never): everything is sent once
  more, which bounds how long a status written by anyone else (an operator) stays wrong.

The three GETs: the virtual servers and the pools with their members every cycle, and the
virtual servers' statistics, except in a cycle that reads the virtual addresses instead.
Those say which load balancers exist and whether they are enabled, which only load balancer
operations change, so the poller keeps them and reads them again on its first cycle on a
device, when the virtual servers name a load balancer it does not know (a new one) or no
longer name one (deleted?), when a flow reported a load balancer enabled or disabled unlike
what it keeps (an update: its flow's report is the sign), and every ``[f5_poller]
loadbalancer_interval`` seconds. Statistics are absolute, so a read one cycle later loses
nothing; they are read at least every other cycle, except after such a report.
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
from octavia_f5.controller import reported as reported_lib
from octavia_f5.controller import status as status_lib

LOG = logging.getLogger(__name__)

# The driver agent applies children before parents whatever the order; sending them in that
# order keeps logs and partial failures (it stops at the first bad record) readable.
ORDER = (lib_consts.MEMBERS, lib_consts.HEALTHMONITORS, lib_consts.POOLS,
         lib_consts.LISTENERS, lib_consts.LOADBALANCERS)
# GETs per cycle, whatever the number of objects on the device.
READS_PER_CYCLE = 3


@dataclasses.dataclass
class CycleReport:
    """What one cycle read and sent."""

    device: str
    requests: int
    statuses: dict
    statistics: list
    full: bool = False
    failures: list = dataclasses.field(default_factory=list)
    # What the third GET read: the statistics, or else the virtual addresses.
    read_statistics: bool = True


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
        self._addresses_interval = opts.loadbalancer_interval
        self._prefix = conf[config.NETWORK_GROUP].partition_prefix
        # (kind, id) -> operating status Octavia has from us, flows included (reported.py)
        self._reported = getattr(reporter, 'reported', None) or reported_lib.Reported()
        self._seen = set()        # (kind, id) of the objects this poller derived last cycle
        self._known = {}          # self._reported's statuses, read once per cycle
        self._grace = opts.new_object_grace
        self._first_seen = {}     # (kind, id) -> clock time first seen while unreported
        self._sent_stats = {}     # listener id -> statistics record Octavia has from us
        self._generations = None  # (kind, id) -> generation at the last cycle; None: no cycle
        self._touched = {}        # (kind, id) -> clock time the device last showed a change
        self._device = None
        # Clock time of the next full report; None: now. Without full reports the first
        # cycle is no exception either: what Octavia has is recorded (reported.py), and a
        # restarted worker re-sending everything would move every updated_at.
        self._full_due = None if self._full_interval else float('inf')
        self._addresses = None    # inventory.Addresses of the device; None: read them
        self._addresses_read = None   # clock time they were read
        self._unresolved = set()  # load balancers named by virtual servers but not found then
        self._named = set()       # load balancers the virtual servers named last cycle
        self._statistics_read = True  # the last cycle read the statistics
        self._stats_owed = False  # a full report's statistics wait for the next read
        self._stop = threading.Event()
        self._thread = None

    # --- one cycle -------------------------------------------------------------------------

    def run_once(self):
        """Read the active device, send what changed; a CycleReport. DeviceError if unreadable.

        Nothing is sent when a read fails: a partial view would report objects as gone or
        unhealthy that are not.
        """
        device = self._cluster.active()
        now = self._clock()
        if device.name != self._device:
            if self._device is not None:
                LOG.info('Poller now reads %s (was %s)', device.name, self._device)
            # Another device numbers its generations differently: not a sign of a flow.
            self._device, self._generations, self._addresses = device.name, None, None
        snapshot = self._read(device, now)
        self._track_changes(snapshot, now)
        full = self._full_due is None or now >= self._full_due
        derived = health.derive(snapshot)
        report = CycleReport(device.name, READS_PER_CYCLE,
                             self._status_changes(derived, now, full),
                             self._statistics_changes(snapshot, full or self._stats_owed),
                             full, read_statistics=self._statistics_read)
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
            # A cycle that read the virtual addresses has no statistics: the next one sends
            # them all.
            self._stats_owed = self._stats_owed or not self._statistics_read
        if self._statistics_read and sent_stats:
            self._stats_owed = False
        self._forget_gone(derived, snapshot)
        return report

    def _read(self, device, now):
        """The snapshot of ``device`` with READS_PER_CYCLE GETs (module docstring)."""
        virtuals = inventory.get(device, inventory.VIRTUALS_READ)
        pools = inventory.get(device, inventory.POOLS_READ)
        named = inventory.named_loadbalancers(self._prefix, virtuals)
        statistics = None
        if self._addresses_due(named, now):
            self._addresses = inventory.addresses(
                self._prefix, inventory.get(device, inventory.ADDRESSES_READ))
            self._addresses_read = now
            # Named but absent now, e.g. a virtual address outside our partitions: no
            # reason to read them again before the interval is over.
            self._unresolved = named - set(self._addresses.loadbalancers)
        else:
            statistics = inventory.get(device, inventory.STATISTICS_READ)
        self._named = named
        self._statistics_read = statistics is not None
        return inventory.parse(self._prefix, self._addresses, virtuals, pools, statistics)

    def _addresses_due(self, named, now):
        if self._addresses is None or self._addresses_stale():
            return True
        if not self._statistics_read:
            return False
        known = set(self._addresses.loadbalancers)
        # A load balancer new to us, or one whose last listener went (deleted with it?).
        if named - known - self._unresolved or (self._named - named) & known:
            return True
        return now - self._addresses_read >= self._addresses_interval

    def _addresses_stale(self):
        """Whether a flow reported a load balancer disabled or enabled unlike what we keep.

        A load balancer update writes only its virtual address: its flow's report is the
        sign that they changed, and sending statuses from the old ones would overwrite it.
        """
        reported = self._reported.statuses()
        for lb in self._addresses.loadbalancers.values():
            status = reported.get((lib_consts.LOADBALANCERS, lb.id))
            if status is not None and (status == lib_consts.OFFLINE) == lb.enabled:
                return True
        return False

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
        self._known = self._reported.statuses()
        for kind in ORDER:
            records = []
            for object_id, status in sorted(derived.get(kind, {}).items()):
                key = (kind, object_id)
                if key not in self._known and not full and self._new(key, now):
                    continue   # the flow creating it reports it (new_object_grace)
                if full or self._known.get(key) != status or key in self._touched:
                    records.append(status_lib.status_record(object_id,
                                                            operating_status=status))
            if records:
                update[kind] = records
        return update

    def _new(self, key, now):
        """Whether ``key``, unknown to Octavia's record, was first seen within the grace."""
        first = self._first_seen.setdefault(key, now)
        return now - first < self._grace

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
                before = self._known.get(key)
                if before is not None and before != status:
                    LOG.info('%s %s operating status %s (was %s)', kind[:-1],
                             record[lib_consts.ID], status, before)
                if not hasattr(self._reporter, 'reported'):
                    self._reported.record({kind: [record]})   # a reporter without memory

    def _forget_gone(self, derived, snapshot):
        """Objects the device no longer shows are re-sent when they come back."""
        seen = {(kind, object_id) for kind, objects in derived.items() for object_id in objects}
        self._reported.forget(self._seen - seen)
        self._seen = seen
        self._first_seen = {k: t for k, t in self._first_seen.items()
                            if k in seen and k not in self._known}
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
