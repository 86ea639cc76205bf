# SPDX-License-Identifier: Apache-2.0
"""The HA state of the simulated devices: one sync-failover group, failover, config-sync."""

import threading

DEFAULT_GROUP = 'octavia-f5-group'
ACTIVE = 'active'
STANDBY = 'standby'
OFFLINE = 'offline'
STANDALONE = 'Standalone'
IN_SYNC = 'In Sync'
CHANGES_PENDING = 'Changes Pending'
DISCONNECTED = 'Disconnected'


class ClusterError(ValueError):
    """An HA operation that cannot be done in the cluster's present state."""


class UnknownDevice(ClusterError):
    """No device of the cluster has the name given."""


class Cluster:
    """Devices of one group: which one is active, which are up, which are in sync.

    A device is in sync when it took part in the group's last config-sync and has not
    changed since (its backend's config_generation is the one recorded then). With one
    device there is no group: the device is active and "Standalone".
    """

    def __init__(self, group=DEFAULT_GROUP):
        self.group = group
        self.devices = []
        self.active = None
        self.auto_sync = False
        self._epoch = 0
        self._synced = {}
        self._lock = threading.RLock()

    @property
    def standalone(self):
        return len(self.devices) == 1

    @property
    def group_name(self):
        """The sync-failover group's name; None for a standalone device."""
        return None if self.standalone else self.group

    def add(self, device):
        with self._lock:
            self.devices.append(device)
            if self.active is None:
                self.active = device.name
            self._synced[device.name] = (self._epoch, device.backend.config_generation)

    def device(self, name):
        for device in self.devices:
            if device.name == name:
                return device
        raise UnknownDevice('There is no device named %s; the devices are %s.'
                            % (name, ', '.join(d.name for d in self.devices)))

    def failover_state(self, device):
        if not device.up:
            return OFFLINE
        return ACTIVE if device.name == self.active else STANDBY

    def failover(self, to=None):
        """Make ``to`` (default: the next device that is up) the active device."""
        with self._lock:
            if to is not None:
                target = self.device(to)
                if not target.up:
                    raise ClusterError('Device %s is down and cannot become active.' % to)
            else:
                names = [d.name for d in self.devices]
                start = names.index(self.active) + 1 if self.active in names else 0
                order = self.devices[start:] + self.devices[:start]
                candidates = [d for d in order if d.up and d.name != self.active]
                if not candidates:
                    raise ClusterError('No standby device is up to take over.')
                target = candidates[0]
            self.active = target.name
            return target.name

    def down(self, name, seconds=None):
        """Take a device off the network (for ``seconds`` if given); a standby takes over."""
        with self._lock:
            device = self.device(name)
            device.up = False
            device.go_down(seconds)
            # A device that rejoins comes back "Changes Pending", and so does the one that
            # took over: both advanced their commit ids while apart, and BIG-IP waits for
            # an operator to pick the direction of the next sync.
            self._synced[name] = None
            if self.active == name:
                self.active = next((d.name for d in self.devices if d.up), None)
                self._synced[self.active] = None

    def up(self, name):
        """Bring a device back (as standby, unless no device is active)."""
        with self._lock:
            device = self.device(name)
            device.go_up()
            device.up = True
            if self.active is None:
                self.active = name

    def _pending(self, device):
        return self._synced.get(device.name) != (self._epoch, device.backend.config_generation)

    def sync_status(self):
        """Standalone, Disconnected, Changes Pending or In Sync (reference 6)."""
        if self.standalone:
            return STANDALONE
        if not all(d.up for d in self.devices):
            return DISCONNECTED
        if any(self._pending(d) for d in self.devices):
            return CHANGES_PENDING
        return IN_SYNC

    def pending_devices(self):
        return [d.name for d in self.devices if self._pending(d)]

    def config_sync(self, source):
        """Copy ``source``'s running configuration to every peer that is up."""
        with self._lock:
            peers = [d for d in self.devices if d.up and d is not source]
            for peer in peers:
                # One snapshot per peer: peers must not share mutable configuration.
                peer.backend.restore(source.backend.snapshot())
            self._epoch += 1
            for device in [source] + peers:
                self._synced[device.name] = (self._epoch, device.backend.config_generation)

    def sync_from_group(self, target):
        """config-sync from-group: the peer with changes (else the active one) pushes."""
        with self._lock:
            peers = [d for d in self.devices if d.up and d is not target]
            changed = [d for d in peers if self._pending(d)]
            active = [d for d in peers if d.name == self.active]
            source = (changed or active or peers or [target])[0]
            self.config_sync(source)

    def after_write(self, device):
        """Called after a configuration change: auto-sync pushes it at once.

        Auto-sync does not settle a conflict (changes on more than one device): that
        waits for a manual config-sync, as on BIG-IP.
        """
        with self._lock:
            if (self.auto_sync and not self.standalone and
                    self.pending_devices() in ([], [device.name])):
                self.config_sync(device)

    def reset(self):
        """Back to the start: all devices up, the first active, all in sync."""
        with self._lock:
            for device in self.devices:
                if not device.up:
                    self.up(device.name)
            self.active = self.devices[0].name if self.devices else None
            self.auto_sync = False
            self._epoch = 0
            self._synced = {d.name: (0, d.backend.config_generation) for d in self.devices}

    def describe(self):
        return {'device_group': self.group_name, 'active': self.active,
                'auto_sync': self.auto_sync, 'sync_status': self.sync_status(),
                'changes_pending': self.pending_devices(),
                'devices': [d.describe() for d in self.devices]}
