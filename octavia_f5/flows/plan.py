# SPDX-License-Identifier: Apache-2.0
"""Plan: the BIG-IP writes that turn one view of a load balancer into another (pure).

Both views are mapped to BIG-IP objects (octavia_f5.bigip.mapping), per *unit*: the load
balancer (its virtual address), each pool (monitors and the pool with its members) and each
listener (virtual server and everything attached to it). Only units whose Octavia objects
differ between the views are mapped: a member change maps one pool, whatever else the load
balancer holds. Objects are keyed by (collection, full path) and compared by body and
content, so a write happens only where something changed:

* phase 1, in creation order (load balancer, pools, listeners; each unit in the mapping's
  order): create what is new, patch what changed. A virtual server thus stops using an
  object before phase 2 removes it, and never uses one that does not exist yet;
* phase 2, in reverse order: delete what the new view no longer has;
* then the nodes BIG-IP created for members that are gone (BIG-IP leaves them behind).
"""

import dataclasses
import typing

from octavia_f5.bigip.mapping import listener as listener_mapping
from octavia_f5.bigip.mapping import loadbalancer as lb_mapping
from octavia_f5.bigip.mapping import pool as pool_mapping
from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip import names
from octavia_f5.flows import constants as c

SSL_PROFILES = ('ltm/profile/client-ssl', 'ltm/profile/server-ssl')
TLS_COLLECTIONS = tuple(resource.FILE_COLLECTIONS) + SSL_PROFILES


def key(item):
    """The identity of a BIG-IP object: (collection, full path)."""
    return (item.collection, item.full_path)


@dataclasses.dataclass
class Plan(object):
    """Units of the old and new view, each a list of Resources in creation order."""

    old: typing.List[tuple] = dataclasses.field(default_factory=list)
    new: typing.List[tuple] = dataclasses.field(default_factory=list)
    nodes: typing.List[tuple] = dataclasses.field(default_factory=list)
    discover: typing.List[str] = dataclasses.field(default_factory=list)
    rewrite: typing.List[tuple] = dataclasses.field(default_factory=list)

    def add_discovered(self, listener_id, found):
        """Replace the TLS objects of a listener's old unit by those found on the device."""
        unit = (c.LISTENER, listener_id)
        for index, (name, items) in enumerate(self.old):
            if name == unit:
                kept = [i for i in items if i.collection not in TLS_COLLECTIONS]
                self.old[index] = (name, list(found) + kept)
                return
        self.old.append((unit, list(found)))

    def steps(self):
        """[('create', new) | ('patch', old, new) | ('delete', old)] in the order to write."""
        old = _flatten(self.old)
        new = _flatten(self.new)
        whole = {key(i) for unit, items in self.new if unit in self.rewrite for i in items}
        steps = []
        for k, item in new.items():
            before = old.get(k)
            if before is None:
                steps.append(('create', item))
            elif k in whole:
                steps.append(('patch', dataclasses.replace(before, body={}), item))
            elif before.body != item.body or before.content != item.content:
                steps.append(('patch', before, item))
        for k, item in reversed(list(old.items())):
            if k not in new:
                steps.append(('delete', item))
        return steps

    def created_keys(self):
        """Keys of objects this plan creates (an undo removes them)."""
        return [key(s[1]) for s in self.steps() if s[0] == 'create']


def _flatten(units):
    items = {}
    for _unit, resources in units:
        for item in resources:
            items.setdefault(key(item), item)
    return items


def make(before, after, ctx, discover=(), everything=False, rewrite=()):
    """The Plan from graph ``before`` to graph ``after`` in the tenancy ``ctx``.

    ``everything``: map every unit of both views, changed or not (failover re-asserts all).
    ``rewrite``: units (kind, id) written whole even where both views agree.
    """
    lb_changed, pool_ids, listener_ids = _affected(before, after, everything)
    listener_ids |= set(discover)
    pool_ids |= {i for k, i in rewrite if k == c.POOL}
    plan = Plan(discover=sorted(set(discover)), rewrite=list(rewrite))
    for view, units in ((before, plan.old), (after, plan.new)):
        if view.empty:
            continue
        if lb_changed:
            units.append(((c.LOADBALANCER, view.loadbalancer[c.LOADBALANCER_ID]),
                          lb_mapping.resources(view.loadbalancer, ctx)))
        for pool_id, pool in view.pools.items():
            if pool_id in pool_ids:
                units.append(((c.POOL, pool_id), pool_mapping.resources(pool, ctx)))
        pools = list(view.pools.values())
        for listener_id, listener in view.listeners.items():
            if listener_id in listener_ids:
                units.append(((c.LISTENER, listener_id), listener_mapping.resources(
                    listener, view.loadbalancer, pools, ctx)))
    plan.nodes = _gone_nodes(before, after, ctx)
    return plan


def _affected(before, after, everything):
    """(load balancer changed, pool ids, listener ids) whose units must be mapped."""
    if everything:
        return (True, set(before.pools) | set(after.pools),
                set(before.listeners) | set(after.listeners))
    lb_changed = before.loadbalancer != after.loadbalancer
    pool_ids = {i for i in set(before.pools) | set(after.pools)
                if before.pools.get(i) != after.pools.get(i)}
    listener_ids = {i for i in set(before.listeners) | set(after.listeners)
                    if before.listeners.get(i) != after.listeners.get(i)}
    # A virtual server carries settings of the pools it uses (persistence, TLS, PROXY).
    for view in (before, after):
        for pool_id in pool_ids:
            listener_ids.update(li['listener_id'] for li in view.listeners_of_pool(pool_id))
    if lb_changed and (before.empty or after.empty):
        listener_ids |= set(before.listeners) | set(after.listeners)
        pool_ids |= set(before.pools) | set(after.pools)
    return lb_changed, pool_ids, listener_ids


def _addresses(view):
    return {m['address'] for p in view.pools.values() for m in p['members']
            if m.get('address')}


def _gone_nodes(before, after, ctx):
    """[(partition, node name)] of member addresses no pool of the new view uses."""
    gone = sorted(_addresses(before) - _addresses(after))
    return [(ctx.partition, names.node(address, ctx.route_domain)) for address in gone]
