# SPDX-License-Identifier: Apache-2.0
"""Health monitors end to end: every type, update, disable, delete; the refused interval."""

from tests.e2e import expect
from tests.e2e import lbtest

HTTP_FIELDS = {'http_method': 'HEAD', 'url_path': '/status', 'expected_codes': '200-204'}


class TestHealthMonitor(lbtest.LoadBalancerTestCase):

    def setUp(self):
        super().setUp()
        self.lb = self.create_lb()

    def create_pool(self, protocol):
        pool = self.call('POST', 'pools', {'pool': {
            'loadbalancer_id': self.lb['id'], 'protocol': protocol,
            'lb_algorithm': 'ROUND_ROBIN'}})['pool']
        self.settle(self.lb['id'])
        return pool

    def monitor(self, hm):
        body = self.partition().get(expect.MONITOR_COLLECTION[hm['type']], 'hm_%s' % hm['id'])
        self.assertIsNotNone(body, 'no monitor for %s health monitor %s' % (hm['type'],
                                                                            hm['id']))
        return body

    def check_lifecycle(self, hm_type, pool_protocol, toggle=False, **fields):
        """Create, update timing, (``toggle``: disable, enable), delete; the device follows."""
        pool = self.create_pool(pool_protocol)
        hm = self.call('POST', 'healthmonitors', {'healthmonitor': dict({
            'pool_id': pool['id'], 'type': hm_type, 'delay': 10, 'timeout': 5,
            'max_retries': 3, 'max_retries_down': 2}, **fields)})['healthmonitor']
        self.settle(self.lb['id'])
        body = self.monitor(hm)
        # fall * delay + 1 and (rise - 1) * delay (docs/mapping.md, Health monitor)
        self.assertEqual((10, 21, 20), (body['interval'], body['timeout'],
                                        body['timeUntilUp']))

        self.call('PUT', 'healthmonitors/%s' % hm['id'], {'healthmonitor': {
            'delay': 4, 'timeout': 2, 'max_retries_down': 3}})
        self.settle(self.lb['id'])
        self.assertEqual((4, 13), (self.monitor(hm)['interval'], self.monitor(hm)['timeout']))

        # settle() checks that a disabled monitor is off the pool and an enabled one on it.
        for enabled in (False, True) if toggle else ():
            self.call('PUT', 'healthmonitors/%s' % hm['id'],
                      {'healthmonitor': {'admin_state_up': enabled}})
            self.settle(self.lb['id'])
            self.monitor(hm)

        self.call('DELETE', 'healthmonitors/%s' % hm['id'])
        self.settle(self.lb['id'])
        self.assertEqual(set(), self.partition().naming(hm['id']))
        return hm

    def test_http_monitor_lifecycle(self):
        self.check_lifecycle('HTTP', 'HTTP', toggle=True, **HTTP_FIELDS)

    def test_https_monitor_lifecycle(self):
        self.check_lifecycle('HTTPS', 'HTTPS', **HTTP_FIELDS)

    def test_tls_hello_monitor_is_an_https_connect_check(self):
        hm = self.check_lifecycle('TLS-HELLO', 'HTTPS')
        self.assertEqual('TLS-HELLO', hm['type'])

    def test_ping_monitor_lifecycle(self):
        self.check_lifecycle('PING', 'TCP')

    def test_tcp_monitor_lifecycle(self):
        self.check_lifecycle('TCP', 'TCP')

    def test_udp_connect_monitor_lifecycle(self):
        self.check_lifecycle('UDP-CONNECT', 'UDP')

    def test_sctp_monitor_lifecycle(self):
        self.check_lifecycle('SCTP', 'SCTP')

    def test_http_monitor_request_and_expected_codes_reach_the_device(self):
        pool = self.create_pool('HTTP')
        hm = self.openstack('loadbalancer', 'healthmonitor', 'create', '--type', 'HTTP',
                            '--delay', '5', '--timeout', '3', '--max-retries', '2',
                            '--http-method', 'GET', '--url-path', '/health',
                            '--http-version', '1.1', '--domain-name', 'app.example.org',
                            '--expected-codes', '200,202', pool['id'])
        self.settle(self.lb['id'])
        body = self.monitor(hm)
        self.assertTrue(body['send'].startswith('GET /health HTTP/1.1'), body['send'])
        self.assertIn('Host: app.example.org', body['send'])
        self.assertEqual('^HTTP/1.[01] (200|202)', body['recv'])

    def test_intervals_beyond_a_day_are_refused(self):
        pool = self.create_pool('HTTPS')
        response = self.api('POST', 'healthmonitors', {'healthmonitor': {
            'pool_id': pool['id'], 'type': 'TCP', 'delay': 86401, 'timeout': 3,
            'max_retries': 3}})
        self.assert_refused(response, 'delay', '86400')
        state = self.settle(self.lb['id'])
        self.assertEqual([], state['healthmonitors'])
