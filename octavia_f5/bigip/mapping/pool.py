# SPDX-License-Identifier: Apache-2.0
"""Pool -> its monitor(s) and the BIG-IP pool with its members inline.

* lb_algorithm: ROUND_ROBIN -> round-robin, LEAST_CONNECTIONS -> least-connections-member;
  as soon as member weights differ, their ratio variants (BIG-IP's plain modes ignore ratio,
  Octavia's algorithms are weighted). SOURCE_IP is a hash persistence profile on the
  listener (see persistence); the pool itself balances as ROUND_ROBIN would.
* SOURCE_IP_PORT is refused: see REJECTED_ALGORITHMS.
* slowRampTime 0: BIG-IP would otherwise ramp a new member up over 10 s, which Octavia's
  algorithms do not do.
* protocol, session persistence and TLS of a pool are carried out by the virtual servers that
  use it (listener mapping); the pool object itself does not carry them.
"""

from octavia_f5.bigip.mapping import escape
from octavia_f5.bigip.mapping import member
from octavia_f5.bigip.mapping import monitor
from octavia_f5.bigip.mapping import persistence
from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip.mapping import tls
from octavia_f5.bigip.mapping import validation
from octavia_f5.bigip import names
from octavia_f5.common import exceptions

# Octavia algorithm -> (mode when all weights are equal, mode honouring different weights).
ALGORITHMS = {
    'ROUND_ROBIN': ('round-robin', 'ratio-member'),
    'LEAST_CONNECTIONS': ('least-connections-member', 'ratio-least-connections-member'),
    'SOURCE_IP': ('round-robin', 'ratio-member'),
}
REJECTED_ALGORITHMS = {
    # The SAP driver maps it silently to round robin (prior-art.md 1.8); that is no hash.
    'SOURCE_IP_PORT': 'BIG-IP has no load-balancing method or persistence that hashes the '
                      'client address and port; use SOURCE_IP or ROUND_ROBIN',
}
PROTOCOLS = ('TCP', 'HTTP', 'HTTPS', 'PROXY', 'PROXYV2', 'UDP', 'SCTP')


def validate(pool):
    """Refuse what a BIG-IP pool and its virtual servers cannot express."""
    names.check_id('pool_id', pool.get('pool_id'))
    validation.supported('protocol', validation.required(pool, 'protocol'), PROTOCOLS)
    algorithm = validation.required(pool, 'lb_algorithm')
    if algorithm in REJECTED_ALGORITHMS:
        raise exceptions.UnsupportedOption('lb_algorithm', '%s: %s' % (
            algorithm, REJECTED_ALGORITHMS[algorithm]))
    validation.supported('lb_algorithm', algorithm, ALGORITHMS)
    persistence.validate(pool)
    tls.validate_pool(pool)
    for item in pool.get('members') or ():
        member.validate(item)
    if pool.get('healthmonitor'):
        monitor.validate(pool['healthmonitor'])


def load_balancing_mode(pool):
    plain, weighted = ALGORITHMS[pool['lb_algorithm']]
    weights = {member.weight(m) or 1 for m in pool.get('members') or ()}
    return weighted if len(weights) > 1 else plain


def resources(pool, ctx):
    """[monitors of its health monitor..., the pool with its members].

    Nodes are not listed: BIG-IP creates them with the members, and whether one may go
    depends on every pool of the partition (see member.nodes).
    """
    validate(pool)
    items = []
    healthmonitor = pool.get('healthmonitor')
    if healthmonitor:
        items.extend(monitor.resources(healthmonitor, pool.get('members') or (), ctx))
    members = member.bodies(pool, ctx)
    items.append(resource.make(
        'ltm/pool', ctx.partition, names.pool(pool['pool_id']),
        description=escape.description(pool.get('name'), pool.get('description')),
        loadBalancingMode=load_balancing_mode(pool),
        monitor=monitor.pool_monitor_reference(healthmonitor, ctx),
        minActiveMembers=1 if member.uses_priority_groups(pool.get('members') or ()) else 0,
        slowRampTime=0,
        members=members))
    return items
