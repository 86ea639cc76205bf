# SPDX-License-Identifier: Apache-2.0
"""Fault injection and the call log over HTTP: every fault kind, counters, latency."""

import http.client

import requests

from tests.functional.simulator import base


class TestFaultsOverHttp(base.SimulatorTestCase):

    def setUp(self):
        super().setUp()
        self.bigip = self.session()

    def test_error_fault_answers_the_given_status_and_body(self):
        self.sim.add_fault(method='GET', path='/ltm/pool$', nth=2, status=503,
                           body={'code': 503, 'message': 'busy'})
        first = self.call(self.bigip, 'GET', base.POOLS)
        second = self.call(self.bigip, 'GET', base.POOLS)
        third = self.call(self.bigip, 'GET', base.POOLS)
        self.assertEqual([200, 503, 200], [first.status_code, second.status_code,
                                           third.status_code])
        self.assertEqual({'code': 503, 'message': 'busy'}, second.json())

    def test_preset_fault_answers_mcpd_lost(self):
        self.sim.add_fault(preset='mcpd-lost')
        response = self.call(self.bigip, 'GET', base.POOLS)
        self.assertEqual(500, response.status_code)
        self.assertEqual(32768001, response.json()['apiError'])

    def test_html_preset_is_served_as_html(self):
        self.sim.add_fault(preset='restjavad-restarting')
        response = self.call(self.bigip, 'GET', base.POOLS)
        self.assertEqual(503, response.status_code)
        self.assertIn('text/html', response.headers['Content-Type'])

    def test_reset_fault_drops_the_connection_without_an_answer(self):
        self.sim.add_fault(method='POST', path='/ltm/pool$', action='reset')
        self.assertRaises(requests.ConnectionError, self.call, self.bigip, 'POST',
                          base.POOLS, {'name': 'p1'})
        self.assertEqual(404, self.call(self.bigip, 'GET', base.POOLS + '/~Common~p1')
                         .status_code)

    def test_close_fault_closes_the_connection_without_an_answer(self):
        self.sim.add_fault(path='/ltm/pool$', action='close')
        self.assertRaises(requests.ConnectionError, self.call, self.bigip, 'GET', base.POOLS)

    def test_fault_after_applies_the_write_but_loses_the_answer(self):
        self.sim.add_fault(method='POST', path='/ltm/pool$', action='reset', when='after')
        self.assertRaises(requests.ConnectionError, self.call, self.bigip, 'POST',
                          base.POOLS, {'name': 'p1'})
        self.assertEqual(200, self.call(self.bigip, 'GET', base.POOLS + '/~Common~p1')
                         .status_code)

    def test_latency_rule_delays_matching_requests_and_counts_them(self):
        self.sim.add_fault(action='latency', latency_ms=10, times=2, path='/ltm/pool$')
        for _ in range(3):
            self.assertEqual(200, self.call(self.bigip, 'GET', base.POOLS).status_code)
        rule, = self.sim.faults()
        self.assertEqual((3, 2), (rule['matched'], rule['applied']))

    def test_global_latency_is_set_through_the_control_api(self):
        response = requests.put(self.urls[0] + '/sim/latency', json={'latency_ms': 5},
                                timeout=5)
        self.assertEqual({'latency_ms': 5}, response.json())
        self.assertEqual(200, self.call(self.bigip, 'GET', base.POOLS).status_code)

    def test_fault_rules_are_managed_over_http(self):
        url = self.urls[0] + '/sim/faults'
        rule = requests.post(url, json={'path': 'virtual', 'status': 404}, timeout=5).json()
        self.assertEqual([rule['id']], [r['id'] for r in requests.get(url, timeout=5)
                                        .json()['faults']])
        self.assertEqual(200, requests.delete(url, timeout=5).status_code)
        self.assertEqual([], requests.get(url, timeout=5).json()['faults'])

    def test_calls_are_logged_and_counted_by_method_and_path(self):
        self.create_pool(self.bigip, 'p1')
        self.call(self.bigip, 'GET', base.POOLS + '/~Common~p1')
        self.call(self.bigip, 'GET', base.POOLS + '/~Common~p1')
        counters = requests.get(self.urls[0] + '/sim/counters', timeout=5).json()
        self.assertEqual({'POST': 1, 'GET': 2}, counters['by_method'])
        self.assertEqual(2, counters['by_path']['GET /mgmt/tm/ltm/pool/~Common~p1'])
        calls = self.sim.calls(method='POST')
        self.assertEqual([{'name': 'p1', 'partition': 'Common'}], [c['body'] for c in calls])
        requests.delete(self.urls[0] + '/sim/calls', timeout=5)
        self.assertEqual(0, self.sim.counters()['total'])


class TestKeepAlive(base.SimulatorTestCase):

    def test_one_connection_serves_many_requests(self):
        host, port = self.urls[0][len('http://'):].rsplit(':', 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        self.addCleanup(conn.close)
        statuses = []
        for _ in range(3):
            conn.request('GET', '/sim/counters')
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
        self.assertEqual([200, 200, 200], statuses)
        self.assertIsNotNone(conn.sock)  # never reconnected: the socket stayed open

    def test_malformed_json_over_the_wire_is_400_invalid_json(self):
        response = requests.post(self.urls[0] + base.POOLS, data=b'{"name": ',
                                 auth=('admin', 'admin'), timeout=5,
                                 headers={'Content-Type': 'application/json'})
        self.assertEqual({'code': 400, 'message': 'Found invalid JSON body in the request.',
                          'errorStack': [], 'apiError': 1}, response.json())
