# SPDX-License-Identifier: Apache-2.0
"""Virtual servers and virtual addresses: destination, profiles, SNI, persistence, flags."""

from tests.unit.simulator.backend import base

INCOMPATIBLE = ('01070097:3: Virtual server /Common/vs lists profiles incompatible with its '
                'protocol.')


class VirtualTestCase(base.BackendTestCase):

    def vs(self, name='vs', destination='10.0.0.5:80', **body):
        return self.post('ltm/virtual', dict(body, name=name, destination=destination))

    def profiles(self, vs_path='~Common~vs'):
        out = self.ok('GET', 'ltm/virtual/%s/profiles' % vs_path)
        return {item['fullPath']: item['context'] for item in out.get('items', ())}


class TestVirtualServer(VirtualTestCase):

    def test_virtual_has_reference_defaults(self):
        out = self.vs()[1]
        expected = {'addressStatus': 'yes', 'autoLasthop': 'default', 'cmpEnabled': 'yes',
                    'connectionLimit': 0, 'destination': '/Common/10.0.0.5:80',
                    'enabled': True, 'gtmScore': 0, 'ipProtocol': 'tcp',
                    'mask': '255.255.255.255', 'mirror': 'disabled', 'nat64': 'disabled',
                    'rateLimit': 'disabled', 'serviceDownImmediateAction': 'none',
                    'source': '0.0.0.0/0', 'sourceAddressTranslation': {'type': 'none'},
                    'sourcePort': 'preserve', 'synCookieStatus': 'not-activated',
                    'translateAddress': 'enabled', 'translatePort': 'enabled',
                    'vlansDisabled': True, 'kind': 'tm:ltm:virtual:virtualstate'}
        self.assertEqual(expected, {k: out[k] for k in expected})
        for absent in ('disabled', 'vlansEnabled', 'pool', 'rules', 'persist',
                       'fallbackPersistence'):
            self.assertNotIn(absent, out)
        self.assertEqual({'link': 'https://localhost/mgmt/tm/ltm/virtual/~Common~vs/profiles'
                                  '?ver=17.1.1', 'isSubcollection': True},
                         out['profilesReference'])
        self.assertTrue(out['policiesReference']['isSubcollection'])

    def test_virtual_without_profiles_gets_the_protocol_transport_profile(self):
        self.vs()
        self.vs('vs_udp', '10.0.0.5:53', ipProtocol='udp')
        self.assertEqual({'/Common/tcp': 'all'}, self.profiles())
        self.assertEqual({'/Common/udp': 'all'}, self.profiles('~Common~vs_udp'))

    def test_destination_in_route_domain_is_normalised(self):
        self.tenant()
        out = self.create('ltm/virtual', {'name': 'vs', 'partition': 'P',
                                          'destination': '10.0.0.5%2:80'})
        self.assertEqual(('/P/10.0.0.5%2:80', '0.0.0.0%2/0'), (out['destination'],
                                                               out['source']))

    def test_ipv6_destination_uses_dot_port_separator(self):
        out = self.vs(destination='2001:db8::5.443')[1]
        self.assertEqual(('/Common/2001:db8::5.443', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'),
                         (out['destination'], out['mask']))
        self.assertEqual('2001:db8::5',
                         self.ok('GET', 'ltm/virtual-address/~Common~2001:db8::5')['address'])

    def test_bad_destination_is_refused(self):
        self.assertRefused(self.vs(destination='10.0.0.5'), 400,
                           'invalid property value "destination":"10.0.0.5"', 26214401)

    def test_enabled_and_disabled_are_exclusive(self):
        out = self.vs(disabled=True)[1]
        self.assertTrue(out['disabled'])
        self.assertNotIn('enabled', out)
        out = self.ok('PATCH', 'ltm/virtual/~Common~vs', {'enabled': True})
        self.assertTrue(out['enabled'])
        self.assertNotIn('disabled', out)

    def test_false_flag_is_refused(self):
        self.assertRefused(self.vs(enabled=False), 400,
                           'invalid property value "enabled":false', 26214401)

    def test_vlans_enabled_replaces_vlans_disabled(self):
        self.create('net/vlan', {'name': 'v1', 'tag': 10})
        out = self.vs(vlansEnabled=True, vlans=['v1'])[1]
        self.assertEqual((True, ['/Common/v1']), (out['vlansEnabled'], out['vlans']))
        self.assertNotIn('vlansDisabled', out)

    def test_snat_pool_is_referenced_by_full_path(self):
        self.create('ltm/snatpool', {'name': 'sp', 'members': ['10.0.0.9']})
        out = self.vs(sourceAddressTranslation={'type': 'snat', 'pool': 'sp'})[1]
        self.assertEqual({'type': 'snat', 'pool': '/Common/sp', 'poolReference': {
            'link': 'https://localhost/mgmt/tm/ltm/snatpool/~Common~sp?ver=17.1.1'}},
            out['sourceAddressTranslation'])

    def test_unknown_snat_type_is_refused(self):
        self.assertEqual(400, self.vs(sourceAddressTranslation={'type': 'magic'})[0])

    def test_delete_pool_used_by_virtual_is_refused(self):
        self.create('ltm/pool', {'name': 'p1'})
        self.vs(pool='p1')
        self.assertRefused(self.delete('ltm/pool/~Common~p1'), 400,
                           '01070265:3: The Pool (/Common/p1) cannot be deleted because it is in '
                           'use by a Virtual Server (/Common/vs).')


class TestVirtualAddresses(VirtualTestCase):

    def test_virtual_address_is_auto_created_and_auto_deleted(self):
        self.vs()
        out = self.ok('GET', 'ltm/virtual-address/~Common~10.0.0.5')
        self.assertEqual(('10.0.0.5', 'true', 'yes', '255.255.255.255'),
                         (out['address'], out['autoDelete'], out['enabled'], out['mask']))
        self.ok('DELETE', 'ltm/virtual/~Common~vs')
        self.assertEqual(404, self.get('ltm/virtual-address/~Common~10.0.0.5')[0])

    def test_auto_created_address_stays_while_another_virtual_uses_it(self):
        self.vs()
        self.vs('vs2', '10.0.0.5:443')
        self.ok('DELETE', 'ltm/virtual/~Common~vs')
        self.assertEqual(200, self.get('ltm/virtual-address/~Common~10.0.0.5')[0])

    def test_named_virtual_address_is_used_and_kept(self):
        self.tenant()
        self.create('ltm/virtual-address', {'name': 'lb1', 'partition': 'P', 'autoDelete': False,
                                            'address': '10.0.0.5%2'})
        out = self.create('ltm/virtual', {'name': 'vs', 'partition': 'P',
                                          'destination': '10.0.0.5%2:80'})
        self.assertEqual('/P/lb1:80', out['destination'])
        self.ok('DELETE', 'ltm/virtual/~P~vs')
        self.assertEqual('false', self.ok('GET', 'ltm/virtual-address/~P~lb1')['autoDelete'])

    def test_destination_may_name_the_virtual_address(self):
        self.create('ltm/virtual-address', {'name': 'lb1', 'address': '10.0.0.7'})
        self.assertEqual('/Common/lb1:443', self.vs(destination='/Common/lb1:443')[1]
                         ['destination'])

    def test_virtual_address_is_read_only(self):
        self.create('ltm/virtual-address', {'name': 'lb1', 'address': '10.0.0.7'})
        self.assertEqual(400, self.patch('ltm/virtual-address/~Common~lb1',
                                         {'address': '10.0.0.8'})[0])

    def test_delete_virtual_address_used_by_virtual_is_refused(self):
        self.vs()
        self.assertRefused(self.delete('ltm/virtual-address/~Common~10.0.0.5'), 400,
                           '01070265:3: The Virtual Address (/Common/10.0.0.5) cannot be deleted '
                           'because it is in use by a Virtual Server (/Common/vs).')

    def test_second_virtual_with_same_destination_is_refused(self):
        self.vs()
        self.assertRefused(self.vs('vs2'), 400,
                           '01070333:3: Virtual Server /Common/vs2 illegally shares both address '
                           'and vlan with Virtual Server /Common/vs.')

    def test_tcp_and_udp_virtuals_may_share_address_and_port(self):
        self.vs()
        self.assertEqual(200, self.vs('vs_udp', ipProtocol='udp')[0])

    def test_same_address_in_another_route_domain_is_allowed(self):
        self.vs()
        self.create('net/route-domain', {'name': 'rd2', 'id': 2})
        self.assertEqual(200, self.vs('vs2', '10.0.0.5%2:80')[0])


class TestVirtualProfiles(VirtualTestCase):

    def test_profiles_incompatible_with_protocol_are_refused(self):
        self.assertRefused(self.vs(profiles=['/Common/udp']), 400, INCOMPATIBLE)

    def test_http_profile_needs_a_tcp_transport(self):
        self.assertRefused(self.vs(profiles=['/Common/http', '/Common/fastL4']), 400,
                           INCOMPATIBLE)

    def test_fastl4_serves_any_protocol(self):
        self.assertEqual(200, self.vs(ipProtocol='any', profiles=['/Common/fastL4'])[0])

    def test_profiles_with_context_as_the_lab_sends_them(self):
        self.vs(profiles=[{'name': '/Common/tcp', 'context': 'clientside'},
                          {'name': '/Common/tcp-wan-optimized', 'context': 'serverside'},
                          '/Common/http'])
        self.assertEqual({'/Common/tcp': 'clientside', '/Common/tcp-wan-optimized': 'serverside',
                          '/Common/http': 'all'}, self.profiles())

    def test_client_ssl_profile_is_clientside(self):
        self.vs(profiles=['/Common/http', '/Common/tcp', '/Common/clientssl'])
        self.assertEqual('clientside', self.profiles()['/Common/clientssl'])

    def test_profile_sub_collection_add_and_remove(self):
        self.vs()
        out = self.create('ltm/virtual/~Common~vs/profiles', {'name': 'http'})
        self.assertEqual(('tm:ltm:virtual:profiles:profilesstate', '/Common/http', 'all'),
                         (out['kind'], out['fullPath'], out['context']))
        self.assertEqual(
            {'link': 'https://localhost/mgmt/tm/ltm/profile/http/~Common~http?ver=17.1.1'},
            out['nameReference'])
        self.ok('DELETE', 'ltm/virtual/~Common~vs/profiles/~Common~http')
        self.assertEqual({'/Common/tcp': 'all'}, self.profiles())

    def test_removing_the_transport_of_an_http_virtual_is_refused(self):
        self.vs(profiles=['/Common/http', '/Common/tcp'])
        self.assertRefused(self.delete('ltm/virtual/~Common~vs/profiles/~Common~tcp'), 400,
                           INCOMPATIBLE)
        self.assertIn('/Common/tcp', self.profiles())

    def test_two_sni_default_client_ssl_profiles_are_refused(self):
        for name in ('a', 'b'):
            self.create('ltm/profile/client-ssl', {'name': name, 'sniDefault': True})
        self.assertRefused(self.vs(profiles=['/Common/http', '/Common/tcp', 'a', 'b']), 400,
                           '01071809:3: Virtual Server /Common/vs has more than one '
                           'clientssl/serverssl profile that is default for SNI.')

    def test_several_client_ssl_profiles_need_one_sni_default(self):
        self.create('ltm/profile/client-ssl', {'name': 'a', 'sniDefault': True})
        self.create('ltm/profile/client-ssl', {'name': 'b', 'serverName': 'b.example.com'})
        self.assertEqual(200, self.vs(profiles=['/Common/tcp', 'a', 'b'])[0])
        self.assertRefused(self.patch('ltm/profile/client-ssl/~Common~a', {'sniDefault': False}),
                           400, '01071808:3: Virtual server /Common/vs has more than one '
                           'clientssl profile but none of them are default for SNI.')
        self.assertEqual('true', self.ok('GET', 'ltm/profile/client-ssl/~Common~a')
                         ['sniDefault'])

    def test_delete_profile_used_by_virtual_is_refused(self):
        self.tenant()
        self.create('ltm/profile/client-ssl', {'name': 'x', 'partition': 'P'})
        self.create('ltm/virtual', {'name': 'vs', 'partition': 'P', 'destination': '10.0.0.5:443',
                                    'profiles': ['/Common/tcp', 'x']})
        self.assertRefused(self.delete('ltm/profile/client-ssl/~P~x'), 400,
                           '01070265:3: The ClientSSL Profile (/P/x) cannot be deleted because it '
                           'is in use by a virtual server profile (/P/vs /P/x).')

    def test_cookie_persistence_needs_an_http_profile(self):
        self.assertRefused(self.vs(persist=[{'name': '/Common/cookie'}]), 400,
                           '01070309:3: Cookie persistence requires an HTTP or FastHTTP profile '
                           'to be associated with the virtual server.')

    def test_persist_is_returned_with_its_reference(self):
        out = self.vs(profiles=['/Common/http', '/Common/tcp'],
                      persist=[{'name': 'cookie'}], fallbackPersistence='source_addr')[1]
        self.assertEqual([{'name': 'cookie', 'partition': 'Common', 'tmDefault': 'yes',
                           'nameReference': {'link': 'https://localhost/mgmt/tm/ltm/persistence/'
                                                     'cookie/~Common~cookie?ver=17.1.1'}}],
                         out['persist'])
        self.assertEqual('/Common/source_addr', out['fallbackPersistence'])

    def test_irule_with_http_event_needs_an_http_profile(self):
        self.create('ltm/rule', {'name': 'r', 'apiAnonymous': 'when HTTP_REQUEST { }'})
        self.assertRefused(self.vs(rules=['r']), 400,
                           '01071912:3: HTTP_REQUEST event in rule (/Common/r) requires an '
                           'associated HTTP or FASTHTTP profile on the virtual-server '
                           '(/Common/vs).')
