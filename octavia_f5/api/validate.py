# SPDX-License-Identifier: Apache-2.0
"""Synchronous checks of a request, through the mapping's own rules (one source of truth).

Each function takes the object as it will be after the call (for an update: the old object with
the changed fields) and raises UnsupportedOption or InvalidValue naming the field.
"""

from octavia_f5.bigip.mapping import context
from octavia_f5.bigip.mapping import l7rules
from octavia_f5.bigip.mapping import listener as listener_mapping
from octavia_f5.bigip.mapping import loadbalancer as loadbalancer_mapping
from octavia_f5.bigip.mapping import member as member_mapping
from octavia_f5.bigip.mapping import monitor
from octavia_f5.bigip.mapping import pool as pool_mapping


def loadbalancer(lb):
    """A load balancer, with every child of a fully populated create.

    Its flavor was checked by validate_flavor when Octavia applied it. A fully populated create
    carries the whole graph and the flavor, so the whole mapping runs on it here: every
    refusal that needs the load balancer, the pools or the flavor (VIP family of allowed_cidrs,
    traits shared by a listener's pools, fastL4 limits) is answered in the API call.
    """
    loadbalancer_update(lb)
    ctx = context.Context(project_id=lb.get('project_id') or '0',
                          flavor=lb.get('flavor') or {})
    pools = lb.get('pools') or []
    for item in pools:
        pool(item)
        pool_mapping.resources(item, ctx)
    for item in lb.get('listeners') or ():
        listener_mapping.validate(item, ctx)
        for policy in item.get('l7policies') or ():
            l7policy(policy)
        listener_mapping.resources(item, lb, _listener_pools(item, pools), ctx)


def _listener_pools(item, pools):
    """The pools of the load balancer plus the listener's nested default pool."""
    default = item.get('default_pool')
    if default and default.get('pool_id') not in {p.get('pool_id') for p in pools}:
        return pools + [default]
    return pools


def loadbalancer_update(lb):
    loadbalancer_mapping.validate(lb)


def vip_port(vip):
    """The VIP dictionary of create_vip_port, before Octavia allocates the port."""
    loadbalancer_mapping.vip_port_options(vip)


def listener(obj):
    listener_mapping.validate(obj)


def pool(obj):
    """A pool with its members and health monitor, if it carries them."""
    pool_mapping.validate(obj)


def member(obj):
    member_mapping.validate(obj)


def members(objs):
    for obj in objs:
        member_mapping.validate(obj)


def healthmonitor(obj):
    monitor.validate(obj)


def l7policy(obj):
    """A policy with its rules."""
    l7rules.validate_policy(obj)
    for rule in obj.get('rules') or ():
        l7rule(rule)


def l7rule(obj):
    l7rules.validate_rule(obj)
