# SPDX-License-Identifier: Apache-2.0
"""Tests of the simulator's console-script arguments and its device set-up."""

from octavia_f5.simulator import server
from tests import base
from tests.unit.simulator import fakes


class TestParseArgs(base.TestCase):

    def test_defaults(self):
        args = server.parse_args([])
        self.assertEqual(('127.0.0.1', 8443, 1, 0, False),
                         (args.host, args.port, args.devices, args.latency_ms, args.https))

    def test_all_options(self):
        args = server.parse_args(['--listen', '[::1]:9000', '--devices', '3',
                                  '--latency-ms', '20', '--https'])
        self.assertEqual(('::1', 9000, 3, 20, True),
                         (args.host, args.port, args.devices, args.latency_ms, args.https))

    def test_listen_without_port_is_an_error(self):
        self.assertRaises(SystemExit, server.parse_args, ['--listen', 'localhost'])

    def test_zero_devices_is_an_error(self):
        self.assertRaises(SystemExit, server.parse_args, ['--devices', '0'])


class TestSimulator(base.TestCase):

    def test_devices_are_named_bigip1_to_n_in_one_group(self):
        sim = server.Simulator(devices=3, backend_factory=fakes.FakeBackend)
        self.assertEqual(['bigip1', 'bigip2', 'bigip3'], [d.name for d in sim.devices])
        self.assertEqual('octavia-f5-group', sim.device_group)
        self.assertEqual('bigip1', sim.cluster.active)

    def test_single_device_has_no_device_group(self):
        sim = server.Simulator(devices=1, backend_factory=fakes.FakeBackend)
        self.assertIsNone(sim.device_group)

    def test_devices_share_credentials(self):
        sim = server.Simulator(devices=2, username='u', password='p',
                               backend_factory=fakes.FakeBackend)
        response = sim.devices[1](fakes.request('GET', '/mgmt/tm/cm/device', basic=('u', 'p')))
        self.assertEqual(200, response.status)
