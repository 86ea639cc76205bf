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

The "before" view is what exists, so it is never refused: a listener whose state as Octavia
shows it the mapping refuses (an L7 policy on a TCP listener, pools that disagree on
persistence: the API lets such combinations through because it sees one object at a time,
and the worker refused them, so the device never got them) is mapped without what made it
refused (``_RELAXATIONS``). A delete leaves a unit of its "after" view that the mapping
refuses untouched, on both sides: a delete must always be able to remove what exists, and
must not write what the device may never have got.

Alternatives of the "before" view (views.STAND_INS) are objects the device may hold
(``Plan.maybe``; those the mapping refuses are skipped): the ones the new view lacks are
deleted, and an object whose body they make uncertain is written whole.
"""

import dataclasses
import typing

from oslo_log import log as logging

from octavia_f5.bigip.mapping import listener as listener_mapping
from octavia_f5.bigip.mapping import loadbalancer as lb_mapping
from octavia_f5.bigip.mapping import pool as pool_mapping
from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip import names
from octavia_f5.common import exceptions
from octavia_f5.flows import constants as c
from octavia_f5.flows import views as views_mod

LOG = logging.getLogger(__name__)

SSL_PROFILES = ('ltm/profile/client-ssl', 'ltm/profile/server-ssl')
TLS_COLLECTIONS = tuple(resource.FILE_COLLECTIONS) + SSL_PROFILES
VIRTUAL = 'ltm/virtual'
# The mapping's refusals (raised before anything is built).
REFUSALS = (exceptions.UnsupportedOption, exceptions.InvalidValue)
# What to do with a unit the mapping refuses: raise, leave the unit out, or relax it.
RAISE, SKIP, RELAX = 'raise', 'skip', 'relax'


def key(item):
    """The identity of a BIG-IP object: (collection, full path)."""
    return (item.collection, item.full_path)


@dataclasses.dataclass
class Plan(object):
    """Units of the old and new view, each a list of Resources in creation order.

    ``maybe``: units of the alternatives of the old view (views.Views): objects the device
    may hold. Those the new view lacks are deleted (a missing one counts as deleted); those
    whose body is uncertain are written whole, patch first (a missing one is created).
    """

    old: typing.List[tuple] = dataclasses.field(default_factory=list)
    new: typing.List[tuple] = dataclasses.field(default_factory=list)
    nodes: typing.List[tuple] = dataclasses.field(default_factory=list)
    discover: typing.List[str] = dataclasses.field(default_factory=list)
    rewrite: typing.List[tuple] = dataclasses.field(default_factory=list)
    maybe: typing.List[tuple] = dataclasses.field(default_factory=list)

    def add_discovered(self, listener_id, found):
        """Replace the TLS objects of a listener's old unit(s) by those found on the device.

        Which profiles its virtual server lists was not known either: the virtual's old
        body is dropped, so that it is written whole.
        """
        unit = (c.LISTENER, listener_id)
        found = list(found)
        for units in (self.old, self.maybe):
            for index, (name, items) in enumerate(units):
                if name == unit:
                    kept = [dataclasses.replace(i, body={}) if i.collection == VIRTUAL else i
                            for i in items if i.collection not in TLS_COLLECTIONS]
                    units[index] = (name, found + kept)
                    found = []
        if found:
            self.old.append((unit, found))

    def steps(self):
        """[('create', new) | ('patch', old, new) | ('delete', old)] in the order to write."""
        old = _flatten(self.old)
        new = _flatten(self.new)
        whole = {key(i) for unit, items in self.new if unit in self.rewrite for i in items}
        uncertain = _uncertain(self.old, self.maybe)
        gone = dict(old)
        for _unit, items in self.maybe:
            for item in items:
                gone.setdefault(key(item), item)
        steps = []
        for k, item in new.items():
            before = old.get(k)
            if _named_by_content(item) and (before is not None or k in uncertain):
                continue
            if before is None and k not in uncertain:
                steps.append(('create', item))
            elif before is None or k in whole or k in uncertain:
                unknown = dataclasses.replace(before or item, body={}, content=None)
                steps.append(('patch', unknown, item))
            elif before.body != item.body or before.content != item.content:
                steps.append(('patch', before, item))
        for k, item in reversed(list(gone.items())):
            if k not in new:
                steps.append(('delete', item))
        return steps

    def created_keys(self):
        """Keys of objects this plan creates (an undo removes them)."""
        return [key(s[1]) for s in self.steps() if s[0] == 'create']


def _uncertain(old_units, maybe_units):
    """Keys of objects whose existence or body an alternative unit disputes."""
    known = {}
    for unit, items in old_units:
        for item in items:
            known.setdefault(unit, {}).setdefault(key(item), item)
    uncertain = set()
    for unit, items in maybe_units:
        other = {key(item): item for item in items}
        base = known.get(unit, {})
        for k in set(other) | set(base):
            a, b = other.get(k), base.get(k)
            if a is None or b is None or (a.body, a.content) != (b.body, b.content):
                uncertain.add(k)
    return uncertain


def _named_by_content(item):
    """Whether ``item`` is a certificate, key or chain file named by TLS container id.

    Octavia's container id is a digest of the container: one name always holds one content.
    """
    return (item.collection in resource.FILE_COLLECTIONS
            and item.name.startswith(names.TLS + '_'))


def _flatten(units):
    items = {}
    for _unit, resources in units:
        for item in resources:
            items.setdefault(key(item), item)
    return items


def of_views(views, ctx, everything=False):
    """The Plan of a views.Views, with its hints."""
    return make(views.before, views.after, ctx, views.discover, everything=everything,
                rewrite=views.rewrite, alternatives=views.alternatives,
                deleting=views.deleting)


def make(before, after, ctx, discover=(), everything=False, rewrite=(), alternatives=(),
         deleting=False):
    """The Plan from graph ``before`` to graph ``after`` in the tenancy ``ctx``.

    ``everything``: map every unit of both views, changed or not (failover re-asserts all).
    ``rewrite``: units (kind, id) written whole even where both views agree.
    ``alternatives``: graphs the device may hold instead of ``before`` (Plan.maybe).
    ``deleting``: leave out a unit ``after`` holds and the mapping refuses (module
    docstring), instead of refusing the delete.
    """
    lb_changed, pool_ids, listener_ids = _affected(before, after, everything)
    listener_ids |= set(discover)
    pool_ids |= {i for k, i in rewrite if k == c.POOL}
    others = []
    for view in alternatives:
        _changed, other_pools, other_listeners = _affected(view, after, False)
        pool_ids |= other_pools
        listener_ids |= other_listeners
        others.append((view, (False, other_pools, other_listeners)))
    plan = Plan(discover=sorted(set(discover)), rewrite=list(rewrite))
    # A delete leaves a unit it cannot map in the new view as it is, on both sides: it
    # was refused before, so what the device holds of it is not known.
    plan.new = _units(after, (lb_changed, pool_ids, listener_ids), ctx,
                      SKIP if deleting else RAISE)
    if deleting:
        mapped = {unit for unit, _items in plan.new}
        pool_ids -= {i for i in pool_ids if i in after.pools and (c.POOL, i) not in mapped}
        listener_ids -= {i for i in listener_ids
                         if i in after.listeners and (c.LISTENER, i) not in mapped}
    plan.old = _units(before, (lb_changed, pool_ids, listener_ids), ctx, RELAX)
    for view, other in others:
        plan.maybe += _units(view, other, ctx, SKIP)
    plan.nodes = _gone_nodes(before, after, ctx)
    return plan


def _units(view, selected, ctx, refused):
    """[(unit, resources)] of the selected units of ``view``, in creation order."""
    if view.empty:
        return []
    lb_changed, pool_ids, listener_ids = selected
    units = []
    if lb_changed:
        units.append(((c.LOADBALANCER, view.loadbalancer[c.LOADBALANCER_ID]),
                      lb_mapping.resources(view.loadbalancer, ctx)))
    for pool_id, pool in view.pools.items():
        if pool_id in pool_ids:
            items = _mapped(lambda: pool_mapping.resources(pool, ctx),
                            SKIP if refused == SKIP else RAISE)
            if items is not None:
                units.append(((c.POOL, pool_id), items))
    pools = list(view.pools.values())
    for listener_id, listener in view.listeners.items():
        if listener_id in listener_ids:
            items = _listener_unit(listener, view.loadbalancer, pools, ctx, refused)
            if items is not None:
                units.append(((c.LISTENER, listener_id), items))
    return units


def _mapped(function, refused):
    try:
        return function()
    except REFUSALS:
        if refused == RAISE:
            raise
        return None


def _without_l7(listener, pools):
    return dict(listener, l7policies=[]), pools


def _without_pool_traits(listener, pools):
    return listener, [dict(p, session_persistence=None, tls_enabled=False) for p in pools]


def _with_stand_in_certificates(listener, pools):
    return (views_mod.with_stand_in_certificates(c.LISTENER, listener),
            [views_mod.with_stand_in_certificates(c.POOL, p) for p in pools])


# Tried one after the other, each on top of the ones before: L7 policies a listener cannot
# carry (or redirect pools that disagree with its default pool), pool settings its virtual
# server cannot apply (cookie persistence on TCP, server TLS on fastL4), then certificates
# the mapping refuses (an SNI certificate whose CN is no host name): stand-ins under the
# same container ids, so the objects keep their names.
_RELAXATIONS = (_without_l7, _without_pool_traits, _with_stand_in_certificates)


def _listener_unit(listener, loadbalancer, pools, ctx, refused):
    """The listener's resources; None when refused and ``refused`` is SKIP."""
    try:
        return listener_mapping.resources(listener, loadbalancer, pools, ctx)
    except REFUSALS as error:
        if refused == RAISE:
            raise
        if refused == SKIP:
            return None
        refusal = error
    for relax in _RELAXATIONS:
        listener, pools = relax(listener, pools)
        try:
            items = listener_mapping.resources(listener, loadbalancer, pools, ctx)
        except REFUSALS:
            continue
        LOG.info('Listener %s as Octavia shows it is refused (%s); mapped without what '
                 'the device cannot have received', listener['listener_id'], refusal)
        return items
    raise refusal


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
