# SPDX-License-Identifier: Apache-2.0
"""Session persistence and the SOURCE_IP algorithm -> persistence profiles of a virtual server.

BIG-IP persists per virtual server (``persist`` and ``fallbackPersistence``), not per pool, so
these objects belong to the listener and are built from the settings of the pool(s) it uses.
Their names carry the persistence type: all persistence profiles of a partition share one
namespace, so a change of type creates the new profile next to the old one, never over it.

* SOURCE_IP persistence -> source-addr profile: persistence_timeout -> timeout,
  persistence_granularity (a netmask) -> mask.
* HTTP_COOKIE -> cookie profile, method insert, a session cookie (expiration 0) without the
  Secure flag (BIG-IP's default "secure enabled" would break persistence on plain HTTP).
* APP_COOKIE -> universal profile whose iRule keys persistence records on the application's
  cookie (learned from responses, looked up in requests).
* The SOURCE_IP algorithm is a stateless hash of the client address, as HAProxy's
  ``balance source``: a source-addr profile with hash-algorithm carp (tmsh ltm persistence
  source-addr), as the primary profile or, next to cookie persistence, as the fallback that
  chooses the member when the cookie is absent.
"""

import ipaddress

from octavia_f5.bigip.mapping import escape
from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip.mapping import validation
from octavia_f5.bigip import names
from octavia_f5.common import exceptions

TYPES = ('SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE')
COOKIE_TYPES = ('HTTP_COOKIE', 'APP_COOKIE')
DEFAULT_TIMEOUT = 180  # BIG-IP's default record lifetime, restored when the user clears it

_APP_COOKIE_IRULE = '''when HTTP_REQUEST {
    if { [HTTP::cookie exists %(cookie)s] } {
        persist uie [HTTP::cookie value %(cookie)s]
    }
}
when HTTP_RESPONSE {
    if { [HTTP::cookie exists %(cookie)s] } {
        persist add uie [HTTP::cookie value %(cookie)s]
    }
}
'''


def validate(pool):
    """Refuse persistence settings BIG-IP cannot honour as asked."""
    persistence = pool.get('session_persistence')
    if not persistence:
        return
    kind = validation.supported('session_persistence.type', persistence.get('type'), TYPES)
    timeout = persistence.get('persistence_timeout')
    if timeout is not None:
        if kind == 'HTTP_COOKIE':
            raise exceptions.UnsupportedOption(
                'session_persistence.persistence_timeout',
                'an inserted HTTP cookie lives as long as the client keeps it; BIG-IP keeps '
                'no record that could time out')
        validation.integer('session_persistence.persistence_timeout', timeout, 1, 31536000)
    granularity = persistence.get('persistence_granularity')
    if granularity is not None:
        if kind != 'SOURCE_IP':
            raise exceptions.UnsupportedOption(
                'session_persistence.persistence_granularity',
                'a netmask only applies to SOURCE_IP persistence')
        _netmask(granularity)
    name = persistence.get('cookie_name')
    if kind == 'APP_COOKIE':
        field = 'session_persistence.cookie_name'
        escape.check_token(field, validation.required(persistence, 'cookie_name', field))
    elif name is not None:
        if kind == 'SOURCE_IP':
            raise exceptions.UnsupportedOption('session_persistence.cookie_name',
                                               'SOURCE_IP persistence uses no cookie')
        escape.check_token('session_persistence.cookie_name', name)


def _netmask(value):
    try:
        network = ipaddress.ip_network('%s/%s' % ('0.0.0.0' if '.' in value else '::', value))
    except (TypeError, ValueError):
        raise exceptions.InvalidValue('session_persistence.persistence_granularity',
                                      'a netmask such as 255.255.255.0 is required')
    return str(network.netmask)


def needs_http(pool):
    persistence = (pool or {}).get('session_persistence') or {}
    return persistence.get('type') in COOKIE_TYPES


def _reference(ctx, name):
    return {'name': name, 'partition': ctx.partition, 'tmDefault': 'yes'}


def _source_addr(ctx, name, persistence, carp):
    persistence = persistence or {}
    granularity = persistence.get('persistence_granularity')
    return resource.make(
        'ltm/persistence/source-addr', ctx.partition, name,
        defaultsFrom='/Common/source_addr',
        hashAlgorithm='carp' if carp else 'default',
        mask=_netmask(granularity) if granularity else 'none',
        timeout=str(persistence.get('persistence_timeout') or DEFAULT_TIMEOUT))


def _cookie(ctx, name, persistence):
    return resource.make(
        'ltm/persistence/cookie', ctx.partition, name,
        defaultsFrom='/Common/cookie', method='insert',
        cookieName=persistence.get('cookie_name') or 'none',
        expiration='0', secure='disabled')


def _app_cookie(ctx, listener_id, name, persistence):
    rule = names.listener_object(listener_id, 'app_cookie')
    cookie = escape.tcl_quote(persistence['cookie_name'])
    return [
        resource.make('ltm/rule', ctx.partition, rule,
                      apiAnonymous=_APP_COOKIE_IRULE % {'cookie': cookie}),
        resource.make('ltm/persistence/universal', ctx.partition, name,
                      defaultsFrom='/Common/universal',
                      rule=names.full_path(ctx.partition, rule),
                      timeout=str(persistence.get('persistence_timeout') or DEFAULT_TIMEOUT)),
    ]


def resources(listener_id, pool, ctx):
    """(resources, virtual fields) for the virtual server whose traffic goes to ``pool``.

    The fields are ``persist`` (a list, empty for none) and ``fallbackPersistence`` ('' for
    none), always both, so that a PATCH also removes what is no longer wanted.
    """
    fields = {'persist': [], 'fallbackPersistence': ''}
    if not pool:
        return [], fields
    validate(pool)
    persistence = pool.get('session_persistence') or {}
    kind = persistence.get('type')
    hashed = pool.get('lb_algorithm') == 'SOURCE_IP'
    items = []
    if kind == 'SOURCE_IP' or (hashed and not kind):
        main = names.listener_object(listener_id, 'persist_source_ip')
        items.append(_source_addr(ctx, main, persistence, hashed))
    elif kind == 'HTTP_COOKIE':
        main = names.listener_object(listener_id, 'persist_cookie')
        items.append(_cookie(ctx, main, persistence))
    elif kind == 'APP_COOKIE':
        main = names.listener_object(listener_id, 'persist_app_cookie')
        items.extend(_app_cookie(ctx, listener_id, main, persistence))
    if items:
        fields['persist'] = [_reference(ctx, main)]
    if hashed and kind in COOKIE_TYPES:
        fallback = names.listener_object(listener_id, 'source_ip_hash')
        items.append(_source_addr(ctx, fallback, None, True))
        fields['fallbackPersistence'] = names.full_path(ctx.partition, fallback)
    return items, fields
