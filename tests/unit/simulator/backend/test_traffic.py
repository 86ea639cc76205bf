# SPDX-License-Identifier: Apache-2.0
"""SNAT translations and pools, iRules, internal data groups."""

from tests.unit.simulator.backend import base

# A brace inside a braced body counts in Tcl even within quotes, unless escaped.
ACCEPTED = 'when CLIENT_ACCEPTED { log local0. "hello \\{" }'


class TestSnat(base.BackendTestCase):

    def test_snatpool_addresses_become_translations(self):
        out = self.create('ltm/snatpool', {'name': 'sp', 'members': ['10.0.0.9']})
        self.assertEqual(('tm:ltm:snatpool:snatpoolstate', ['/Common/10.0.0.9']),
                         (out['kind'], out['members']))
        self.assertEqual([{'link': 'https://localhost/mgmt/tm/ltm/snat-translation/'
                                   '~Common~10.0.0.9?ver=17.1.1'}], out['membersReference'])
        translation = self.ok('GET', 'ltm/snat-translation/~Common~10.0.0.9')
        self.assertEqual(('10.0.0.9', 'indefinite', '/Common/traffic-group-1'),
                         (translation['address'], translation['tcpIdleTimeout'],
                          translation['trafficGroup']))

    def test_snatpool_of_a_tenant_uses_named_translations(self):
        self.tenant()
        self.create('ltm/snat-translation', {'name': 'snat-sub_0', 'partition': 'P',
                                             'address': '10.0.0.9%2'})
        out = self.create('ltm/snatpool', {'name': 'P', 'partition': 'P',
                                           'members': ['/P/snat-sub_0']})
        self.assertEqual(['/P/snat-sub_0'], out['members'])

    def test_snatpool_needs_a_member(self):
        self.assertRefused(self.post('ltm/snatpool', {'name': 'sp', 'members': []}), 400,
                           '01070734:3: Configuration error: The SNAT pool (/Common/sp) must '
                           'have at least one member.')

    def test_delete_snatpool_used_by_virtual_is_refused(self):
        self.create('ltm/snatpool', {'name': 'sp', 'members': ['10.0.0.9']})
        self.create('ltm/virtual', {'name': 'vs', 'destination': '10.0.0.5:80',
                                    'sourceAddressTranslation': {'type': 'snat', 'pool': 'sp'}})
        self.assertRefused(self.delete('ltm/snatpool/~Common~sp'), 400,
                           '01070320:3: Snatpool /Common/sp is still referenced by a virtual '
                           'server.')

    def test_delete_translation_used_by_snatpool_is_refused(self):
        self.create('ltm/snatpool', {'name': 'sp', 'members': ['10.0.0.9']})
        self.assertRefused(self.delete('ltm/snat-translation/~Common~10.0.0.9'), 400,
                           '01070265:3: The SNAT Translation (/Common/10.0.0.9) cannot be '
                           'deleted because it is in use by a SNAT pool (/Common/sp).')


class TestIrules(base.BackendTestCase):

    def test_irule_text_is_kept(self):
        out = self.create('ltm/rule', {'name': 'r', 'apiAnonymous': ACCEPTED})
        self.assertEqual(('tm:ltm:rule:rulestate', ACCEPTED), (out['kind'], out['apiAnonymous']))

    def test_irule_with_unbalanced_braces_is_refused(self):
        self.assertRefused(self.post('ltm/rule', {'name': 'r',
                                                  'apiAnonymous': 'when HTTP_REQUEST {'}), 400,
                           '01070151:3: Rule [/Common/r] error: missing close-brace')

    def test_irule_with_unknown_event_is_refused(self):
        self.assertRefused(self.post('ltm/rule', {'name': 'r',
                                                  'apiAnonymous': 'when NO_SUCH_EVENT { }'}),
                           400, '01070151:3: Rule [/Common/r] error: undefined event '
                                '(NO_SUCH_EVENT)')

    def test_irule_needs_its_text(self):
        self.assertEqual(400, self.post('ltm/rule', {'name': 'r'})[0])

    def test_delete_irule_used_by_virtual_is_refused(self):
        self.create('ltm/rule', {'name': 'r', 'apiAnonymous': ACCEPTED})
        self.create('ltm/virtual', {'name': 'vs', 'destination': '10.0.0.5:80', 'rules': ['r']})
        self.assertRefused(self.delete('ltm/rule/~Common~r'), 400,
                           '01070265:3: The iRule (/Common/r) cannot be deleted because it is in '
                           'use by a Virtual Server (/Common/vs).')

    def test_changing_irule_events_rechecks_its_virtuals(self):
        self.create('ltm/rule', {'name': 'r', 'apiAnonymous': ACCEPTED})
        self.create('ltm/virtual', {'name': 'vs', 'destination': '10.0.0.5:80', 'rules': ['r']})
        self.assertRefused(self.patch('ltm/rule/~Common~r',
                                      {'apiAnonymous': 'when HTTP_REQUEST { }'}), 400,
                           '01071912:3: HTTP_REQUEST event in rule (/Common/r) requires an '
                           'associated HTTP or FASTHTTP profile on the virtual-server '
                           '(/Common/vs).')
        self.assertEqual(ACCEPTED, self.ok('GET', 'ltm/rule/~Common~r')['apiAnonymous'])


class TestDataGroups(base.BackendTestCase):

    def test_data_group_records_are_kept(self):
        out = self.create('ltm/data-group/internal', {'name': 'dg', 'type': 'string', 'records': [
            {'name': 'key1', 'data': 'v1'}]})
        self.assertEqual(('tm:ltm:data-group:internal:internalstate', 'string',
                          [{'name': 'key1', 'data': 'v1'}]),
                         (out['kind'], out['type'], out['records']))

    def test_duplicate_record_is_409(self):
        self.assertRefused(self.post('ltm/data-group/internal', {
            'name': 'dg', 'type': 'string', 'records': [{'name': 'key1'}, {'name': 'key1'}]}),
            409, '01020066:3: The requested class string item (/Common/dg key1) already exists '
                 'in partition Common.')

    def test_ip_data_group_needs_addresses(self):
        self.assertRefused(self.post('ltm/data-group/internal', {
            'name': 'dg', 'type': 'ip', 'records': [{'name': 'nope'}]}),
            400, 'invalid property value "records":"nope"', 26214401)
        self.assertEqual(200, self.post('ltm/data-group/internal', {
            'name': 'dg', 'type': 'ip', 'records': [{'name': '10.0.0.0/8'}]})[0])

    def test_missing_data_group_is_a_value_list(self):
        self.assertRefused(self.get('ltm/data-group/internal/~Common~dg'), 404,
                           '01020036:3: The requested value list (/Common/dg) was not found.')
