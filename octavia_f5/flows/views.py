# SPDX-License-Identifier: Apache-2.0
"""The load balancer before and after an operation, from Octavia's graph and the job (pure).

The device tasks turn both views into BIG-IP objects with the mapping and write only the
difference. Rules that make the views right whatever the timing of Octavia's commit (the
graph may be read before or after the API transaction that posted the job committed):

* the object of the operation comes from the job: the "before" object is the payload's, the
  "after" object is the payload's merged with the changed fields; its children (a listener's
  L7 policies, a pool's members and health monitor, a policy's rules) always come from the
  graph, because they change only through their own operations;
* a created object is taken from the graph when it is there (Octavia's committed version),
  else from the payload;
* members of a batch update: the payload lists every member the pool keeps (new ones with
  new ids); members of the pool it does not list are the ones to delete (Octavia marked them
  PENDING_DELETE, provider-interface reference section 1). The payload does not carry the
  old values of changed members and a committed graph already shows the new ones, so the
  pool is written whole (one PATCH) rather than compared.

What an update's old object lacks: Octavia builds it from the database row of the object,
with only the fields its session had loaded (the API's ``get_orm``). Fields it keeps in other
tables are missing: a listener's ``allowed_cidrs``, ``sni_container_refs`` and
``sni_container_data``, a pool's ``session_persistence``, a load balancer's ``flavor``
(docs/flows.md, "What Octavia passes"). Such fields are taken from the graph: a field the
update does not change has the same value before and after Octavia's commit. A field the
update changes has an unknown old value (the graph may already show the new one); for
those with a table in ``STAND_INS`` the Views carry *alternatives*: the "before" graph with
each stand-in value, whose mapped objects cover every object the old value can have made.
The plan deletes those the new view lacks and writes whole those they make uncertain.

Octavia also drops an update that empties ``sni_container_refs`` (the new object then
says nothing about SNI): the SNI objects of a TERMINATED_HTTPS listener are therefore always
found on the device in an update (``discover``), and the "after" takes SNI from the graph.

Certificates: Octavia passes an update's and a delete's old object without certificate data
(it builds it ``for_delete``). Data of an unchanged container is taken from the graph, which
Octavia loads with the data. A container whose data is not known (replaced by this update)
gets a stand-in, and its listeners are returned for discovery: the device task finds the
certificate objects of those listeners on the device instead (device_tasks, writer.discover).

L7 policy positions: Octavia renumbers a listener's policies 1..n when one is created, moved
or deleted, but the driver is called before the renumbering commits; the graph may show the
siblings before or after it. Both views are renumbered as Octavia does (``_renumbered``), so
that the order never depends on when the graph was read.
"""

from octavia_f5.flows import constants as c
from octavia_f5.flows import graph as graph_mod

# Fields naming a TLS container -> the field holding its data (octavia-lib data models).
TLS_FIELDS = {
    c.LISTENER: {'default_tls_container_ref': 'default_tls_container_data',
                 'sni_container_refs': 'sni_container_data',
                 'client_ca_tls_container_ref': 'client_ca_tls_container_data',
                 'client_crl_container_ref': 'client_crl_container_data'},
    c.POOL: {'tls_container_ref': 'tls_container_data',
             'ca_tls_container_ref': 'ca_tls_container_data',
             'crl_container_ref': 'crl_container_data'},
}
_PEM = '-----BEGIN %s-----\nc3RhbmQtaW4=\n-----END %s-----\n'
# Containers (dicts) and plain PEM fields (CA certificates, CRLs).
_PLAIN_PEM = {'client_ca_tls_container_data': 'CERTIFICATE',
              'client_crl_container_data': 'X509 CRL',
              'ca_tls_container_data': 'CERTIFICATE', 'crl_container_data': 'X509 CRL'}
# Fields an update's old object may lack whose old value decides which BIG-IP objects exist
# -> stand-in values, one per shape of what such a value makes (one CIDR is the virtual's
# source, several a data group and an iRule; each persistence type has its own profile, or
# none). A stand-in the mapping refuses (an IPv6 CIDR on an IPv4 VIP, cookie persistence
# on a TCP listener) is skipped: the device cannot hold its objects.
STAND_INS = {
    c.LISTENER: {'allowed_cidrs': (['192.0.2.1/32'], ['192.0.2.1/32', '192.0.2.2/32'],
                                   ['2001:db8::1/128'],
                                   ['2001:db8::1/128', '2001:db8::2/128'])},
    c.POOL: {'session_persistence': (None, {'type': 'SOURCE_IP'}, {'type': 'HTTP_COOKIE'},
                                     {'type': 'APP_COOKIE', 'cookie_name': 'stand-in'})},
}


class Views(object):
    """The graphs ``before`` and ``after`` an operation, with hints for the plan.

    ``discover``: listeners whose TLS objects must be found on the device; ``rewrite``:
    units to write whole because their state before the operation is not known;
    ``alternatives``: other graphs the device may hold instead of ``before`` (whose objects
    the plan also removes where ``after`` lacks them); ``deleting``: the operation removes
    an object (the plan then leaves alone a unit of ``after`` that the mapping refuses).
    """

    def __init__(self, before, after, discover=(), rewrite=(), alternatives=(),
                 deleting=False):
        self.before = before
        self.after = after
        self.discover = sorted(set(discover))
        self.rewrite = list(rewrite)
        self.alternatives = list(alternatives)
        self.deleting = deleting


def views(operation, graph, payload):
    """The Views of ``operation`` (a constants.Operation) on ``graph`` for a decrypted payload."""
    kind, verb = operation.kind, operation.verb
    before, after = _HANDLERS[verb](kind, graph, payload)
    if kind == c.L7POLICY and verb in (c.CREATE, c.UPDATE):
        policy_id = payload[kind]['l7policy_id']
        before, after = _renumbered(before, policy_id), _renumbered(after, policy_id)
    before, discover = _stand_ins(before)
    rewrite = [(c.POOL, payload[c.POOL_ID])] if verb == c.BATCH else []
    alternatives = []
    if verb == c.UPDATE:
        missing = _missing(kind, graph, payload[kind])
        discover = set(discover) | _unknown_tls(kind, before, payload[kind], missing)
        alternatives = _alternatives(kind, before, payload, missing)
    return Views(before, after, discover, rewrite, alternatives, deleting=verb == c.DELETE)


def _create(kind, graph, payload):
    if kind == c.LOADBALANCER:
        after = graph if not graph.empty else graph_mod.Graph.from_loadbalancer(payload[kind])
        return graph_mod.Graph(), after
    obj = payload[kind]
    object_id = obj[c.id_key(kind)]
    after = graph if graph.find(kind, object_id) is not None else graph.put(kind, obj)
    return after.remove(kind, object_id), after


def _update(kind, graph, payload):
    current = graph.find(kind, payload[kind][c.id_key(kind)]) or {}
    changes = payload.get(c.updates_key(kind)) or {}
    old = _completed(kind, payload[kind], current)
    new = graph_mod.merged(old, changes)
    if kind in TLS_FIELDS:
        old = _with_known_data(kind, old, current, new)
        new = _with_known_data(kind, new, current, changes)
    return graph.put(kind, old), graph.put(kind, new)


def _delete(kind, graph, payload):
    obj = payload[kind]
    object_id = obj[c.id_key(kind)]
    before = graph if graph.find(kind, object_id) is not None else graph.put(kind, obj)
    return before, before.remove(kind, object_id)


def _batch(kind, graph, payload):
    pool = graph.find(c.POOL, payload[c.POOL_ID])
    if pool is None:
        raise KeyError('pool %s is not part of the load balancer' % payload[c.POOL_ID])
    current = {m['member_id']: m for m in pool['members']}
    wanted = [graph_mod.merged(current.get(m['member_id'], {}), m)
              for m in payload[c.MEMBERS]]
    return graph, graph.with_members(payload[c.POOL_ID], wanted)


def _failover(kind, graph, payload):
    return graph_mod.Graph(), graph


_HANDLERS = {c.CREATE: _create, c.UPDATE: _update, c.DELETE: _delete, c.BATCH: _batch,
             c.FAILOVER: _failover}


def _missing(kind, graph, old):
    """Fields the graph's object has and the update's old object lacks.

    Their old value is known only where the update leaves them alone.
    """
    current = graph.find(kind, old[c.id_key(kind)]) or {}
    return {field for field in current if field not in old}


def _completed(kind, obj, current):
    """``obj`` with the fields it lacks taken from the graph's object ``current``.

    Certificate data goes with its container reference: data is taken here only together
    with a reference the object lacks too (``_with_known_data`` matches the others).
    """
    data_fields = set(TLS_FIELDS.get(kind, {}).values())
    ref_of = {data: ref for ref, data in TLS_FIELDS.get(kind, {}).items()}
    done = dict(obj)
    for field, value in current.items():
        if field in done or (field in data_fields and ref_of[field] in obj):
            continue
        done[field] = value
    return graph_mod.merged(done, None)


def _unknown_tls(kind, before, old, missing):
    """Listeners whose TLS objects an update must find on the device.

    A TLS container field the old object lacks may have changed unseen (an emptied
    ``sni_container_refs`` is not passed on: module docstring).
    """
    if not missing & set(TLS_FIELDS.get(kind, ())):
        return set()
    if kind == c.POOL:
        return {li['listener_id'] for li in before.listeners_of_pool(old['pool_id'])}
    listener = before.find(kind, old['listener_id']) or {}
    if listener.get('protocol') != 'TERMINATED_HTTPS':
        return set()
    return {old['listener_id']}


def _alternatives(kind, before, payload, missing):
    """``before`` with each stand-in value of the changed fields the old object lacked."""
    changes = payload.get(c.updates_key(kind)) or {}
    unknown = missing & set(changes) & set(STAND_INS.get(kind, ()))
    obj = before.find(kind, payload[kind][c.id_key(kind)])
    return [before.put(kind, dict(obj, **{field: value}))
            for field in sorted(unknown) for value in STAND_INS[kind][field]]


def _renumbered(graph, policy_id):
    """``graph`` with the L7 policies of the policy's listener numbered 1..n as Octavia does.

    The policy ``policy_id`` goes to its ``position``, the others keep their order around it.
    """
    listener = graph.policy_listener(policy_id)
    if listener is None:
        return graph
    graph = graph.copy()
    policies = graph.listeners[listener['listener_id']]['l7policies']
    target = next(p for p in policies if p['l7policy_id'] == policy_id)
    others = sorted((p for p in policies if p is not target),
                    key=lambda p: (p.get('position') or 0, p['l7policy_id']))
    # Octavia's list insert: a position past the end appends.
    index = min(max((target.get('position') or len(others) + 1) - 1, 0), len(others))
    others.insert(index, target)
    for number, policy in enumerate(others, 1):
        policy['position'] = number
    policies[:] = others
    return graph


def _with_known_data(kind, obj, current, source):
    """``obj`` with certificate data filled in where ``source`` or the graph knows it.

    ``source`` is searched first (the changed fields of an update, which carry the new
    containers' data); the graph's object gives data only for a container it names too.
    """
    obj = dict(obj)
    for ref, data in TLS_FIELDS[kind].items():
        if obj.get(data) is not None or not obj.get(ref):
            continue
        if source.get(data) is not None and source.get(ref, obj[ref]) == obj[ref]:
            obj[data] = source[data]
        elif current.get(ref) == obj[ref] and current.get(data) is not None:
            obj[data] = current[data]
    return obj


def _stand_ins(before):
    """``before`` with stand-ins for unknown certificate data; the listeners they affect."""
    discover = set()
    for kind in TLS_FIELDS:
        for obj in before.objects(kind):
            if not _missing_data(kind, obj):
                continue
            if kind == c.LISTENER:
                discover.add(obj['listener_id'])
            else:
                discover.update(li['listener_id'] for li in before.listeners_of_pool(
                    obj['pool_id']))
    if not discover:
        return before, []
    before = before.copy()
    for kind in TLS_FIELDS:
        for obj in before.objects(kind):
            for ref, data in TLS_FIELDS[kind].items():
                if obj.get(ref) and obj.get(data) is None:
                    obj[data] = _stand_in(data, obj[ref])
    return before, discover


def _missing_data(kind, obj):
    return any(obj.get(ref) and obj.get(data) is None
               for ref, data in TLS_FIELDS[kind].items())


def _stand_in(field, ref):
    """Data of the right shape for a container whose data is unknown (never written)."""
    if field in _PLAIN_PEM:
        return _PEM % (_PLAIN_PEM[field], _PLAIN_PEM[field])
    if isinstance(ref, list):
        return [_container(index) for index in range(len(ref))]
    return _container(0)


def with_stand_in_certificates(kind, obj):
    """``obj`` with every certificate, key, CA and CRL it carries replaced by a stand-in.

    Containers keep their id, so the BIG-IP objects keep their names: for mapping a state
    the device never got (a certificate the worker refused), never for writing.
    """
    obj = dict(obj)
    for ref, data in TLS_FIELDS.get(kind, {}).items():
        value = obj.get(data)
        if not value:
            continue
        if data in _PLAIN_PEM:
            obj[data] = _stand_in(data, obj.get(ref))
        elif isinstance(value, list):
            obj[data] = [dict(_container(i), id=(v or {}).get('id') or 'stand-in-%d' % i)
                         for i, v in enumerate(value)]
        else:
            obj[data] = dict(_container(0), id=value.get('id') or 'stand-in-0')
    return obj


def _container(index):
    return {'id': 'stand-in-%d' % index, 'primary_cn': 'stand-in.invalid',
            'certificate': _PEM % ('CERTIFICATE', 'CERTIFICATE'),
            'private_key': _PEM % ('PRIVATE KEY', 'PRIVATE KEY'),
            'intermediates': [], 'passphrase': None}
