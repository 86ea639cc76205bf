# SPDX-License-Identifier: Apache-2.0
"""Listener -> virtual server, with everything attached to it (profiles, TLS, iRules, policy).

The virtual server carries what BIG-IP keeps per virtual server and Octavia keeps per pool:
persistence, the SOURCE_IP hash, server-side TLS and the PROXY protocol. They are taken from
the pool(s) the listener sends traffic to (its default pool and the pools of its active
REDIRECT_TO_POOL policies), which must therefore agree on them (``_POOL_TRAITS``); otherwise
the listener is refused rather than silently given one pool's settings for all.
"""

from octavia_f5.bigip.mapping import escape
from octavia_f5.bigip.mapping import irules
from octavia_f5.bigip.mapping import l7policy
from octavia_f5.bigip.mapping import l7rules
from octavia_f5.bigip.mapping import loadbalancer as lb_mapping
from octavia_f5.bigip.mapping import persistence
from octavia_f5.bigip.mapping import profiles
from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip.mapping import tls
from octavia_f5.bigip.mapping import validation
from octavia_f5.bigip import names
from octavia_f5.common import exceptions

# Pool settings a virtual server applies to every pool it uses.
_POOL_TRAITS = {
    'session_persistence': lambda p: sorted((p.get('session_persistence') or {}).items()),
    'lb_algorithm SOURCE_IP': lambda p: p.get('lb_algorithm') == 'SOURCE_IP',
    'PROXY protocol': lambda p: p.get('protocol') in irules.PROXY_TEMPLATES and p['protocol'],
    'TLS settings': lambda p: bool(p.get('tls_enabled')) and (
        (p.get('tls_container_data') or {}).get('id'), p.get('ca_tls_container_data'),
        p.get('crl_container_data'), p.get('tls_versions'), p.get('tls_ciphers')),
}


def validate(listener, ctx=None):
    """Refuse what a virtual server cannot express (also the API driver's check).

    ``ctx``, when given, brings the load balancer's flavor (fastl4_profile changes what a TCP
    listener can express). Checks needing the load balancer or the pools (VIP version of
    allowed_cidrs, pool traits) happen in resources().
    """
    names.check_id('listener_id', listener.get('listener_id'))
    validation.port('protocol_port', validation.required(listener, 'protocol_port'))
    profiles.validate(listener, ctx)
    limit = listener.get('connection_limit')
    if limit is not None:
        validation.integer('connection_limit', limit, -1, 2147483647)
    tls.validate_listener(listener)
    irules.inserted_headers(listener)
    for cidr in listener.get('allowed_cidrs') or ():
        validation.ip_network('allowed_cidrs', cidr)
    l7policy.validate(listener)


def _pools_used(listener, pools):
    """The default pool and the L7 redirect pools, as dicts, in that order."""
    by_id = {p['pool_id']: p for p in pools}
    default = listener.get('default_pool')
    if default and default.get('pool_id'):
        by_id.setdefault(default['pool_id'], default)
    used = []
    for pool_id in [listener.get('default_pool_id')] + l7rules.redirect_pool_ids(listener):
        if pool_id is None or any(p['pool_id'] == pool_id for p in used):
            continue
        if pool_id not in by_id:
            raise ValueError('listener %s uses pool %s, which was not passed to the mapping'
                             % (listener['listener_id'], pool_id))
        used.append(by_id[pool_id])
    return used


def _traits_pool(listener, pools):
    """The pool whose per-virtual settings the virtual server applies (None without pools)."""
    used = _pools_used(listener, pools)
    for other in used[1:]:
        for trait, value in _POOL_TRAITS.items():
            if value(other) != value(used[0]):
                raise exceptions.UnsupportedOption(
                    'redirect_pool_id', 'pools %s and %s differ in %s; BIG-IP applies '
                    'persistence, the SOURCE_IP hash, server-side TLS and the PROXY protocol '
                    'per virtual server, so all pools of one listener must agree on them'
                    % (used[0]['pool_id'], other['pool_id'], trait))
    return used[0] if used else None


def _snat(ctx):
    mode, pool = ctx.snat()
    if mode == 'snatpool':
        return {'type': 'snat', 'pool': pool}
    return {'type': mode}


def resources(listener, loadbalancer, pools, ctx):
    """[files, profiles, persistence, data group, iRules, policy, virtual server].

    ``pools``: the pool dicts the listener uses (default and L7 redirect pools; a
    ``default_pool`` inside the listener dict counts too). Creation order; delete in reverse.
    """
    validate(listener, ctx)
    lid = listener['listener_id']
    vip = lb_mapping.vip(loadbalancer)
    pool = _traits_pool(listener, pools)
    if persistence.needs_http(pool) and not profiles.speaks_http(listener):
        raise exceptions.UnsupportedOption(
            'session_persistence', 'cookie persistence needs an HTTP or TERMINATED_HTTPS '
                                   'listener')
    if (pool or {}).get('tls_enabled') and profiles.is_fastl4(listener, ctx):
        raise exceptions.UnsupportedOption(
            'tls_enabled', "re-encrypting to members needs a full proxy; the flavor's "
                           'fastl4_profile makes this listener a fastL4 virtual server')
    client_items, client_refs = tls.listener_resources(listener, ctx)
    server_items, server_refs = tls.pool_resources(lid, pool, ctx)
    header_items, header_rules, xff = irules.headers(listener, ctx)
    profile_items, profile_refs = profiles.resources(listener, ctx, insert_xff=xff)
    persist_items, persist_fields = persistence.resources(lid, pool, ctx)
    cidr_items, source, cidr_rules = irules.allowed_cidrs(listener, vip, ctx)
    proxy_items, proxy_rules = irules.proxy_protocol(listener, pool, ctx)
    l7_items, policies, l7_rules = l7policy.resources(listener, ctx)
    limit = listener.get('connection_limit')
    default_pool = listener.get('default_pool_id')
    state = {'enabled': True} if validation.enabled(listener) else {'disabled': True}
    virtual = resource.make(
        'ltm/virtual', ctx.partition, names.virtual(lid),
        description=escape.description(listener.get('name'), listener.get('description')),
        destination=names.full_path(ctx.partition, names.address_port(
            vip, ctx.route_domain, listener['protocol_port'])),
        mask=lb_mapping.HOST_MASK[vip.version],
        source=source,
        ipProtocol=profiles.ip_protocol(listener),
        # Octavia's -1 (unlimited) is BIG-IP's 0.
        connectionLimit=max(limit, 0) if limit is not None else 0,
        pool=names.full_path(ctx.partition, names.pool(default_pool)) if default_pool else '',
        profiles=profile_refs + client_refs + server_refs,
        # Access control first, then the operator's iRules, then the listener's own
        # (docs/mapping.md, "Flavor keys").
        rules=cidr_rules + ctx.irules() + header_rules + l7_rules + proxy_rules,
        policies=policies,
        sourceAddressTranslation=_snat(ctx),
        translateAddress='enabled',
        translatePort='enabled',
        **persist_fields, **state)
    return (client_items + server_items + profile_items + persist_items + cidr_items
            + header_items + proxy_items + l7_items + [virtual])
