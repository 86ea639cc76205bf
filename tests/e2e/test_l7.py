# SPDX-License-Identifier: Apache-2.0
"""L7 policies and rules end to end: actions, positions, rule changes, LTM policy vs iRule."""

from tests.e2e import lbtest


class TestL7(lbtest.LoadBalancerTestCase):

    def setUp(self):
        super().setUp()
        self.lb = self.create_lb()
        self.listener = self.call('POST', 'listeners', {'listener': {
            'loadbalancer_id': self.lb['id'], 'protocol': 'HTTP',
            'protocol_port': 80}})['listener']
        self.settle(self.lb['id'])

    def create_policy(self, rules=(), **fields):
        """A policy, then its rules one by one.

        Octavia 19 answers 500 to a policy POST with inline rules ("'dict' object has no
        attribute '_sa_instance_state'"), whatever the provider.
        """
        body = dict({'listener_id': self.listener['id'], 'action': 'REJECT'}, **fields)
        policy = self.call('POST', 'l7policies', {'l7policy': body})['l7policy']
        self.settle(self.lb['id'])
        for rule in rules:
            self.create_rule(policy, **rule)
        return policy

    def create_rule(self, policy, **fields):
        body = dict({'type': 'PATH', 'compare_type': 'STARTS_WITH', 'value': '/x'}, **fields)
        rule = self.call('POST', 'l7policies/%s/rules' % policy['id'], {'rule': body})['rule']
        self.settle(self.lb['id'])
        return rule

    def l7_objects(self):
        """(LTM policy, iRule) named listener_<id>_l7 on the active device."""
        partition = self.partition()
        name = 'listener_%s_l7' % self.listener['id']
        return partition.get('ltm/policy', name), partition.get('ltm/rule', name)

    def test_redirect_to_url_policy_and_rule_lifecycle_through_the_cli(self):
        policy = self.openstack('loadbalancer', 'l7policy', 'create', '--action',
                                'REDIRECT_TO_URL', '--redirect-url', 'https://example.org/',
                                '--name', 'to-https', self.listener['id'])
        self.settle(self.lb['id'])
        # A policy without rules never matches: nothing on the device yet.
        self.assertEqual((None, None), self.l7_objects())

        rule = self.openstack('loadbalancer', 'l7rule', 'create', '--type', 'HOST_NAME',
                              '--compare-type', 'EQUAL_TO', '--value', 'www.example.org',
                              policy['id'])
        self.settle(self.lb['id'])
        ltm_policy, _irule = self.l7_objects()
        condition = ltm_policy['rulesReference']['items'][0]['conditionsReference']['items'][0]
        self.assertEqual(['www.example.org'], condition['values'])

        self.openstack('loadbalancer', 'l7rule', 'set', '--value', 'api.example.org',
                       policy['id'], rule['id'], parse=False)
        self.settle(self.lb['id'])
        ltm_policy, _irule = self.l7_objects()
        condition = ltm_policy['rulesReference']['items'][0]['conditionsReference']['items'][0]
        self.assertEqual(['api.example.org'], condition['values'])

        self.openstack('loadbalancer', 'l7rule', 'delete', policy['id'], rule['id'],
                       parse=False)
        self.settle(self.lb['id'])
        self.openstack('loadbalancer', 'l7policy', 'delete', policy['id'], parse=False)
        self.settle(self.lb['id'])
        self.assertEqual((None, None), self.l7_objects())

    def test_redirect_to_pool_policy_follows_position_changes(self):
        pool = self.call('POST', 'pools', {'pool': {
            'loadbalancer_id': self.lb['id'], 'protocol': 'HTTP',
            'lb_algorithm': 'ROUND_ROBIN'}})['pool']
        self.settle(self.lb['id'])
        rule = {'type': 'PATH', 'compare_type': 'STARTS_WITH', 'value': '/api'}
        first = self.create_policy([rule], action='REDIRECT_TO_POOL',
                                   redirect_pool_id=pool['id'], position=1)
        second = self.create_policy([dict(rule, value='/static')], action='REDIRECT_TO_URL',
                                    redirect_url='https://cdn.example.org/', position=2)
        self.call('PUT', 'l7policies/%s' % second['id'], {'l7policy': {'position': 1}})
        state = self.settle(self.lb['id'])
        positions = {p['id']: p['position'] for p in state['l7policies']}
        self.assertEqual({second['id']: 1, first['id']: 2}, positions)

        self.call('DELETE', 'pools/%s' % pool['id'], expect=(409,))
        self.call('DELETE', 'l7policies/%s' % first['id'])
        self.settle(self.lb['id'])
        self.call('DELETE', 'pools/%s' % pool['id'])
        self.settle(self.lb['id'])

    def test_reject_and_regex_rules_use_an_irule_and_back(self):
        policy = self.create_policy(
            [{'type': 'HEADER', 'key': 'X-Debug', 'compare_type': 'REGEX',
              'value': '^on$'}], action='REJECT')
        ltm_policy, irule = self.l7_objects()
        self.assertIsNone(ltm_policy)
        self.assertIn('HTTP::respond 403', irule['apiAnonymous'])
        self.assertIn('/%s/listener_%s_l7' % (self.partition().name, self.listener['id']),
                      self.partition().get('ltm/virtual', 'listener_%s' % self.listener['id'])
                      ['rules'])

        self.call('PUT', 'l7policies/%s' % policy['id'], {'l7policy': {
            'action': 'REDIRECT_TO_URL', 'redirect_url': 'https://example.org/'}})
        self.settle(self.lb['id'])
        rule_id = self.get('l7policies/%s/rules' % policy['id'])['rules'][0]['id']
        self.call('PUT', 'l7policies/%s/rules/%s' % (policy['id'], rule_id), {'rule': {
            'compare_type': 'EQUAL_TO', 'value': 'on'}})
        self.settle(self.lb['id'])
        ltm_policy, irule = self.l7_objects()
        self.assertIsNone(irule)
        self.assertIsNotNone(ltm_policy)

    def test_disabled_rules_and_policies_leave_the_device(self):
        policy = self.create_policy([{'type': 'PATH', 'compare_type': 'EQUAL_TO',
                                      'value': '/old'}],
                                    action='REDIRECT_TO_URL', redirect_url='https://e.org/')
        rule_id = self.get('l7policies/%s/rules' % policy['id'])['rules'][0]['id']
        self.call('PUT', 'l7policies/%s' % policy['id'],
                  {'l7policy': {'admin_state_up': False}})
        self.settle(self.lb['id'])
        self.assertEqual((None, None), self.l7_objects())
        self.call('PUT', 'l7policies/%s' % policy['id'], {'l7policy': {'admin_state_up': True}})
        self.settle(self.lb['id'])
        self.assertIsNotNone(self.l7_objects()[0])
        self.call('PUT', 'l7policies/%s/rules/%s' % (policy['id'], rule_id),
                  {'rule': {'admin_state_up': False}})
        self.settle(self.lb['id'])
        self.assertEqual((None, None), self.l7_objects())

    def test_l7_on_a_tcp_listener_is_refused_and_the_load_balancer_stays_deletable(self):
        """A TCP listener has no HTTP to match on: L7 policies are refused, rules or not.

        Octavia 19 hands the API driver a policy without its listener; the driver noted the
        listener's protocol when it was created (api/protocols.py) and refuses in the call
        (501). A fully populated create comes without the policies, so there the worker
        refuses them: ERROR, nothing written. Cascade deletes still remove everything.
        """
        tcp = self.call('POST', 'listeners', {'listener': {
            'loadbalancer_id': self.lb['id'], 'protocol': 'TCP',
            'protocol_port': 5000}})['listener']
        self.settle(self.lb['id'])
        device_before = self.partition().rows()
        response = self.api('POST', 'l7policies', {'l7policy': {
            'listener_id': tcp['id'], 'action': 'REJECT'}})
        self.assert_refused(response, 'l7policies', 'TCP listener has no HTTP')
        self.settle(self.lb['id'])
        self.assertEqual(device_before, self.partition().rows())

        response = self.api('POST', 'loadbalancers', {'loadbalancer': {
            'name': 'tcp-l7', 'vip_subnet_id': self.subnet.id, 'provider': 'f5',
            'project_id': self.project_id,
            'listeners': [{'protocol': 'TCP', 'protocol_port': 22,
                           'l7policies': [{'action': 'REJECT'}]}]}})
        if response.status_code == 501:
            self.assert_refused(response, 'l7policies', 'TCP listener has no HTTP')
        else:
            self.assertEqual(201, response.status_code, response.text)
            other = response.json()['loadbalancer']
            self.addCleanup(self.delete_lb_quietly, other['id'])
            self.assertEqual('ERROR', self.wait_lb_not_pending(other['id'])[
                'provisioning_status'])
            self.assertEqual(set(), self.partition().naming(other['id']))
            self.call('DELETE', 'loadbalancers/%s' % other['id'], cascade='true')
            self.wait_for_status(lambda: self.lb_or_deleted(other['id']), 'DELETED')
            self.assert_lb_gone(other)

        self.call('DELETE', 'loadbalancers/%s' % self.lb['id'], cascade='true')
        self.wait_for_status(lambda: self.lb_or_deleted(self.lb['id']), 'DELETED')
        self.assert_lb_gone(self.lb)
        self.assertEqual(set(), self.partition().naming(tcp['id']))
