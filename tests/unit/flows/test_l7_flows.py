# SPDX-License-Identifier: Apache-2.0
"""L7 policy and rule flows on the simulator: the listener's LTM policy or L7 iRule."""

from octavia_f5.common import exceptions
from tests.unit.flows import base


class TestL7Flows(base.FlowTestCase):

    def setUp(self):
        super().setUp()
        self.lb, self.listener, self.pool = self.basic_lb()
        self.lid = self.listener['listener_id']
        self.policy_name = 'listener_%s_l7' % self.lid

    def ltm_policy(self):
        return self.device_object('ltm/policy', self.policy_name)

    def virtual(self):
        return self.device_object('ltm/virtual', 'listener_' + self.lid)

    def redirect(self, position=1, **fields):
        return self.create('l7policy', self.lid, action='REDIRECT_TO_POOL', position=position,
                           redirect_pool_id=self.pool['pool_id'], **fields)

    def test_policy_with_rule_is_published_and_attached(self):
        policy = self.redirect()
        rule = self.create('l7rule', policy['l7policy_id'], type='HOST_NAME',
                           compare_type='EQUAL_TO', value='www.example.com')
        published = self.ltm_policy()
        self.assertEqual('published', published['status'])
        self.assertNotIn('ltm/policy', {k for k, v in self.device_objects().items()
                                        if any('/Drafts/' in p for p in v)})
        conditions = published['rulesReference']['items'][0]['conditionsReference']['items']
        self.assertEqual(['www.example.com'], conditions[0]['values'])
        attached = self.virtual()['policiesReference']['items']
        self.assertEqual([self.policy_name], [p['name'] for p in attached])
        self.assertStatus('l7rules', rule['l7rule_id'], 'ACTIVE', 'ONLINE')
        self.assertStatus('l7policies', policy['l7policy_id'], 'ACTIVE')
        self.assertStatus('listeners', self.lid, 'ACTIVE')

    def test_rule_update_republishes_the_policy(self):
        policy = self.redirect()
        rule = self.create('l7rule', policy['l7policy_id'], value='/old')
        self.update('l7rule', rule['l7rule_id'], value='/new')
        conditions = self.ltm_policy()['rulesReference']['items'][0][
            'conditionsReference']['items']
        self.assertEqual(['/new'], conditions[0]['values'])
        self.assertStatus('l7rules', rule['l7rule_id'], 'ACTIVE')

    def test_policies_are_ordered_by_position(self):
        second = self.redirect(position=2)
        first = self.redirect(position=1)
        self.create('l7rule', second['l7policy_id'], value='/b')
        self.create('l7rule', first['l7policy_id'], value='/a')
        rules = sorted(self.ltm_policy()['rulesReference']['items'],
                       key=lambda r: r['ordinal'])
        self.assertEqual(['l7policy_' + first['l7policy_id'],
                          'l7policy_' + second['l7policy_id']], [r['name'] for r in rules])

    def test_reject_policy_becomes_an_irule(self):
        policy = self.create('l7policy', self.lid, action='REJECT')
        self.create('l7rule', policy['l7policy_id'], type='PATH', compare_type='REGEX',
                    value='^/admin')
        rules = self.virtual()['rules']
        self.assertEqual(1, len(rules))
        self.assertIn('listener_%s' % self.lid, rules[0])

    def test_deleting_the_last_policy_removes_the_ltm_policy(self):
        policy = self.redirect()
        self.create('l7rule', policy['l7policy_id'])
        self.delete('l7policy', policy['l7policy_id'])
        self.assertIsNone(self.ltm_policy())
        self.assertNotIn('items', self.virtual()['policiesReference'])
        self.assertStatus('l7policies', policy['l7policy_id'], 'DELETED')
        self.assertStatus('listeners', self.lid, 'ACTIVE')

    def test_l7_on_a_tcp_listener_is_refused_and_the_cascade_delete_still_works(self):
        tcp = self.create('listener', self.lb['loadbalancer_id'], protocol='TCP',
                          protocol_port=5000)
        policy = self.octavia.add('l7policy', tcp['listener_id'], action='REJECT')
        self.assertRaises(exceptions.UnsupportedOption, self.run_flow, 'l7policy_create',
                          self.octavia.payload('l7policy', policy['l7policy_id']))
        self.assertStatus('l7policies', policy['l7policy_id'], 'ERROR')
        rule = self.octavia.add('l7rule', policy['l7policy_id'])
        self.assertRaises(exceptions.UnsupportedOption, self.run_flow, 'l7rule_create',
                          self.octavia.payload('l7rule', rule['l7rule_id']))
        self.assertStatus('l7rules', rule['l7rule_id'], 'ERROR')
        self.assertNotIn('ltm/policy', self.device_objects())

        self.delete('loadbalancer', self.lb['loadbalancer_id'], cascade=True)
        self.assertEqual({}, self.device_objects())
        self.assertStatus('loadbalancers', self.lb['loadbalancer_id'], 'DELETED')
