# SPDX-License-Identifier: Apache-2.0
"""HA over HTTP: failover, config-sync, sync status, devices going down and coming back."""

import time

import requests

from tests.functional.simulator import base

SYNC = {'command': 'run', 'utilCmdArgs': 'config-sync to-group octavia-f5-group'}


def status_of(body):
    (outer,) = body['entries'].values()
    return outer['nestedStats']['entries']['status']['description']


class TestHaOverHttp(base.SimulatorTestCase):

    DEVICES = 2

    def setUp(self):
        super().setUp()
        self.bigip1, self.bigip2 = self.session(0), self.session(1)

    def states(self, session):
        items = self.call(session, 'GET', '/mgmt/tm/cm/device').json()['items']
        return {d['name']: d['failoverState'] for d in items}

    def sync_status(self, session):
        return status_of(self.call(session, 'GET', '/mgmt/tm/cm/sync-status').json())

    def test_fixture_names_the_device_group(self):
        self.assertEqual('octavia-f5-group', self.simulator.device_group)
        self.assertEqual(2, len(self.urls))

    def test_failover_swaps_active_and_standby_on_every_device(self):
        self.assertEqual({'bigip1': 'active', 'bigip2': 'standby'}, self.states(self.bigip1))
        self.sim.failover()
        self.assertEqual({'bigip1': 'standby', 'bigip2': 'active'}, self.states(self.bigip1))
        self.assertEqual({'bigip1': 'standby', 'bigip2': 'active'}, self.states(self.bigip2))
        status = self.call(self.bigip2, 'GET', '/mgmt/tm/cm/failover-status').json()
        self.assertEqual('ACTIVE', status_of(status))

    def test_config_sync_copies_a_pool_and_restores_in_sync(self):
        self.create_pool(self.bigip1)
        self.assertEqual('Changes Pending', self.sync_status(self.bigip2))
        self.assertEqual(404, self.call(self.bigip2, 'GET', base.POOLS + '/~Common~pool1')
                         .status_code)
        response = self.call(self.bigip1, 'POST', '/mgmt/tm/cm', SYNC)
        self.assertEqual(200, response.status_code, response.text)
        self.assertEqual(200, self.call(self.bigip2, 'GET', base.POOLS + '/~Common~pool1')
                         .status_code)
        self.assertEqual('In Sync', self.sync_status(self.bigip1))
        self.assertEqual('In Sync', self.sync_status(self.bigip2))

    def test_config_sync_to_unknown_group_is_400(self):
        response = self.call(self.bigip1, 'POST', '/mgmt/tm/cm',
                             dict(SYNC, utilCmdArgs='config-sync to-group other'))
        self.assertEqual(400, response.status_code)
        self.assertEqual('01070734:3: Configuration error: Device group (other) not found in '
                         'device group sync', response.json()['message'])

    def test_down_device_refuses_connections_and_resets_open_ones(self):
        self.assertEqual(200, self.call(self.bigip2, 'GET', '/mgmt/tm/cm/device').status_code)
        self.sim.device_down('bigip2')
        self.assertRaises(requests.ConnectionError, self.call, self.bigip2, 'GET',
                          '/mgmt/tm/cm/device')
        self.assertRaises(requests.ConnectionError, requests.get, self.urls[1] + '/sim/',
                          timeout=5)
        self.assertEqual({'bigip1': 'active', 'bigip2': 'offline'}, self.states(self.bigip1))
        self.assertEqual('Disconnected', self.sync_status(self.bigip1))

    def test_device_taken_down_through_its_own_port_then_brought_up(self):
        response = requests.post(self.urls[0] + '/sim/devices/bigip1/down', timeout=5)
        self.assertEqual(200, response.status_code)
        # The device goes down once its answer is sent, so a request right after may still
        # be served; within a few seconds connections must be refused.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                self.call(self.bigip1, 'GET', '/mgmt/tm/cm/device')
            except requests.ConnectionError:
                break
            time.sleep(0.05)
        self.assertRaises(requests.ConnectionError, self.call, self.bigip1, 'GET',
                          '/mgmt/tm/cm/device')
        self.assertEqual({'bigip1': 'offline', 'bigip2': 'active'}, self.states(self.bigip2))
        response = requests.post(self.urls[1] + '/sim/devices/bigip1/up', timeout=5)
        self.assertEqual(200, response.status_code)
        self.assertEqual({'bigip1': 'standby', 'bigip2': 'active'}, self.states(self.bigip1))
        self.assertEqual('Changes Pending', self.sync_status(self.bigip1))

    def test_https_is_off_by_default(self):
        self.assertTrue(self.urls[0].startswith('http://'))
        self.assertIsNone(self.simulator.ca_file)


class TestHttps(base.SimulatorTestCase):

    HTTPS = True

    def test_https_verifies_against_the_printed_ca_file(self):
        self.assertTrue(self.urls[0].startswith('https://'))
        response = self.call(self.session(), 'GET', '/mgmt/tm/cm/device')
        self.assertEqual(200, response.status_code)

    def test_https_without_the_ca_fails_verification(self):
        self.assertRaises(requests.exceptions.SSLError, requests.get,
                          self.urls[0] + '/sim/', timeout=5, verify=True)

    def test_down_device_resets_tls_connections(self):
        session = self.session()
        self.assertEqual(200, self.call(session, 'GET', '/mgmt/tm/cm/device').status_code)
        self.sim.device_down('bigip1')
        self.assertRaises(requests.ConnectionError, self.call, session, 'GET',
                          '/mgmt/tm/cm/device')
        self.sim.device_up('bigip1')
        self.assertEqual(200, self.call(session, 'GET', '/mgmt/tm/cm/device').status_code)
