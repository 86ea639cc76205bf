# SPDX-License-Identifier: Apache-2.0
"""Smoke tests of the local cloud: Octavia, Neutron and the tool itself answer as configured."""

import ipaddress
import os
import subprocess
import uuid

from tests.e2e import base

CORE_SERVICES = ('mariadb', 'redis', 'neutron', 'driver-agent', 'octavia-api')


def _enabled_providers():
    """Provider names from the generated [api_settings] enabled_provider_drivers."""
    conf = base.octavia_conf()
    entries = conf.get('api_settings', 'enabled_provider_drivers', fallback='')
    return sorted(entry.split(':', 1)[0].strip() for entry in entries.split(',') if entry)


def _f5_driver_importable():
    probe = 'import octavia_f5.api.driver, octavia_f5.controller.agent'
    python = os.path.join(base.VENV_BIN, 'python')
    return subprocess.run([python, '-c', probe], cwd='/', capture_output=True).returncode == 0


class TestSmoke(base.E2ETestCase):

    def test_octavia_lists_exactly_the_configured_providers(self):
        listed = sorted(p.name for p in self.conn.load_balancer.providers())
        self.assertEqual(_enabled_providers(), listed)
        self.assertIn('noop_driver', listed)

    def test_f5_provider_is_listed_and_default_when_the_driver_is_importable(self):
        listed = [p['name'] for p in self.openstack('loadbalancer', 'provider', 'list')]
        conf = base.octavia_conf()
        if _f5_driver_importable():
            self.assertIn('f5', listed, 'octavia_f5 is importable but Octavia does not list '
                                        'f5: restart the cloud (tools/local-cloud down; up)')
            self.assertEqual('f5', conf.get('api_settings', 'default_provider_driver'))
            self.assertEqual('f5', conf.get('driver_agent', 'enabled_provider_agents'))
        else:
            self.assertNotIn('f5', listed)
            self.assertEqual('noop_driver', conf.get('api_settings', 'default_provider_driver'))

    def test_load_balancer_list_filtered_by_an_unknown_name_is_empty(self):
        name = 'e2e-none-%s' % uuid.uuid4().hex[:8]
        self.assertEqual([], self.openstack('loadbalancer', 'list', '--name', name))

    def test_neutron_lists_the_demo_network_and_its_subnet(self):
        network = self.demo_network()
        subnets = list(self.conn.network.subnets(network_id=network.id))
        self.assertEqual([(base.DEMO_SUBNET, base.DEMO_CIDR, 4)],
                         [(s.name, s.cidr, s.ip_version) for s in subnets])
        self.assertEqual('vlan', network.provider_network_type)

    def test_port_created_on_the_demo_network_gets_a_subnet_address_and_deletes(self):
        network = self.demo_network()
        name = 'e2e-smoke-%s' % uuid.uuid4().hex[:8]
        created = self.openstack('port', 'create', '--network', base.DEMO_NETWORK, name)
        self.addCleanup(self.conn.network.delete_port, created['id'], ignore_missing=True)
        # no mechanism driver binds it: a real Neutron port that stays DOWN
        port = self.wait_for_status(lambda: self.conn.network.get_port(created['id']), 'DOWN',
                                    attribute='status')
        self.assertEqual((name, network.id), (port.name, port.network_id))
        self.assertEqual(1, len(port.fixed_ips))
        address = ipaddress.ip_address(port.fixed_ips[0]['ip_address'])
        self.assertIn(address, ipaddress.ip_network(base.DEMO_CIDR))
        self.openstack('port', 'delete', created['id'], parse=False)
        self.wait_for_status(lambda: self.conn.network.get_port(created['id']), base.DELETED)
        self.assertEqual([], self.openstack('port', 'list', '--name', name))

    def test_status_reports_every_core_service_running_and_answering(self):
        result = subprocess.run([os.path.join(base.REPO, 'tools', 'local-cloud'), 'status'],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        lines = {line.split()[1]: line for line in result.stdout.splitlines()
                 if len(line.split()) > 1}
        for name in CORE_SERVICES:
            self.assertIn('running, answers', lines.get(name, ''), result.stdout)
