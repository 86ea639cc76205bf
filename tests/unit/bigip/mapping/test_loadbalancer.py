# SPDX-License-Identifier: Apache-2.0
"""Golden tests of load balancer -> virtual address."""

from octavia_f5.bigip.mapping import loadbalancer
from tests.unit.bigip.mapping import base
from tests.unit.bigip.mapping import fixtures


class TestLoadBalancer(base.MappingTestCase):

    family = 'loadbalancer'

    CASES = {
        'ipv4': {},
        'ipv6_canonical': {'vip_address': '2001:DB8:0::10'},
        'disabled': {'admin_state_up': False},
        'hostile_text': {'name': '<b>"x"</b>', 'description': 'a\r\nb{c}[d]\\e'},
    }

    def test_golden(self):
        for case, fields in self.CASES.items():
            with self.subTest(case=case):
                self.assertGolden(case, loadbalancer.resources(
                    fixtures.loadbalancer(**fields), fixtures.ctx()))

    def test_route_domain_zero_has_bare_address(self):
        body = loadbalancer.resources(fixtures.loadbalancer(),
                                      fixtures.ctx(route_domain=0))[0].body
        self.assertEqual('192.0.2.10', body['address'])

    def test_additional_vips_are_refused(self):
        lb = fixtures.loadbalancer(additional_vips=[{'ip_address': '192.0.2.11',
                                                     'subnet_id': 's'}])
        self.assertUnsupported('additional_vips', 'single destination address',
                               loadbalancer.validate, lb)

    def test_vip_port_options_without_effect_are_refused(self):
        self.assertUnsupported('vip_qos_policy_id', 'QoS policy', loadbalancer.validate,
                               fixtures.loadbalancer(vip_qos_policy_id='q'))
        self.assertUnsupported('vip_sg_ids', 'security groups', loadbalancer.validate,
                               fixtures.loadbalancer(vip_sg_ids=['sg']))
        # Octavia sends them empty when they were not asked for.
        loadbalancer.validate(fixtures.loadbalancer(vip_qos_policy_id=None, vip_sg_ids=[]))

    def test_missing_or_bad_vip_is_refused(self):
        self.assertInvalid('vip_address', 'is required', loadbalancer.validate,
                           fixtures.loadbalancer(vip_address=None))
        self.assertInvalid('vip_address', 'IPv4 or IPv6', loadbalancer.validate,
                           fixtures.loadbalancer(vip_address='10.0.0.300'))
