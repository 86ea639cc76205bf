# SPDX-License-Identifier: Apache-2.0
"""The transport and HTTP profiles of a listener's virtual server, and its four timeouts.

Every TCP-based listener is a full proxy with its own client-side and server-side tcp
profiles, so that the client and member timeouts can differ:

* timeout_client_data -> client-side idleTimeout; timeout_member_data -> server-side
  idleTimeout (whole seconds; other values are refused, not rounded). 0 (HAProxy: no
  timeout) is tcp idleTimeout 0 / udp "indefinite": never idle out.
* timeout_member_connect -> server-side synRtoBase (ms) with synMaxRetrans 0: BIG-IP gives up a
  member connection when no SYN-ACK came within synRtoBase, which is the connect timeout.
* timeout_tcp_inspect: BIG-IP chooses the member when the connection (or the HTTP request)
  is there and never waits for more data, so only 0 is accepted.
UDP listeners get a client-side and a server-side udp profile (the idle timeouts as above; a
connect and an inspect timeout mean nothing for UDP). SCTP has one sctp profile, so its client
and member data timeouts must be equal. HTTP and TERMINATED_HTTPS add an http profile:
X-Forwarded-For insertion and HSTS live there.
"""

from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip.mapping import validation
from octavia_f5.bigip import names
from octavia_f5.common import exceptions

# Octavia listener protocol -> (BIG-IP ipProtocol, the listener speaks HTTP to clients).
PROTOCOLS = {
    'TCP': ('tcp', False),
    'HTTP': ('tcp', True),
    'HTTPS': ('tcp', False),  # TLS pass-through: BIG-IP relays the bytes
    'TERMINATED_HTTPS': ('tcp', True),
    'UDP': ('udp', False),
    'SCTP': ('sctp', False),
}
REJECTED_PROTOCOLS = {
    'PROMETHEUS': 'BIG-IP cannot serve the Prometheus metrics endpoint of an Octavia '
                  'amphora; read BIG-IP statistics through its own exporters instead',
}
# Octavia's [haproxy_amphora] defaults, which its API fills in when the user gives none.
DEFAULT_TIMEOUTS = {'timeout_client_data': 50000, 'timeout_member_connect': 5000,
                    'timeout_member_data': 50000, 'timeout_tcp_inspect': 0}


def protocol(listener):
    """The listener's protocol, refused with a reason when BIG-IP cannot serve it."""
    value = validation.required(listener, 'protocol')
    if value in REJECTED_PROTOCOLS:
        raise exceptions.UnsupportedOption('protocol', '%s: %s'
                                           % (value, REJECTED_PROTOCOLS[value]))
    return validation.supported('protocol', value, PROTOCOLS)


def ip_protocol(listener):
    return PROTOCOLS[protocol(listener)][0]


def speaks_http(listener):
    return PROTOCOLS[protocol(listener)][1]


def timeout(listener, field):
    value = listener.get(field)
    return DEFAULT_TIMEOUTS[field] if value is None else value


def _seconds(listener, field):
    return validation.whole_seconds(field, timeout(listener, field))


def validate(listener):
    """Refuse timeouts the listener's profiles cannot express."""
    ip = ip_protocol(listener)
    client, member = (_seconds(listener, f) for f in ('timeout_client_data',
                                                      'timeout_member_data'))
    if ip == 'tcp':
        if timeout(listener, 'timeout_tcp_inspect'):
            raise exceptions.UnsupportedOption(
                'timeout_tcp_inspect', 'BIG-IP never delays the choice of a member to '
                                       'inspect more data; only 0 is supported')
        connect = timeout(listener, 'timeout_member_connect')
        validation.integer('timeout_member_connect', connect, 0, 31536000000)
        if not connect:
            raise exceptions.UnsupportedOption(
                'timeout_member_connect', 'BIG-IP cannot wait for a member connection '
                                          'without limit; give a timeout in ms')
    elif ip == 'sctp':
        if client != member:
            raise exceptions.UnsupportedOption(
                'timeout_member_data', 'an SCTP virtual server has one idle timeout; it must '
                                       'equal timeout_client_data')
        if not client:
            raise exceptions.UnsupportedOption('timeout_client_data',
                                               'an SCTP idle timeout of 0 is not supported')


def _idle(ip, seconds):
    if ip == 'udp':
        # The udp profile keeps its timeout as a string and names "no timeout" in words.
        return str(seconds) if seconds else 'indefinite'
    return seconds


def _transport(listener, ctx):
    ip = ip_protocol(listener)
    lid = listener['listener_id']
    client = _seconds(listener, 'timeout_client_data')
    member = _seconds(listener, 'timeout_member_data')
    collection = 'ltm/profile/%s' % ip
    parent = '/Common/%s' % ip
    if ip == 'sctp':
        return [(resource.make(collection, ctx.partition, names.listener_object(lid, 'sctp'),
                               defaultsFrom=parent, idleTimeout=client), 'all')]
    server_fields = {}
    if ip == 'tcp':
        server_fields = {'synRtoBase': timeout(listener, 'timeout_member_connect'),
                         'synMaxRetrans': 0}
    return [
        (resource.make(collection, ctx.partition,
                       names.listener_object(lid, 'client_%s' % ip), defaultsFrom=parent,
                       idleTimeout=_idle(ip, client)), 'clientside'),
        (resource.make(collection, ctx.partition,
                       names.listener_object(lid, 'server_%s' % ip), defaultsFrom=parent,
                       idleTimeout=_idle(ip, member), **server_fields), 'serverside'),
    ]


def _hsts(listener):
    max_age = listener.get('hsts_max_age')
    if listener.get('protocol') != 'TERMINATED_HTTPS' or max_age is None:
        return {'mode': 'disabled'}
    validation.integer('hsts_max_age', max_age, 0, 2147483647)
    flag = {True: 'enabled', False: 'disabled'}
    return {'mode': 'enabled', 'maximumAge': max_age,
            'includeSubdomains': flag[bool(listener.get('hsts_include_subdomains'))],
            'preload': flag[bool(listener.get('hsts_preload'))]}


def resources(listener, ctx, insert_xff=False):
    """(resources, profile references) of the transport profiles and the http profile."""
    validate(listener)
    items, refs = [], []
    for item, context in _transport(listener, ctx):
        items.append(item)
        refs.append({'name': item.full_path, 'context': context})
    if speaks_http(listener):
        item = resource.make(
            'ltm/profile/http', ctx.partition,
            names.listener_object(listener['listener_id'], 'http'),
            defaultsFrom='/Common/http',
            insertXforwardedFor='enabled' if insert_xff else 'disabled',
            hsts=_hsts(listener))
        items.append(item)
        refs.append({'name': item.full_path, 'context': 'all'})
    return items, refs
