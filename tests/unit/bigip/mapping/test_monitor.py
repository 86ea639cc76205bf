# SPDX-License-Identifier: Apache-2.0
"""Golden tests of health monitor -> BIG-IP monitors (pool-level and per-member)."""

from octavia_f5.bigip.mapping import monitor
from tests.unit.bigip.mapping import base
from tests.unit.bigip.mapping import fixtures


def _hm(**kw):
    return fixtures.healthmonitor(**kw).to_dict(recurse=True)


def _members(*members):
    return [m.to_dict(recurse=True) for m in members]


class TestMonitorGolden(base.MappingTestCase):

    family = 'monitor'

    CASES = {
        'http_defaults': {'http_method': None, 'url_path': None, 'expected_codes': None,
                          'max_retries': None, 'max_retries_down': None},
        'http_head_path_codes_list': {'http_method': 'HEAD', 'url_path': '/a/b?c=1',
                                      'expected_codes': '200,202'},
        'http_codes_range_compacted': {'expected_codes': '200-299,301-302,400-409'},
        'http11_with_host': {'http_version': 1.1, 'domain_name': 'app.example.com'},
        'https': {'type': 'HTTPS', 'expected_codes': '200-204'},
        'ping': {'type': 'PING'},
        'tcp': {'type': 'TCP'},
        'udp_connect': {'type': 'UDP-CONNECT'},
        'sctp': {'type': 'SCTP', 'delay': 10, 'max_retries': 1, 'max_retries_down': 5},
        'tls_hello': {'type': 'TLS-HELLO', 'http_method': None, 'url_path': None,
                      'expected_codes': None},
        # octavia-tempest-plugin's create and update values: timeout above delay.
        'tempest_http_create': {'delay': 2, 'timeout': 3, 'max_retries': 4, 'url_path': '/',
                                'max_retries_down': 5, 'expected_codes': '200-204'},
        'tempest_http_update': {'delay': 3, 'timeout': 4, 'max_retries': 5,
                                'max_retries_down': 6, 'http_method': 'POST',
                                'url_path': '/test', 'expected_codes': '201,202'},
    }

    def test_golden(self):
        for case, fields in self.CASES.items():
            with self.subTest(case=case):
                self.assertGolden(case, monitor.resources(_hm(**fields), [],
                                                          fixtures.ctx()))

    def test_member_monitors_for_alias_address_and_port(self):
        members = _members(
            fixtures.member(0),
            fixtures.member(1, monitor_address='10.9.0.1', monitor_port=9000),
            fixtures.member(2, monitor_port=9001),
            fixtures.member(3, address='2001:db8::3', monitor_address='2001:db8::99',
                            monitor_port=9002))
        self.assertGolden('member_alias', monitor.resources(_hm(), members, fixtures.ctx()))

    def test_tls_hello_member_monitor_checks_the_alias_address(self):
        members = _members(fixtures.member(1, monitor_address='10.9.0.1', monitor_port=9443))
        items = monitor.resources(_hm(type='TLS-HELLO', http_method=None, url_path=None,
                                      expected_codes=None), members, fixtures.ctx())
        self.assertEqual([('ltm/monitor/https', '', '', None), ('ltm/monitor/https', '', '',
                                                                '10.9.0.1%12:9443')],
                         [(i.collection, i.body['send'], i.body['recv'],
                           i.body.get('destination')) for i in items])

    def test_ping_member_monitor_ignores_the_port(self):
        members = _members(fixtures.member(1, monitor_address='10.9.0.1', monitor_port=9000))
        items = monitor.resources(_hm(type='PING'), members, fixtures.ctx())
        self.assertEqual('10.9.0.1%12:*', items[1].body['destination'])


class TestMonitorTiming(base.MappingTestCase):

    def test_fall_sets_timeout_to_fall_intervals_plus_one(self):
        body = monitor.resources(_hm(delay=7, max_retries_down=4), [],
                                 fixtures.ctx())[0].body
        self.assertEqual((7, 29), (body['interval'], body['timeout']))

    def test_rise_sets_time_until_up(self):
        body = monitor.resources(_hm(delay=7, max_retries=3), [], fixtures.ctx())[0].body
        self.assertEqual(14, body['timeUntilUp'])


class TestMonitorReferences(base.MappingTestCase):

    def test_enabled_monitor_is_the_pool_monitor(self):
        self.assertEqual('/octavia_%s/hm_%s' % (fixtures.PROJECT, fixtures.HM_ID),
                         monitor.pool_monitor_reference(_hm(), fixtures.ctx()))

    def test_disabled_or_missing_monitor_means_no_pool_monitor(self):
        self.assertEqual('', monitor.pool_monitor_reference(_hm(admin_state_up=False),
                                                            fixtures.ctx()))
        self.assertEqual('', monitor.pool_monitor_reference(None, fixtures.ctx()))

    def test_member_without_alias_inherits_the_pool_monitor(self):
        member = fixtures.member(0).to_dict()
        self.assertEqual('default', monitor.member_monitor_reference(_hm(), member,
                                                                     fixtures.ctx()))


class TestMonitorRefusals(base.MappingTestCase):

    def test_every_octavia_monitor_type_is_accepted(self):
        for kind in ('HTTP', 'HTTPS', 'PING', 'TCP', 'TLS-HELLO', 'UDP-CONNECT', 'SCTP'):
            with self.subTest(type=kind):
                self.assertEqual(1, len(monitor.resources(_hm(type=kind), [], fixtures.ctx())))

    def test_timeout_above_delay_changes_nothing_on_the_device(self):
        # BIG-IP has no per-probe deadline: Octavia's timeout is accepted and not written.
        ctx = fixtures.ctx()
        self.assertEqual(monitor.resources(_hm(delay=3, timeout=1), [], ctx),
                         monitor.resources(_hm(delay=3, timeout=4), [], ctx))

    def test_negative_timeout_is_refused(self):
        self.assertInvalid('timeout', '0-2147483647', monitor.validate, _hm(timeout=-1))

    def test_delay_outside_bigip_intervals_is_refused(self):
        self.assertUnsupported('delay', '1-86400', monitor.validate, _hm(delay=0, timeout=0))
        self.assertUnsupported('delay', '1-86400', monitor.validate, _hm(delay=86401))

    def test_url_path_with_crlf_or_backslash_or_space_is_refused(self):
        self.assertInvalid('url_path', 'control characters', monitor.validate,
                           _hm(url_path='/a\r\nHost: evil'))
        for bad in ('/a\\r\\nX: y', '/a b', 'relative', '/a"b'):
            self.assertInvalid('url_path', 'RFC 3986', monitor.validate, _hm(url_path=bad))

    def test_bad_domain_name_is_refused(self):
        for bad in ('a b', 'a\r\nb', '-a.com', 'a_b.com"'):
            self.assertInvalid('domain_name', 'DNS name', monitor.validate,
                               _hm(http_version=1.1, domain_name=bad))

    def test_bad_expected_codes_are_refused(self):
        for bad in ('2xx', '200-', '99', '200;201'):
            self.assertInvalid('expected_codes', '"200-204"', monitor.validate,
                               _hm(expected_codes=bad))
        for bad in ('600', '300-200', '099'):
            self.assertInvalid('expected_codes', '100-599, ascending', monitor.validate,
                               _hm(expected_codes=bad))

    def test_unknown_method_is_refused(self):
        self.assertUnsupported('http_method', "'BREW' is not supported", monitor.validate,
                               _hm(http_method='BREW'))

    def test_unknown_http_version_is_refused(self):
        self.assertUnsupported('http_version', '2.0 is not supported', monitor.validate,
                               _hm(http_version=2.0))

    def test_retries_out_of_range_are_refused(self):
        self.assertInvalid('max_retries_down', '1-10', monitor.validate,
                           _hm(max_retries_down=11))
