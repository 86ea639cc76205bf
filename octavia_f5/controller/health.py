# SPDX-License-Identifier: Apache-2.0
"""Octavia operating statuses from a device snapshot: pure rules and their roll-up.

Octavia's meanings (API reference, "Operating status codes"; the amphora health manager,
``update_db.py``): ONLINE operating normally; OFFLINE administratively disabled; DRAINING a
member that takes no new connections; NO_MONITOR no health monitor, health unknown; ERROR
failed (a member failing its health checks, a pool whose members all do); DEGRADED one or
more components in ERROR. Hence a member whose monitor says down is ERROR, not OFFLINE, and
its pool, listener and load balancer are DEGRADED.

``None`` means "no news": the device does not know yet (a monitor still checking), and
whatever Octavia shows stays.
"""

from octavia_lib.common import constants as lib_consts

from octavia_f5.bigip import stats

ONLINE = lib_consts.ONLINE
OFFLINE = lib_consts.OFFLINE
DEGRADED = lib_consts.DEGRADED
ERROR = lib_consts.ERROR
DRAINING = lib_consts.DRAINING
NO_MONITOR = lib_consts.NO_MONITOR

# A pool member's `state` as a GET shows it (icontrol-rest.md 3.9: the admin value merged
# with the monitor result) -> operating status. Unlisted values are no news.
MEMBER_STATES = {
    'up': ONLINE,
    'fqdn-up': ONLINE,
    'down': ERROR,
    'fqdn-down': ERROR,
    'fqdn-up-no-addr': ERROR,
    # No monitor on the member or its pool: BIG-IP sends traffic without knowing.
    'unchecked': NO_MONITOR,
    # The first probes have not concluded yet.
    'checking': None,
    # Forced offline: admin_state_up false on the member or on its pool (mapping/member.py).
    'user-down': OFFLINE,
}
# `session` user-disabled with the member not forced down is BIG-IP's "disabled": existing
# and persisted connections only. The mapping writes it for weight 0, Octavia's drain.
DRAINED_SESSION = 'user-disabled'
# Statuses that keep a listener or load balancer from being ONLINE.
UNHEALTHY = frozenset((ERROR, DEGRADED))


def member_status(state, session):
    """The operating status of a pool member from its `state` and `session`."""
    status = MEMBER_STATES.get(state)
    if status == OFFLINE:
        return OFFLINE
    if session == DRAINED_SESSION and status != ERROR:
        # A failing member stays ERROR even when drained: its health is the news.
        return DRAINING
    return status


def pool_status(member_statuses):
    """A pool's status from its members' (None for a member with no news).

    No members: ONLINE, nothing in it fails (the SAP driver's ERROR for empty pools was
    reported as a bug, prior-art.md 1.11). All members administratively down: OFFLINE, the
    pool cannot serve, and BIG-IP shows a disabled pool exactly so (the mapping forces every
    member down). Otherwise among the members not disabled: all ERROR -> ERROR, some ->
    DEGRADED, none known -> no news.
    """
    statuses = list(member_statuses)
    if not statuses:
        return ONLINE
    serving = [s for s in statuses if s != OFFLINE]
    if not serving:
        return OFFLINE
    known = [s for s in serving if s is not None]
    if not known:
        return None
    if all(s == ERROR for s in known) and len(known) == len(serving):
        return ERROR
    if ERROR in known:
        return DEGRADED
    return ONLINE


def listener_status(enabled, loadbalancer_enabled, default_pool_status, full):
    """A listener's status.

    OFFLINE when it or its load balancer is disabled (a disabled virtual address stops every
    virtual server on it). DEGRADED when its default pool is DEGRADED or ERROR (a component
    in ERROR; ERROR is kept for the listener failing itself, and L7 redirects may still
    serve), or when it is at its connection limit (HAProxy's FULL, which Octavia reports so).
    """
    if not enabled or not loadbalancer_enabled:
        return OFFLINE
    if default_pool_status in UNHEALTHY or full:
        return DEGRADED
    return ONLINE


def loadbalancer_status(enabled, listener_statuses):
    """OFFLINE when disabled, DEGRADED when any listener is unhealthy, else ONLINE."""
    if not enabled:
        return OFFLINE
    if any(s in UNHEALTHY for s in listener_statuses):
        return DEGRADED
    return ONLINE


def is_full(listener):
    """At the connection limit (0 is unlimited on BIG-IP)."""
    limit = listener.connection_limit
    current = stats.counter(listener.counters or {}, stats.CURRENT_CONNECTIONS)
    return limit > 0 and current >= limit


def derive(snapshot):
    """{driver-agent kind: {id: status}} of every object the snapshot speaks for.

    Left out: objects with no news; pools that no listener uses as default pool (the device
    does not show whether an L7 policy sends traffic to them, so whether they are in use at
    all is the flows' to report); health monitors and L7 policies the device does not show
    (a disabled health monitor is detached from its pool; L7 policies would need more REST
    calls, and their status follows admin_state_up, which only flows change).
    """
    out = {kind: {} for kind in (lib_consts.MEMBERS, lib_consts.HEALTHMONITORS,
                                 lib_consts.POOLS, lib_consts.LISTENERS,
                                 lib_consts.LOADBALANCERS)}
    pools = {}
    for pool in snapshot.pools.values():
        members = [member_status(m.state, m.session) for m in pool.members]
        for member, status in zip(pool.members, members):
            out[lib_consts.MEMBERS][member.id] = status
        pools[pool.id] = pool_status(members)
        if pool.healthmonitor_id:
            # Attached to the pool means enabled (mapping/monitor.py detaches disabled ones).
            out[lib_consts.HEALTHMONITORS][pool.healthmonitor_id] = ONLINE
    by_lb = {}
    for listener in snapshot.listeners.values():
        lb = snapshot.loadbalancers.get(listener.loadbalancer_id)
        pool_state = pools.get(listener.pool_id)
        if listener.pool_id in pools:
            out[lib_consts.POOLS][listener.pool_id] = pool_state
        status = listener_status(listener.enabled, lb is None or lb.enabled, pool_state,
                                 is_full(listener))
        out[lib_consts.LISTENERS][listener.id] = status
        by_lb.setdefault(listener.loadbalancer_id, []).append(status)
    for lb in snapshot.loadbalancers.values():
        out[lib_consts.LOADBALANCERS][lb.id] = loadbalancer_status(lb.enabled,
                                                                   by_lb.get(lb.id, ()))
    return {kind: {i: s for i, s in found.items() if s is not None}
            for kind, found in out.items()}
