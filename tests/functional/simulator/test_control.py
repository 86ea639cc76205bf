# SPDX-License-Identifier: Apache-2.0
"""The control API over HTTP with the real backend: stats, availability, dump, reset."""

import requests

from tests.functional.simulator import base


class TestControlOverHttp(base.SimulatorTestCase):

    def setUp(self):
        super().setUp()
        self.bigip = self.session()
        self.sim_url = self.urls[0] + '/sim/'
        response = self.call(self.bigip, 'POST', base.POOLS, {
            'name': 'web', 'partition': 'Common', 'monitor': '/Common/http',
            'members': [{'name': '10.0.0.1:80', 'address': '10.0.0.1'}]})
        self.assertEqual(200, response.status_code, response.text)

    def control(self, method, path, body=None):
        return requests.request(method, self.sim_url + path, json=body, timeout=5)

    def member_stats(self):
        body = self.call(self.bigip, 'GET', base.POOLS + '/~Common~web/members/stats').json()
        (entry,) = body['entries'].values()
        return entry['nestedStats']['entries']

    def test_traffic_counters_set_through_the_control_api_show_in_stats(self):
        response = self.control('POST', 'stats', {
            'kind': 'member', 'fullPath': '/Common/web', 'member': '/Common/10.0.0.1:80',
            'counters': {'serverside.bitsIn': 800, 'serverside.curConns': 3}})
        self.assertEqual(200, response.status_code, response.text)
        stats = self.member_stats()
        self.assertEqual((800, 3), (stats['serverside.bitsIn']['value'],
                                    stats['serverside.curConns']['value']))

    def test_member_availability_set_through_the_control_api_shows_in_stats(self):
        response = self.control('POST', 'member-availability', {
            'pool': '/Common/web', 'member': '/Common/10.0.0.1:80', 'state': 'down'})
        self.assertEqual(200, response.status_code, response.text)
        self.assertEqual('offline',
                         self.member_stats()['status.availabilityState']['description'])

    def test_stats_of_a_missing_pool_is_404(self):
        response = self.control('POST', 'stats', {'kind': 'pool', 'fullPath': '/Common/nope',
                                                  'counters': {}})
        self.assertEqual(404, response.status_code)
        self.assertEqual('Not found: ltm/pool /Common/nope does not exist',
                         response.json()['message'])

    def test_dump_shows_the_pool_and_reset_removes_it(self):
        self.assertIn('/Common/web', self.control('GET', 'dump').json()['ltm/pool'])
        self.assertEqual(200, self.control('POST', 'reset').status_code)
        self.assertNotIn('/Common/web', self.control('GET', 'dump').json().get(
            'ltm/pool', {}))
        self.assertEqual(404, self.call(self.bigip, 'GET', base.POOLS + '/~Common~web')
                         .status_code)
