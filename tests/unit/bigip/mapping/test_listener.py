# SPDX-License-Identifier: Apache-2.0
"""Golden tests of listener -> virtual server and the profiles it needs."""

from octavia_f5.bigip.mapping import listener
from tests.unit.bigip.mapping import base
from tests.unit.bigip.mapping import fixtures


def _map(lis=None, lb=None, pools=None, ctx=None):
    return listener.resources(lis or fixtures.listener(), lb or fixtures.loadbalancer(),
                              [fixtures.pool()] if pools is None else pools,
                              ctx or fixtures.ctx())


_TEMPEST_CREATE = {'timeout_client_data': 1000, 'timeout_member_connect': 1000,
                   'timeout_member_data': 1000, 'timeout_tcp_inspect': 50}
_TEMPEST_UPDATE = {'timeout_client_data': 2000, 'timeout_member_connect': 2000,
                   'timeout_member_data': 2000, 'timeout_tcp_inspect': 100}


class TestListenerGolden(base.MappingTestCase):

    family = 'listener'

    CASES = {
        'tcp': {'protocol': 'TCP', 'protocol_port': 5000},
        'http': {},
        'https_passthrough': {'protocol': 'HTTPS', 'protocol_port': 443},
        'terminated_https': {'protocol': 'TERMINATED_HTTPS'},
        'udp': {'protocol': 'UDP', 'protocol_port': 53, 'timeout_client_data': 30000,
                'timeout_member_data': 0},
        'sctp': {'protocol': 'SCTP', 'protocol_port': 3868, 'timeout_client_data': 60000,
                 'timeout_member_data': 60000},
        'timeouts': {'timeout_client_data': 0, 'timeout_member_connect': 2500,
                     'timeout_member_data': 120000},
        'connection_limit_and_disabled': {'connection_limit': 1000, 'admin_state_up': False},
        'no_default_pool': {'default_pool_id': None},
        'hostile_text': {'name': 'a"b', 'description': '<i>[exec id]</i>\r\n'},
        # octavia-tempest-plugin creates every listener with these timeouts, then updates
        # them to 2000/2000/2000/100; the fixture's own values are Octavia's defaults.
        'tempest_timeouts_tcp': dict(_TEMPEST_CREATE, protocol='TCP', protocol_port=8002),
        'tempest_timeouts_http_updated': _TEMPEST_UPDATE,
        'tempest_timeouts_udp': dict(_TEMPEST_CREATE, protocol='UDP', protocol_port=8003),
        'tempest_timeouts_sctp': dict(_TEMPEST_CREATE, protocol='SCTP', protocol_port=8004),
    }

    def test_golden(self):
        udp, sctp = [fixtures.pool(protocol='UDP')], [fixtures.pool(protocol='SCTP')]
        pools = {'udp': udp, 'sctp': sctp, 'tempest_timeouts_udp': udp,
                 'tempest_timeouts_sctp': sctp}
        for case, fields in self.CASES.items():
            with self.subTest(case=case):
                self.assertGolden(case, _map(fixtures.listener(**fields),
                                             pools=pools.get(case)))

    def test_ipv6_vip_destination_uses_dot_before_port(self):
        self.assertGolden('ipv6', _map(lb=fixtures.loadbalancer(vip_address='2001:db8::10')))

    def test_snat_pool_from_flavor(self):
        ctx = fixtures.ctx(flavor={'snat_mode': 'snatpool', 'snat_pool': '/Common/snat1'})
        virtual = self.body(_map(ctx=ctx), 'ltm/virtual')
        self.assertEqual({'type': 'snat', 'pool': '/Common/snat1'},
                         virtual['sourceAddressTranslation'])

    def test_snat_none(self):
        virtual = self.body(_map(ctx=fixtures.ctx(snat_mode='none')), 'ltm/virtual')
        self.assertEqual({'type': 'none'}, virtual['sourceAddressTranslation'])

    def test_route_domain_zero_destination_and_source(self):
        virtual = self.body(_map(ctx=fixtures.ctx(route_domain=0)), 'ltm/virtual')
        self.assertEqual(('/octavia_%s/192.0.2.10:80' % fixtures.PROJECT, '0.0.0.0/0'),
                         (virtual['destination'], virtual['source']))

    def test_default_pool_inside_the_listener_dict_counts(self):
        lis = fixtures.listener()
        lis['default_pool'] = fixtures.pool(lb_algorithm='SOURCE_IP')
        virtual = self.body(_map(lis, pools=[]), 'ltm/virtual')
        self.assertEqual(1, len(virtual['persist']))

    def test_pool_missing_from_the_arguments_is_a_programming_error(self):
        self.assertRaises(ValueError, _map, pools=[])


class TestListenerTimeouts(base.MappingTestCase):

    def test_any_tcp_inspect_delay_is_accepted_and_writes_nothing(self):
        for protocol in ('TCP', 'HTTP', 'HTTPS', 'UDP'):
            pools = [fixtures.pool(protocol='UDP')] if protocol == 'UDP' else None
            expected = _map(fixtures.listener(protocol=protocol), pools=pools)
            for value in (50, 100, 31536000000):
                with self.subTest(protocol=protocol, timeout_tcp_inspect=value):
                    self.assertEqual(expected, _map(fixtures.listener(
                        protocol=protocol, timeout_tcp_inspect=value), pools=pools))

    def test_member_connect_is_the_syn_timeout_up_to_5000_ms(self):
        for value in (1, 1000, 5000):
            body = self.body(_map(fixtures.listener(timeout_member_connect=value)),
                             'ltm/profile/tcp', 'server')
            self.assertEqual((value, 0), (body['synRtoBase'], body['synMaxRetrans']))

    def test_udp_ignores_connect_and_inspect_timeouts_as_octavia_lvs_does(self):
        pools = [fixtures.pool(protocol='UDP')]
        self.assertEqual(
            _map(fixtures.listener(protocol='UDP'), pools=pools),
            _map(fixtures.listener(protocol='UDP', timeout_member_connect=0,
                                   timeout_tcp_inspect=7), pools=pools))


class TestListenerRefusals(base.MappingTestCase):

    def test_prometheus_is_refused_with_reason(self):
        self.assertUnsupported('protocol', 'Prometheus', listener.validate,
                               fixtures.listener(protocol='PROMETHEUS'))

    def test_sub_second_timeouts_are_refused_not_rounded(self):
        for field in ('timeout_client_data', 'timeout_member_data'):
            self.assertUnsupported(field, 'multiple of 1000 ms', listener.validate,
                                   fixtures.listener(**{field: 1500}))

    def test_unlimited_or_too_long_member_connect_is_refused(self):
        for bad in (0, 5001):
            self.assertUnsupported('timeout_member_connect', '1-5000 ms', listener.validate,
                                   fixtures.listener(timeout_member_connect=bad))

    def test_timeouts_outside_octavias_range_are_refused(self):
        for field in ('timeout_tcp_inspect', 'timeout_member_connect', 'timeout_client_data'):
            self.assertInvalid(field, '0-31536000000', listener.validate,
                               fixtures.listener(**{field: -1}))

    def test_unknown_protocol_is_refused(self):
        self.assertUnsupported('protocol', "'QUIC' is not supported", listener.validate,
                               fixtures.listener(protocol='QUIC'))

    def test_sctp_without_idle_timeout_is_refused(self):
        self.assertUnsupported('timeout_client_data', 'SCTP idle timeout of 0',
                               listener.validate,
                               fixtures.listener(protocol='SCTP', timeout_client_data=0,
                                                 timeout_member_data=0))

    def test_negative_hsts_max_age_is_refused(self):
        self.assertInvalid('hsts_max_age', '0-2147483647', _map,
                           fixtures.listener(protocol='TERMINATED_HTTPS', hsts_max_age=-1))

    def test_sctp_with_different_client_and_member_timeouts_is_refused(self):
        self.assertUnsupported('timeout_member_data', 'one idle timeout', listener.validate,
                               fixtures.listener(protocol='SCTP', timeout_member_data=1000))

    def test_bad_port_and_connection_limit_are_refused(self):
        self.assertInvalid('protocol_port', '1-65535', listener.validate,
                           fixtures.listener(protocol_port=0))
        self.assertInvalid('connection_limit', '-1-2147483647', listener.validate,
                           fixtures.listener(connection_limit=-2))

    def test_pools_disagreeing_on_per_virtual_settings_are_refused(self):
        other = fixtures.pool(pool_id=fixtures.POOL2_ID,
                              session_persistence={'type': 'SOURCE_IP'})
        lis = fixtures.listener(l7policies=[fixtures.l7policy(0)])
        error = self.assertUnsupported('redirect_pool_id', 'differ in session_persistence',
                                       _map, lis, pools=[fixtures.pool(), other])
        self.assertIn(fixtures.POOL2_ID, error.reason)

    def test_pools_agreeing_on_per_virtual_settings_are_accepted(self):
        # tls_enabled False and absent mean the same; so do no persistence and {}.
        lis = fixtures.listener(l7policies=[fixtures.l7policy(0)])
        first = fixtures.pool(tls_enabled=False)
        second = fixtures.pool(pool_id=fixtures.POOL2_ID, session_persistence={})
        items = _map(lis, pools=[first, second])
        self.assertEqual('/octavia_%s/pool_%s' % (fixtures.PROJECT, fixtures.POOL_ID),
                         self.body(items, 'ltm/virtual')['pool'])

    def test_pools_disagreeing_on_proxy_or_tls_are_refused(self):
        lis = fixtures.listener(l7policies=[fixtures.l7policy(0)])
        for fields, trait in (({'protocol': 'PROXY'}, 'PROXY protocol'),
                              ({'tls_enabled': True}, 'TLS settings'),
                              ({'lb_algorithm': 'SOURCE_IP'}, 'SOURCE_IP')):
            other = fixtures.pool(pool_id=fixtures.POOL2_ID, **fields)
            self.assertUnsupported('redirect_pool_id', trait, _map, lis,
                                   pools=[fixtures.pool(), other])

    def test_cookie_persistence_on_a_tcp_listener_is_refused(self):
        pool = fixtures.pool(session_persistence={'type': 'HTTP_COOKIE'})
        self.assertUnsupported('session_persistence', 'HTTP or TERMINATED_HTTPS', _map,
                               fixtures.listener(protocol='TCP'), pools=[pool])

    def test_proxy_pool_on_a_udp_listener_is_refused(self):
        self.assertUnsupported('protocol', 'TCP-based listener', _map,
                               fixtures.listener(protocol='UDP'),
                               pools=[fixtures.pool(protocol='PROXY')])
