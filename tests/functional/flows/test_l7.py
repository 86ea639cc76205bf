# SPDX-License-Identifier: Apache-2.0
"""L7 policy and rule operations through Redis, a worker and the simulator."""

from tests.functional.flows import base


class TestL7Operations(base.FlowsTestCase):

    def setUp(self):
        super().setUp()
        self.lb_id = self.create('loadbalancer')['loadbalancer_id']
        self.lid = self.create('listener', self.lb_id)['listener_id']
        self.pool_id = self.create('pool', self.lb_id, listener_id=self.lid)['pool_id']
        self.other_pool = self.create('pool', self.lb_id)['pool_id']
        self.policy_name = 'listener_%s_l7' % self.lid

    def conditions(self):
        policy = self.device_object('ltm/policy', self.policy_name)
        rule, = policy['rulesReference']['items']
        return rule['conditionsReference']['items']

    def test_policy_and_rule_create_update_and_delete(self):
        policy = self.create('l7policy', self.lid, action='REDIRECT_TO_POOL',
                             redirect_pool_id=self.other_pool)
        policy_id = policy['l7policy_id']
        self.assertStatus('l7policy', policy_id, 'ACTIVE', 'ONLINE')
        self.assertStatus('listener', self.lid, 'ACTIVE')

        rule = self.create('l7rule', policy_id, type='PATH', compare_type='STARTS_WITH',
                           value='/images')
        rule_id = rule['l7rule_id']
        self.assertStatus('l7rule', rule_id, 'ACTIVE', 'ONLINE')
        self.assertStatus('l7policy', policy_id, 'ACTIVE')
        self.assertEqual(['/images'], self.conditions()[0]['values'])
        attached = self.device_object('ltm/virtual', 'listener_' + self.lid)[
            'policiesReference']['items']
        self.assertEqual([self.policy_name], [p['name'] for p in attached])
        self.assertStatus('pool', self.other_pool, 'ACTIVE', 'ONLINE')

        self.assertEqual('ACTIVE', self.update('l7rule', rule_id, value='/static'))
        self.assertEqual(['/static'], self.conditions()[0]['values'])

        self.assertEqual('ACTIVE', self.update('l7policy', policy_id, admin_state_up=False))
        self.assertIsNone(self.device_object('ltm/policy', self.policy_name))
        self.assertStatus('l7policy', policy_id, 'ACTIVE', 'OFFLINE')
        self.assertEqual('ACTIVE', self.update('l7policy', policy_id, admin_state_up=True))
        self.assertEqual(['/static'], self.conditions()[0]['values'])

        self.assertEqual('DELETED', self.delete('l7rule', rule_id))
        self.assertStatus('l7policy', policy_id, 'ACTIVE')
        self.assertEqual('DELETED', self.delete('l7policy', policy_id))
        self.assertIsNone(self.device_object('ltm/policy', self.policy_name))
        self.assertNotIn('ltm/policy', self.device_names())
        self.assertStatus('listener', self.lid, 'ACTIVE')
        self.assertStatus('loadbalancer', self.lb_id, 'ACTIVE')
