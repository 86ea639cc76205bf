# SPDX-License-Identifier: Apache-2.0
"""The transport and HTTP profiles of a listener's virtual server, and its four timeouts.

Every TCP-based listener is a full proxy with its own client-side and server-side tcp
profiles, so that the client and member timeouts can differ:

* timeout_client_data -> client-side idleTimeout; timeout_member_data -> server-side
  idleTimeout (whole seconds; other values are refused, not rounded). 0 (HAProxy: no
  timeout) is tcp idleTimeout 0 / udp "indefinite": never idle out.
* timeout_member_connect -> server-side synRtoBase (ms) with synMaxRetrans 0: BIG-IP gives up a
  member connection when no SYN-ACK came within synRtoBase, which is the connect timeout.
  synRtoBase takes 0-5000 ms (F5's bigip_profile_tcp module documents the range), so 1-5000
  is accepted; longer waits would need SYN retransmissions on BIG-IP's own backoff table,
  which no longer adds up to the value asked for, and 0 (wait forever) has no equivalent.
* timeout_tcp_inspect: any value is accepted and nothing is written. HAProxy holds a new
  connection up to this long so that its content rules see more data; BIG-IP is a full proxy
  that runs its rules (HTTP_REQUEST iRules, LTM policies, persistence) as soon as the data
  they need has arrived, however long that takes within the client idle timeout, and TCP
  listeners have no content rules. BIG-IP therefore never decides on less data than HAProxy
  would, nor waits longer than the data needs: there is nothing to configure.
UDP listeners get a client-side and a server-side udp profile (the idle timeouts as above; a
connect and an inspect timeout mean nothing for UDP, as for Octavia's LVS). SCTP has one sctp
profile, so its client and member data timeouts must be equal. HTTP and TERMINATED_HTTPS add an
http profile (X-Forwarded-For insertion and HSTS live there) and the flavor's OneConnect
profile, if any.

Flavor: every profile inherits from the flavor's profile of its type (context.PROFILE_PARENTS)
or BIG-IP's built-in one. With fastl4_profile, TCP and HTTPS listeners are fastL4 virtual
servers instead: one fastl4 profile whose idleTimeout is both data timeouts (which must be
equal) and whose tcpHandshakeTimeout (whole seconds, 0 = indefinite) is timeout_member_connect.
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
MAX_SYN_RTO_BASE_MS = 5000
_FASTL4 = "the flavor's fastl4_profile makes this listener a fastL4 virtual server"


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


def is_fastl4(listener, ctx):
    """True when the flavor makes this TCP or HTTPS (pass-through) listener a fastL4 virtual."""
    return (ctx is not None and ctx.parent('fastl4') is not None
            and ip_protocol(listener) == 'tcp' and not speaks_http(listener))


def timeout(listener, field):
    value = listener.get(field)
    value = DEFAULT_TIMEOUTS[field] if value is None else value
    return validation.integer(field, value, 0, validation.MAX_TIMEOUT_MS)


def _seconds(listener, field):
    return validation.whole_seconds(field, timeout(listener, field))


def _one_idle_timeout(client, member, why):
    if client != member:
        raise exceptions.UnsupportedOption(
            'timeout_member_data', '%s, which has one idle timeout; it must equal '
                                   'timeout_client_data' % why)


def validate(listener, ctx=None):
    """Refuse timeouts the listener's profiles cannot express.

    ``ctx`` brings the flavor; without it a TCP or HTTPS listener is checked as a full proxy
    (its fastl4_profile rules are then checked when the mapping builds it).
    """
    ip = ip_protocol(listener)
    client = _seconds(listener, 'timeout_client_data')
    member = _seconds(listener, 'timeout_member_data')
    connect = timeout(listener, 'timeout_member_connect')
    timeout(listener, 'timeout_tcp_inspect')  # range-checked; no BIG-IP setting (docstring)
    if is_fastl4(listener, ctx):
        _one_idle_timeout(client, member, _FASTL4)
        validation.whole_seconds('timeout_member_connect', connect)
    elif ip == 'tcp' and not 1 <= connect <= MAX_SYN_RTO_BASE_MS:
        raise exceptions.UnsupportedOption(
            'timeout_member_connect', 'BIG-IP waits 1-%d ms for a member connection (the '
                                      'SYN retransmission timeout of its tcp profile); got %d'
                                      % (MAX_SYN_RTO_BASE_MS, connect))
    elif ip == 'sctp':
        _one_idle_timeout(client, member, 'an SCTP virtual server has one sctp profile')
        if not client:
            raise exceptions.UnsupportedOption('timeout_client_data',
                                               'an SCTP idle timeout of 0 is not supported')


def _idle(kind, seconds):
    if kind in ('tcp', 'sctp'):
        return seconds
    # udp and fastL4 profiles keep their timeouts as strings and name "no timeout" in words.
    return str(seconds) if seconds else 'indefinite'


def _profile(kind, listener, ctx, role, **fields):
    return resource.make('ltm/profile/%s' % kind, ctx.partition,
                         names.listener_object(listener['listener_id'], role),
                         defaultsFrom=ctx.parent(kind), **fields)


def _transport(listener, ctx):
    """[(profile, context)] of the listener's transport profiles."""
    client = _seconds(listener, 'timeout_client_data')
    member = _seconds(listener, 'timeout_member_data')
    if is_fastl4(listener, ctx):
        connect = _seconds(listener, 'timeout_member_connect')
        return [(_profile('fastl4', listener, ctx, 'fastl4', idleTimeout=_idle('fastl4', client),
                          tcpHandshakeTimeout=_idle('fastl4', connect)), 'all')]
    ip = ip_protocol(listener)
    if ip == 'sctp':
        return [(_profile('sctp', listener, ctx, 'sctp', idleTimeout=client), 'all')]
    server_fields = {}
    if ip == 'tcp':
        server_fields = {'synRtoBase': timeout(listener, 'timeout_member_connect'),
                         'synMaxRetrans': 0}
    return [
        (_profile(ip, listener, ctx, 'client_%s' % ip, idleTimeout=_idle(ip, client)),
         'clientside'),
        (_profile(ip, listener, ctx, 'server_%s' % ip, idleTimeout=_idle(ip, member),
                  **server_fields), 'serverside'),
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
    """(resources, profile references) of the transport, http and OneConnect profiles."""
    validate(listener, ctx)
    items, refs = [], []
    for item, context in _transport(listener, ctx):
        items.append(item)
        refs.append({'name': item.full_path, 'context': context})
    if speaks_http(listener):
        item = _profile('http', listener, ctx, 'http',
                        insertXforwardedFor='enabled' if insert_xff else 'disabled',
                        hsts=_hsts(listener))
        items.append(item)
        refs.append({'name': item.full_path, 'context': 'all'})
        oneconnect = ctx.parent('one-connect')
        if oneconnect:
            # Attached as the operator made it: nothing of it depends on the listener.
            refs.append({'name': oneconnect, 'context': 'all'})
    return items, refs
