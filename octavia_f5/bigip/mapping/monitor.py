# SPDX-License-Identifier: Apache-2.0
"""Health monitor -> a BIG-IP monitor for the pool, plus one per member with a monitor address.

Timing (BIG-IP probes every ``interval`` and marks a member down when no probe succeeded for
``timeout`` seconds; interval must stay below timeout):

* delay -> interval.
* max_retries_down (fall) -> timeout = fall * delay + 1: exactly ``fall`` failed probes fit
  in the window (the SAP driver's rule; F5 recommends 3 * interval + 1, the Octavia default).
* max_retries (rise) -> timeUntilUp = (rise - 1) * delay: a member comes back after ``rise``
  consecutive good probes, the first of which starts the clock.
* timeout (Octavia's wait for one probe answer) has no BIG-IP field: a BIG-IP monitor has no
  per-probe deadline, only the window above, and counts every answer that arrives in it. Any
  timeout is accepted (octavia-tempest-plugin uses 3 with a delay of 2); a probe answered
  later than ``timeout`` but within the window counts as a success on BIG-IP.
* TLS-HELLO -> an https monitor with empty send and receive strings. BIG-IP's LTM monitors
  reference (HTTP/HTTPS settings): "If you do not specify both a Send String and a Receive
  String, the monitor performs a simple service check and connect only"; an https monitor
  connects with bigd's OpenSSL client, so the member is up when the TCP connection and the
  TLS handshake succeed. HAProxy's ssl-hello-chk (the amphora's TLS-HELLO) only waits for the
  server's hello; BIG-IP finishes the handshake, so a member that answers the hello but then
  fails it (one demanding a client certificate) is down here and up on an amphora. The send
  string must stay empty: with one and no receive string, BIG-IP 10.1+ requires a valid HTTP
  answer (SOL10904, ID 207411, per the DevCentral codeshare "HTTPS - Monitor SSL
  Handshake"), which is no TLS-only check.
* admin_state_up false: the monitor objects stay (so enabling is one pool PATCH), but the
  pool and its members do not use them, as Octavia's amphora stops checking.
"""

import re

from octavia_f5.bigip.mapping import escape
from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip.mapping import validation
from octavia_f5.bigip import names
from octavia_f5.common import exceptions

HTTP_CHECK = 'http'  # send a request built from http_method/url_path..., match the status
CONNECT_CHECK = 'connect'  # empty send and receive strings: up when the connection is made
# Octavia type -> (collection, parent monitor, check). TCP connects; TLS-HELLO connects over
# TLS (module docstring).
TYPES = {
    'HTTP': ('ltm/monitor/http', '/Common/http', HTTP_CHECK),
    'HTTPS': ('ltm/monitor/https', '/Common/https', HTTP_CHECK),
    'TLS-HELLO': ('ltm/monitor/https', '/Common/https', CONNECT_CHECK),
    'PING': ('ltm/monitor/gateway-icmp', '/Common/gateway_icmp', None),
    'TCP': ('ltm/monitor/tcp', '/Common/tcp', CONNECT_CHECK),
    'UDP-CONNECT': ('ltm/monitor/udp', '/Common/udp', None),
    'SCTP': ('ltm/monitor/sctp', '/Common/sctp', None),
}
HTTP_METHODS = ('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'OPTIONS', 'CONNECT',
                'PATCH')
HTTP_VERSIONS = (1.0, 1.1)
MAX_INTERVAL = 86400
# RFC 3986 path and query characters; no backslash: BIG-IP expands \r \n in send strings.
_URL_PATH = re.compile(r"\A/[A-Za-z0-9._~!$&'()*+,;=:@/%?-]*\Z")
_DOMAIN = re.compile(r'\A[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?\Z')
_CODES = re.compile(r'\A\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*\Z')


def validate(healthmonitor):
    """Refuse what a BIG-IP monitor cannot express (also the API driver's check)."""
    names.check_id('healthmonitor_id', healthmonitor.get('healthmonitor_id'))
    kind = validation.supported('type', validation.required(healthmonitor, 'type'), TYPES)
    delay = validation.required(healthmonitor, 'delay')
    if isinstance(delay, bool) or not isinstance(delay, int) or not 1 <= delay <= MAX_INTERVAL:
        raise exceptions.UnsupportedOption(
            'delay', 'BIG-IP probe intervals are 1-%d seconds, got %r' % (MAX_INTERVAL, delay))
    if healthmonitor.get('timeout') is not None:
        validation.integer('timeout', healthmonitor['timeout'], 0, 2147483647)
    validation.integer('max_retries', _rise(healthmonitor), 1, 10)
    validation.integer('max_retries_down', _fall(healthmonitor), 1, 10)
    if TYPES[kind][2] == HTTP_CHECK:
        _send(healthmonitor)
        recv_pattern(healthmonitor.get('expected_codes') or '200')


def _rise(healthmonitor):
    return healthmonitor.get('max_retries') or 1


def _fall(healthmonitor):
    return healthmonitor.get('max_retries_down') or 3


def _send(healthmonitor):
    """The request line and headers, with the literal \\r\\n BIG-IP expects in JSON."""
    method = healthmonitor.get('http_method') or 'GET'
    validation.supported('http_method', method, HTTP_METHODS)
    path = healthmonitor.get('url_path') or '/'
    escape.check_text('url_path', path, 2048)
    if not _URL_PATH.match(path):
        raise exceptions.InvalidValue('url_path', 'an absolute path of RFC 3986 characters '
                                                  '(no spaces, quotes or backslashes)')
    version = healthmonitor.get('http_version') or 1.0
    validation.supported('http_version', version, HTTP_VERSIONS)
    lines = ['%s %s HTTP/%.1f' % (method, path, version)]
    domain = healthmonitor.get('domain_name')
    if domain is not None:
        if not isinstance(domain, str) or not _DOMAIN.match(domain):
            raise exceptions.InvalidValue('domain_name', 'a DNS name is required')
        lines.append('Host: %s' % domain)
    if version == 1.1:
        # Without it an HTTP/1.1 server keeps the probe connection open until BIG-IP's
        # timeout, holding a connection per probe.
        lines.append('Connection: Close')
    return '\\r\\n'.join(lines) + '\\r\\n\\r\\n'


def recv_pattern(expected_codes):
    """"200", "200,202" or "200-204" -> a regex for the status line, ranges compacted."""
    text = str(expected_codes).replace(' ', '')
    if not _CODES.match(text):
        raise exceptions.InvalidValue('expected_codes', 'status codes like "200", "200,202" or '
                                                        '"200-204" are required')
    codes = set()
    for part in text.split(','):
        low, _sep, high = part.partition('-')
        low, high = int(low), int(high or low)
        if not 100 <= low <= high <= 599:
            raise exceptions.InvalidValue('expected_codes', 'codes must be 100-599, ascending')
        codes.update(range(low, high + 1))
    return '^HTTP/1.[01] (%s)' % '|'.join(_compact(codes))


def _compact(codes):
    parts = []
    for hundred in range(1, 6):
        block = {c for c in codes if c // 100 == hundred}
        if len(block) == 100:
            parts.append('%d[0-9][0-9]' % hundred)
            continue
        for ten in range(hundred * 10, hundred * 10 + 10):
            decade = sorted(c for c in block if c // 10 == ten)
            if len(decade) == 10:
                parts.append('%d[0-9]' % ten)
            else:
                parts.extend(str(c) for c in decade)
    return parts


def _fields(healthmonitor):
    delay = healthmonitor['delay']
    _collection, parent, check = TYPES[healthmonitor['type']]
    fields = {
        'description': escape.description(healthmonitor.get('name')),
        'defaultsFrom': parent,
        'interval': delay,
        'timeout': _fall(healthmonitor) * delay + 1,
        'timeUntilUp': (_rise(healthmonitor) - 1) * delay,
    }
    if check == HTTP_CHECK:
        fields['send'] = _send(healthmonitor)
        fields['recv'] = recv_pattern(healthmonitor.get('expected_codes') or '200')
    elif check == CONNECT_CHECK:
        # Written out, not inherited: /Common/https would send 'GET /\r\n'.
        fields['send'] = ''
        fields['recv'] = ''
    return fields


def _destination(healthmonitor, member, ctx):
    """The alias destination of a member monitor: '<address>:<port>', '*' where not given."""
    address = member.get('monitor_address')
    address = names.address(address, ctx.route_domain) if address else '*'
    port = member.get('monitor_port')
    if port is None or healthmonitor['type'] == 'PING':
        port = '*'
    separator = '.' if ':' in address.split('%')[0] else ':'
    return '%s%s%s' % (address, separator, port)


def _has_alias(member):
    return member.get('monitor_address') is not None or member.get('monitor_port') is not None


def resources(healthmonitor, members, ctx):
    """[the pool's monitor, then one monitor per member that has a monitor address/port]."""
    validate(healthmonitor)
    collection = TYPES[healthmonitor['type']][0]
    hm_id = healthmonitor['healthmonitor_id']
    items = [resource.make(collection, ctx.partition, names.monitor(hm_id),
                           **_fields(healthmonitor))]
    for member in members:
        if _has_alias(member):
            items.append(resource.make(
                collection, ctx.partition, names.member_monitor(hm_id, member['member_id']),
                destination=_destination(healthmonitor, member, ctx), **_fields(healthmonitor)))
    return items


def pool_monitor_reference(healthmonitor, ctx):
    """The pool's ``monitor`` value: the monitor's path, or '' (none) when absent or disabled."""
    if not healthmonitor or not validation.enabled(healthmonitor):
        return ''
    return names.full_path(ctx.partition, names.monitor(healthmonitor['healthmonitor_id']))


def member_monitor_reference(healthmonitor, member, ctx):
    """A member's ``monitor``: its own alias monitor, or 'default' (the pool's monitor)."""
    if not healthmonitor or not validation.enabled(healthmonitor) or not _has_alias(member):
        return 'default'
    return names.full_path(ctx.partition, names.member_monitor(
        healthmonitor['healthmonitor_id'], member['member_id']))
