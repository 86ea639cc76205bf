# SPDX-License-Identifier: Apache-2.0
"""The status update that ends an operation, on success and on failure (pure).

Octavia leaves an object and its parents PENDING until the provider reports; the load
balancer stays immutable until it is ACTIVE again (provider-interface reference section 1).
So every operation ends by reporting the object ACTIVE, DELETED or ERROR and its parents
(load balancer, the listeners of a pool, the pool of a member...) ACTIVE. Operating statuses
follow what octavia-tempest-plugin expects of a live provider (reference section 8): load
balancer and listener ONLINE, a pool ONLINE when a listener uses it (else OFFLINE), a member
NO_MONITOR without a health monitor (else OFFLINE until the poller knows better), health
monitors and L7 objects ONLINE when enabled, else OFFLINE.
"""

from octavia_lib.common import constants as lib

from octavia_f5.flows import constants as c
from octavia_f5.flows import graph as graph_mod

PLURAL = {c.LOADBALANCER: lib.LOADBALANCERS, c.LISTENER: lib.LISTENERS, c.POOL: lib.POOLS,
          c.MEMBER: lib.MEMBERS, c.HEALTHMONITOR: lib.HEALTHMONITORS,
          c.L7POLICY: lib.L7POLICIES, c.L7RULE: lib.L7RULES}


class Update(object):
    """A status update being built: one record per object, the last word wins."""

    def __init__(self):
        self._records = {}

    def set(self, kind, object_id, provisioning=None, operating=None):
        if not object_id:
            return
        record = self._records.setdefault((kind, object_id), {lib.ID: object_id})
        if provisioning is not None:
            record[lib.PROVISIONING_STATUS] = provisioning
        if operating is not None:
            record[lib.OPERATING_STATUS] = operating

    def as_dict(self):
        """{'listeners': [{'id', 'provisioning_status', 'operating_status'}, ...], ...}."""
        out = {}
        for (kind, _id), record in self._records.items():
            out.setdefault(PLURAL[kind], []).append(record)
        return out


def _online(obj):
    return lib.ONLINE if obj.get('admin_state_up') is not False else lib.OFFLINE


def _pool_operating(view, pool):
    used = view.listeners_of_pool(pool['pool_id'])
    return lib.ONLINE if used and pool.get('admin_state_up') is not False else lib.OFFLINE


def _member_operating(pool, new, member=None):
    # A disabled member takes no traffic: Octavia shows it OFFLINE whatever the monitor says.
    if (member or {}).get('admin_state_up') is False:
        return lib.OFFLINE
    monitor = (pool or {}).get(graph_mod.HM_KEY)
    if not monitor or monitor.get('admin_state_up') is False:
        return lib.NO_MONITOR
    return lib.OFFLINE if new else None


def _operating(kind, view, obj, new=True):
    if kind == c.POOL:
        return _pool_operating(view, obj)
    if kind == c.MEMBER:
        return _member_operating(view.find(c.POOL, obj.get('pool_id')), new, obj)
    return _online(obj)


def parents(kind, obj, view):
    """[(kind, id)] of the objects Octavia set PENDING_UPDATE along with ``obj``."""
    found = []
    if kind in (c.MEMBER, c.HEALTHMONITOR):
        found.append((c.POOL, obj.get('pool_id')))
        found.extend(parents(c.POOL, {'pool_id': obj.get('pool_id'),
                                      'loadbalancer_id': None}, view))
    elif kind == c.POOL:
        for listener in view.listeners_of_pool(obj.get('pool_id')):
            found.append((c.LISTENER, listener['listener_id']))
        if obj.get('listener_id'):
            found.append((c.LISTENER, obj['listener_id']))
    elif kind == c.L7RULE:
        found.append((c.L7POLICY, obj.get('l7policy_id')))
        listener = view.policy_listener(obj.get('l7policy_id'))
        found.append((c.LISTENER, listener and listener['listener_id']))
    elif kind == c.L7POLICY:
        found.append((c.LISTENER, obj.get('listener_id')))
    lb = view.loadbalancer or {}
    found.append((c.LOADBALANCER, lb.get(c.LOADBALANCER_ID) or obj.get(c.LOADBALANCER_ID)))
    return [(k, i) for k, i in found if i]


def _tree(kind, obj):
    """(kind, object) of ``obj`` and every object under it, children first."""
    if kind == c.POOL:
        items = [(c.MEMBER, m) for m in obj.get('members') or ()]
        if obj.get(graph_mod.HM_KEY):
            items.append((c.HEALTHMONITOR, obj[graph_mod.HM_KEY]))
        return items + [(kind, obj)]
    if kind in graph_mod.CHILDREN:
        child_key, child_kind, _single = graph_mod.CHILDREN[kind]
        return [t for child in obj.get(child_key) or () for t in _tree(child_kind, child)] + [
            (kind, obj)]
    return [(kind, obj)]


def _everything(view):
    items = []
    for pool in view.pools.values():
        items.extend(_tree(c.POOL, pool))
    for listener in view.listeners.values():
        items.extend(_tree(c.LISTENER, listener))
    return items + [(c.LOADBALANCER, view.loadbalancer)]


def _oid(kind, obj):
    return obj.get(c.id_key(kind))


def on_success(operation, views, payload):
    """The status update of a completed operation (a dict for update_loadbalancer_status)."""
    kind, verb = operation.kind, operation.verb
    before, after = views.before, views.after
    update = Update()
    if kind == c.LOADBALANCER and verb in (c.CREATE, c.DELETE):
        view = after if verb == c.CREATE else before
        status = lib.ACTIVE if verb == c.CREATE else lib.DELETED
        for item_kind, obj in _everything(view):
            operating = _operating(item_kind, view, obj) if verb == c.CREATE else None
            update.set(item_kind, _oid(item_kind, obj), status, operating)
        return update.as_dict()
    if verb == c.BATCH:
        _batch(update, before, after, payload[c.POOL_ID])
    elif verb == c.DELETE:
        obj = before.find(kind, payload[kind][c.id_key(kind)]) or payload[kind]
        for item_kind, item in _tree(kind, obj):
            update.set(item_kind, _oid(item_kind, item), lib.DELETED)
    else:
        object_id = (payload.get(c.LOADBALANCER_ID) if verb == c.FAILOVER
                     else payload[kind][c.id_key(kind)])
        obj = after.find(kind, object_id) or {}
        update.set(kind, object_id, lib.ACTIVE,
                   _operating(kind, after, obj, new=verb == c.CREATE))
    _side_effects(update, operation, before, after, payload)
    _parents_active(update, operation, before, after, payload)
    return update.as_dict()


def _batch(update, before, after, pool_id):
    old = {m['member_id'] for m in (before.find(c.POOL, pool_id) or {}).get('members', ())}
    pool = after.find(c.POOL, pool_id) or {}
    kept = set()
    for member in pool.get('members', ()):
        kept.add(member['member_id'])
        update.set(c.MEMBER, member['member_id'], lib.ACTIVE,
                   _member_operating(pool, member['member_id'] not in old, member))
    for member_id in sorted(old - kept):
        update.set(c.MEMBER, member_id, lib.DELETED)


def _side_effects(update, operation, before, after, payload):
    """Operating statuses an operation changes besides its object's."""
    if operation.kind == c.HEALTHMONITOR and operation.verb != c.UPDATE:
        pool = after.find(c.POOL, payload[c.HEALTHMONITOR]['pool_id']) or {}
        for member in pool.get('members', ()):
            update.set(c.MEMBER, member['member_id'], operating=_member_operating(pool, True))
    # A pool a listener starts or stops using goes ONLINE or OFFLINE.
    for pool in after.pools.values():
        was = before.find(c.POOL, pool['pool_id'])
        if was is not None and bool(before.listeners_of_pool(pool['pool_id'])) != bool(
                after.listeners_of_pool(pool['pool_id'])):
            update.set(c.POOL, pool['pool_id'], operating=_pool_operating(after, pool))


def _subject(operation, payload):
    """(kind, object) whose parents an operation locked."""
    if operation.verb == c.BATCH:
        return c.MEMBER, {'pool_id': payload[c.POOL_ID]}
    if operation.verb == c.FAILOVER:
        return c.LOADBALANCER, {c.LOADBALANCER_ID: payload[c.LOADBALANCER_ID]}
    return operation.kind, payload[operation.kind]


def _parents_active(update, operation, before, after, payload):
    kind, obj = _subject(operation, payload)
    if kind == c.LOADBALANCER:
        return
    seen = []
    for view in (after, before):
        for parent_kind, parent_id in parents(kind, obj, view):
            if (parent_kind, parent_id) not in seen:
                seen.append((parent_kind, parent_id))
    for parent_kind, parent_id in seen:
        update.set(parent_kind, parent_id, lib.ACTIVE)


def on_failure(operation, view, payload):
    """The status update after a failed operation: the object ERROR, its parents ACTIVE.

    ``view`` is the load balancer graph as far as it could be read (an empty Graph if not).
    A failed load balancer operation leaves the load balancer in ERROR (from which Octavia
    allows a delete or a failover); a failed fully populated create, its children too.
    """
    kind, verb = operation.kind, operation.verb
    update = Update()
    if kind == c.LOADBALANCER:
        lb_id = (payload.get(c.LOADBALANCER_ID) if verb == c.FAILOVER
                 else payload[kind][c.LOADBALANCER_ID])
        if verb == c.CREATE:
            full = view if not view.empty else graph_mod.Graph.from_loadbalancer(payload[kind])
            for item_kind, obj in _everything(full):
                update.set(item_kind, _oid(item_kind, obj), lib.ERROR)
        update.set(c.LOADBALANCER, lb_id, lib.ERROR)
        return update.as_dict()
    if verb == c.BATCH:
        pool = view.find(c.POOL, payload[c.POOL_ID]) or {}
        ids = [m['member_id'] for m in pool.get('members', ())]
        ids += [m['member_id'] for m in payload[c.MEMBERS]]
        for member_id in ids:
            update.set(c.MEMBER, member_id, lib.ERROR)
    else:
        update.set(kind, payload[kind][c.id_key(kind)], lib.ERROR)
    _parents_active(update, operation, view, view, payload)
    return update.as_dict()
