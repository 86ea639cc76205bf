# SPDX-License-Identifier: Apache-2.0
"""Runtime state (uploads, monitor results, traffic counters) and the /stats answers.

Counters are not configuration: they are kept here, outside snapshots, and shown in the
nested v12+ shape of reference section 4 (single-object keys repeat the name segment).
"""

from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import names
from octavia_f5.simulator.backend import pool as pool_mod
from octavia_f5.simulator.backend import store

_CONNS = ('bitsIn', 'bitsOut', 'curConns', 'maxConns', 'pktsIn', 'pktsOut', 'totConns')
_CONNQ = ('ageEdm', 'ageEma', 'ageHead', 'ageMax', 'depth', 'serviced')
COUNTERS = {
    'virtual': tuple('clientside.' + c for c in _CONNS + ('evictedConns', 'slowKilled')) +
    tuple('ephemeral.' + c for c in _CONNS + ('evictedConns', 'slowKilled')) +
    ('csMaxConnDur', 'csMeanConnDur', 'csMinConnDur', 'totRequests'),
    'pool': tuple('connq.' + c for c in _CONNQ) + tuple('connqAll.' + c for c in _CONNQ) +
    tuple('serverside.' + c for c in _CONNS) + ('curSessions', 'totRequests'),
    'member': tuple('connq.' + c for c in _CONNQ) + tuple('serverside.' + c for c in _CONNS) +
    ('curSessions', 'totRequests'),
}
COUNTERS['node'] = COUNTERS['member']
AVAILABILITY = {'up': 'available', 'down': 'offline', 'checking': 'unknown',
                'unchecked': 'unknown', 'user-down': 'offline'}
MEMBER_REASON = {'available': 'Pool member is available',
                 'offline': 'Pool member has been marked down by a monitor',
                 'unknown': 'Pool member does not have service checking enabled'}
PARENT_REASON = {'available': 'The virtual server is available',
                 'offline': 'The children pool member(s) are down',
                 'unknown': "The children pool member(s) either don't have service checking "
                            "enabled, or service check results are not available yet"}


class Runtime:
    """What a device knows besides its configuration."""

    def __init__(self, backend):
        self.backend = backend
        self.uploads = {}
        self.availability = {}
        self.counters = {}
        self.saves = 0

    def forget(self, kind, path, member=None):
        """Drop the counters and monitor results of a deleted object."""
        for key in [k for k in self.counters if k[1] == path and
                    (member is None or k[2] == member)]:
            del self.counters[key]
        if kind in ('pool', 'member'):
            for key in [k for k in self.availability if k[0] == path and
                        (member is None or k[1] == member)]:
                del self.availability[key]

    def set_counters(self, cfg, kind, full_path, counters, member=None):
        if kind not in ('virtual', 'pool', 'member'):
            raise ValueError('unknown statistics kind %r' % kind)
        if kind == 'virtual':
            _existing(cfg, 'ltm/virtual', full_path)
        else:
            _existing(cfg, 'ltm/pool', full_path)
        if kind == 'member':
            member = find_member(cfg, full_path, member)
        for key, value in counters.items():
            if key not in COUNTERS[kind] or isinstance(value, bool) or not isinstance(value, int):
                raise ValueError('%s is not a %s counter of integer value' % (key, kind))
        self.counters.setdefault((kind, full_path, member), {}).update(counters)

    def set_availability(self, cfg, pool_path, member_name, state):
        if state not in ('up', 'down', 'checking'):
            raise ValueError('member availability must be up, down or checking, not %r'
                             % state)
        _existing(cfg, 'ltm/pool', pool_path)
        self.availability[(pool_path, find_member(cfg, pool_path, member_name))] = state

    def values(self, kind, path, member=None):
        got = self.counters.get((kind, path, member), {})
        return {key: {'value': got.get(key, 0)} for key in COUNTERS[kind]}


def _existing(cfg, coll, full_path):
    obj = cfg.get(coll, full_path)
    if obj is None:
        raise KeyError('%s %s does not exist' % (coll, full_path))
    return obj


def find_member(cfg, pool_path, member_name):
    """The full path of a member named by full path or by name in the pool's partition."""
    members = store.sub_items(cfg.get('ltm/pool', pool_path), 'members')
    for path in (member_name, '/%s/%s' % (names.partition_of(pool_path), member_name)):
        if path in members:
            return path
    raise KeyError('pool %s has no member %s' % (pool_path, member_name))


def member_status(cfg, pool, member):
    """(state, availability, disabled) of a member as its stats show them."""
    state, session = pool_mod.read_status(cfg, pool, member)
    disabled = session == 'user-disabled' or member['state'] == 'user-down'
    return state, AVAILABILITY[state], disabled


def member_entries(cfg, pool, member):
    state, availability, disabled = member_status(cfg, pool, member)
    node, port = names.split_port(member['fullPath'])
    out = cfg.runtime.values('member', pool['fullPath'], member['fullPath'])
    out.update({
        'addr': {'description': member['address']}, 'nodeName': {'description': node},
        'poolName': {'description': pool['fullPath']}, 'port': {'value': int(port)},
        'monitorRule': {'description': monitor_rule(pool, member)},
        'monitorStatus': {'description': 'down' if state == 'user-down' else state},
        'sessionStatus': {'description': 'user-disabled' if disabled else 'enabled'},
        'status.availabilityState': {'description': availability},
        'status.enabledState': {'description': 'disabled' if disabled else 'enabled'},
        'status.statusReason': {'description': 'Forced down' if state == 'user-down'
                                else MEMBER_REASON[availability]}})
    return out


def monitor_rule(pool, member=None):
    if member is not None and member.get('_monitors'):
        return member['monitor'].strip() + ' (pool member monitor)'
    if pool.get('_monitors'):
        return pool['monitor'].strip() + ' (pool monitor)'
    return 'none'


def pool_status(cfg, pool):
    """(availability, active member count) of a pool from its members."""
    states = [member_status(cfg, pool, m)[1:] for m in store.sub_items(pool, 'members').values()]
    found = {availability for availability, _ in states}
    active = sum(1 for availability, disabled in states
                 if not disabled and availability != 'offline')
    if 'available' in found:
        return 'available', active
    if found == {'offline'}:
        return 'offline', active
    return 'unknown', active


def pool_entries(cfg, pool):
    availability, active = pool_status(cfg, pool)
    out = cfg.runtime.values('pool', pool['fullPath'])
    out.update({'activeMemberCnt': {'value': active},
                'minActiveMembers': {'value': pool['minActiveMembers']},
                'monitorRule': {'description': monitor_rule(pool)},
                'tmName': {'description': pool['fullPath']},
                'status.availabilityState': {'description': availability},
                'status.enabledState': {'description': 'enabled'},
                'status.statusReason': {'description': PARENT_REASON[availability]}})
    return out


def virtual_entries(cfg, vs):
    pool = cfg.get('ltm/pool', vs.get('pool'))
    availability = pool_status(cfg, pool)[0] if pool else 'unknown'
    out = cfg.runtime.values('virtual', vs['fullPath'])
    out.update({'tmName': {'description': vs['fullPath']},
                'destination': {'description': vs['destination'].rsplit('/', 1)[1]},
                'cmpEnabled': {'description': 'enabled'},
                'syncookieStatus': {'description': 'not-activated'},
                'status.availabilityState': {'description': availability},
                'status.enabledState': {'description': 'disabled' if vs.get('disabled')
                                        else 'enabled'},
                'status.statusReason': {'description': PARENT_REASON[availability]}})
    return out


def node_entries(cfg, node):
    out = cfg.runtime.values('node', node['fullPath'])
    state = 'user-down' if node['state'] == 'user-down' else 'unchecked'
    out.update({'addr': {'description': node['address']},
                'tmName': {'description': node['fullPath']},
                'monitorRule': {'description': 'none'},
                'monitorStatus': {'description': state},
                'sessionStatus': {'description': 'enabled' if node['session'] ==
                                  'user-enabled' else 'user-disabled'},
                'status.availabilityState': {'description': AVAILABILITY[state]},
                'status.enabledState': {'description': 'enabled'},
                'status.statusReason': {'description': 'Node address does not have service '
                                        'checking enabled'}})
    return out


ENTRIES = {'ltm/virtual': virtual_entries, 'ltm/pool': pool_entries, 'ltm/node': node_entries}


def render(backend, route):
    """The answer of GET .../stats for virtuals, pools, pool members and nodes."""
    cfg = backend.cfg
    ver = '?ver=' + cfg.version
    model = route.model
    if route.sub is not None:
        if route.sub.sub_name != 'members' or route.sub.chain:
            raise errors.unregistered('/mgmt/tm/' + '/'.join(route.segments))
        return member_stats(cfg, route.sub, ver)
    if model.path not in ENTRIES:
        raise errors.unregistered('/mgmt/tm/' + '/'.join(route.segments) + '/stats')
    kind = model.kind[:-len('state')] + 'stats'
    base = names.LINK + model.path
    if route.full_path is None:
        objs = cfg.items(model.path).values()
        return _nest(model.collection_kind.replace('state', 'stats'), base + '/stats' + ver, {
            '%s/%s/stats' % (base, names.path_to_segment(o['fullPath'])): {'nestedStats': {
                'kind': kind, 'selfLink': '%s/%s/stats%s' % (
                    base, names.path_to_segment(o['fullPath']), ver),
                'entries': ENTRIES[model.path](cfg, o)}} for o in objs})
    obj = cfg.get(model.path, route.full_path)
    if obj is None:
        raise model.missing_error(None, route.full_path)
    segment = names.path_to_segment(obj['fullPath'])
    out = _nest(kind, '%s/%s/stats%s' % (base, segment, ver), {
        '%s/%s/%s/stats' % (base, segment, segment): {'nestedStats': {
            'entries': ENTRIES[model.path](cfg, obj)}}})
    out['generation'] = obj['generation']
    return out


def member_stats(cfg, target, ver):
    pool = cfg.get('ltm/pool', target.top_path)
    if pool is None:
        raise target.top.missing_error(None, target.top_path)
    base = target.link()
    kind = 'tm:ltm:pool:members:membersstats'
    if target.key is None:
        return _nest('tm:ltm:pool:members:memberscollectionstats', base + '/stats' + ver, {
            '%s/%s/stats' % (base, names.path_to_segment(path)): {'nestedStats': {
                'kind': kind, 'selfLink': '%s/%s/stats%s' % (
                    base, names.path_to_segment(path), ver),
                'entries': member_entries(cfg, pool, member)}}
            for path, member in store.sub_items(pool, 'members').items()})
    _, member = target.get(cfg)
    link = '%s/%s/stats' % (base, names.path_to_segment(member['fullPath']))
    out = _nest(kind, link + ver, {link: {'nestedStats': {
        'entries': member_entries(cfg, pool, member)}}})
    out['generation'] = member['generation']
    return out


def _nest(kind, self_link, entries):
    """A stats answer; with no objects there is no "entries" key (reference 4.1)."""
    out = {'kind': kind, 'selfLink': self_link}
    if entries:
        out['entries'] = entries
    return out
