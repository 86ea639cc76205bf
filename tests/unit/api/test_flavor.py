# SPDX-License-Identifier: Apache-2.0
"""Tests of the flavor and availability-zone metadata the provider accepts."""

from octavia_lib.api.drivers import exceptions as lib_exceptions

from octavia_f5.api import flavor
from octavia_f5.bigip.mapping import context
from tests import base


class MetadataTestCase(base.TestCase):

    def assertRefused(self, metadata, *fragments, validate=flavor.validate_flavor):
        e = self.assertRaises(lib_exceptions.UnsupportedOptionError, validate, metadata)
        for fragment in fragments:
            self.assertIn(fragment, e.user_fault_string)
        self.assertEqual(e.user_fault_string, e.operator_fault_string)


class TestFlavorMetadata(MetadataTestCase):

    def test_capabilities_are_the_mappings_flavor_keys(self):
        self.assertEqual({k: v.description for k, v in context.FLAVOR_KEYS.items()},
                         flavor.FLAVOR_METADATA)
        self.assertEqual(set(flavor.AVAILABILITY_ZONE_SCHEMA['properties']),
                         set(flavor.AVAILABILITY_ZONE_METADATA))

    def test_every_capability_is_accepted_with_a_good_value(self):
        values = {'choice': lambda spec: spec.choices[0], 'path': lambda spec: '/Common/x',
                  'paths': lambda spec: ['/Common/x']}
        for key, spec in context.FLAVOR_KEYS.items():
            metadata = {key: values[spec.kind](spec)}
            if key == 'snat_pool':
                metadata['snat_mode'] = 'snatpool'
            with self.subTest(key=key):
                flavor.validate_flavor(metadata)

    def test_empty_and_full_flavors_are_accepted(self):
        flavor.validate_flavor({})
        flavor.validate_flavor({'loadbalancer_topology': 'SINGLE', 'snat_mode': 'snatpool',
                                'snat_pool': '/Common/snat1', 'irules': ['/Common/log'],
                                'tcp_profile': '/Common/tcp-lan-optimized',
                                'http_profile': '/Common/http-x'})

    def test_tempests_topologies_are_accepted(self):
        for topology in ('SINGLE', 'ACTIVE_STANDBY'):
            flavor.validate_flavor({'loadbalancer_topology': topology})

    def test_unknown_key_is_refused_by_name(self):
        self.assertRefused({'compute_flavor': 'x'}, 'compute_flavor')

    def test_invalid_topology_is_refused(self):
        self.assertRefused({'loadbalancer_topology': 'ACTIVE_ACTIVE'},
                           'loadbalancer_topology', 'ACTIVE_ACTIVE')

    def test_active_standby_with_one_configured_device_is_refused(self):
        self.config(group='f5_bigip', devices=['https://192.0.2.1'])
        self.assertRefused({'loadbalancer_topology': 'ACTIVE_STANDBY'},
                           'loadbalancer_topology', 'two or more devices')

    def test_profile_path_outside_common_is_refused(self):
        self.assertRefused({'tcp_profile': '/tenant/tcp'}, 'tcp_profile')

    def test_profile_path_with_tmsh_syntax_is_refused(self):
        self.assertRefused({'http_profile': '/Common/http } delete ltm virtual all {'},
                           'http_profile')

    def test_snat_pool_without_snatpool_mode_is_refused(self):
        self.assertRefused({'snat_pool': '/Common/s'}, 'snat_pool',
                           'only allowed with snat_mode snatpool')

    def test_snatpool_mode_without_pool_is_refused(self):
        self.assertRefused({'snat_mode': 'snatpool'}, 'snat_pool', 'required')

    def test_duplicate_irules_are_refused(self):
        self.assertRefused({'irules': ['/Common/a', '/Common/a']}, 'irules')

    def test_profile_path_with_a_trailing_newline_is_refused(self):
        self.assertRefused({'tcp_profile': '/Common/tcp\n'}, 'tcp_profile')

    def test_metadata_that_is_no_object_is_refused(self):
        self.assertRefused(['tcp_profile'], 'object')


class TestAvailabilityZoneMetadata(MetadataTestCase):

    def test_configured_device_group_is_accepted(self):
        self.config(group='f5_bigip', device_group='dg1')
        flavor.validate_availability_zone({'device_group': 'dg1'})
        flavor.validate_availability_zone({})

    def test_unknown_device_group_is_refused(self):
        self.config(group='f5_bigip', device_group='dg1')
        self.assertRefused({'device_group': 'dg2'}, 'device_group', 'dg2',
                           validate=flavor.validate_availability_zone)

    def test_compute_zone_is_not_an_f5_key(self):
        self.assertRefused({'compute_zone': 'nova'}, 'compute_zone',
                           validate=flavor.validate_availability_zone)
