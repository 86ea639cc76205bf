# SPDX-License-Identifier: Apache-2.0
"""Drift: what a partition holds compared with what the mapping says it must hold (pure).

The reconciler reads every object of a project's partition (one GET per collection below,
``expandSubcollections=true``) and compares it with the BIG-IP objects the mapping makes of
Octavia's load balancers. Three findings per load balancer:

* missing: a mapped object the device does not have (deleted behind Octavia's back);
* different: an object whose fields differ from the mapped body (changed behind Octavia's
  back), with the names of the differing fields;
* extra: an object named after one of the load balancer's Octavia objects (or its
  certificates) that the mapping no longer lists (left by a failed or interrupted flow).

Objects named after ids no Octavia object has are *orphans* of the partition (a load
balancer, listener, pool or health monitor deleted behind the driver's back, or whose flow
died). Objects whose names the driver never gives (an operator's own) are never reported.

The device shows an object as it normalised it (icontrol-rest.md 2.2): references as full
paths, inline lists as sub-collections (``membersReference.items``), numbers or strings
as it likes, member ``state`` as the monitor sees it. ``differences`` compares the mapped
body as a subset of the device's object with those rules (tested in
tests/unit/controller/test_reconciler_drift.py).
"""

import dataclasses
import typing

from octavia_f5.bigip.mapping import member as member_mapping
from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip import names
from octavia_f5.flows import graph as graph_mod
from octavia_f5.flows import plan as plan_mod

# Every collection the mapping writes inside a project's partition, in creation order (the
# order a repair writes them in; deletions go in reverse).
COLLECTIONS = (
    'ltm/virtual-address', 'ltm/node',
    'ltm/monitor/http', 'ltm/monitor/https', 'ltm/monitor/gateway-icmp', 'ltm/monitor/tcp',
    'ltm/monitor/udp', 'ltm/monitor/sctp', 'ltm/pool',
    'sys/file/ssl-cert', 'sys/file/ssl-key', 'sys/file/ssl-crl',
    'ltm/profile/tcp', 'ltm/profile/udp', 'ltm/profile/sctp', 'ltm/profile/fastl4',
    'ltm/profile/http', 'ltm/profile/client-ssl', 'ltm/profile/server-ssl',
    'ltm/persistence/source-addr', 'ltm/persistence/cookie', 'ltm/persistence/universal',
    'ltm/data-group/internal', 'ltm/rule', 'ltm/policy', 'ltm/virtual',
)
NODE = 'ltm/node'
# Fields that name an object rather than describe it, and fields a device never echoes.
IGNORED = frozenset(['name', 'partition', 'subPath', 'fullPath', 'passphrase'])
# Fields whose desired value stands for several values the device shows: BIG-IP reports a
# member that is "user-up" as the monitor sees it (up, down, unchecked...), and one that is
# "user-enabled" as "monitor-enabled".
_SHOWN_AS = {
    ('state', 'user-up'): lambda shown: shown != 'user-down',
    ('session', 'user-enabled'): lambda shown: shown in ('user-enabled', 'monitor-enabled'),
}
_ABSENT = object()
# Name prefixes of objects owned by an Octavia object: prefix -> owner kind.
OWNER_PREFIXES = ((names.LOADBALANCER + '_', 'loadbalancer'),
                  (names.LISTENER + '_', 'listener'), (names.POOL + '_', 'pool'),
                  (names.HEALTHMONITOR + '_', 'healthmonitor'), (names.TLS + '_', 'tls'))
_TLS_SUFFIXES = ('_chain.crt', '.crt', '.key')


def key(collection, full_path):
    return (collection, full_path)


@dataclasses.dataclass
class Finding(object):
    """One object that differs: what, where, and (for 'different') which fields."""

    state: str                  # 'missing', 'different', 'extra' or 'orphan'
    collection: str
    full_path: str
    fields: typing.List[str] = dataclasses.field(default_factory=list)
    owner: typing.Optional[typing.Tuple[str, str]] = None

    def as_dict(self):
        found = {'state': self.state, 'collection': self.collection, 'path': self.full_path}
        if self.fields:
            found['fields'] = list(self.fields)
        if self.owner:
            found['owner'] = '%s %s' % self.owner
        return found


# --- what must be there ---------------------------------------------------------------------

def desired(graph, ctx):
    """[Resource] of every object the mapping makes of ``graph``, in creation order."""
    plan = plan_mod.make(graph_mod.Graph(), graph, ctx, everything=True)
    items = []
    for _unit, resources in plan.new:
        items.extend(resources)
    return items


def desired_nodes(graph, ctx):
    """Keys of the nodes BIG-IP keeps for the members of ``graph`` (created with them)."""
    found = set()
    for pool in graph.pools.values():
        for node in member_mapping.nodes(pool, ctx):
            found.add(key(NODE, node.full_path))
    return found


# --- who owns a name -------------------------------------------------------------------------

def owner(collection, name, known):
    """(kind, id) of the Octavia object (or TLS container) a name derives from, or None.

    ``known`` maps every id Octavia knows (of any kind) to its kind; a name of a known owner
    is matched exactly first, because an id may itself contain '_'. For an unknown owner the
    id is the name's part up to the next '_' (Octavia ids are UUIDs). Nodes are named by
    address: their owner is ('node', address).
    """
    if collection == NODE:
        return ('node', name)
    for prefix, kind in OWNER_PREFIXES:
        if not name.startswith(prefix):
            continue
        rest = name[len(prefix):]
        if kind == 'tls':
            for suffix in _TLS_SUFFIXES:
                if rest.endswith(suffix):
                    return (kind, rest[:-len(suffix)])
            return None
        for candidate in _id_candidates(rest):
            if known.get(candidate) == kind:
                return (kind, candidate)
        first = rest.split('_', 1)[0]
        return (kind, first) if first else None
    return None


def _id_candidates(rest):
    """'abc_def_ghi' -> 'abc_def_ghi', 'abc_def', 'abc' (longest first)."""
    parts = rest.split('_')
    return ['_'.join(parts[:n]) for n in range(len(parts), 0, -1)]


# --- comparing one object --------------------------------------------------------------------

def differences(collection, wanted, shown, addresses=None):
    """Names of the top-level fields of ``wanted`` (a mapped body) that ``shown`` lacks.

    ``addresses`` maps virtual-address names of the partition to their addresses: BIG-IP
    shows a virtual server's destination by the name of its virtual address.
    """
    found = []
    for field, value in wanted.items():
        if field in IGNORED:
            continue
        actual = _lookup(shown, field)
        if collection == 'ltm/virtual' and field == 'destination':
            actual = _destination(actual, addresses or {})
        if not _same(field, value, actual):
            found.append(field)
    return found


def _lookup(shown, field):
    """A field of a device object; an inline list may be shown as a sub-collection."""
    if field in shown:
        return shown[field]
    reference = shown.get(field + 'Reference')
    if isinstance(reference, dict) and 'items' in reference:
        return reference['items']
    if isinstance(reference, dict) and reference.get('isSubcollection'):
        return []
    return _ABSENT


def _empty(value):
    return value in (_ABSENT, None, '', [], {}, 'none')


def _scalar(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # BIG-IP pads some references with blanks (a pool's "monitor").
    return ' '.join(str(value).split())


def _same(field, wanted, actual):
    if _empty(wanted) and _empty(actual):
        return True
    if actual is _ABSENT:
        return False
    if isinstance(wanted, dict):
        return isinstance(actual, dict) and all(
            _same(k, v, _lookup(actual, k)) for k, v in wanted.items() if k not in IGNORED)
    if isinstance(wanted, list):
        return _same_list(field, wanted, actual)
    check = _SHOWN_AS.get((field, wanted)) if isinstance(wanted, str) else None
    if check is not None:
        return check(actual)
    return not isinstance(actual, (dict, list)) and _scalar(wanted) == _scalar(actual)


def _same_list(field, wanted, actual):
    if not isinstance(actual, list) or len(wanted) != len(actual):
        return False
    if not all(isinstance(item, dict) for item in wanted):
        return [_scalar(v) for v in wanted] == [_scalar(v) for v in actual]
    shown = {}
    for item in actual:
        if isinstance(item, dict):
            shown[_identity(item)] = item
    return all(_same(field, item, shown.get(_identity(item), _ABSENT)) for item in wanted)


def _identity(item):
    """How an inline list item is known: its full path, or its name."""
    for candidate in (item.get('fullPath'), item.get('name')):
        if isinstance(candidate, str) and candidate.startswith('/'):
            return candidate
    if item.get('partition') and item.get('name'):
        return '/%s/%s' % (item['partition'], item['name'])
    return item.get('name')


def _destination(shown, addresses):
    """'/P/lb_<id>:80' as '/P/10.0.0.1%2:80' (the address of the named virtual address)."""
    if not isinstance(shown, str):
        return shown
    folder, _sep, tail = shown.rpartition('/')
    for name, address in addresses.items():
        for separator in (':', '.'):
            if tail.startswith(name + separator):
                return '%s/%s%s' % (folder, address, tail[len(name):])
    return shown


def addresses_of(shown_objects):
    """{virtual-address name: address} of a partition's objects as the device shows them."""
    return {path.rsplit('/', 1)[-1]: body.get('address')
            for (collection, path), body in shown_objects.items()
            if collection == 'ltm/virtual-address' and body.get('address')}


# --- comparing a load balancer --------------------------------------------------------------

def compare(wanted, shown_objects, addresses=None):
    """[Finding] for the mapped objects ``wanted`` against the device's ``shown_objects``.

    ``shown_objects`` maps (collection, full path) to the device's object. Files
    (certificates, keys, CRLs) are named by a digest of their content, so for them being
    there is being right.
    """
    addresses = addresses_of(shown_objects) if addresses is None else addresses
    findings = []
    for item in wanted:
        shown = shown_objects.get(key(item.collection, item.full_path))
        if shown is None:
            findings.append(Finding('missing', item.collection, item.full_path))
            continue
        if item.collection in resource.FILE_COLLECTIONS:
            continue
        fields = differences(item.collection, item.body, shown, addresses)
        if fields:
            findings.append(Finding('different', item.collection, item.full_path, fields))
    return findings


def unaccounted(shown_objects, wanted_keys, known, protected=()):
    """Findings for the device's objects no mapped object accounts for.

    An object whose owner Octavia knows is 'extra' (the owner no longer needs it); one whose
    owner it does not know is an 'orphan'. Objects whose names the driver never gives, and
    those of ``protected`` owner ids (a job is working on them), are left out.
    """
    findings = []
    for (collection, path), shown in shown_objects.items():
        if (collection, path) in wanted_keys or shown.get('subPath'):
            # Policy drafts live in a sub-folder; a flow publishes or removes them.
            continue
        found = owner(collection, path.rsplit('/', 1)[-1], known)
        if found is None or found[1] in protected:
            continue
        state = 'extra' if found[1] in known else 'orphan'
        findings.append(Finding(state, collection, path, owner=found))
    return sorted(findings, key=_creation_order)


def _creation_order(finding):
    return (COLLECTIONS.index(finding.collection) if finding.collection in COLLECTIONS
            else len(COLLECTIONS), finding.full_path)
