# SPDX-License-Identifier: Apache-2.0
"""Tasks that write the BIG-IP: tenancy, the planned changes of an operation, config-sync."""

import time

from oslo_config import cfg
from oslo_log import log as logging
from taskflow import task
from taskflow.types import failure

from octavia_f5.bigip.mapping import context as context_mod
from octavia_f5.bigip.mapping import tenancy as tenancy_mapping
from octavia_f5.bigip import names
from octavia_f5.bigip import paths
from octavia_f5.common import config
from octavia_f5.common import exceptions
from octavia_f5.flows import constants as c
from octavia_f5.flows import plan as plan_mod
from octavia_f5.flows import services
from octavia_f5.flows.tasks import base
from octavia_f5.flows import writer as writer_mod

LOG = logging.getLogger(__name__)

# A route-domain id another project took first is skipped; more misses mean a full range.
MAX_PROBES = 64
# Tenancy removed by a concurrent delete between our check and our first write: retry.
TENANCY_ATTEMPTS = 3
# Waits between attempts to find the new active device after a failover, seconds.
FAILOVER_FIRST_WAIT = 0.2
FAILOVER_MAX_WAIT = 5.0


def context(tenancy, flavor=None):
    """The mapping Context of a load balancer's project."""
    return context_mod.Context.from_conf(cfg.CONF, tenancy['project_id'],
                                         tenancy['route_domain'], flavor=flavor or {})


def _per_partition():
    return cfg.CONF[config.NETWORK_GROUP].route_domain_policy == 'per-partition'


def _partition_path(ctx):
    return paths.item('auth/partition', ctx.partition)


def _route_domain_path(ctx):
    return paths.item('net/route-domain', names.route_domain(ctx.partition_prefix,
                                                             ctx.project_id), 'Common')


def _route_domain_id(device, project_id, known=None):
    """(id, created) of the project's route domain on ``device``; created if missing."""
    ctx = context({'project_id': project_id, 'route_domain': 0})
    found = device.get_or_none(_route_domain_path(ctx))
    if found is not None:
        return found['id'], False
    net = cfg.CONF[config.NETWORK_GROUP]
    taken = set()
    for _probe in range(MAX_PROBES):
        candidate = known or tenancy_mapping.pick_route_domain_id(
            project_id, taken, net.route_domain_min, net.route_domain_max)
        body = tenancy_mapping.resources(context({'project_id': project_id,
                                                  'route_domain': candidate}))[0].body
        try:
            device.create(paths.collection('net/route-domain'), body)
            return candidate, True
        except exceptions.AlreadyExists:
            # A concurrent flow of the same project created it: use its id.
            return device.get(_route_domain_path(ctx))['id'], False
        except exceptions.InvalidRequest as error:
            # There is no typed answer for "id used by another route domain" (01070734 is
            # every configuration error); it names the id as already used.
            if known or 'already' not in error.message.lower():
                raise
            taken.add(candidate)
    raise exceptions.RouteDomainsExhausted(net.route_domain_min, net.route_domain_max)


def ensure_tenancy(device, project_id, known_route_domain=None):
    """(route domain id, created) of the project's partition on ``device``, made if missing.

    A route domain this call created is removed again when the partition cannot be made, so
    that a failed first load balancer of a project leaves nothing behind.
    """
    created_domain = []
    try:
        return _ensure_tenancy(device, project_id, known_route_domain, created_domain)
    except Exception:
        ctx = context({'project_id': project_id, 'route_domain': 0})
        for _path in created_domain:
            try:
                device.delete(_route_domain_path(ctx), missing_ok=True)
            except exceptions.DeviceError as error:
                # Used by now (a concurrent create of the project), or the device is away:
                # the reconciler removes an unused domain later.
                LOG.info('Route domain of %s stays: %s', ctx.partition, error)
        raise


def _ensure_tenancy(device, project_id, known_route_domain, created_domain):
    ctx = context({'project_id': project_id, 'route_domain': 0})
    for attempt in range(TENANCY_ATTEMPTS):
        found = device.get_or_none(_partition_path(ctx))
        if found is not None:
            return found.get('defaultRouteDomain', 0), False
        route_domain = 0
        if _per_partition():
            route_domain, created = _route_domain_id(device, project_id, known_route_domain)
            if created:
                created_domain.append(route_domain)
        body = tenancy_mapping.resources(context({'project_id': project_id,
                                                  'route_domain': route_domain}))[-1].body
        try:
            device.create(paths.collection('auth/partition'), body)
            return route_domain, True
        except exceptions.AlreadyExists:
            continue
        except exceptions.InvalidRequest as error:
            # The route domain went away under us: a delete of the project's last load
            # balancer ran at the same time. Look again.
            LOG.info('Creating partition %s failed (%s); attempt %d', ctx.partition, error,
                     attempt + 1)
    raise exceptions.InvalidRequest('partition %s could not be created' % ctx.partition,
                                    device=device.name)


def remove_tenancy_if_unused(device, tenancy):
    """Delete the project's partition and route domain unless something still lives there.

    BIG-IP itself refuses to delete a partition that holds objects (0107082a) and a route
    domain that is a partition's default or holds addresses (0107097c): that refusal, made
    atomically by the device, is what keeps a concurrent create of the project intact.
    """
    ctx = context(tenancy)
    # Only "in use" means another load balancer of the project lives there; any other refusal
    # is an error, so the operation does not report DELETED over a half-removed tenancy.
    try:
        device.delete(_partition_path(ctx), missing_ok=True)
    except exceptions.InUse as error:
        LOG.info('Partition %s stays: %s', ctx.partition, error)
        return
    if not ctx.route_domain:
        return
    try:
        device.delete(_route_domain_path(ctx), missing_ok=True)
    except exceptions.InUse as error:
        LOG.info('Route domain of %s stays: %s', ctx.partition, error)


def can_fail_over(group):
    """Whether another device can take over the writes (not in write-all mode)."""
    return len(group.devices) > 1 and group.sync_mode != 'write-all'


def on_active_device(function, what):
    """``function()``; run again when the device it used failed or stopped being active.

    DeviceUnavailable (the device went away, or ActiveDeviceChanged: a failover without an
    outage) makes the cluster look for the active device, and ``function`` runs again on it
    until [f5_ha] failover_timeout. Steps are idempotent, so running one again converges; the
    writes left on the old device are overwritten when it is config-synced from the new one.
    """
    group = services.cluster()
    deadline = time.monotonic() + cfg.CONF[config.HA_GROUP].failover_timeout
    wait = FAILOVER_FIRST_WAIT
    while True:
        try:
            return function()
        except exceptions.DeviceUnavailable as error:
            if not can_fail_over(group) or time.monotonic() >= deadline:
                raise
            LOG.warning('%s: %s; running it again on the active device', what, error)
            group.forget_active()
            time.sleep(wait)
            wait = min(wait * 2, FAILOVER_MAX_WAIT)


def _project(stored_graph):
    # Ids are never encrypted: no need to decrypt the graph for it.
    return stored_graph['project_id']


class EnsureTenancy(base.OperationTask):
    """The project's partition and route domain, created if missing (first load balancer).

    One GET when they exist. The route-domain id is chosen on the first device and reused on
    the others (write-all mode), so that it is the same everywhere.
    """

    def __init__(self, operation):
        super().__init__(operation, name='ensure-tenancy', requires=[c.GRAPH],
                         provides=c.TENANCY)

    def execute(self, graph, **arguments):
        return on_active_device(lambda: self._ensure(_project(graph)), self.name)

    @staticmethod
    def _ensure(project_id):
        route_domain, created = None, []
        for device in services.cluster().writers():
            route_domain, made = ensure_tenancy(device, project_id, route_domain)
            if made:
                created.append(device.name)
        return {'project_id': project_id, 'route_domain': route_domain, 'created': created}

    def revert(self, result, *args, **arguments):
        if isinstance(result, failure.Failure) or not result.get('created'):
            return
        for device in services.cluster().writers():
            if device.name in result['created']:
                remove_tenancy_if_unused(device, result)


class LoadTenancy(base.OperationTask):
    """The route domain of the project's partition, for flows that only remove objects."""

    def __init__(self, operation):
        super().__init__(operation, name='load-tenancy', requires=[c.GRAPH],
                         provides=c.TENANCY)

    def execute(self, graph, **arguments):
        return on_active_device(lambda: self._load(_project(graph)), self.name)

    @staticmethod
    def _load(project_id):
        ctx = context({'project_id': project_id, 'route_domain': 0})
        device = services.cluster().writers()[0]
        found = device.get_or_none(_partition_path(ctx))
        if found is not None:
            route_domain = found.get('defaultRouteDomain', 0)
        else:
            # Nothing of the project is left on the device: every delete will find nothing.
            route_domain = 0
        return {'project_id': project_id, 'route_domain': route_domain, 'created': []}


class RemoveTenancyIfUnused(base.OperationTask):
    """After a load balancer's objects are gone: remove the project's partition if empty."""

    def __init__(self, operation):
        super().__init__(operation, name='remove-tenancy-if-unused', requires=[c.TENANCY])

    def execute(self, tenancy, **arguments):
        on_active_device(lambda: [remove_tenancy_if_unused(device, tenancy)
                                  for device in services.cluster().writers()], self.name)


class ApplyChanges(base.OperationTask):
    """Write the difference between the load balancer before and after the operation.

    The result records, per device, what this run created as (collection, partition, name)
    and what it patched with the fields' values before (writer.Writer): the revert puts the
    patched fields back, then removes exactly what was created. A failure in the middle
    does the same before raising. ``reassert``: write every object of the load balancer as
    if the device held nothing of it (failover); nothing is undone on a revert then.
    """

    def __init__(self, operation, name, reassert=False):
        super().__init__(operation, name=name, requires=[c.GRAPH, c.TENANCY])
        self.reassert = reassert

    def execute(self, graph, tenancy, **arguments):
        views = self.views(graph, arguments)
        lb = views.after.loadbalancer or views.before.loadbalancer or {}
        ctx = context(tenancy, lb.get('flavor'))
        return on_active_device(lambda: self._write(views, ctx, tenancy), self.name)

    def _write(self, views, ctx, tenancy):
        """Write to every writer device, then config-sync from the (still) active device.

        The sync belongs here, not only in sync-devices: if the device written to is no
        longer active when the sync is due, the writes are made again on the new active
        device, which needs the plan.
        """
        group = services.cluster()
        keep_on_failover = can_fail_over(group)
        done = {'created': {}, 'patched': {}}
        for device in group.writers():
            plan = plan_mod.of_views(views, ctx, everything=self.reassert)
            writer = writer_mod.Writer(device, reassert=self.reassert)
            try:
                for listener_id in plan.discover:
                    plan.add_discovered(listener_id, writer_mod.discover(
                        device, ctx.partition, listener_id))
                self._apply(writer, plan, tenancy)
            except exceptions.DeviceUnavailable:
                # The device is gone or a standby now: what it got is overwritten by the
                # next config-sync from the active device, where the step runs again.
                if not keep_on_failover:
                    writer.undo(writer.created, writer.patched)
                    self._undo(done)
                raise
            except Exception:
                writer.undo(writer.created, writer.patched)
                self._undo(done)
                raise
            done['created'][device.name] = writer.created
            done['patched'][device.name] = writer.patched
        try:
            group.sync(only_if_changed=True, wrote_to=set(done['created']))
        except exceptions.DeviceUnavailable:
            raise
        except Exception:
            self._undo(done)
            raise
        return done

    @staticmethod
    def _apply(writer, plan, tenancy):
        try:
            writer.apply(plan)
        except exceptions.DeviceUnavailable:
            raise
        except exceptions.DeviceError:
            # A delete of the project's last load balancer may have removed the partition
            # after this flow ensured it (the device allows that while it is empty).
            ctx = context(tenancy)
            if plan.new == [] or writer.device.exists(_partition_path(ctx)):
                raise
            LOG.info('Partition %s vanished during the operation; creating it again',
                     ctx.partition)
            ensure_tenancy(writer.device, tenancy['project_id'],
                           tenancy['route_domain'] or None)
            writer.apply(plan)

    def revert(self, result, *args, **arguments):
        if isinstance(result, failure.Failure) or not result:
            return
        self._undo(result)

    @staticmethod
    def _undo(done):
        created, patched = done.get('created') or {}, done.get('patched') or {}
        for device in services.cluster().writers():
            if created.get(device.name) or patched.get(device.name):
                writer_mod.Writer(device).undo(created.get(device.name) or [],
                                               patched.get(device.name) or [])


class FindActiveDevice(task.Task):
    """A failover moves traffic to another device: look for the active device again."""

    def __init__(self):
        super().__init__(name='find-active-device')

    def execute(self):
        group = services.cluster()
        group.forget_active()
        active = on_active_device(group.active, self.name)
        LOG.info('Writing to the active device %s', active.name)


class SyncDevices(task.Task):
    """Config-sync the changes to the other devices of the group; save the config when due.

    A failed config-sync fails the operation (the standby would not have it); a failed save
    does not: the running configuration is right, and the next save includes it.
    """

    def __init__(self):
        super().__init__(name='sync-devices')

    def execute(self):
        group = services.cluster()
        # The device step synced already; only writes made since (removing the tenancy of
        # a deleted load balancer) need another config-sync.
        if on_active_device(lambda: group.sync(only_if_changed=True), self.name):
            LOG.debug('Configuration synced to device group %s', group.device_group)
        try:
            group.save_config_if_due()
        except exceptions.DeviceError as error:
            LOG.warning('Saving the configuration failed (%s); the next save includes it',
                        error)
