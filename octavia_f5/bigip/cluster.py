# SPDX-License-Identifier: Apache-2.0
"""The devices of one BIG-IP HA group: which one is active, config-sync and saving the config.

    cluster = Cluster.from_conf(cfg.CONF)
    for device in cluster.writers():      # the active device, or every device (write-all)
        ...writes...
    cluster.sync()                        # config-sync to-group <device_group> if configured

The active device is found with GET /mgmt/tm/cm/failover-status (cm/device as a fallback),
cached, and looked for again when it fails with DeviceUnavailable or when the cached answer is
older than ``recheck_interval``. A BIG-IP accepts writes on a standby device (they show as
changes pending), so a write does not reveal a failover by itself; the periodic re-check does,
and callers that learn of one otherwise call forget_active().
"""

import re
import threading
import time

from oslo_config import cfg
from oslo_log import log as logging

from octavia_f5.bigip import device as device_mod
from octavia_f5.common import config
from octavia_f5.common import exceptions

LOG = logging.getLogger(__name__)

FAILOVER_STATUS_PATH = '/mgmt/tm/cm/failover-status'
SYNC_STATUS_PATH = '/mgmt/tm/cm/sync-status'
CM_DEVICE_PATH = '/mgmt/tm/cm/device'
CM_PATH = '/mgmt/tm/cm'
SAVE_CONFIG_PATH = '/mgmt/tm/sys/config'
ACTIVE = 'ACTIVE'
RECHECK_INTERVAL = 30.0
# The group name ends up inside a tmsh command line (utilCmdArgs).
_GROUP_NAME = re.compile(r'^[A-Za-z0-9_.\-/]+$')


def stats_status(stats):
    """The 'status' description of a failover-status or sync-status answer, or None."""
    for entry in (stats.get('entries') or {}).values():
        nested = (entry.get('nestedStats') or {}).get('entries') or {}
        if 'status' in nested:
            return nested['status'].get('description')
    return None


def failover_state(device):
    """'ACTIVE', 'STANDBY', ... as the device reports itself; asked once, without retries."""
    try:
        status = stats_status(device.request('GET', FAILOVER_STATUS_PATH, retries=0))
        if status:
            return status.upper()
    except exceptions.NotFound:
        pass
    answer = device.request('GET', CM_DEVICE_PATH, retries=0)
    for item in answer.get('items', []):
        # selfDevice is the string "true" on a BIG-IP (icontrol-rest.md 6).
        if str(item.get('selfDevice')).lower() == 'true':
            return str(item.get('failoverState', 'unknown')).upper()
    return 'UNKNOWN'


class Cluster(object):
    """One standalone device, or a sync-failover group of several."""

    def __init__(self, devices, device_group=None, sync_mode='config-sync', save_interval=0,
                 recheck_interval=RECHECK_INTERVAL, clock=time.monotonic):
        if not devices:
            raise ValueError('[f5_bigip] devices lists no device')
        if device_group and not _GROUP_NAME.match(device_group):
            raise ValueError('[f5_bigip] device_group is not a valid name: %r' % device_group)
        self.devices = list(devices)
        self.device_group = device_group
        self.sync_mode = sync_mode
        self._save_interval = save_interval
        self._recheck_interval = recheck_interval
        self._clock = clock
        # Re-entrant: a failing discovery request reports back through _device_unavailable.
        self._lock = threading.RLock()
        self._active = None
        self._checked_at = None
        self._saved_writes = {d.name: d.writes for d in self.devices}
        self._synced_writes = {}
        self._saved_at = clock()
        for device in self.devices:
            device.on_unavailable = self._device_unavailable

    @classmethod
    def from_conf(cls, conf=cfg.CONF, **device_kwargs):
        """The cluster the [f5_bigip] options describe."""
        opts = conf[config.BIGIP_GROUP]
        options = device_mod.DeviceOptions.from_conf(conf)
        devices = [device_mod.Device(url, options, **device_kwargs) for url in opts.devices]
        return cls(devices, device_group=opts.device_group, sync_mode=opts.sync_mode,
                   save_interval=opts.save_config_interval)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def active(self):
        """The active device (NoActiveDevice if none says so)."""
        if len(self.devices) == 1:
            return self.devices[0]
        with self._lock:
            stale = (self._active is None
                     or self._clock() - self._checked_at >= self._recheck_interval)
            if stale:
                self._active = self._discover()
                self._checked_at = self._clock()
            return self._active

    def forget_active(self):
        """Look for the active device again at the next call of active()."""
        with self._lock:
            self._active = None

    def check_active(self):
        """Ask the cached active device whether it still is (one GET); the active device.

        A failover without an outage leaves the old active device answering as a standby,
        so nothing else reveals it: the worker calls this every [f5_ha] check_interval.
        """
        with self._lock:
            current = self._active
        if current is not None and len(self.devices) > 1:
            try:
                still = failover_state(current) == ACTIVE
            except exceptions.DeviceError:
                still = False
            with self._lock:
                if not still and self._active is current:
                    self._active = None
                elif still and self._active is current:
                    self._checked_at = self._clock()
        return self.active()

    def ensure_active(self, device):
        """Raise ActiveDeviceChanged unless ``device`` reports itself active right now.

        A configuration pushed to the group from a standby would overwrite what was written
        to the new active device since the failover.
        """
        if len(self.devices) < 2:
            return
        state = failover_state(device)
        if state != ACTIVE:
            with self._lock:
                if self._active is device:
                    self._active = None
            raise exceptions.ActiveDeviceChanged(
                'the device written to is %s, no longer active' % state.lower(),
                device=device.name)

    def writers(self):
        """The devices a change must be written to."""
        if self.sync_mode == 'write-all':
            return list(self.devices)
        return [self.active()]

    def sync(self, only_if_changed=False, wrote_to=None):
        """Push the active device's configuration to the group; False if not done.

        With several devices the active device is asked first whether it still is
        (ensure_active): ActiveDeviceChanged then means the writes went to a standby and must
        be made again. ``only_if_changed``: skip it when this process has written nothing to
        the device since its last config-sync from it (counted before that sync was sent).
        ``wrote_to``: names of the devices the caller wrote to; if the active device is not
        one of them (another thread saw a failover and moved the cache on), the caller's
        writes went to a standby: ActiveDeviceChanged, even when no sync is needed from the
        new active device.
        """
        if self.sync_mode != 'config-sync' or not self.device_group:
            return False
        device = self.active()
        if wrote_to is not None and device.name not in wrote_to:
            raise exceptions.ActiveDeviceChanged(
                'the writes went to %s; %s is active now' % (', '.join(sorted(wrote_to)),
                                                             device.name),
                device=device.name)
        writes = device.writes
        if only_if_changed and self._synced_writes.get(device.name) == writes:
            return False
        self.ensure_active(device)
        body = {'command': 'run', 'utilCmdArgs': 'config-sync to-group %s' % self.device_group}
        # Pushing the same configuration twice is harmless, so a lost answer may be retried.
        device.request('POST', CM_PATH, body=body, idempotent=True)
        with self._lock:
            self._synced_writes[device.name] = writes
        return True

    def sync_status(self, device=None):
        """'In Sync', 'Changes Pending', 'Standalone', ... of a device (default: the active)."""
        answer = (device or self.active()).get(SYNC_STATUS_PATH)
        return stats_status(answer)

    def save_config(self):
        """Save the running configuration of every device; raises the first failure."""
        failures = []
        for device in self.devices:
            writes = device.writes
            try:
                device.request('POST', SAVE_CONFIG_PATH, body={'command': 'save'},
                               idempotent=True)
            except exceptions.DeviceError as error:
                LOG.warning('%s: saving the configuration failed: %s', device.name, error)
                failures.append(error)
                continue
            self._saved_writes[device.name] = writes
        self._saved_at = self._clock()
        if failures:
            raise failures[0]

    def save_config_if_due(self):
        """Save when a device changed and save_interval has passed since the last save.

        Every device is saved, not only the changed ones: with config-sync, the peers changed
        too without this client writing to them.
        """
        if self._save_interval <= 0:
            return False
        changed = any(d.writes != self._saved_writes[d.name] for d in self.devices)
        if not changed or self._clock() - self._saved_at < self._save_interval:
            return False
        self.save_config()
        return True

    def close(self):
        """Release every device's token and connections."""
        for device in self.devices:
            device.close()

    def _discover(self):
        states = []
        for device in self.devices:
            try:
                state = failover_state(device)
            except exceptions.DeviceError as error:
                states.append('%s: %s' % (device.name, error))
                continue
            if state == ACTIVE:
                if device is not self._active:
                    LOG.info('%s is the active device', device.name)
                return device
            states.append('%s: %s' % (device.name, state))
        raise exceptions.NoActiveDevice('no device reports itself active (%s)'
                                        % '; '.join(states))

    def _device_unavailable(self, device, error):
        with self._lock:
            if device is self._active:
                LOG.warning('active device %s is unavailable (%s); looking for the active '
                            'device again', device.name, error)
                self._active = None
