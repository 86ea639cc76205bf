# SPDX-License-Identifier: Apache-2.0
"""Tests of the one module that names BIG-IP objects."""

from octavia_f5.bigip import names
from octavia_f5.common import exceptions
from tests import base


class TestNames(base.TestCase):

    def test_objects_are_named_by_kind_and_octavia_id(self):
        self.assertEqual('lb_a-1', names.virtual_address('a-1'))
        self.assertEqual('listener_a-1', names.virtual('a-1'))
        self.assertEqual('listener_a-1_http', names.listener_object('a-1', 'http'))
        self.assertEqual('pool_a-1', names.pool('a-1'))
        self.assertEqual('hm_a-1', names.monitor('a-1'))
        self.assertEqual('hm_a-1_m-2', names.member_monitor('a-1', 'm-2'))
        self.assertEqual('l7policy_a-1', names.l7rule('a-1'))

    def test_certificates_are_named_by_container_id(self):
        self.assertEqual('tls_ab12.crt', names.certificate('ab12'))
        self.assertEqual('tls_ab12.key', names.key('ab12'))
        self.assertEqual('tls_ab12_chain.crt', names.chain('ab12'))

    def test_partition_is_prefix_and_project_and_route_domain_shares_it(self):
        self.assertEqual('octavia_p1', names.partition('octavia_', 'p1'))
        self.assertEqual('octavia_p1', names.route_domain('octavia_', 'p1'))

    def test_ipv4_member_uses_colon_and_route_domain_suffix(self):
        self.assertEqual('10.0.0.1%2:80', names.member('10.0.0.1', 2, 80))
        self.assertEqual('10.0.0.1%2', names.node('10.0.0.1', 2))

    def test_ipv6_member_uses_dot_before_port_and_canonical_address(self):
        self.assertEqual('2001:db8::1%2.80', names.member('2001:DB8:0:0::1', 2, 80))

    def test_route_domain_zero_has_no_suffix(self):
        self.assertEqual('10.0.0.1:80', names.member('10.0.0.1', 0, 80))
        self.assertEqual('2001:db8::1', names.address('2001:db8::1', 0))

    def test_upload_path_is_per_partition_and_object(self):
        self.assertEqual('file:/var/config/rest/downloads/P_tls_x.key',
                         names.upload_path('P', 'tls_x.key'))

    def test_ids_that_could_break_a_path_or_an_irule_are_refused(self):
        for bad in ('a/b', 'a~b', 'a b', 'a"b', 'a]b', 'a[exec x]', '', None, 'x' * 65,
                    '-lead', 'a\nb', 'a%2'):
            error = self.assertRaises(exceptions.InvalidValue, names.pool, bad)
            self.assertEqual('pool_id', error.field)

    def test_unsafe_partition_prefix_is_refused(self):
        error = self.assertRaises(exceptions.InvalidValue, names.partition, 'a/b', 'p1')
        self.assertEqual('partition_prefix', error.field)
