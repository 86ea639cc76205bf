# SPDX-License-Identifier: Apache-2.0
"""Tests of URL paths, object names with route domains and ports, and query parameters."""

from octavia_f5.bigip import paths
from tests import base


class TestItemPaths(base.TestCase):

    def test_item_in_partition_uses_tildes(self):
        self.assertEqual('/mgmt/tm/ltm/pool/~Sample_01~web_pool',
                         paths.item('ltm/pool', 'web_pool', 'Sample_01'))

    def test_item_with_sub_path_puts_it_between_partition_and_name(self):
        self.assertEqual('/mgmt/tm/ltm/pool/~Sample_01~A1~web_pool',
                         paths.item('ltm/pool', 'web_pool', 'Sample_01', sub_path='A1'))

    def test_bare_name_addresses_common(self):
        self.assertEqual('/mgmt/tm/net/route-domain/vlan-123',
                         paths.item('net/route-domain', 'vlan-123'))

    def test_full_path_name_is_converted_as_it_stands(self):
        self.assertEqual('/mgmt/tm/ltm/virtual/~P~vs/profiles/~Common~http',
                         paths.sub_item(paths.item('ltm/virtual', 'vs', 'P'), 'profiles',
                                        '/Common/http'))

    def test_route_domain_percent_is_encoded_in_member_path(self):
        parent = paths.item('ltm/pool', 'pool_1', 'P')
        member = paths.address_port('10.0.0.1', 80, route_domain=2)
        self.assertEqual('/mgmt/tm/ltm/pool/~P~pool_1/members/~P~10.0.0.1%252:80',
                         paths.sub_item(parent, 'members', member, 'P'))

    def test_ipv6_member_path_keeps_colons_and_dot_port(self):
        parent = paths.item('ltm/pool', 'pool_1', 'P')
        member = paths.address_port('2001:db8::1', 443, route_domain=3)
        self.assertEqual('/mgmt/tm/ltm/pool/~P~pool_1/members/~P~2001:db8::1%253.443',
                         paths.sub_item(parent, 'members', member, 'P'))

    def test_collection_path(self):
        self.assertEqual('/mgmt/tm/ltm/monitor/http', paths.collection('ltm/monitor/http'))

    def test_full_path(self):
        self.assertEqual('/P/pool_1', paths.full_path('P', 'pool_1'))
        self.assertEqual('/P/app/pool_1', paths.full_path('P', 'pool_1', 'app'))

    def test_names_with_tilde_or_slash_are_refused(self):
        for name in ('a~b', 'a/b'):
            self.assertRaises(ValueError, paths.item, 'ltm/pool', name, 'P')
        self.assertRaises(ValueError, paths.full_path, 'P/Q', 'x')
        self.assertRaises(ValueError, paths.full_path, 'P', '')

    def test_upload_path_encodes_the_file_name(self):
        self.assertEqual('/mgmt/shared/file-transfer/uploads/cert%25.pem',
                         paths.upload('cert%.pem'))


class TestAddresses(base.TestCase):

    def test_address_in_route_domain(self):
        self.assertEqual('10.0.0.1%2', paths.address('10.0.0.1', 2))

    def test_default_route_domain_has_no_suffix(self):
        self.assertEqual('10.0.0.1', paths.address('10.0.0.1', 0))
        self.assertEqual('10.0.0.1', paths.address('10.0.0.1'))

    def test_ipv4_port_separator_is_colon(self):
        self.assertEqual('10.0.0.1%2:80', paths.address_port('10.0.0.1', 80, 2))

    def test_ipv6_port_separator_is_dot(self):
        self.assertEqual('2001:db8::1.80', paths.address_port('2001:db8::1', 80))
        self.assertEqual('2001:db8::1%2.80', paths.address_port('2001:db8::1', '80', 2))

    def test_ipv6_address_is_written_in_canonical_form(self):
        self.assertEqual('2001:db8::1', paths.address('2001:0db8:0:0::0001'))

    def test_invalid_address_is_refused(self):
        self.assertRaises(ValueError, paths.address, '10.0.0.300')

    def test_split_parses_what_address_port_builds(self):
        cases = [('10.0.0.1', 80, None), ('10.0.0.1', 8080, 7), ('2001:db8::1', 443, None),
                 ('2001:db8::1', 443, 12)]
        for ip, port, domain in cases:
            self.assertEqual((ip, domain, port),
                             paths.split_address_port(paths.address_port(ip, port, domain)))

    def test_split_accepts_a_destination_full_path(self):
        self.assertEqual(('2700:bc00:1f10:101::6', 2, 80),
                         paths.split_address_port('/Common/2700:bc00:1f10:101::6%2.80'))
        self.assertEqual(('10.10.10.10', None, 443),
                         paths.split_address_port('/Common/10.10.10.10:443'))


class TestQuery(base.TestCase):

    def test_select_filter_and_expand(self):
        self.assertEqual({'$select': 'name,partition', '$filter': 'partition eq P',
                          'expandSubcollections': 'true'},
                         paths.query(select=['name', 'partition'], partition='P',
                                     expand=True))

    def test_empty_query(self):
        self.assertEqual({}, paths.query())

    def test_encoding_keeps_dollar_and_comma_and_uses_plus_for_spaces(self):
        self.assertEqual('$select=name,partition&$filter=partition+eq+octavia_p1',
                         paths.encode_query(paths.query(select=('name', 'partition'),
                                                        partition='octavia_p1')))
