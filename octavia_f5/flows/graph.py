# SPDX-License-Identifier: Apache-2.0
"""Graph: a load balancer and its children as Octavia shows them, indexed by id (pure).

Octavia's ``get_loadbalancer`` nests everything: listeners (with their L7 policies and rules,
and a copy of their default pool) and pools (with their members and health monitor). The
graph keeps one copy of each object: listeners without the nested default pool (a stale copy
would disagree with the pool after a pool change), pools with members and health monitor,
L7 policies with their rules inside their listener. Edits return a new graph; the input is
never changed, so one loaded graph can serve as the "before" and "after" of an operation.
"""

import copy

from octavia_f5.flows import constants as c

# Where the children of an object live inside it: kind -> (key, child kind, single?).
CHILDREN = {
    c.LISTENER: ('l7policies', c.L7POLICY, False),
    c.POOL: ('members', c.MEMBER, False),
    c.L7POLICY: ('rules', c.L7RULE, False),
}
HM_KEY = 'healthmonitor'


class Graph(object):
    """One load balancer (dict or None), its listeners and pools (id -> dict, in order)."""

    def __init__(self, loadbalancer=None, listeners=None, pools=None):
        self.loadbalancer = loadbalancer
        self.listeners = dict(listeners or {})
        self.pools = dict(pools or {})

    @classmethod
    def from_loadbalancer(cls, loadbalancer):
        """The graph of ``get_loadbalancer``'s answer (or of a fully populated create)."""
        if not loadbalancer:
            return cls()
        lb = {k: v for k, v in loadbalancer.items() if k not in ('listeners', 'pools')}
        graph = cls(lb)
        for pool in loadbalancer.get('pools') or ():
            graph.pools[pool['pool_id']] = normal(c.POOL, pool)
        for listener in loadbalancer.get('listeners') or ():
            graph.listeners[listener['listener_id']] = normal(c.LISTENER, listener)
            # A pool Octavia nests only under its listener still belongs to the graph.
            pool = listener.get('default_pool')
            if pool and pool.get('pool_id') not in graph.pools:
                graph.pools[pool['pool_id']] = normal(c.POOL, pool)
        return graph

    def copy(self):
        return Graph(copy.deepcopy(self.loadbalancer), copy.deepcopy(self.listeners),
                     copy.deepcopy(self.pools))

    @property
    def empty(self):
        return self.loadbalancer is None

    # --- reading -------------------------------------------------------------------------

    def find(self, kind, object_id):
        """The object of ``kind`` with that id, or None."""
        if kind == c.LOADBALANCER:
            lb = self.loadbalancer
            return lb if lb and lb.get(c.LOADBALANCER_ID) == object_id else None
        if kind == c.LISTENER:
            return self.listeners.get(object_id)
        if kind == c.POOL:
            return self.pools.get(object_id)
        for obj in self.objects(kind):
            if obj.get(c.id_key(kind)) == object_id:
                return obj
        return None

    def objects(self, kind):
        """Every object of ``kind`` in the graph."""
        if kind == c.LOADBALANCER:
            return [self.loadbalancer] if self.loadbalancer else []
        if kind == c.LISTENER:
            return list(self.listeners.values())
        if kind == c.POOL:
            return list(self.pools.values())
        if kind == c.MEMBER:
            return [m for p in self.pools.values() for m in p['members']]
        if kind == c.HEALTHMONITOR:
            return [p[HM_KEY] for p in self.pools.values() if p.get(HM_KEY)]
        if kind == c.L7POLICY:
            return [p for li in self.listeners.values() for p in li['l7policies']]
        return [r for p in self.objects(c.L7POLICY) for r in p['rules']]

    def listeners_of_pool(self, pool_id):
        """Listeners that send traffic to the pool: as default pool or by an L7 redirect."""
        return [li for li in self.listeners.values()
                if li.get('default_pool_id') == pool_id
                or any(p.get('redirect_pool_id') == pool_id for p in li['l7policies'])]

    def policy_listener(self, l7policy_id):
        """The listener holding an L7 policy, or None."""
        for listener in self.listeners.values():
            if any(p['l7policy_id'] == l7policy_id for p in listener['l7policies']):
                return listener
        return None

    # --- editing: each returns a new graph ---------------------------------------------

    def put(self, kind, obj):
        """A graph with ``obj`` added or replacing the object of the same id.

        The children of an object already in the graph are kept (they change only through
        their own operations): a listener's L7 policies, a pool's members and health monitor,
        a policy's rules.
        """
        graph = self.copy()
        obj = normal(kind, obj)
        if kind == c.LOADBALANCER:
            graph.loadbalancer = {k: v for k, v in obj.items()
                                  if k not in ('listeners', 'pools')}
            return graph
        existing = graph.find(kind, obj[c.id_key(kind)])
        if existing is not None:
            _keep_children(kind, existing, obj)
        if kind == c.LISTENER:
            graph.listeners[obj['listener_id']] = obj
        elif kind == c.POOL:
            graph.pools[obj['pool_id']] = obj
            listener = graph.listeners.get(obj.get('listener_id'))
            # Octavia makes a pool created for a listener that listener's default pool.
            if existing is None and listener and not listener.get('default_pool_id'):
                listener['default_pool_id'] = obj['pool_id']
        elif kind == c.HEALTHMONITOR:
            graph.pools[obj['pool_id']][HM_KEY] = obj
        else:
            _replace_in(graph._holder(kind, obj), c.id_key(kind), obj)
        return graph

    def remove(self, kind, object_id):
        """A graph without that object (and without references to a removed pool)."""
        graph = self.copy()
        if kind == c.LOADBALANCER:
            return Graph()
        obj = graph.find(kind, object_id)
        if obj is None:
            return graph
        if kind == c.LISTENER:
            del graph.listeners[object_id]
        elif kind == c.POOL:
            del graph.pools[object_id]
            for listener in graph.listeners.values():
                if listener.get('default_pool_id') == object_id:
                    listener['default_pool_id'] = None
        elif kind == c.HEALTHMONITOR:
            graph.pools[obj['pool_id']][HM_KEY] = None
        else:
            holder = graph._holder(kind, obj)
            holder[:] = [o for o in holder if o.get(c.id_key(kind)) != object_id]
        return graph

    def with_members(self, pool_id, members):
        """A graph whose pool has exactly ``members`` (a batch update's desired list)."""
        graph = self.copy()
        graph.pools[pool_id]['members'] = [normal(c.MEMBER, m) for m in members]
        return graph

    def _holder(self, kind, obj):
        """The list an L7 policy, L7 rule or member lives in."""
        if kind == c.MEMBER:
            return self.pools[obj['pool_id']]['members']
        if kind == c.L7POLICY:
            return self.listeners[obj['listener_id']]['l7policies']
        policy = self.find(c.L7POLICY, obj['l7policy_id'])
        if policy is None:
            raise KeyError('L7 policy %s is not in the graph' % obj['l7policy_id'])
        return policy['rules']


def normal(kind, obj):
    """A copy of an Octavia dict in graph form (children lists present, no nested pool)."""
    obj = copy.deepcopy(obj)
    if kind == c.LISTENER:
        obj.pop('default_pool', None)
        obj['l7policies'] = [normal(c.L7POLICY, p) for p in obj.get('l7policies') or ()]
    elif kind == c.POOL:
        obj['members'] = [normal(c.MEMBER, m) for m in obj.get('members') or ()]
        obj[HM_KEY] = obj.get(HM_KEY) or None
    elif kind == c.L7POLICY:
        obj['rules'] = list(obj.get('rules') or ())
    return obj


def merged(old, updates):
    """An update's result: the old object with the changed fields (None is an explicit null)."""
    new = copy.deepcopy(old)
    new.update(copy.deepcopy(updates or {}))
    return new


def _keep_children(kind, existing, obj):
    if kind in CHILDREN:
        key = CHILDREN[kind][0]
        obj[key] = existing[key]
    if kind == c.POOL:
        obj[HM_KEY] = existing.get(HM_KEY)


def _replace_in(items, id_field, obj):
    for index, item in enumerate(items):
        if item.get(id_field) == obj[id_field]:
            items[index] = obj
            return
    items.append(obj)
