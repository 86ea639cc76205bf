# SPDX-License-Identifier: Apache-2.0
"""Flavors and availability zones of provider f5: capabilities, validation, use by an LB."""

import json
import os
import subprocess
import uuid

from tests.e2e import base
from tests.e2e import lbtest

FLAVOR_KEYS = ('loadbalancer_topology', 'snat_mode', 'snat_pool', 'irules', 'tcp_profile',
               'http_profile', 'client_ssl_profile')


class TestFlavor(lbtest.LoadBalancerTestCase):

    wait_for_deletes = True

    def unique(self, prefix):
        return '%s-%s' % (prefix, uuid.uuid4().hex[:8])

    def openstack_error(self, *args):
        """Run the CLI expecting a failure; returns its stderr."""
        argv = [os.path.join(base.VENV_BIN, 'openstack'), '--os-cloud',
                base.CLOUD_NAME] + list(args)
        env = dict(os.environ, OS_CLIENT_CONFIG_FILE=base.CLOUDS_YAML)
        result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
        self.assertNotEqual(0, result.returncode, result.stdout)
        return result.stderr

    def flavor_profile(self, data):
        profile = self.openstack('loadbalancer', 'flavorprofile', 'create', '--name',
                                 self.unique('e2e-fp'), '--provider', 'f5',
                                 '--flavor-data', json.dumps(data))
        self.addCleanup(self.openstack, 'loadbalancer', 'flavorprofile', 'delete',
                        profile['id'], parse=False)
        return profile

    def test_flavor_capabilities_list_every_supported_key(self):
        listed = self.openstack('loadbalancer', 'provider', 'capability', 'list', '--flavor',
                                'f5')
        names = {c['name'] for c in listed}
        self.assertLessEqual(set(FLAVOR_KEYS), names)
        self.assertTrue(all(c['description'] for c in listed), listed)

    def test_availability_zone_capabilities_list_the_device_group(self):
        listed = self.openstack('loadbalancer', 'provider', 'capability', 'list',
                                '--availability-zone', 'f5')
        self.assertEqual(['device_group'], [c['name'] for c in listed])

    def test_flavor_with_valid_metadata_is_applied_to_a_load_balancer(self):
        profile = self.flavor_profile({'snat_mode': 'none',
                                       'loadbalancer_topology': 'ACTIVE_STANDBY'})
        flavor = self.openstack('loadbalancer', 'flavor', 'create', '--name',
                                self.unique('e2e-flavor'), '--flavorprofile', profile['id'],
                                '--enable')
        self.addCleanup(self.openstack, 'loadbalancer', 'flavor', 'delete', flavor['id'],
                        parse=False)
        lb = self.create_lb(flavor_id=flavor['id'])
        listener = self.call('POST', 'listeners', {'listener': {
            'loadbalancer_id': lb['id'], 'protocol': 'TCP', 'protocol_port': 22}})['listener']
        self.settle(lb['id'])
        virtual = self.partition().get('ltm/virtual', 'listener_%s' % listener['id'])
        self.assertEqual('none', virtual['sourceAddressTranslation']['type'])

    def test_flavor_profile_with_an_unknown_key_is_refused_naming_the_key(self):
        error = self.openstack_error('loadbalancer', 'flavorprofile', 'create', '--name',
                                     self.unique('e2e-bad'), '--provider', 'f5',
                                     '--flavor-data', '{"compute_flavor": "m1.small"}')
        self.assertIn('compute_flavor', error)
        error = self.openstack_error('loadbalancer', 'flavorprofile', 'create', '--name',
                                     self.unique('e2e-bad'), '--provider', 'f5',
                                     '--flavor-data', '{"snat_mode": "snatpool"}')
        self.assertIn('snat_pool', error)

    def test_availability_zone_of_the_device_group_serves_a_load_balancer(self):
        profile = self.openstack('loadbalancer', 'availabilityzoneprofile', 'create',
                                 '--name', self.unique('e2e-azp'), '--provider', 'f5',
                                 '--availability-zone-data',
                                 json.dumps({'device_group': 'octavia-f5-group'}))
        self.addCleanup(self.openstack, 'loadbalancer', 'availabilityzoneprofile', 'delete',
                        profile['id'], parse=False)
        zone = self.openstack('loadbalancer', 'availabilityzone', 'create', '--name',
                              self.unique('e2e-az'), '--availabilityzoneprofile',
                              profile['id'], '--enable')
        self.addCleanup(self.openstack, 'loadbalancer', 'availabilityzone', 'delete',
                        zone['name'], parse=False)
        lb = self.create_lb(availability_zone=zone['name'])
        self.assertEqual(zone['name'], self.get('loadbalancers/%s' % lb['id'])[
            'loadbalancer']['availability_zone'])

    def test_availability_zone_naming_an_unknown_device_group_is_refused(self):
        error = self.openstack_error('loadbalancer', 'availabilityzoneprofile', 'create',
                                     '--name', self.unique('e2e-bad'), '--provider', 'f5',
                                     '--availability-zone-data',
                                     '{"device_group": "elsewhere"}')
        self.assertIn('device_group', error)
