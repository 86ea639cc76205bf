# SPDX-License-Identifier: Apache-2.0
"""Tests of the /sim/ control API, called in-process on devices with fake backends."""

from tests import base
from tests.unit.simulator import fakes


class ControlTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.devices = fakes.make_devices(2)
        self.bigip1, self.bigip2 = self.devices

    def sim(self, method, path, body=None, device=None, status=200):
        response = (device or self.bigip1)(fakes.request(method, '/sim/' + path, body))
        self.assertEqual(status, response.status, response.body)
        if response.after:
            response.after()
        return response.body


class TestControl(ControlTestCase):

    def test_index_lists_the_endpoints(self):
        body = self.sim('GET', '')
        self.assertIn('POST /sim/faults', body['endpoints'])
        self.assertEqual('bigip1', body['device'])

    def test_unknown_endpoint_is_404(self):
        self.assertIn('GET /sim/', self.sim('GET', 'nothing', status=404)['message'])

    def test_body_that_is_not_json_is_400(self):
        response = self.bigip1(fakes.request('POST', '/sim/faults', raw=b'{'))
        self.assertEqual(400, response.status)

    def test_reset_clears_configuration_tokens_faults_calls_and_settings(self):
        self.bigip1(fakes.admin('POST', '/mgmt/tm/ltm/pool', {'name': 'p1'}))
        self.sim('POST', 'faults', {'path': 'never'})
        self.sim('PATCH', 'auth', {'max_tokens': 3})
        self.sim('PUT', 'latency', {'latency_ms': 5}, device=self.bigip2)
        self.sim('POST', 'devices/bigip2/down')
        body = self.sim('POST', 'reset')
        self.assertEqual({}, self.bigip1.backend.dump())
        self.assertEqual([], self.sim('GET', 'faults')['faults'])
        self.assertEqual(0, self.sim('GET', 'counters')['total'])
        self.assertEqual(100, self.sim('GET', 'auth')['max_tokens'])
        self.assertEqual(0, self.bigip2.latency)
        self.assertEqual(('bigip1', 'In Sync'), (body['active'], body['sync_status']))

    def test_dump_of_another_device_by_name(self):
        self.bigip2(fakes.admin('POST', '/mgmt/tm/ltm/pool', {'name': 'p2'}))
        self.assertEqual({'/mgmt/tm/ltm/pool': {'/Common/p2': {'name': 'p2',
                                                               'fullPath': '/Common/p2'}}},
                         self.sim('GET', 'dump?device=bigip2'))

    def test_unknown_device_name_is_404(self):
        self.sim('GET', 'dump?device=bigip9', status=404)

    def test_calls_and_counters_then_clear(self):
        self.bigip1(fakes.admin('GET', '/mgmt/tm/cm/device'))
        body = self.sim('GET', 'calls')
        self.assertEqual(['/mgmt/tm/cm/device'], [c['path'] for c in body['calls']])
        self.assertEqual({'GET /mgmt/tm/cm/device': 1}, body['counters']['by_path'])
        self.sim('DELETE', 'calls')
        self.assertEqual([], self.sim('GET', 'calls')['calls'])

    def test_fault_rules_are_added_listed_and_removed(self):
        rule = self.sim('POST', 'faults', {'method': 'GET', 'path': 'pool', 'status': 404})
        self.assertEqual([rule['id']], [r['id'] for r in self.sim('GET', 'faults')['faults']])
        self.sim('DELETE', 'faults/%d' % rule['id'])
        self.sim('DELETE', 'faults/%d' % rule['id'], status=404)
        self.assertEqual([], self.sim('GET', 'faults')['faults'])

    def test_invalid_fault_rule_is_400(self):
        self.assertIn('action', self.sim('POST', 'faults', {'action': 'x'}, status=400)[
            'message'])

    def test_latency_is_set_per_device(self):
        self.assertEqual({'latency_ms': 25}, self.sim('PUT', 'latency', {'latency_ms': 25}))
        self.assertEqual(0.025, self.bigip1.latency)
        self.assertEqual(0, self.bigip2.latency)
        self.sim('PUT', 'latency', {'latency_ms': -1}, status=400)

    def test_stats_are_handed_to_the_backend(self):
        self.sim('POST', 'stats', {'kind': 'virtual', 'fullPath': '/P/vs',
                                   'counters': {'clientside.bitsIn': 800}})
        self.assertEqual([('virtual', '/P/vs', {'clientside.bitsIn': 800}, None)],
                         self.bigip1.backend.stats)

    def test_stats_refused_by_the_backend_is_400(self):
        self.sim('POST', 'stats', {'kind': 'vlan', 'fullPath': '/P/x', 'counters': {}},
                 status=400)
        self.sim('POST', 'stats', {'kind': 'virtual'}, status=400)

    def test_member_availability_of_unknown_pool_is_404(self):
        self.sim('POST', 'member-availability',
                 {'pool': '/Common/p', 'member': '/Common/1.1.1.1:80', 'state': 'down'},
                 status=404)

    def test_member_availability_is_handed_to_the_backend(self):
        self.bigip1(fakes.admin('POST', '/mgmt/tm/ltm/pool', {'name': 'p'}))
        self.sim('POST', 'member-availability',
                 {'pool': '/Common/p', 'member': '/Common/1.1.1.1:80', 'state': 'down'})
        self.assertEqual([('/Common/p', '/Common/1.1.1.1:80', 'down')],
                         self.bigip1.backend.availability)


class TestAuthControl(ControlTestCase):

    def test_auth_settings_never_show_passwords(self):
        body = self.sim('PATCH', 'auth', {'users': {'admin': 'admin', 'op': 'secret'},
                                          'token_lifetime': 5, 'limit_admin': True})
        self.assertEqual({'users': ['admin', 'op'], 'token_lifetime': 5, 'max_tokens': 100,
                          'limit_admin': True}, body)
        self.assertNotIn('secret', str(self.sim('GET', 'auth')))

    def test_invalid_auth_setting_is_400_and_changes_nothing(self):
        self.sim('PATCH', 'auth', {'max_tokens': 5, 'colour': 'red'}, status=400)
        self.sim('PATCH', 'auth', {'max_tokens': True}, status=400)
        self.assertEqual(100, self.sim('GET', 'auth')['max_tokens'])

    def test_expire_all_tokens_of_a_device(self):
        login = self.bigip1(fakes.request('POST', '/mgmt/shared/authn/login',
                                          {'username': 'admin', 'password': 'admin'}))
        token = login.body['token']['token']
        self.sim('POST', 'auth/expire')
        response = self.bigip1(fakes.request('GET', '/mgmt/tm/cm/device', token=token))
        self.assertEqual(401, response.status)


class TestHaControl(ControlTestCase):

    def test_failover_to_the_next_device(self):
        self.assertEqual('bigip2', self.sim('POST', 'failover')['active'])
        self.assertEqual('bigip1', self.sim('POST', 'failover', {'to': 'bigip1'})['active'])

    def test_failover_with_one_device_up_is_400(self):
        self.sim('POST', 'devices/bigip2/down')
        self.sim('POST', 'failover', status=400)

    def test_device_down_and_up(self):
        body = self.sim('POST', 'devices/bigip1/down', device=self.bigip2)
        self.assertEqual(('bigip2', False), (body['active'], body['devices'][0]['up']))
        body = self.sim('POST', 'devices/bigip1/up', device=self.bigip2)
        self.assertEqual(('standby', True), (body['devices'][0]['failoverState'],
                                             body['devices'][0]['up']))

    def test_device_taken_down_through_its_own_port_answers_first(self):
        response = self.bigip1(fakes.request('POST', '/sim/devices/bigip1/down'))
        self.assertEqual((200, True), (response.status, self.bigip1.up))
        response.after()
        self.assertFalse(self.bigip1.up)

    def test_unknown_device_is_404(self):
        self.sim('POST', 'devices/bigip3/down', status=404)

    def test_cluster_describes_every_device(self):
        body = self.sim('GET', 'cluster')
        self.assertEqual(('octavia-f5-group', ['bigip1', 'bigip2']),
                         (body['device_group'], [d['name'] for d in body['devices']]))
