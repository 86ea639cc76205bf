# SPDX-License-Identifier: Apache-2.0
"""What a device holds for Octavia, read back by Octavia id with collection GETs.

    snapshot = inventory.read(device, partition_prefix)

Four collection GETs (``REQUESTS``) describe a device whatever the number of load balancers:
the virtual addresses, the virtual servers, the pools with their members inline
(``expandSubcollections=true``) and the virtual servers' statistics, each with ``$select``
where BIG-IP honours it. No per-pool or per-member request (SAP's status manager needed two
per pool per cycle, prior-art.md 1.5). The virtual addresses change only when a load
balancer is created, updated or deleted, so a reader that reads often may keep their
``addresses()`` and pass them to ``parse()`` with the other answers (the poller does, with
three GETs a cycle: octavia_f5.controller.poller). Only objects in partitions with the
driver's prefix and named as octavia_f5.bigip.names names them count; anything else on the
device is not ours.

Relations come from the names the mapping gives (octavia_f5.bigip.mapping): a virtual
address is ``lb_<id>``, a virtual server ``listener_<id>`` whose ``destination`` names its
virtual address and whose ``pool`` is its default pool ``pool_<id>``, a pool's ``monitor`` is
``hm_<id>``, and a member's ``description`` is its Octavia id.
"""

import dataclasses
import ipaddress
import typing

from octavia_f5.bigip import names
from octavia_f5.bigip import paths
from octavia_f5.bigip import stats
from octavia_f5.common import exceptions

VIRTUAL_ADDRESSES = paths.collection('ltm/virtual-address')
VIRTUALS = paths.collection('ltm/virtual')
POOLS = paths.collection('ltm/pool')
VIRTUAL_STATS = VIRTUALS + '/stats'

# (path, query) of each GET.
ADDRESSES_READ = (VIRTUAL_ADDRESSES, paths.query(select=('fullPath', 'address', 'enabled',
                                                         'generation')))
VIRTUALS_READ = (VIRTUALS, paths.query(select=('fullPath', 'destination', 'pool', 'enabled',
                                               'disabled', 'connectionLimit', 'generation')))
# $select names the sub-collection by its reference; BIG-IP then expands it in place.
POOLS_READ = (POOLS, paths.query(select=('fullPath', 'monitor', 'membersReference',
                                         'generation'), expand=True))
STATISTICS_READ = (VIRTUAL_STATS, None)
# Every GET, in the order read() sends them.
REQUESTS = (ADDRESSES_READ, VIRTUALS_READ, POOLS_READ, STATISTICS_READ)


def get(device, request):
    """The answer of one of the GETs above; DeviceError if it fails."""
    path, params = request
    return device.get(path, params)


@dataclasses.dataclass(frozen=True)
class LoadBalancer:
    id: str
    enabled: bool
    generation: int = 0


@dataclasses.dataclass(frozen=True)
class Listener:
    id: str
    loadbalancer_id: typing.Optional[str]
    pool_id: typing.Optional[str]
    enabled: bool
    connection_limit: int = 0
    generation: int = 0
    # The virtual server's counters; None when the statistics did not list it (created
    # between the GETs of a cycle).
    counters: typing.Optional[typing.Mapping] = dataclasses.field(default=None, compare=False)


@dataclasses.dataclass(frozen=True)
class Member:
    id: str
    state: str
    session: str
    generation: int = 0


@dataclasses.dataclass(frozen=True)
class Pool:
    id: str
    healthmonitor_id: typing.Optional[str]
    members: typing.Tuple[Member, ...] = ()
    generation: int = 0


@dataclasses.dataclass(frozen=True)
class Addresses:
    """The load balancers of a device (its virtual addresses), and who owns which address."""

    loadbalancers: typing.Mapping[str, LoadBalancer]
    # (partition, ip, route domain) -> load balancer id
    by_address: typing.Mapping[tuple, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """One device's Octavia objects, by id."""

    loadbalancers: typing.Mapping[str, LoadBalancer]
    listeners: typing.Mapping[str, Listener]
    pools: typing.Mapping[str, Pool]

    def listeners_of(self, loadbalancer_id):
        return [lst for lst in self.listeners.values()
                if lst.loadbalancer_id == loadbalancer_id]

    def listeners_using(self, pool_id):
        return [lst for lst in self.listeners.values() if lst.pool_id == pool_id]


def read(device, partition_prefix):
    """The whole snapshot of ``device``: exactly len(REQUESTS) GETs; DeviceError if one fails."""
    answers = [get(device, request) for request in REQUESTS]
    return parse(partition_prefix, addresses(partition_prefix, answers[0]), *answers[1:])


def addresses(partition_prefix, answer):
    """The Addresses in an answer of the virtual-address GET (pure)."""
    return Addresses(*_loadbalancers(_Owned(partition_prefix), answer))


def named_loadbalancers(partition_prefix, virtuals):
    """Ids of the load balancers the virtual servers' destinations name (pure).

    A load balancer missing from the Addresses a reader keeps is one it must read again.
    """
    owned = _Owned(partition_prefix)
    found = set()
    for item in _items(virtuals):
        where = owned.split(item.get('fullPath'))
        if where and owned.id_of(where[1], names.LISTENER):
            lb_id = _loadbalancer_of(owned, where[0], item.get('destination'), {})
            if lb_id:
                found.add(lb_id)
    return found


def parse(partition_prefix, addresses, virtuals, pools, virtual_stats):
    """The snapshot from the Addresses and the other three answers (pure).

    ``virtual_stats`` None: the statistics were not read, no listener has counters.
    """
    owned = _Owned(partition_prefix)
    counters = stats.objects(virtual_stats)
    listeners = {}
    for item in _items(virtuals):
        where = owned.split(item.get('fullPath'))
        listener_id = where and owned.id_of(where[1], names.LISTENER)
        if not listener_id:
            continue
        listeners[listener_id] = Listener(
            id=listener_id,
            loadbalancer_id=_loadbalancer_of(owned, where[0], item.get('destination'),
                                             addresses.by_address),
            pool_id=_pool_of(owned, where[0], item.get('pool')),
            # Only the true one of enabled/disabled is present (icontrol-rest.md 3.6).
            enabled=not item.get('disabled'),
            connection_limit=_int(item.get('connectionLimit')),
            generation=_int(item.get('generation')),
            counters=counters.get(item['fullPath']))
    return Snapshot(addresses.loadbalancers, listeners, _pools(owned, pools))


class _Owned:
    """Recognises the driver's partitions and names."""

    def __init__(self, partition_prefix):
        self.prefix = partition_prefix or ''

    def split(self, full_path):
        """(partition, name) of '/P/name' in one of our partitions, else None."""
        if not isinstance(full_path, str):
            return None
        parts = full_path.split('/')
        if len(parts) != 3 or parts[0] or not parts[2]:
            return None
        partition = parts[1]
        # /Common is never a project's partition, even with an empty prefix.
        if partition == 'Common' or not partition.startswith(self.prefix):
            return None
        return partition, parts[2]

    @staticmethod
    def id_of(name, kind):
        """The Octavia id in ``<kind>_<id>``, or None when ``name`` is no such name."""
        head = kind + '_'
        if not name.startswith(head):
            return None
        try:
            return names.check_id(kind, name[len(head):])
        except exceptions.InvalidValue:
            return None


def _items(answer):
    # An empty collection has no "items" (icontrol-rest.md 2.3).
    return [i for i in (answer or {}).get('items') or () if isinstance(i, dict)]


def _int(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _address_key(partition, text):
    """(partition, ip, route domain) of '10.0.0.1%2', or None if it is no address."""
    ip, _sep, domain = str(text).partition('%')
    try:
        return partition, ipaddress.ip_address(ip).compressed, int(domain or 0)
    except ValueError:
        return None


def _loadbalancers(owned, answer):
    loadbalancers, by_address = {}, {}
    for item in _items(answer):
        where = owned.split(item.get('fullPath'))
        lb_id = where and owned.id_of(where[1], names.LOADBALANCER)
        if not lb_id:
            continue
        # 'enabled' is the string "yes" / "no" on a virtual address.
        loadbalancers[lb_id] = LoadBalancer(lb_id, item.get('enabled') not in ('no', False),
                                            _int(item.get('generation')))
        key = _address_key(where[0], item.get('address'))
        if key:
            by_address[key] = lb_id
    return loadbalancers, by_address


def _loadbalancer_of(owned, partition, destination, by_address):
    """The load balancer of a destination '/P/lb_<id>:80', or '/P/10.0.0.1%2:80' by address.

    BIG-IP writes the destination with the name of the virtual address it resolved, which is
    the address itself only for virtual addresses named after their address.
    """
    text = str(destination or '').rsplit('/', 1)[-1]
    # IPv6 separates the port with '.', since ':' belongs to the address; a name may use
    # either, depending on the address family behind it.
    separators = ('.', ':') if text.count(':') > 1 else (':', '.')
    for separator in separators:
        lb_id = owned.id_of(text.rpartition(separator)[0], names.LOADBALANCER)
        if lb_id:
            return lb_id
    key = _address_key(partition, text.rpartition(separators[0])[0])
    return by_address.get(key) if key else None


def _pool_of(owned, partition, reference):
    where = owned.split(reference)
    if not where or where[0] != partition:
        return None
    return owned.id_of(where[1], names.POOL)


def _healthmonitor_of(owned, partition, monitor):
    """The hm_<id> among the monitor rule's paths ('/P/hm_x', 'min 1 of { ... }', 'a and b')."""
    for token in str(monitor or '').replace('{', ' ').replace('}', ' ').split():
        where = owned.split(token)
        if where and where[0] == partition:
            hm_id = owned.id_of(where[1], names.HEALTHMONITOR)
            if hm_id:
                return hm_id
    return None


def _members(reference):
    members = []
    for item in (reference or {}).get('items') or ():
        if not isinstance(item, dict):
            continue
        try:
            # The mapping stores the Octavia member id as the description.
            member_id = names.check_id('member_id', item.get('description'))
        except exceptions.InvalidValue:
            continue
        members.append(Member(member_id, str(item.get('state', '')),
                              str(item.get('session', '')), _int(item.get('generation'))))
    return tuple(members)


def _pools(owned, answer):
    pools = {}
    for item in _items(answer):
        where = owned.split(item.get('fullPath'))
        pool_id = where and owned.id_of(where[1], names.POOL)
        if not pool_id:
            continue
        pools[pool_id] = Pool(pool_id, _healthmonitor_of(owned, where[0], item.get('monitor')),
                              _members(item.get('membersReference')),
                              _int(item.get('generation')))
    return pools
