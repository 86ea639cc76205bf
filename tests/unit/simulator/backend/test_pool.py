# SPDX-License-Identifier: Apache-2.0
"""Pools, pool members, nodes and pool monitor rules."""

from tests.unit.simulator.backend import base

MEMBERS = 'ltm/pool/~Common~p1/members'


class TestPool(base.BackendTestCase):

    def test_pool_has_reference_defaults(self):
        out = self.create('ltm/pool', {'name': 'p1'})
        expected = {'allowNat': 'yes', 'allowSnat': 'yes', 'ignorePersistedWeight': 'disabled',
                    'ipTosToClient': 'pass-through', 'ipTosToServer': 'pass-through',
                    'linkQosToClient': 'pass-through', 'linkQosToServer': 'pass-through',
                    'loadBalancingMode': 'round-robin', 'minActiveMembers': 0,
                    'minUpMembers': 0, 'minUpMembersAction': 'failover',
                    'minUpMembersChecking': 'disabled', 'queueDepthLimit': 0,
                    'queueOnConnectionLimit': 'disabled', 'queueTimeLimit': 0,
                    'reselectTries': 0, 'serviceDownAction': 'none', 'slowRampTime': 10}
        self.assertEqual(expected, {k: out[k] for k in expected})

    def test_single_monitor_reads_back_with_a_trailing_space(self):
        out = self.create('ltm/pool', {'name': 'p1', 'monitor': 'http'})
        self.assertEqual('/Common/http ', out['monitor'])

    def test_and_list_of_monitors(self):
        out = self.create('ltm/pool', {'name': 'p1', 'monitor': '/Common/http and tcp'})
        self.assertEqual('/Common/http and /Common/tcp ', out['monitor'])

    def test_min_of_monitors_reads_back_braced_from_either_form(self):
        braced = self.create('ltm/pool', {'name': 'p1',
                                          'monitor': 'min 1 of { /Common/http /Common/tcp }'})
        bare = self.create('ltm/pool', {'name': 'p2', 'monitor': 'min 1 of http tcp'})
        self.assertEqual('min 1 of { /Common/http /Common/tcp }', braced['monitor'])
        self.assertEqual(braced['monitor'], bare['monitor'])

    def test_missing_monitor_is_refused(self):
        self.assertRefused(self.post('ltm/pool', {'name': 'p1', 'monitor': 'nope'}), 400,
                           '01020036:3: The requested Monitor (/Common/nope) was not found.')

    def test_monitor_is_removed_by_empty_string_or_null(self):
        self.create('ltm/pool', {'name': 'p1', 'monitor': 'http'})
        self.assertNotIn('monitor', self.ok('PATCH', 'ltm/pool/~Common~p1', {'monitor': ''}))
        self.ok('PATCH', 'ltm/pool/~Common~p1', {'monitor': 'http'})
        self.assertNotIn('monitor', self.ok('PUT', 'ltm/pool/~Common~p1', {'monitor': None}))

    def test_delete_monitor_used_by_pool_is_refused(self):
        self.create('ltm/monitor/http', {'name': 'm'})
        self.create('ltm/pool', {'name': 'p1', 'monitor': 'm'})
        self.assertRefused(self.delete('ltm/monitor/http/~Common~m'), 400,
                           '01070083:3: Monitor /Common/m is in use.')

    def test_pool_delete_leaves_the_nodes(self):
        self.create('ltm/pool', {'name': 'p1', 'members': ['10.0.0.1:80']})
        self.ok('DELETE', 'ltm/pool/~Common~p1')
        self.assertEqual('10.0.0.1', self.ok('GET', 'ltm/node/~Common~10.0.0.1')['address'])


class TestMembers(base.BackendTestCase):

    def setUp(self):
        super().setUp()
        self.create('ltm/pool', {'name': 'p1', 'members': [
            '10.0.0.1:80', {'name': '10.0.0.2:8080', 'ratio': 3, 'description': 'member-id'}]})

    def member(self, name):
        return self.ok('GET', '%s/%s' % (MEMBERS, name))

    def test_members_given_inline_as_strings_and_objects(self):
        out = self.ok('GET', MEMBERS)
        self.assertEqual('tm:ltm:pool:members:memberscollectionstate', out['kind'])
        self.assertEqual([('/Common/10.0.0.1:80', 1), ('/Common/10.0.0.2:8080', 3)],
                         [(m['fullPath'], m['ratio']) for m in out['items']])

    def test_member_has_reference_defaults(self):
        out = self.member('~Common~10.0.0.1:80')
        expected = {'address': '10.0.0.1', 'connectionLimit': 0, 'dynamicRatio': 1,
                    'ephemeral': 'false', 'inheritProfile': 'enabled', 'logging': 'disabled',
                    'monitor': 'default', 'priorityGroup': 0, 'rateLimit': 'disabled',
                    'ratio': 1, 'session': 'user-enabled', 'state': 'unchecked',
                    'kind': 'tm:ltm:pool:members:membersstate', 'name': '10.0.0.1:80',
                    'partition': 'Common',
                    'selfLink': 'https://localhost/mgmt/tm/ltm/pool/~Common~p1/members/'
                                '~Common~10.0.0.1:80?ver=17.1.1'}
        self.assertEqual(expected, {k: out[k] for k in expected})

    def test_member_not_found_uses_space_separated_name(self):
        self.assertRefused(self.get('%s/~Common~10.0.0.9:80' % MEMBERS), 404,
                           '01020036:3: The requested Pool Member (/Common/p1 /Common/10.0.0.9 80)'
                           ' was not found.')

    def test_duplicate_member_is_409(self):
        self.assertRefused(self.post(MEMBERS, {'name': '10.0.0.1:80'}), 409,
                           '01020066:3: The requested Pool Member (/Common/p1 /Common/10.0.0.1 80)'
                           ' already exists in partition Common.')

    def test_member_in_route_domain_is_percent_encoded_in_urls(self):
        self.tenant()
        self.create('ltm/pool', {'name': 'p2', 'partition': 'P'})
        out = self.create('ltm/pool/~P~p2/members', {'name': '10.0.0.1%2:80', 'partition': 'P',
                                                     'address': '10.0.0.1%2'})
        self.assertEqual('https://localhost/mgmt/tm/ltm/pool/~P~p2/members/~P~10.0.0.1%252:80'
                         '?ver=17.1.1', out['selfLink'])
        self.assertEqual('10.0.0.1%2',
                         self.ok('GET', 'ltm/pool/~P~p2/members/~P~10.0.0.1%252:80')['address'])
        self.assertEqual(200, self.get('ltm/node/~P~10.0.0.1%252')[0])

    def test_ipv6_member_uses_dot_port_separator(self):
        self.create(MEMBERS, {'name': '2001:db8::1.80'})
        self.assertEqual('2001:db8::1', self.member('~Common~2001:db8::1.80')['address'])
        self.assertEqual('ipv6', self.ok('GET', 'ltm/node/~Common~2001:db8::1')['fqdn']
                         ['addressFamily'])
        self.assertRefused(self.get('%s/~Common~2001:db8::9.80' % MEMBERS), 404,
                           '01020036:3: The requested Pool Member (/Common/p1 '
                           '/Common/2001:db8::9 80) was not found.')

    def test_node_is_auto_created_by_member_and_left_behind(self):
        self.assertEqual('10.0.0.2', self.ok('GET', 'ltm/node/~Common~10.0.0.2')['address'])
        self.ok('DELETE', '%s/~Common~10.0.0.2:8080' % MEMBERS)
        self.assertEqual(200, self.get('ltm/node/~Common~10.0.0.2')[0])

    def test_delete_node_used_by_member_is_refused(self):
        self.assertRefused(self.delete('ltm/node/~Common~10.0.0.1'), 400,
                           "01070110:3: Node address '/Common/10.0.0.1' is referenced by a member "
                           "of pool '/Common/p1'.")

    def test_member_state_accepts_only_writable_values(self):
        self.assertRefused(self.patch('%s/~Common~10.0.0.1:80' % MEMBERS, {'state': 'up'}), 400,
                           'invalid property value "state":"up"', 26214401)
        self.assertRefused(self.patch('%s/~Common~10.0.0.1:80' % MEMBERS,
                                      {'session': 'monitor-enabled'}), 400,
                           'invalid property value "session":"monitor-enabled"', 26214401)

    def test_forced_offline_member_reads_user_down(self):
        out = self.ok('PATCH', '%s/~Common~10.0.0.1:80' % MEMBERS,
                      {'state': 'user-down', 'session': 'user-disabled'})
        self.assertEqual(('user-down', 'user-disabled'), (out['state'], out['session']))

    def test_member_of_monitored_pool_reads_the_monitor_result(self):
        self.ok('PATCH', 'ltm/pool/~Common~p1', {'monitor': 'tcp'})
        out = self.member('~Common~10.0.0.1:80')
        self.assertEqual(('up', 'monitor-enabled'), (out['state'], out['session']))
        self.backend.set_member_availability('/Common/p1', '10.0.0.1:80', 'down')
        self.assertEqual('down', self.member('~Common~10.0.0.1:80')['state'])

    def test_availability_of_an_unknown_member_is_a_lookup_error(self):
        self.assertRaises(LookupError, self.backend.set_member_availability, '/Common/p1',
                          '10.9.9.9:80', 'down')
        self.assertRaises(ValueError, self.backend.set_member_availability, '/Common/p1',
                          '10.0.0.1:80', 'sideways')

    def test_member_address_is_read_only(self):
        self.assertEqual(400, self.patch('%s/~Common~10.0.0.1:80' % MEMBERS,
                                         {'address': '10.0.0.7'})[0])

    def test_member_address_must_match_its_node(self):
        self.assertEqual(400, self.post(MEMBERS, {'name': '10.0.0.1:81',
                                                  'address': '10.0.0.8'})[0])

    def test_member_named_by_node_name_uses_the_node_address(self):
        self.create('ltm/node', {'name': 'web1', 'address': '10.0.0.3'})
        self.assertEqual('10.0.0.3', self.create(MEMBERS, {'name': 'web1:80'})['address'])

    def test_member_in_another_partition_is_refused(self):
        self.tenant('P', 2)
        self.create('ltm/pool', {'name': 'p2', 'partition': 'P'})
        self.tenant('Q', 3)
        self.assertRefused(self.post('ltm/pool/~P~p2/members', {'name': '10.0.0.1:80',
                                                                'partition': 'Q'}),
                           400, '01070726:3: A pool may only reference nodes in the same '
                                'partition or the common partition (/P/p2:/Q/10.0.0.1)')

    def test_patch_members_list_replaces_all_members(self):
        self.ok('PATCH', 'ltm/pool/~Common~p1', {'members': ['10.0.0.3:80']})
        self.assertEqual(['/Common/10.0.0.3:80'],
                         [m['fullPath'] for m in self.ok('GET', MEMBERS)['items']])


class TestNode(base.BackendTestCase):

    def test_node_has_reference_defaults(self):
        out = self.create('ltm/node', {'name': 'n1', 'address': '10.0.0.1'})
        expected = {'address': '10.0.0.1', 'connectionLimit': 0, 'dynamicRatio': 1,
                    'ephemeral': 'false', 'logging': 'disabled', 'monitor': 'default',
                    'rateLimit': 'disabled', 'ratio': 1, 'session': 'user-enabled',
                    'state': 'unchecked', 'kind': 'tm:ltm:node:nodestate',
                    'fqdn': {'addressFamily': 'ipv4', 'autopopulate': 'disabled',
                             'downInterval': 5, 'interval': '3600'}}
        self.assertEqual(expected, {k: out[k] for k in expected})

    def test_node_with_a_bad_address_is_refused(self):
        self.assertRefused(self.post('ltm/node', {'name': 'n1', 'address': '10.0.0'}), 400,
                           'invalid property value "address":"10.0.0"', 26214401)
