# SPDX-License-Identifier: Apache-2.0
"""The rules mcpd checks on a whole virtual server: profiles, SNI, persistence, iRule events,
policies and the uniqueness of its destination.
"""

from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import profiles
from octavia_f5.simulator.backend import store

P = profiles.PROFILE
EXCLUSIVE = {'enabled': 'disabled', 'disabled': 'enabled',
             'vlansEnabled': 'vlansDisabled', 'vlansDisabled': 'vlansEnabled'}
TRANSPORTS = {P + 'tcp': 'tcp', P + 'udp': 'udp', P + 'sctp': 'sctp', P + 'fastl4': 'fastl4'}
ALLOWED = {'tcp': ('tcp', 'fastl4'), 'udp': ('udp', 'fastl4'), 'sctp': ('sctp',)}
NEEDS_TCP = frozenset((P + 'http', P + 'http2', P + 'client-ssl', P + 'server-ssl',
                       P + 'one-connect'))
# Several SSL profiles may sit on one virtual (SNI); any other type only once per side.
MULTIPLE = frozenset((P + 'client-ssl', P + 'server-ssl'))
# iRule event prefixes and the profile each needs on the virtual (reference 3.17).
EVENT_NEEDS = (('HTTP_', P + 'http', 'HTTP or FASTHTTP'),
               ('CLIENTSSL_', P + 'client-ssl', 'CLIENTSSL'),
               ('SERVERSSL_', P + 'server-ssl', 'SERVERSSL'))
POLICY_NEEDS = {'http': (P + 'http', 'HTTP'), 'client-ssl': (P + 'client-ssl', 'CLIENTSSL'),
                'server-ssl': (P + 'server-ssl', 'SERVERSSL')}


def check(cfg, vs):
    items = list(store.sub_items(vs, 'profiles').values())
    types = {item['_type'] for item in items}
    check_profiles(vs, items)
    check_sni(cfg, vs, items)
    if cfg.get(profiles.PERSIST + 'cookie', vs.get('_persist')) and P + 'http' not in types:
        raise errors.bad_request('01070309:3: Cookie persistence requires an HTTP or FastHTTP '
                                 'profile to be associated with the virtual server.',
                                 errors.MCPD)
    check_rules(cfg, vs, types)
    check_policies(cfg, vs, types)
    check_destination(cfg, vs)


def incompatible(vs):
    # The text is BIG-IP's (reference 3.6); the message id is [U].
    return errors.bad_request('01070097:3: Virtual server %s lists profiles incompatible with '
                              'its protocol.' % vs['fullPath'], errors.MCPD)


def check_profiles(vs, items):
    allowed = ALLOWED.get(vs['ipProtocol'], ('fastl4',))
    transports = [(TRANSPORTS[i['_type']], i['context']) for i in items
                  if i['_type'] in TRANSPORTS]
    if not transports or any(kind not in allowed for kind, _ in transports):
        raise incompatible(vs)
    if any(i['_type'] in NEEDS_TCP for i in items) and \
            not any(kind == 'tcp' for kind, _ in transports):
        raise incompatible(vs)
    seen = set()
    for item in items:
        kind = TRANSPORTS.get(item['_type'], item['_type'])
        sides = ('clientside', 'serverside') if item['context'] == 'all' else (item['context'],)
        for side in sides:
            key = ('transport' if kind in ALLOWED or kind == 'fastl4' else kind, side)
            if key in seen and item['_type'] not in MULTIPLE:
                raise errors.config_error('Virtual server %s has more than one %s profile on '
                                          'the %s.' % (vs['fullPath'], key[0], side))
            seen.add(key)
    if P + 'http2' in {i['_type'] for i in items} and \
            P + 'http' not in {i['_type'] for i in items}:
        raise errors.config_error('Virtual server %s has an HTTP/2 profile but no HTTP '
                                  'profile.' % vs['fullPath'])


def check_sni(cfg, vs, items):
    for coll, word in ((P + 'client-ssl', 'clientssl'), (P + 'server-ssl', 'serverssl')):
        ssl_items = [i for i in items if i['_type'] == coll]
        if len(ssl_items) < 2:
            continue
        defaults = [i for i in ssl_items
                    if cfg.get(coll, i['fullPath']).get('sniDefault') == 'true']
        if len(defaults) > 1:
            raise errors.bad_request('01071809:3: Virtual Server %s has more than one '
                                     'clientssl/serverssl profile that is default for SNI.'
                                     % vs['fullPath'], errors.MCPD)
        if not defaults:
            # [U] text: BIG-IP documents the rule, no capture of the message was found.
            raise errors.bad_request('01071808:3: Virtual server %s has more than one %s '
                                     'profile but none of them are default for SNI.'
                                     % (vs['fullPath'], word), errors.MCPD)


def check_rules(cfg, vs, types):
    for rule in vs.get('rules', ()):
        events = cfg.get('ltm/rule', rule)['_events']
        for prefix, needed, words in EVENT_NEEDS:
            for event in events:
                if event.startswith(prefix) and needed not in types:
                    raise errors.bad_request(
                        '01071912:3: %s event in rule (%s) requires an associated %s profile '
                        'on the virtual-server (%s).' % (event, rule, words, vs['fullPath']),
                        errors.MCPD)


def check_policies(cfg, vs, types):
    for path in store.sub_items(vs, 'policies'):
        pol = cfg.get('ltm/policy', path)
        for requirement in pol.get('requires', ()):
            needed, word = POLICY_NEEDS.get(requirement, (None, None))
            if needed and needed not in types:
                # [U] text.
                raise errors.bad_request('01071705:3: The policy (%s) requires an associated '
                                         '%s profile on the virtual-server (%s).'
                                         % (path, word, vs['fullPath']), errors.MCPD)


def destination_key(vs):
    """The configuration index key of the virtuals listening where vs listens."""
    return 'destination', vs['_ip'], vs['_rd'], vs['_port'], vs['source']


def check_destination(cfg, vs):
    """Two virtuals may not listen on the same address:port for the same clients (01070333)."""
    for path in sorted(cfg.lookup(destination_key(vs))):
        other = cfg.get('ltm/virtual', path)
        if path == vs['fullPath'] or other is None:
            continue
        protocols = {vs['ipProtocol'], other['ipProtocol']}
        if len(protocols) > 1 and 'any' not in protocols:
            continue
        if vlans_overlap(vs, other):
            raise errors.bad_request('01070333:3: Virtual Server %s illegally shares both '
                                     'address and vlan with Virtual Server %s.'
                                     % (vs['fullPath'], other['fullPath']), errors.MCPD)


def vlans_overlap(a, b):
    a_on, b_on = set(a.get('vlans', ())), set(b.get('vlans', ()))
    if a.get('vlansEnabled') and b.get('vlansEnabled'):
        return bool(a_on & b_on)
    if a.get('vlansEnabled'):
        return bool(a_on - b_on)
    if b.get('vlansEnabled'):
        return bool(b_on - a_on)
    return True
