# SPDX-License-Identifier: Apache-2.0
"""Synchronous checks of a request, through the mapping's own rules (one source of truth).

Each function takes the object as it will be after the call (for an update: the old object with
the changed fields) and raises UnsupportedOption or InvalidValue naming the field.
"""

from octavia_f5.bigip.mapping import context
from octavia_f5.bigip.mapping import escape
from octavia_f5.bigip.mapping import l7rules
from octavia_f5.bigip.mapping import listener as listener_mapping
from octavia_f5.bigip.mapping import loadbalancer as loadbalancer_mapping
from octavia_f5.bigip.mapping import member as member_mapping
from octavia_f5.bigip.mapping import monitor
from octavia_f5.bigip.mapping import pool as pool_mapping
from octavia_f5.bigip.mapping import validation
from octavia_f5.common import exceptions

# Octavia's database columns of text its API does not bound (octavia/db/models.py). It writes
# an update after the provider accepted it: longer text fails there with HTTP 500 while the
# job is already posted.
OCTAVIA_COLUMNS = {'url_path': 255, 'expected_codes': 64, 'redirect_url': 255,
                   'redirect_prefix': 255}


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
    # resources() starts with the object's own validate() (pool: members and health monitor
    # too; listener: its L7 policies and rules): validating before it would do it all twice,
    # and the fully populated create is the one call whose latency that doubled.
    for item in pools:
        _key_pairs(item)
        pool_mapping.resources(item, ctx)
    for item in lb.get('listeners') or ():
        _key_pairs(item)
        listener_mapping.resources(item, lb, _listener_pools(item, pools), ctx)


def _listener_pools(item, pools):
    """The pools of the load balancer plus the listener's nested default pool."""
    default = item.get('default_pool')
    if default and default.get('pool_id') not in {p.get('pool_id') for p in pools}:
        return pools + [default]
    return pools


def _names(obj):
    """Name and description, which Octavia writes after the provider accepted an update."""
    escape.check_name('name', obj.get('name'))
    escape.check_name('description', obj.get('description'))


def _columns(obj):
    for field, length in OCTAVIA_COLUMNS.items():
        value = obj.get(field)
        if isinstance(value, str) and len(value) > length:
            raise exceptions.InvalidValue(field, 'at most %d characters: Octavia stores no '
                                                 'more' % length)


def _key_pairs(obj):
    """Certificate and key of each TLS container of a listener or pool belong together."""
    for field in ('default_tls_container_data', 'tls_container_data'):
        validation.key_pair(field, obj.get(field))
    for container in obj.get('sni_container_data') or ():
        validation.key_pair('sni_container_data', container)


def loadbalancer_update(lb):
    _names(lb)
    loadbalancer_mapping.validate(lb)


def vip_port(vip):
    """The VIP dictionary of create_vip_port, before Octavia allocates the port."""
    loadbalancer_mapping.vip_port_options(vip)


def listener(obj):
    _names(obj)
    _key_pairs(obj)
    listener_mapping.validate(obj)


def pool(obj):
    """A pool with its members and health monitor, if it carries them."""
    _names(obj)
    _key_pairs(obj)
    pool_mapping.validate(obj)


def member(obj):
    _names(obj)
    member_mapping.validate(obj)


def members(objs):
    for obj in objs:
        member(obj)


def healthmonitor(obj):
    _names(obj)
    _columns(obj)
    monitor.validate(obj)


def l7policy(obj):
    """A policy with its rules."""
    _names(obj)
    _columns(obj)
    l7rules.validate_policy(obj)
    for rule in obj.get('rules') or ():
        l7rule(rule)


def l7rule(obj):
    l7rules.validate_rule(obj)


def l7policy_on_listener(policy, protocol):
    """A policy on a listener of ``protocol`` (None: unknown, left to the worker)."""
    if protocol:
        l7rules.check_listener({'protocol': protocol}, [policy])


def l7rule_on_listener(rule, protocol):
    """A rule under a policy whose listener has ``protocol`` (None: unknown)."""
    if protocol:
        l7rules.check_listener({'protocol': protocol}, [{'rules': [rule]}])
