# SPDX-License-Identifier: Apache-2.0
"""The HA watcher: the worker notices a failover and re-syncs a device that came back.

Every [f5_ha] check_interval seconds, in each worker process, on the cluster the flows
write through (octavia_f5.flows.services.cluster()):

* the cached active device is asked for its failover-status (one GET); if it is no longer
  ACTIVE (a failover without an outage: BIG-IP still accepts writes on a standby, so no
  write fails), the active device is looked for again, and the flows' next writes go there;
* in config-sync mode, the active device's sync-status is read (one GET). "Changes Pending"
  or "Awaiting Initial Sync" on two checks in a row (a flow syncs right after its own
  writes, so one check may catch that moment) means a device holds a configuration the
  group lacks: typically a device that returned after an outage. The group is then
  config-synced from the active device (after a check that it is still active), which
  overwrites the returning device with the active one's configuration.

"Disconnected" (a device is down) needs nothing: the device is re-synced when it is back.
Errors by writes do the rest: a write that fails with DeviceUnavailable makes the cluster
look for the active device at once (octavia_f5.flows.tasks.device_tasks.on_active_device).
"""

from oslo_config import cfg
from oslo_log import log as logging

from octavia_f5.common import config
from octavia_f5.controller import periodic

LOG = logging.getLogger(__name__)

NEEDS_SYNC = ('Changes Pending', 'Awaiting Initial Sync', 'Not All Devices Synced')


class Watcher(object):
    """``check()`` once, or ``start()`` a daemon thread that checks every interval."""

    def __init__(self, cluster, conf=cfg.CONF):
        self._cluster = cluster
        self.interval = conf[config.HA_GROUP].check_interval
        self._active = None
        self._unsynced = 0
        self._periodic = None

    def check(self):
        """One check; returns (active device name, sync status or None, synced now)."""
        active = self._cluster.check_active()
        if self._active is not None and active.name != self._active:
            LOG.warning('Failover: %s is the active device now (was %s)', active.name,
                        self._active)
        self._active = active.name
        group = self._cluster
        if group.sync_mode != 'config-sync' or not group.device_group or len(
                group.devices) < 2:
            return active.name, None, False
        status = group.sync_status(active)
        self._unsynced = self._unsynced + 1 if status in NEEDS_SYNC else 0
        if self._unsynced < 2:
            return active.name, status, False
        LOG.warning('Device group %s is "%s" on two checks in a row: config-sync from the '
                    'active device %s', group.device_group, status, active.name)
        group.sync()
        self._unsynced = 0
        return active.name, status, True

    def start(self):
        """Check every interval in a daemon thread, the first check at once.

        The first check learns which device is active; a failover before it would go
        unnoticed (the first look simply finds the new active device).
        """
        self._periodic = periodic.Periodic('HA watcher', self.interval, self.check).start()
        return self

    def stop(self, timeout=None):
        if self._periodic is not None:
            self._periodic.stop(timeout)


def start(cluster, conf=cfg.CONF):
    """A started Watcher, or None when the cluster has one device (nothing to watch)."""
    if len(cluster.devices) < 2:
        return None
    return Watcher(cluster, conf).start()
