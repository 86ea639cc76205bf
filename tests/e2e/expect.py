# SPDX-License-Identifier: Apache-2.0
"""What the active BIG-IP must hold for a project's Octavia objects, as a list of mismatches.

``mismatches(state, partition)`` compares Octavia's view (``state``: the project's objects as
the v2 API returns them, see lbtest.project_state) with one device's partition
(device.Partition) and returns one sentence per difference; an empty list means they agree.
Objects in ERROR are left out: after a failed operation the device may hold either version.
Names follow docs/mapping.md ("Names").
"""

import ipaddress
import re

IP_PROTOCOL = {'HTTP': 'tcp', 'HTTPS': 'tcp', 'TCP': 'tcp', 'TERMINATED_HTTPS': 'tcp',
               'UDP': 'udp', 'SCTP': 'sctp'}
MONITOR_COLLECTION = {'HTTP': 'ltm/monitor/http', 'HTTPS': 'ltm/monitor/https',
                      'TLS-HELLO': 'ltm/monitor/https',
                      'PING': 'ltm/monitor/gateway-icmp', 'TCP': 'ltm/monitor/tcp',
                      'UDP-CONNECT': 'ltm/monitor/udp', 'SCTP': 'ltm/monitor/sctp'}
# Weighted variants are chosen when member weights differ (docs/mapping.md, Pool).
LB_MODES = {'ROUND_ROBIN': ('round-robin', 'ratio-member'),
            'LEAST_CONNECTIONS': ('least-connections-member',
                                  'ratio-least-connections-member')}
OWNER = re.compile(r'\A(lb|listener|pool|hm)_([0-9a-f-]{36})')
ERROR = 'ERROR'


def _live(items):
    return [i for i in items if i.get('provisioning_status') != ERROR]


def _bare(address):
    """An address without its route domain suffix ('192.0.2.5%12' -> '192.0.2.5')."""
    return address.split('%', 1)[0]


def _normal(address):
    """An address as BIG-IP writes it (IPv6 compressed, lower case); others unchanged."""
    try:
        return ipaddress.ip_address(address).compressed
    except ValueError:
        return address


def _member_key(member):
    """(address, port) of a device pool member: '<address>:<port>', IPv6 '<address>.<port>'."""
    name, address = member['name'], member['address']
    port = name[len(address) + 1:] if name.startswith(address) else name.rpartition(':')[2]
    return _normal(_bare(address)), port


def _refs(body, key):
    return [item['name'] for item in (body.get(key) or {}).get('items', [])]


def stale(state, partition):
    """Objects named after an Octavia object that no longer exists (or never did)."""
    known = {'lb': {lb['id'] for lb in state['loadbalancers']},
             'listener': {li['id'] for li in state['listeners']},
             'pool': {p['id'] for p in state['pools']},
             'hm': {h['id'] for h in state['healthmonitors']}}
    found = []
    for collection, name in sorted(partition.owned()):
        match = OWNER.match(name)
        if match and match.group(2) not in known[match.group(1)]:
            found.append('%s %s belongs to no Octavia object' % (collection, name))
    return found


def _loadbalancer(lb, partition):
    va = partition.get('ltm/virtual-address', 'lb_%s' % lb['id'])
    if va is None:
        return ['no virtual address lb_%s' % lb['id']]
    found = []
    if _bare(va['address']) != lb['vip_address']:
        found.append('virtual address lb_%s is %s, VIP is %s'
                     % (lb['id'], va['address'], lb['vip_address']))
    if (va.get('enabled') == 'yes') != lb['admin_state_up']:
        found.append('virtual address lb_%s enabled=%s, admin_state_up=%s'
                     % (lb['id'], va.get('enabled'), lb['admin_state_up']))
    return found


def _destination(listener, lb, partition):
    """The virtual's destination names the LB's virtual address (or its address) and port."""
    name = 'listener_%s' % listener['id']
    destination = partition.get('ltm/virtual', name)['destination']
    host, _sep, port = destination.rpartition('/')[2].rpartition(':')
    va = partition.get('ltm/virtual-address', 'lb_%s' % lb['id']) or {}
    if port != str(listener['protocol_port']) or (
            host != va.get('name') and _bare(host) != lb['vip_address']):
        return ['virtual %s destination %s, expected VIP %s port %s'
                % (name, destination, lb['vip_address'], listener['protocol_port'])]
    return []


def _virtual(listener, lb, partition):
    name = 'listener_%s' % listener['id']
    virtual = partition.get('ltm/virtual', name)
    if virtual is None:
        return ['no virtual %s (%s listener)' % (name, listener['protocol'])]
    found = _destination(listener, lb, partition)
    pool = listener.get('default_pool_id')
    expected_pool = '/%s/pool_%s' % (partition.name, pool) if pool else ''
    if (virtual.get('pool') or '') != expected_pool:
        found.append('virtual %s pool %r, expected %r' % (name, virtual.get('pool'),
                                                          expected_pool))
    if virtual.get('ipProtocol') != IP_PROTOCOL[listener['protocol']]:
        found.append('virtual %s ipProtocol %s for %s' % (name, virtual.get('ipProtocol'),
                                                          listener['protocol']))
    if bool(virtual.get('enabled')) != listener['admin_state_up']:
        found.append('virtual %s enabled=%s, admin_state_up=%s'
                     % (name, virtual.get('enabled'), listener['admin_state_up']))
    if virtual.get('connectionLimit') != max(listener['connection_limit'], 0):
        found.append('virtual %s connectionLimit %s, connection_limit %s'
                     % (name, virtual.get('connectionLimit'), listener['connection_limit']))
    return found + _profiles(listener, virtual, partition)


def _profiles(listener, virtual, partition):
    """HTTP-based listeners carry an http profile, TERMINATED_HTTPS a client-ssl one too."""
    attached = set(_refs(virtual, 'profilesReference'))
    wanted = []
    if listener['protocol'] in ('HTTP', 'TERMINATED_HTTPS'):
        wanted.append('ltm/profile/http')
    if listener['protocol'] == 'TERMINATED_HTTPS':
        wanted.append('ltm/profile/client-ssl')
    return ['virtual listener_%s has no %s profile' % (listener['id'], collection)
            for collection in wanted if not attached & partition.names(collection)]


def _l7(listener, policies, rules, partition):
    """Enabled policies with enabled rules, in position order, in the LTM policy or iRule."""
    active = sorted((p for p in policies if p['admin_state_up']
                     and any(r['admin_state_up'] for r in _live(rules.get(p['id'], ())))),
                    key=lambda p: p['position'])
    expected = ['l7policy_%s' % p['id'] for p in active]
    name = 'listener_%s_l7' % listener['id']
    policy = partition.get('ltm/policy', name)
    irule = partition.get('ltm/rule', name)
    if policy is not None:
        items = sorted((policy.get('rulesReference') or {}).get('items', []),
                       key=lambda r: r.get('ordinal', 0))
        actual = [r['name'] for r in items]
    elif irule is not None:
        actual = re.findall(r'# (l7policy_[0-9a-f-]{36})', irule.get('apiAnonymous', ''))
    else:
        actual = []
    if actual != expected:
        return ['listener_%s L7 on the device %s, Octavia has %s' % (listener['id'], actual,
                                                                     expected)]
    return []


def _pool(pool, members, hm, partition):
    name = 'pool_%s' % pool['id']
    body = partition.get('ltm/pool', name)
    if body is None:
        return ['no pool %s' % name]
    found = []
    modes = LB_MODES.get(pool['lb_algorithm'])
    if modes and body.get('loadBalancingMode') not in modes:
        found.append('pool %s mode %s for %s' % (name, body.get('loadBalancingMode'),
                                                 pool['lb_algorithm']))
    on_device = {_member_key(m): m
                 for m in (body.get('membersReference') or {}).get('items', [])}
    expected = {(_normal(m['address']), str(m['protocol_port'])): m for m in _live(members)}
    if set(on_device) != set(expected):
        found.append('pool %s members %s, Octavia has %s'
                     % (name, sorted(on_device), sorted(expected)))
    for key in set(on_device) & set(expected):
        found.extend(_member(name, expected[key], on_device[key], pool['admin_state_up']))
    monitor = (body.get('monitor') or '').strip()
    wanted = '/%s/hm_%s' % (partition.name, hm['id']) if hm and hm['admin_state_up'] else ''
    if (wanted and wanted not in monitor) or (not wanted and 'hm_' in monitor):
        found.append('pool %s monitor %r, expected %r' % (name, monitor, wanted))
    return found


def _member(pool_name, member, body, pool_up):
    found = []
    # A disabled pool marks every member down (docs/mapping.md, Pool).
    up = member['admin_state_up'] and pool_up
    if body.get('description') != member['id']:
        found.append('pool %s member %s description %r' % (pool_name, body['name'],
                                                           body.get('description')))
    if member['weight'] and body.get('ratio') != member['weight']:
        found.append('pool %s member %s ratio %s, weight %s'
                     % (pool_name, body['name'], body.get('ratio'), member['weight']))
    if (body.get('state') == 'user-down') == up:
        found.append('pool %s member %s state %s, expected %s'
                     % (pool_name, body['name'], body.get('state'), 'up' if up else 'user-down'))
    return found


def _monitor(hm, partition):
    name = 'hm_%s' % hm['id']
    body = partition.get(MONITOR_COLLECTION[hm['type']], name)
    if body is None:
        return ['no %s %s (%s health monitor)'
                % (MONITOR_COLLECTION[hm['type']], name, hm['type'])]
    found = []
    if body.get('interval') != hm['delay']:
        found.append('monitor %s interval %s, delay %s'
                     % (name, body.get('interval'), hm['delay']))
    if hm['type'] in ('HTTP', 'HTTPS'):
        request = '%s %s ' % (hm['http_method'], hm['url_path'])
        if not body.get('send', '').startswith(request):
            found.append('monitor %s send %r, expected it to start with %r'
                         % (name, body.get('send'), request))
    return found


def _nodes(state, partition):
    used = {_normal(m['address']) for members in state['members'].values() for m in members}
    on_device = {_normal(_bare(n)) for n in partition.names('ltm/node')}
    if used != on_device:
        return ['nodes %s, members use %s' % (sorted(on_device), sorted(used))]
    return []


def mismatches(state, partition):
    """Every difference between the project's Octavia objects and the device's partition."""
    found = stale(state, partition)
    lbs = {lb['id']: lb for lb in _live(state['loadbalancers'])}
    for lb in lbs.values():
        found += _loadbalancer(lb, partition)
    for listener in _live(state['listeners']):
        lb = lbs.get(listener['loadbalancers'][0]['id'])
        if lb is None:
            continue
        found += _virtual(listener, lb, partition)
        policies = [p for p in state['l7policies'] if p['listener_id'] == listener['id']]
        found += _l7(listener, _live(policies), state['l7rules'], partition)
    hms = {hm['pools'][0]['id']: hm for hm in state['healthmonitors'] if hm['pools']}
    for pool in _live(state['pools']):
        hm = hms.get(pool['id'])
        found += _pool(pool, state['members'].get(pool['id'], []), hm, partition)
    for hm in _live(state['healthmonitors']):
        found += _monitor(hm, partition)
    return found + _nodes(state, partition)
