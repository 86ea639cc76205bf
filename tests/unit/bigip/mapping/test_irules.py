# SPDX-License-Identifier: Apache-2.0
"""Tests of the fixed-template iRules: allowed CIDRs, inserted headers, PROXY protocol.

The PROXY templates run in a real tclsh (iRule commands stubbed) and their bytes are compared
with the PROXY protocol specification.
"""

import ipaddress
import struct

import testtools

from octavia_f5.bigip.mapping import irules
from octavia_f5.bigip.mapping import listener
from tests.unit.bigip.mapping import base
from tests.unit.bigip.mapping import fixtures
from tests.unit.bigip.mapping import tcl


def _map(lis, pools=None, lb=None):
    return listener.resources(lis, lb or fixtures.loadbalancer(),
                              pools if pools is not None else [fixtures.pool()],
                              fixtures.ctx())


class TestAllowedCidrs(base.MappingTestCase):

    family = 'irules'

    def test_one_cidr_is_the_virtual_source(self):
        virtual = self.body(_map(fixtures.listener(allowed_cidrs=['198.51.100.0/24'])),
                            'ltm/virtual')
        self.assertEqual(('198.51.100.0%12/24', []), (virtual['source'], virtual['rules']))

    def test_several_cidrs_are_a_data_group_and_a_rejecting_irule(self):
        items = _map(fixtures.listener(allowed_cidrs=['198.51.100.0/24', '10.0.0.0/8',
                                                      '10.0.0.0/8', '203.0.113.7/32']))
        self.assertGolden('allowed_cidrs', items[-3:])

    def test_ipv6_cidrs_on_an_ipv6_vip(self):
        virtual = self.body(_map(fixtures.listener(allowed_cidrs=['2001:db8:1::/48']),
                                 lb=fixtures.loadbalancer(vip_address='2001:db8::10')),
                            'ltm/virtual')
        self.assertEqual('2001:db8:1::%12/48', virtual['source'])

    def test_a_slash_zero_entry_allows_everyone(self):
        items = _map(fixtures.listener(allowed_cidrs=['10.0.0.0/8', '0.0.0.0/0']))
        virtual = self.body(items, 'ltm/virtual')
        self.assertEqual(('0.0.0.0%12/0', []), (virtual['source'], virtual['rules']))

    def test_cidr_of_the_other_ip_version_is_refused(self):
        self.assertInvalid('allowed_cidrs', "VIP's IP version 4", _map,
                           fixtures.listener(allowed_cidrs=['2001:db8::/32', '10.0.0.0/8']))

    def test_malformed_cidr_is_refused(self):
        self.assertInvalid('allowed_cidrs', 'a CIDR is required', listener.validate,
                           fixtures.listener(allowed_cidrs=['10.0.0.0/33']))


class TestInsertHeaders(base.MappingTestCase):

    family = 'irules'

    def test_every_http_header_on_an_http_listener(self):
        headers = {h: 'true' for h in irules.HTTP_HEADERS}
        self.assertGolden('headers_http', _map(fixtures.listener(insert_headers=headers)))

    def test_every_ssl_header_on_a_terminated_https_listener(self):
        headers = {h: 'True' for h in list(irules.HTTP_HEADERS) + list(irules.SSL_HEADERS)}
        items = _map(fixtures.listener(protocol='TERMINATED_HTTPS', insert_headers=headers))
        self.assertGolden('headers_https', [i for i in items if i.collection == 'ltm/rule'])

    def test_only_x_forwarded_for_needs_no_irule(self):
        items = _map(fixtures.listener(insert_headers={'X-Forwarded-For': 'true',
                                                       'X-Real-IP': 'false'}))
        self.assertEqual('enabled', self.body(items, 'ltm/profile/http')['insertXforwardedFor'])
        self.assertEqual([], self.body(items, 'ltm/virtual')['rules'])

    def test_unknown_header_is_refused_naming_it(self):
        self.assertUnsupported('insert_headers', "'X-Evil' is not supported as a header",
                               listener.validate,
                               fixtures.listener(insert_headers={'X-Evil': 'true'}))

    def test_headers_on_a_tcp_listener_are_refused(self):
        self.assertUnsupported('insert_headers', 'HTTP or TERMINATED_HTTPS',
                               listener.validate,
                               fixtures.listener(protocol='TCP',
                                                 insert_headers={'X-Real-IP': 'true'}))

    def test_ssl_headers_on_plain_http_are_refused(self):
        self.assertUnsupported('insert_headers', 'X-SSL-Client-CN needs a TERMINATED_HTTPS',
                               listener.validate,
                               fixtures.listener(insert_headers={'X-SSL-Client-CN': 'true'}))


def _proxy_bytes(irule, client, local, client_port, local_port):
    script = irule + (
        'set ::client_addr "%s"\nset ::local_addr "%s"\n'
        'set ::client_port %d\nset ::local_port %d\n'
        'fire CLIENT_ACCEPTED\nfire SERVER_CONNECTED\n'
        'fconfigure stdout -translation binary\nputs -nonewline $::sent\n'
        % (client, local, client_port, local_port))
    return tcl.run(script)


def _proxy_v2(client, local, client_port, local_port):
    src, dst = ipaddress.ip_address(client), ipaddress.ip_address(local)
    family = 0x11 if src.version == 4 else 0x21
    body = src.packed + dst.packed + struct.pack('!HH', client_port, local_port)
    return (b'\r\n\r\n\x00\r\nQUIT\n' + bytes([0x21, family]) + struct.pack('!H', len(body))
            + body)


class TestProxyProtocol(base.MappingTestCase):

    def _irule(self, protocol):
        items = _map(fixtures.listener(protocol='TCP'),
                     pools=[fixtures.pool(protocol=protocol)])
        virtual = self.body(items, 'ltm/virtual')
        rule = self.body(items, 'ltm/rule', '_proxy')
        self.assertEqual(['/octavia_%s/%s' % (fixtures.PROJECT, rule['name'])],
                         virtual['rules'])
        return rule['apiAnonymous']

    def test_pool_without_proxy_protocol_gets_no_irule(self):
        self.assertEqual([], self.body(_map(fixtures.listener()), 'ltm/virtual')['rules'])

    def test_templates_never_contain_html_tag_like_text(self):
        for template in irules.PROXY_TEMPLATES.values():
            self.assertNotIn('<', template)

    @testtools.skipUnless(tcl.TCLSH, 'tclsh is not installed')
    def test_proxy_v1_header_strips_route_domains(self):
        sent = _proxy_bytes(self._irule('PROXY'), '203.0.113.5%12', '192.0.2.10%12',
                            51000, 80)
        self.assertEqual(b'PROXY TCP4 203.0.113.5 192.0.2.10 51000 80\r\n', sent)
        sent = _proxy_bytes(self._irule('PROXY'), '2001:db8::5%12', '2001:db8::10%12',
                            443, 8443)
        self.assertEqual(b'PROXY TCP6 2001:db8::5 2001:db8::10 443 8443\r\n', sent)

    @testtools.skipUnless(tcl.TCLSH, 'tclsh is not installed')
    def test_proxy_v2_header_matches_the_specification(self):
        irule = self._irule('PROXYV2')
        for client, local, cport, lport in (
                ('203.0.113.5', '192.0.2.10', 65535, 80),
                ('2001:db8::5', '2001:db8:0:1::10', 40000, 443),
                ('::1', 'fe80::1:2', 1, 2),
                ('2001:db8:1:2:3:4:5:6', '1::', 1234, 4321)):
            with self.subTest(client=client):
                sent = _proxy_bytes(irule, client + '%12', local + '%12', cport, lport)
                self.assertEqual(_proxy_v2(client, local, cport, lport), sent)
