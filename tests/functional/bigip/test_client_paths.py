# SPDX-License-Identifier: Apache-2.0
"""The path and query helpers against real objects: route domains, IPv6 members, queries."""

import urllib.parse

from octavia_f5.bigip import paths
from octavia_f5.common import exceptions
from tests.functional.bigip import base

PARTITION = 'octavia_p1'
POOL = paths.item('ltm/pool', 'pool_1', PARTITION)
MEMBERS = POOL + '/members'

MEMBER_CASES = (
    # (ip, port, route domain, name on the device)
    ('10.0.0.1', 80, 2, '10.0.0.1%2:80'),
    ('10.0.0.1', 80, None, '10.0.0.1:80'),
    ('2001:db8::1', 443, 2, '2001:db8::1%2.443'),
    ('2001:db8::2', 8080, None, '2001:db8::2.8080'),
)


class TestPathsOnTheDevice(base.ClientTestCase):

    def setUp(self):
        super().setUp()
        self.device = self.make_device()
        self.device.create(base.ROUTE_DOMAINS, {'name': 'rd_2', 'partition': 'Common', 'id': 2})
        self.device.create(base.PARTITIONS, {'name': PARTITION, 'defaultRouteDomain': 2})
        self.device.create(base.POOLS, {'name': 'pool_1', 'partition': PARTITION})

    def add_member(self, ip, port, route_domain):
        name = paths.address_port(ip, port, route_domain)
        return self.device.create(MEMBERS, {'name': name, 'partition': PARTITION})

    def test_members_are_created_read_changed_and_deleted_by_their_names(self):
        for ip, port, route_domain, name in MEMBER_CASES:
            member_path = paths.sub_item(POOL, 'members', name, PARTITION)
            created = self.add_member(ip, port, route_domain)
            self.assertEqual((name, paths.address(ip, route_domain)),
                             (created['name'], created['address']))
            self.assertEqual((ip, route_domain, port),
                             paths.split_address_port(created['fullPath']))
            patched = self.device.patch(member_path, {'session': 'user-disabled'})
            self.assertEqual('user-disabled', patched['session'])
            self.assertEqual(name, self.device.get(member_path)['name'])
            self.assertTrue(self.device.delete(member_path))
            self.assertFalse(self.device.exists(member_path))
        self.assertEqual([], self.device.items(MEMBERS))

    def test_route_domain_percent_travels_as_percent_25(self):
        self.add_member('10.0.0.1', 80, 2)
        self.device.get(paths.sub_item(POOL, 'members', '10.0.0.1%2:80', PARTITION))
        read, = self.calls('GET', '/members/')
        self.assertEqual('/mgmt/tm/ltm/pool/~octavia_p1~pool_1/members/'
                         '~octavia_p1~10.0.0.1%252:80', read['path'])
        self.assertEqual(200, read['status'])

    def test_member_whose_create_answer_is_lost_is_read_back_by_its_name(self):
        self.sim.add_fault(method='POST', path='/members$', action='reset', when='after')
        created = self.add_member('2001:db8::1', 443, 2)
        self.assertEqual('/octavia_p1/2001:db8::1%2.443', created['fullPath'])
        self.assertEqual([None], self.statuses('POST', '/members$'))
        read_back, = self.calls('GET', '/members/')
        self.assertEqual(('/mgmt/tm/ltm/pool/~octavia_p1~pool_1/members/'
                          '~octavia_p1~2001:db8::1%252.443', 200),
                         (read_back['path'], read_back['status']))

    def test_member_creates_its_node_in_the_route_domain(self):
        self.add_member('10.0.0.1', 80, 2)
        node = self.device.get(paths.item('ltm/node', '10.0.0.1%2', PARTITION))
        self.assertEqual(('/octavia_p1/10.0.0.1%2', '10.0.0.1%2'),
                         (node['fullPath'], node['address']))

    def test_member_in_a_missing_route_domain_is_refused(self):
        error = self.assertRaises(exceptions.InvalidRequest, self.add_member,
                                  '10.0.0.9', 80, 3)
        self.assertEqual((400, '01070523'), (error.status, error.message_id))
        self.assertIn('route domain (3)', error.message)
        self.assertEqual([], self.device.items(MEMBERS))

    def test_select_answers_only_the_named_properties(self):
        for ip, port, route_domain, _name in MEMBER_CASES:
            self.add_member(ip, port, route_domain)
        members = self.device.items(MEMBERS, paths.query(select=['name', 'address']))
        self.assertEqual([{'name': name, 'address': name.rpartition(
            '.' if name.count(':') > 1 else ':')[0]} for *_, name in MEMBER_CASES], members)
        read, = self.calls('GET', '/members$')
        self.assertEqual('$select=name,address', read['query'])

    def test_partition_filter_lists_one_partition(self):
        self.device.create(base.POOLS, {'name': 'pool_c', 'partition': 'Common'})
        self.device.create(base.POOLS, {'name': 'pool_2', 'partition': PARTITION})
        mine = self.device.items(base.POOLS, paths.query(select=['fullPath'],
                                                         partition=PARTITION))
        self.assertEqual(['/octavia_p1/pool_1', '/octavia_p1/pool_2'],
                         sorted(p['fullPath'] for p in mine))
        common = self.device.items(base.POOLS, paths.query(partition='Common'))
        self.assertEqual(['/Common/pool_c'], [p['fullPath'] for p in common])
        self.assertEqual([], self.device.items(base.POOLS, paths.query(partition='nobody')))
        # Spaces as '+': the only form TMOS before 11.6 understands (icontrol-rest.md 2.3).
        self.assertEqual('$select=fullPath&$filter=partition+eq+octavia_p1',
                         self.calls('GET', '/ltm/pool$')[0]['query'])

    def test_expand_subcollections_inlines_the_members(self):
        for ip, port, route_domain, _name in MEMBER_CASES[:2]:
            self.add_member(ip, port, route_domain)
        plain = self.device.get(POOL)
        self.assertNotIn('items', plain['membersReference'])
        expanded = self.device.get(POOL, paths.query(expand=True))
        self.assertEqual(['10.0.0.1%2:80', '10.0.0.1:80'],
                         sorted(m['name'] for m in expanded['membersReference']['items']))
        listed = self.device.items(base.POOLS, paths.query(partition=PARTITION, expand=True))
        self.assertEqual(2, len(listed[0]['membersReference']['items']))

    def test_self_links_of_expanded_members_address_the_members(self):
        self.add_member('10.0.0.1', 80, 2)
        expanded = self.device.get(POOL, paths.query(expand=True))
        member, = expanded['membersReference']['items']
        link = urllib.parse.urlsplit(member['selfLink']).path
        self.assertEqual(paths.sub_item(POOL, 'members', '10.0.0.1%2:80', PARTITION), link)
        self.assertEqual('/octavia_p1/10.0.0.1%2:80', self.device.get(link)['fullPath'])

    def test_sub_path_objects_are_addressed_with_three_parts(self):
        self.device.create(paths.collection('sys/folder'),
                           {'name': 'app', 'subPath': '/' + PARTITION})
        created = self.device.create(base.POOLS, {'name': 'pool_a', 'partition': PARTITION,
                                                  'subPath': 'app'})
        self.assertEqual('/octavia_p1/app/pool_a', created['fullPath'])
        path = paths.item('ltm/pool', 'pool_a', PARTITION, sub_path='app')
        self.assertEqual('/mgmt/tm/ltm/pool/~octavia_p1~app~pool_a', path)
        self.assertEqual('/octavia_p1/app/pool_a', self.device.get(path)['fullPath'])
        self.assertEqual(path, paths.item('ltm/pool', created['fullPath']))
