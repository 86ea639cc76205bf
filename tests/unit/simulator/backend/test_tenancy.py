# SPDX-License-Identifier: Apache-2.0
"""Partitions, folders, route domains, VLANs, self IPs and routes."""

from tests.unit.simulator.backend import base


class TestPartitionsAndFolders(base.BackendTestCase):

    def test_partition_has_the_shape_of_the_reference(self):
        self.create('net/route-domain', {'name': 'rd2', 'id': 2})
        out = self.create('auth/partition', {'name': 'P', 'defaultRouteDomain': 2,
                                             'description': 'project'})
        self.assertEqual({'kind': 'tm:auth:partition:partitionstate', 'name': 'P',
                          'fullPath': 'P', 'generation': out['generation'],
                          'defaultRouteDomain': 2, 'description': 'project',
                          'selfLink': 'https://localhost/mgmt/tm/auth/partition/P?ver=17.1.1'},
                         out)

    def test_creating_a_partition_creates_its_folder(self):
        self.create('auth/partition', {'name': 'P'})
        out = self.ok('GET', 'sys/folder/~P')
        self.assertEqual(('P', '/', '/P', 'tm:sys:folder:folderstate'),
                         (out['name'], out['subPath'], out['fullPath'], out['kind']))

    def test_creating_a_root_folder_creates_the_partition(self):
        out = self.create('sys/folder', {'name': 'P', 'subPath': '/', 'fullPath': '/P',
                                         'hidden': False, 'inheritedDevicegroup': True,
                                         'inheritedTrafficGroup': True})
        self.assertEqual(('false', 'true'), (out['hidden'], out['inheritedDevicegroup']))
        self.assertEqual(0, self.ok('GET', 'auth/partition/P')['defaultRouteDomain'])

    def test_partition_default_route_domain_must_exist(self):
        self.assertRefused(self.post('auth/partition', {'name': 'P', 'defaultRouteDomain': 9}),
                           400, '01020036:3: The requested route domain (9) was not found.')

    def test_delete_non_empty_partition_is_refused(self):
        self.tenant()
        self.create('ltm/pool', {'name': 'p1', 'partition': 'P'})
        self.assertRefused(self.delete('auth/partition/P'), 400,
                           '0107082a:3: All objects must be removed from a partition (P) '
                           'before the partition may be removed, type ID (467)')

    def test_delete_empty_partition_removes_its_folder(self):
        self.tenant()
        self.assertEqual((200, None), self.delete('auth/partition/P'))
        self.assertEqual(404, self.get('sys/folder/~P')[0])

    def test_delete_non_empty_folder_is_refused(self):
        self.create('auth/partition', {'name': 'P'})
        self.create('sys/folder', {'name': 'app', 'subPath': '/P'})
        self.create('ltm/pool', {'name': 'p1', 'partition': 'P', 'subPath': 'app'})
        self.assertRefused(self.delete('sys/folder/~P~app'), 400,
                           '010713f9:3: The folder /P/app cannot be deleted because it '
                           'contains configuration item (/P/app/p1)')

    def test_object_in_a_sub_folder_has_subpath_and_url(self):
        self.create('auth/partition', {'name': 'P'})
        self.create('sys/folder', {'name': 'app', 'subPath': '/P'})
        out = self.create('ltm/pool', {'name': 'p1', 'partition': 'P', 'subPath': 'app'})
        self.assertEqual(('app', '/P/app/p1'), (out['subPath'], out['fullPath']))
        self.assertEqual(200, self.get('ltm/pool/~P~app~p1')[0])


class TestRouteDomains(base.BackendTestCase):

    def test_route_domain_has_reference_defaults(self):
        out = self.create('net/route-domain', {'name': 'rd2', 'id': 2})
        self.assertEqual((2, 'enabled', 0, 0),
                         (out['id'], out['strict'], out['connectionLimit'],
                          out['throughputCapacity']))

    def test_route_domain_ids_are_unique(self):
        self.create('net/route-domain', {'name': 'rd2', 'id': 2})
        self.assertRefused(self.post('net/route-domain', {'name': 'other', 'id': 2}), 400,
                           '01070734:3: Configuration error: The route domain ID (2) is already '
                           'used by the route domain (/Common/rd2).')

    def test_delete_route_domain_that_is_a_partition_default_is_refused(self):
        self.tenant()
        self.assertRefused(self.delete('net/route-domain/~Common~rd2'), 400,
                           '0107097c:3: The specified route domain (2) is the default route '
                           'domain for one or more partitions (P) and cannot be deleted.')

    def test_delete_route_domain_used_by_an_address_is_refused(self):
        self.create('net/route-domain', {'name': 'rd2', 'id': 2})
        self.create('ltm/node', {'name': '10.0.0.1%2'})
        self.assertRefused(self.delete('net/route-domain/~Common~rd2'), 400,
                           '01070265:3: The route domain (/Common/rd2) cannot be deleted because '
                           'it is in use by a Node (/Common/10.0.0.1%2).')

    def test_address_in_a_missing_route_domain_is_refused(self):
        self.assertRefused(self.post('ltm/node', {'name': '10.0.0.1%7'}), 400,
                           '01070523:3: The route domain (7) of the address (10.0.0.1%7) does '
                           'not exist.')

    def test_address_without_suffix_uses_the_partition_default_domain(self):
        self.tenant()
        self.create('ltm/node', {'name': '10.0.0.1', 'partition': 'P'})
        self.assertRefused(self.delete('net/route-domain/~Common~rd2'), 400,
                           '0107097c:3: The specified route domain (2) is the default route '
                           'domain for one or more partitions (P) and cannot be deleted.')
        self.ok('PATCH', 'auth/partition/P', {'defaultRouteDomain': 0})
        self.assertRefused(self.delete('net/route-domain/~Common~rd2'), 400,
                           '01070265:3: The route domain (/Common/rd2) cannot be deleted because '
                           'it is in use by a Node (/P/10.0.0.1).')

    def test_builtin_route_domain_zero_exists(self):
        out = self.ok('GET', 'net/route-domain/~Common~0')
        self.assertEqual((0, '/Common/0'), (out['id'], out['fullPath']))


class TestL2L3(base.BackendTestCase):

    def setUp(self):
        super().setUp()
        self.create('net/vlan', {'name': 'v1', 'tag': 123, 'mtu': 1500})
        self.create('net/route-domain', {'name': 'rd2', 'id': 2, 'vlans': ['/Common/v1']})

    def test_vlan_echoes_posted_values_and_defaults(self):
        out = self.create('net/vlan', {'name': 'v2', 'tag': 124, 'mtu': 9000,
                                       'hardwareSyncookie': 'enabled',
                                       'synFloodRateLimit': 2000,
                                       'syncacheThreshold': 32000})
        self.assertEqual((124, 9000, 'enabled', 2000, 32000, 'failover-restart-tm', 90),
                         (out['tag'], out['mtu'], out['hardwareSyncookie'],
                          out['synFloodRateLimit'], out['syncacheThreshold'],
                          out['failsafeAction'], out['failsafeTimeout']))

    def test_vlan_interfaces_sub_collection(self):
        self.ok('PATCH', 'net/vlan/v1', {'name': 'v1', 'interfaces': [
            {'name': '1.1', 'tagged': True, 'tagMode': 'service'}]})
        out = self.ok('GET', 'net/vlan/~Common~v1/interfaces/1.1')
        self.assertEqual({'kind': 'tm:net:vlan:interfaces:interfacesstate', 'name': '1.1',
                          'fullPath': '1.1', 'tagged': True, 'tagMode': 'service'},
                         {k: out[k] for k in ('kind', 'name', 'fullPath', 'tagged',
                                              'tagMode')})
        self.assertNotIn('untagged', out)

    def test_vlan_in_two_route_domains_is_refused(self):
        self.assertEqual(400, self.post('net/route-domain', {
            'name': 'rd3', 'id': 3, 'vlans': ['/Common/v1']})[0])

    def test_delete_vlan_used_by_self_ip_is_refused(self):
        self.create('net/self', {'name': 's1', 'vlan': '/Common/v1', 'address': '10.0.0.5%2/24'})
        self.ok('PATCH', 'net/route-domain/rd2', {'vlans': []})
        self.assertRefused(self.delete('net/vlan/~Common~v1'), 400,
                           '01070265:3: The VLAN (/Common/v1) cannot be deleted because it is in '
                           'use by a self IP (/Common/s1).')

    def test_delete_vlan_used_by_route_domain_is_refused(self):
        self.assertRefused(self.delete('net/vlan/~Common~v1'), 400,
                           '01070265:3: The VLAN (/Common/v1) cannot be deleted because it is in '
                           'use by a route domain (/Common/rd2).')

    def test_self_ip_defaults(self):
        out = self.create('net/self', {'name': 's1', 'vlan': 'v1', 'address': '10.0.0.5%2/24'})
        self.assertEqual(('10.0.0.5%2/24', '/Common/v1', 'disabled',
                          '/Common/traffic-group-local-only', 'from-user'),
                         (out['address'], out['vlan'], out['floating'], out['trafficGroup'],
                          out['addressSource']))

    def test_floating_self_ip_joins_traffic_group_1(self):
        out = self.create('net/self', {'name': 's1', 'vlan': 'v1', 'floating': 'enabled',
                                       'address': '10.0.0.6%2/24'})
        self.assertEqual(('/Common/traffic-group-1', 1), (out['trafficGroup'], out['unit']))

    def test_self_ip_on_a_vlan_of_another_route_domain_is_refused(self):
        self.assertEqual(400, self.post('net/self', {'name': 's1', 'vlan': 'v1',
                                                     'address': '10.0.0.5/24'})[0])

    def test_self_ip_needs_a_prefix(self):
        self.assertRefused(self.post('net/self', {'name': 's1', 'vlan': 'v1',
                                                  'address': '10.0.0.5%2'}),
                           400, 'invalid property value "address":"10.0.0.5%2"', 26214401)

    def test_default_and_interface_routes(self):
        gw = self.create('net/route', {'name': 'default', 'gw': '10.0.0.1%2',
                                       'network': 'default%2'})
        net = self.create('net/route', {'name': 'sub', 'tmInterface': '/Common/v1',
                                        'network': '10.0.1.0%2/24'})
        self.assertEqual(('default%2', '10.0.0.1%2', 0), (gw['network'], gw['gw'], gw['mtu']))
        self.assertEqual('/Common/v1', net['tmInterface'])

    def test_route_gateway_must_be_in_the_network_route_domain(self):
        self.assertEqual(400, self.post('net/route', {'name': 'r', 'gw': '10.0.0.1',
                                                      'network': 'default%2'})[0])
