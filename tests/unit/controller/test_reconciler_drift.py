# SPDX-License-Identifier: Apache-2.0
"""The reconciler's pure comparison: BIG-IP's normalised objects against mapped bodies."""

from octavia_f5.bigip.mapping import resource
from octavia_f5.flows import drift
from octavia_f5.flows import repair
from tests import base

P = 'octavia_p1'
LB_ID = 'c0ffee00-0000-4000-8000-000000000001'
LISTENER_ID = 'c0ffee00-0000-4000-8000-000000000002'
POOL_ID = 'c0ffee00-0000-4000-8000-000000000003'
HM_ID = 'c0ffee00-0000-4000-8000-000000000004'
MEMBER_ID = 'c0ffee00-0000-4000-8000-000000000005'
UNKNOWN = 'deadbeef-0000-4000-8000-000000000009'
KNOWN = {LB_ID: 'loadbalancer', LISTENER_ID: 'listener', POOL_ID: 'pool',
         HM_ID: 'healthmonitor'}


def path(name):
    return '/%s/%s' % (P, name)


class TestDifferences(base.TestCase):

    def test_identical_values_written_differently_are_the_same(self):
        wanted = {'name': 'x', 'partition': P, 'connectionLimit': 0, 'enabled': True,
                  'monitor': path('hm_1'), 'timeout': 16}
        shown = {'name': 'x', 'partition': P, 'fullPath': path('x'), 'connectionLimit': '0',
                 'enabled': 'true', 'monitor': path('hm_1') + ' ', 'timeout': 16.0,
                 'generation': 4}
        self.assertEqual([], drift.differences('ltm/pool', wanted, shown))

    def test_changed_scalar_is_named(self):
        self.assertEqual(['loadBalancingMode'], drift.differences(
            'ltm/pool', {'loadBalancingMode': 'round-robin', 'slowRampTime': 0},
            {'loadBalancingMode': 'ratio-member', 'slowRampTime': 0}))

    def test_cleared_reference_matches_an_absent_field_but_a_set_one_does_not(self):
        self.assertEqual([], drift.differences('ltm/virtual', {'pool': '', 'rules': []}, {}))
        self.assertEqual(['pool'], drift.differences('ltm/virtual', {'pool': path('p')}, {}))

    def test_member_states_are_compared_as_the_monitor_shows_them(self):
        wanted = {'members': [{'name': '10.0.0.1%2:80', 'partition': P, 'state': 'user-up',
                               'session': 'user-enabled', 'ratio': 1}]}

        def shown(state, session):
            return {'membersReference': {'isSubcollection': True, 'items': [
                {'name': '10.0.0.1%2:80', 'partition': P, 'fullPath': path('10.0.0.1%2:80'),
                 'state': state, 'session': session, 'ratio': 1}]}}
        self.assertEqual([], drift.differences('ltm/pool', wanted,
                                               shown('down', 'monitor-enabled')))
        self.assertEqual([], drift.differences('ltm/pool', wanted,
                                               shown('unchecked', 'user-enabled')))
        self.assertEqual(['members'], drift.differences('ltm/pool', wanted,
                                                        shown('user-down', 'user-enabled')))
        self.assertEqual(['members'], drift.differences('ltm/pool', wanted,
                                                        shown('up', 'user-disabled')))

    def test_inline_list_is_matched_by_full_path_in_the_sub_collection(self):
        wanted = {'profiles': [{'name': path('a'), 'context': 'clientside'},
                               {'name': '/Common/http', 'context': 'all'}]}
        items = [{'name': 'http', 'partition': 'Common', 'fullPath': '/Common/http',
                  'context': 'all'},
                 {'name': 'a', 'partition': P, 'fullPath': path('a'), 'context': 'clientside'}]
        shown = {'profilesReference': {'isSubcollection': True, 'items': items}}
        self.assertEqual([], drift.differences('ltm/virtual', wanted, shown))
        items[1]['context'] = 'serverside'
        self.assertEqual(['profiles'], drift.differences('ltm/virtual', wanted, shown))

    def test_an_item_added_to_an_inline_list_is_a_difference(self):
        wanted = {'members': [{'name': 'm1', 'partition': P}]}
        shown = {'membersReference': {'items': [
            {'name': 'm1', 'partition': P}, {'name': 'm2', 'partition': P}]}}
        self.assertEqual(['members'], drift.differences('ltm/pool', wanted, shown))

    def test_an_empty_sub_collection_without_items_counts_as_empty(self):
        shown = {'membersReference': {'isSubcollection': True, 'link': 'x'}}
        self.assertEqual([], drift.differences('ltm/pool', {'members': []}, shown))

    def test_order_of_a_list_of_names_matters(self):
        wanted = {'rules': [path('r1'), path('r2')]}
        self.assertEqual([], drift.differences('ltm/virtual', wanted,
                                               {'rules': [path('r1'), path('r2')]}))
        self.assertEqual(['rules'], drift.differences('ltm/virtual', wanted,
                                                      {'rules': [path('r2'), path('r1')]}))

    def test_destination_named_by_the_virtual_address_is_its_address(self):
        wanted = {'destination': path('10.0.0.5%2:443')}
        shown = {'destination': path('lb_%s:443' % LB_ID)}
        addresses = {'lb_' + LB_ID: '10.0.0.5%2'}
        self.assertEqual([], drift.differences('ltm/virtual', wanted, shown, addresses))
        shown['destination'] = path('lb_%s:80' % LB_ID)
        self.assertEqual(['destination'],
                         drift.differences('ltm/virtual', wanted, shown, addresses))

    def test_ipv6_destination_uses_a_dot_before_the_port(self):
        wanted = {'destination': path('2001:db8::5%2.443')}
        shown = {'destination': path('lb_%s.443' % LB_ID)}
        self.assertEqual([], drift.differences('ltm/virtual', wanted, shown,
                                               {'lb_' + LB_ID: '2001:db8::5%2'}))

    def test_nested_sub_collections_of_a_policy_are_compared(self):
        wanted = {'rules': [{'name': 'l7policy_1', 'ordinal': 0, 'conditions': [
            {'name': '0', 'httpUri': True, 'values': ['/api']}]}]}
        shown = {'rulesReference': {'items': [{'name': 'l7policy_1', 'ordinal': 0,
                                               'conditionsReference': {'items': [
                                                   {'name': '0', 'httpUri': True,
                                                    'values': ['/api']}]}}]}}
        self.assertEqual([], drift.differences('ltm/policy', wanted, shown))
        shown['rulesReference']['items'][0]['conditionsReference']['items'][0][
            'values'] = ['/web']
        self.assertEqual(['rules'], drift.differences('ltm/policy', wanted, shown))


class TestCompare(base.TestCase):

    def resource(self, collection, name, **body):
        return resource.make(collection, P, name, **body)

    def test_missing_different_and_right_objects(self):
        wanted = [self.resource('ltm/pool', 'pool_a', loadBalancingMode='round-robin'),
                  self.resource('ltm/pool', 'pool_b', loadBalancingMode='round-robin'),
                  self.resource('ltm/monitor/http', 'hm_c', interval=5)]
        shown = {('ltm/pool', path('pool_a')): {'loadBalancingMode': 'round-robin'},
                 ('ltm/pool', path('pool_b')): {'loadBalancingMode': 'ratio-member'}}
        found = [(f.state, f.full_path, f.fields) for f in drift.compare(wanted, shown)]
        self.assertEqual([('different', path('pool_b'), ['loadBalancingMode']),
                          ('missing', path('hm_c'), [])], found)

    def test_a_file_is_right_when_it_is_there(self):
        cert = resource.file_object('sys/file/ssl-cert', P, 'tls_abc.crt', 'PEM')
        shown = {('sys/file/ssl-cert', path('tls_abc.crt')): {'sourcePath': 'file:/other'}}
        self.assertEqual([], drift.compare([cert], shown))


class TestOwners(base.TestCase):

    def owner(self, name, collection='ltm/virtual'):
        return drift.owner(collection, name, KNOWN)

    def test_names_give_their_owner(self):
        self.assertEqual(('loadbalancer', LB_ID), self.owner('lb_' + LB_ID))
        self.assertEqual(('listener', LISTENER_ID),
                         self.owner('listener_%s_client_tcp' % LISTENER_ID))
        self.assertEqual(('healthmonitor', HM_ID),
                         self.owner('hm_%s_%s' % (HM_ID, MEMBER_ID)))
        self.assertEqual(('tls', 'abc'), self.owner('tls_abc_chain.crt'))
        self.assertEqual(('tls', 'abc'), self.owner('tls_abc.key'))
        self.assertEqual(('node', '10.0.0.1%2'), self.owner('10.0.0.1%2', 'ltm/node'))

    def test_unknown_owner_is_the_first_part_of_the_name(self):
        self.assertEqual(('pool', UNKNOWN), self.owner('pool_%s_x' % UNKNOWN))

    def test_known_id_with_an_underscore_is_matched_whole(self):
        known = {'a_b': 'listener'}
        self.assertEqual(('listener', 'a_b'),
                         drift.owner('ltm/virtual', 'listener_a_b_http', known))

    def test_names_the_driver_never_gives_have_no_owner(self):
        for name in ('my_pool', 'lbx', 'tls_nosuffix', 'pool_'):
            self.assertIsNone(self.owner(name), name)


class TestUnaccounted(base.TestCase):

    def test_extra_orphan_protected_foreign_and_drafts(self):
        shown = {('ltm/virtual', path('listener_' + LISTENER_ID)): {},
                 ('ltm/profile/http', path('listener_%s_http' % LISTENER_ID)): {},
                 ('ltm/pool', path('pool_' + UNKNOWN)): {},
                 ('ltm/monitor/http', path('hm_busy')): {},
                 ('ltm/pool', path('operator_pool')): {},
                 ('ltm/policy', '/%s/Drafts/listener_%s_l7' % (P, LISTENER_ID)):
                     {'subPath': 'Drafts'},
                 ('ltm/node', path('10.0.0.9%2')): {}}
        wanted = {('ltm/virtual', path('listener_' + LISTENER_ID))}
        found = [(f.state, f.collection, f.owner) for f in drift.unaccounted(
            shown, wanted, KNOWN, protected={'busy'})]
        self.assertEqual([('orphan', 'ltm/node', ('node', '10.0.0.9%2')),
                          ('orphan', 'ltm/pool', ('pool', UNKNOWN)),
                          ('extra', 'ltm/profile/http', ('listener', LISTENER_ID))], found)


class TestRepairPlan(base.TestCase):

    def test_plan_creates_missing_patches_different_whole_and_deletes_extra_last(self):
        right = resource.make('ltm/monitor/http', P, 'hm_a', interval=5)
        changed = resource.make('ltm/pool', P, 'pool_b', loadBalancingMode='round-robin')
        gone = resource.make('ltm/virtual', P, 'listener_c', connectionLimit=0)
        findings = [drift.Finding('different', 'ltm/pool', path('pool_b'), ['x']),
                    drift.Finding('missing', 'ltm/virtual', path('listener_c')),
                    drift.Finding('extra', 'ltm/profile/http', path('listener_c_http')),
                    drift.Finding('extra', 'ltm/virtual', path('listener_d'))]
        steps = repair.plan_for([right, changed, gone], findings).steps()
        shown = [(s[0], s[-1].full_path, s[-1].body if s[0] != 'delete' else None)
                 for s in steps]
        self.assertEqual([
            ('patch', path('pool_b'), {'name': 'pool_b', 'partition': P,
                                       'loadBalancingMode': 'round-robin'}),
            ('create', path('listener_c'), gone.body),
            ('delete', path('listener_d'), None),
            ('delete', path('listener_c_http'), None)], shown)
        self.assertEqual({}, steps[0][1].body)
