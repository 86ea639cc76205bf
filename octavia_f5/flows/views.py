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

Certificates: Octavia passes an update's and a delete's old object without certificate data
(it builds it ``for_delete``). Data of an unchanged container is taken from the graph, which
Octavia loads with the data. A container whose data is not known (replaced by this update)
gets a stand-in, and its listeners are returned for discovery: the device task finds the
certificate objects of those listeners on the device instead (device_tasks, writer.discover).
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


class Views(object):
    """The graphs ``before`` and ``after`` an operation, with two hints for the plan.

    ``discover``: listeners whose TLS objects must be found on the device; ``rewrite``:
    units to write whole because their state before the operation is not known.
    """

    def __init__(self, before, after, discover=(), rewrite=()):
        self.before = before
        self.after = after
        self.discover = sorted(set(discover))
        self.rewrite = list(rewrite)


def views(operation, graph, payload):
    """The Views of ``operation`` (a constants.Operation) on ``graph`` for a decrypted payload."""
    handler = _HANDLERS[operation.verb]
    before, after = handler(operation.kind, graph, payload)
    before, discover = _stand_ins(before)
    rewrite = [(c.POOL, payload[c.POOL_ID])] if operation.verb == c.BATCH else []
    return Views(before, after, discover, rewrite)


def _create(kind, graph, payload):
    if kind == c.LOADBALANCER:
        after = graph if not graph.empty else graph_mod.Graph.from_loadbalancer(payload[kind])
        return graph_mod.Graph(), after
    obj = payload[kind]
    object_id = obj[c.id_key(kind)]
    after = graph if graph.find(kind, object_id) is not None else graph.put(kind, obj)
    return after.remove(kind, object_id), after


def _update(kind, graph, payload):
    old = payload[kind]
    new = graph_mod.merged(old, payload.get(c.updates_key(kind)))
    if kind in TLS_FIELDS:
        current = graph.find(kind, old[c.id_key(kind)]) or {}
        old = _with_known_data(kind, old, current, new)
        new = _with_known_data(kind, new, current, payload.get(c.updates_key(kind)) or {})
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


def _container(index):
    return {'id': 'stand-in-%d' % index, 'primary_cn': 'stand-in.invalid',
            'certificate': _PEM % ('CERTIFICATE', 'CERTIFICATE'),
            'private_key': _PEM % ('PRIVATE KEY', 'PRIVATE KEY'),
            'intermediates': [], 'passphrase': None}
