# SPDX-License-Identifier: Apache-2.0
"""The iRules of a listener that come from fixed templates: allowed CIDRs, headers, PROXY.

No user text reaches these iRules: CIDRs go into a data group, header values come from a
fixed table of TCL expressions keyed by the header names octavia-lib supports, and object
paths come from the names module (validated ids). Every template avoids '<' (iControl REST
refuses bodies with HTML-tag-like content).
"""

from octavia_f5.bigip.mapping import escape
from octavia_f5.bigip.mapping import profiles
from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip.mapping import validation
from octavia_f5.bigip import names
from octavia_f5.common import exceptions

# IP::client_addr carries the route domain ("10.0.0.1%2"); headers and data-group lookups
# want the bare address.
_CLIENT_IP = '[getfield [IP::client_addr] "%" 1]'
# Header -> TCL expression. X-Forwarded-For is the http profile's insertXforwardedFor.
HTTP_HEADERS = {
    'X-Forwarded-For': None,
    'X-Forwarded-Port': '[TCP::local_port]',
    'X-Forwarded-Proto': None,  # a literal: the listener's scheme
    'X-Forwarded-IP': _CLIENT_IP,
    'X-Client-IP': _CLIENT_IP,
    'X-Real-IP': _CLIENT_IP,
}
# Header -> (TCL expression, needs a client certificate). Only TERMINATED_HTTPS listeners
# have the client-side TLS these read.
SSL_HEADERS = {
    'X-SSL-Client-Verify': ('[SSL::verify_result]', False),
    'X-SSL-Client-Has-Cert': ('[expr {[SSL::cert count] > 0}]', False),
    'X-SSL-Client-DN': ('[X509::subject [SSL::cert 0]]', True),
    'X-SSL-Client-CN': ('[findstr [X509::subject [SSL::cert 0]] "CN=" 3 ","]', True),
    'X-SSL-Issuer': ('[X509::issuer [SSL::cert 0]]', True),
    'X-SSL-Client-SHA1': ('[X509::hash [SSL::cert 0]]', True),
    'X-SSL-Client-Not-Before': ('[X509::not_valid_before [SSL::cert 0]]', True),
    'X-SSL-Client-Not-After': ('[X509::not_valid_after [SSL::cert 0]]', True),
}


def _cidr_irule(datagroup):
    return ('when CLIENT_ACCEPTED {\n'
            '    if { ![class match -- %s equals %s] } {\n'
            '        reject\n'
            '    }\n'
            '}\n' % (_CLIENT_IP, datagroup))


_PROXY_V1 = r'''when CLIENT_ACCEPTED {
    set oct_src [getfield [IP::client_addr] "%" 1]
    set oct_dst [getfield [IP::local_addr] "%" 1]
    if { [IP::version] == 4 } {
        set oct_family TCP4
    } else {
        set oct_family TCP6
    }
    set oct_proxy "PROXY $oct_family $oct_src $oct_dst [TCP::client_port] [TCP::local_port]\r\n"
}
when SERVER_CONNECTED {
    TCP::respond $oct_proxy
}
'''

# PROXY protocol v2 (haproxy.org/download/2.0/doc/proxy-protocol.txt section 2.2): the
# 12-byte signature, version 2 + PROXY (0x21 = 33), TCP over IPv4 (0x11 = 17) or IPv6
# (0x21 = 33), the address block length (12 or 36), addresses and ports in network order.
# octavia_addr packs an address; IPv6 "::" is expanded into the missing zero groups.
_PROXY_V2 = r'''proc octavia_addr {addr} {
    if { [string first ":" $addr] == -1 } {
        return [binary format c4 [split $addr "."]]
    }
    if { [string first "::" $addr] == -1 } {
        set head [split $addr ":"]
        set tail [list]
    } else {
        set halves [split [string map {"::" "|"} $addr] "|"]
        set head [lindex $halves 0]
        set tail [lindex $halves 1]
        if { $head eq "" } { set head [list] } else { set head [split $head ":"] }
        if { $tail eq "" } { set tail [list] } else { set tail [split $tail ":"] }
    }
    set groups $head
    for {set i [expr {[llength $head] + [llength $tail]}]} {8 > $i} {incr i} {
        lappend groups 0
    }
    set out ""
    foreach group [concat $groups $tail] {
        append out [binary format S 0x$group]
    }
    return $out
}
when CLIENT_ACCEPTED {
    set oct_src [getfield [IP::client_addr] "%" 1]
    set oct_dst [getfield [IP::local_addr] "%" 1]
    if { [IP::version] == 4 } {
        set oct_head [binary format H24ccS 0D0A0D0A000D0A515549540A 33 17 12]
    } else {
        set oct_head [binary format H24ccS 0D0A0D0A000D0A515549540A 33 33 36]
    }
    set oct_addrs "[call octavia_addr $oct_src][call octavia_addr $oct_dst]"
    set oct_ports [binary format SS [TCP::client_port] [TCP::local_port]]
    set oct_proxy "$oct_head$oct_addrs$oct_ports"
}
when SERVER_CONNECTED {
    TCP::respond $oct_proxy
}
'''
PROXY_TEMPLATES = {'PROXY': _PROXY_V1, 'PROXYV2': _PROXY_V2}


def _rule(ctx, name, text):
    return resource.make('ltm/rule', ctx.partition, name, apiAnonymous=text)


def allowed_cidrs(listener, vip, ctx):
    """(resources, virtual ``source``, iRule paths) restricting clients to allowed_cidrs.

    One CIDR is the virtual server's own ``source`` filter (no iRule cost); several need an
    address data group and an iRule that rejects other clients (``source`` takes one CIDR).
    A /0 entry, or no entry, allows everyone.
    """
    networks = set()
    for cidr in listener.get('allowed_cidrs') or ():
        network = validation.ip_network('allowed_cidrs', cidr)
        if network.version != vip.version:
            raise exceptions.InvalidValue(
                'allowed_cidrs', '%s is not of the VIP\'s IP version %d' % (cidr, vip.version))
        networks.add(network)
    if not networks or any(n.prefixlen == 0 for n in networks):
        networks = {validation.ip_network('allowed_cidrs', '0.0.0.0/0' if vip.version == 4
                                          else '::/0')}
    if len(networks) == 1:
        network = networks.pop()
        source = '%s/%d' % (names.address(network.network_address, ctx.route_domain),
                            network.prefixlen)
        return [], source, []
    lid = listener['listener_id']
    group = names.listener_object(lid, 'cidrs')
    group_path = names.full_path(ctx.partition, group)
    ordered = sorted(networks, key=lambda n: (n.network_address, n.prefixlen))
    items = [
        resource.make('ltm/data-group/internal', ctx.partition, group, type='ip',
                      records=[{'name': str(n)} for n in ordered]),
        _rule(ctx, group, _cidr_irule(group_path)),
    ]
    anywhere = '0.0.0.0' if vip.version == 4 else '::'
    any_source = '%s/0' % names.address(anywhere, ctx.route_domain)
    return items, any_source, [group_path]


def inserted_headers(listener):
    """The insert_headers the user switched on, checked against what the listener can do."""
    wanted = [h for h, v in (listener.get('insert_headers') or {}).items()
              if validation.truthy(v)]
    for header in wanted:
        if header not in HTTP_HEADERS and header not in SSL_HEADERS:
            validation.supported('insert_headers', header, list(HTTP_HEADERS) +
                                 list(SSL_HEADERS), 'as a header to insert')
        if not profiles.speaks_http(listener):
            raise exceptions.UnsupportedOption(
                'insert_headers', '%s needs an HTTP or TERMINATED_HTTPS listener' % header)
        if header in SSL_HEADERS and listener.get('protocol') != 'TERMINATED_HTTPS':
            raise exceptions.UnsupportedOption(
                'insert_headers', '%s needs a TERMINATED_HTTPS listener' % header)
    return wanted


def _header_lines(listener, wanted):
    scheme = 'https' if listener['protocol'] == 'TERMINATED_HTTPS' else 'http'
    lines, with_cert, without_cert = [], [], []
    for header, expression in HTTP_HEADERS.items():
        if header in wanted and header != 'X-Forwarded-For':
            value = escape.tcl_quote(scheme) if expression is None else expression
            lines.append('    HTTP::header replace %s %s' % (escape.tcl_quote(header), value))
    for header, (expression, needs_cert) in SSL_HEADERS.items():
        if header not in wanted:
            continue
        quoted = escape.tcl_quote(header)
        line = 'HTTP::header replace %s %s' % (quoted, expression)
        if not needs_cert:
            lines.append('    ' + line)
            continue
        with_cert.append('        ' + line)
        # Without a certificate a client-sent header of that name must not pass as ours.
        without_cert.append('        HTTP::header remove %s' % quoted)
    if with_cert:
        lines.append('    if { [SSL::cert count] > 0 } {')
        lines.extend(with_cert)
        lines.append('    } else {')
        lines.extend(without_cert)
        lines.append('    }')
    return lines


def headers(listener, ctx):
    """(resources, iRule paths, X-Forwarded-For wanted) for insert_headers."""
    wanted = inserted_headers(listener)
    lines = _header_lines(listener, wanted) if wanted else []
    if not lines:
        return [], [], 'X-Forwarded-For' in wanted
    name = names.listener_object(listener['listener_id'], 'headers')
    text = 'when HTTP_REQUEST {\n%s\n}\n' % '\n'.join(lines)
    return ([_rule(ctx, name, text)], [names.full_path(ctx.partition, name)],
            'X-Forwarded-For' in wanted)


def proxy_protocol(listener, pool, ctx):
    """(resources, iRule paths) sending the PROXY protocol header to members of a PROXY pool.

    BIG-IP has no profile that speaks the PROXY protocol towards servers, so an iRule writes
    the header as the first bytes of each server-side connection. That needs a full proxy
    (TCP::respond), and member connections that serve one client only: the flavor's fastL4
    and OneConnect profiles each rule one of them out.
    """
    version = (pool or {}).get('protocol')
    if version not in PROXY_TEMPLATES:
        return [], []
    if profiles.ip_protocol(listener) != 'tcp':
        raise exceptions.UnsupportedOption('protocol', 'a PROXY pool needs a TCP-based '
                                                       'listener')
    if profiles.is_fastl4(listener, ctx):
        raise exceptions.UnsupportedOption(
            'protocol', "a PROXY pool needs a full-proxy listener; the flavor's fastl4_profile "
                        'makes this listener a fastL4 virtual server')
    if profiles.speaks_http(listener) and ctx.parent('one-connect'):
        raise exceptions.UnsupportedOption(
            'protocol', "the flavor's oneconnect_profile lets one member connection carry "
                        'requests of several clients, but a PROXY header names one client '
                        'per member connection')
    name = names.listener_object(listener['listener_id'], 'proxy')
    return ([_rule(ctx, name, PROXY_TEMPLATES[version])],
            [names.full_path(ctx.partition, name)])
