# SPDX-License-Identifier: Apache-2.0
"""LTM policies: drafts, publish, legacy, createDraft, rules, users."""

from tests.unit.simulator.backend import base

CONDITION = {'name': '0', 'httpUri': True, 'path': True, 'startsWith': True,
             'values': ['/api']}
ACTION = {'name': '0', 'forward': True, 'pool': 'pool1'}
PUBLISHED = ('01071726:3: Cannot create/modify published policy /P/pol in place. Create a '
             'draft (subPath "Drafts") and publish it, or send "legacy": true.')


def policy_body(**extra):
    rule = {'name': 'r1', 'ordinal': 0, 'conditions': [CONDITION], 'actions': [ACTION]}
    return dict({'name': 'pol', 'partition': 'P', 'subPath': 'Drafts',
                 'strategy': '/Common/first-match', 'requires': ['http'],
                 'controls': ['forwarding'], 'rules': [rule]}, **extra)


class PolicyTestCase(base.BackendTestCase):

    def setUp(self):
        super().setUp()
        self.tenant()
        self.create('ltm/pool', {'name': 'pool1', 'partition': 'P'})

    def published(self):
        self.create('ltm/policy', policy_body())
        return self.create('ltm/policy', {'command': 'publish', 'name': '/P/Drafts/pol'})


class TestDrafts(PolicyTestCase):

    def test_draft_policy_lives_in_the_drafts_folder(self):
        out = self.create('ltm/policy', policy_body())
        self.assertEqual(('/P/Drafts/pol', 'Drafts', 'draft', '/Common/first-match'),
                         (out['fullPath'], out['subPath'], out['status'], out['strategy']))
        self.assertEqual('https://localhost/mgmt/tm/ltm/policy/~P~Drafts~pol?ver=17.1.1',
                         out['selfLink'])

    def test_publish_moves_the_draft(self):
        self.assertEqual({'kind': 'tm:ltm:policy:policystate', 'name': '/P/Drafts/pol',
                          'command': 'publish'}, self.published())
        out = self.ok('GET', 'ltm/policy/~P~pol')
        self.assertEqual(('/P/pol', 'published'), (out['fullPath'], out['status']))
        self.assertNotIn('subPath', out)
        self.assertEqual(404, self.get('ltm/policy/~P~Drafts~pol')[0])

    def test_create_published_policy_directly_is_refused(self):
        body = policy_body()
        del body['subPath']
        self.assertRefused(self.post('ltm/policy', body), 400, PUBLISHED)

    def test_published_policy_cannot_be_modified(self):
        self.published()
        self.assertRefused(self.patch('ltm/policy/~P~pol', {'strategy': 'all-match'}), 400,
                           PUBLISHED)
        self.assertRefused(self.post('ltm/policy/~P~pol/rules', {'name': 'r2'}), 400,
                           PUBLISHED)

    def test_legacy_policy_is_created_and_changed_in_place(self):
        body = policy_body(legacy=True)
        del body['subPath']
        out = self.create('ltm/policy', body)
        self.assertEqual(('/P/pol', 'legacy'), (out['fullPath'], out['status']))
        self.assertEqual('/Common/all-match', self.ok('PATCH', 'ltm/policy/~P~pol', {
            'strategy': 'all-match', 'legacy': True})['strategy'])

    def test_create_draft_from_a_published_policy(self):
        self.published()
        out = self.ok('PATCH', 'ltm/policy/~P~pol', {'createDraft': True})
        self.assertEqual(('/P/Drafts/pol', 'draft'), (out['fullPath'], out['status']))
        self.ok('PATCH', 'ltm/policy/~P~Drafts~pol', {'strategy': 'best-match'})
        self.create('ltm/policy', {'command': 'publish', 'name': '/P/Drafts/pol'})
        self.assertEqual('/Common/best-match', self.ok('GET', 'ltm/policy/~P~pol')['strategy'])


class TestRules(PolicyTestCase):

    def test_rules_read_back_with_device_defaults(self):
        self.create('ltm/policy', policy_body())
        out = self.ok('GET', 'ltm/policy/~P~Drafts~pol', query={'expandSubcollections': 'true'})
        rule = out['rulesReference']['items'][0]
        self.assertEqual(('tm:ltm:policy:rules:rulesstate', 'r1', 0),
                         (rule['kind'], rule['name'], rule['ordinal']))
        condition = rule['conditionsReference']['items'][0]
        self.assertEqual({'caseInsensitive': True, 'external': True, 'index': 0,
                          'present': True, 'remote': True, 'request': True,
                          'values': ['/api'], 'httpUri': True},
                         {k: condition[k] for k in ('caseInsensitive', 'external', 'index',
                                                    'present', 'remote', 'request', 'values',
                                                    'httpUri')})
        action = rule['actionsReference']['items'][0]
        self.assertEqual(('/P/pool1', 0, 0, True, True),
                         (action['pool'], action['code'], action['vlanId'], action['select'],
                          action['request']))

    def test_rule_sub_collection_of_a_draft(self):
        self.create('ltm/policy', policy_body())
        out = self.create('ltm/policy/~P~Drafts~pol/rules', {
            'name': 'r2', 'ordinal': 1, 'actions': [{'name': '0', 'forward': True,
                                                     'reset': True}]})
        self.assertEqual('https://localhost/mgmt/tm/ltm/policy/~P~Drafts~pol/rules/r2'
                         '?ver=17.1.1', out['selfLink'])
        self.assertEqual(['r1', 'r2'], [r['name'] for r in self.ok(
            'GET', 'ltm/policy/~P~Drafts~pol/rules')['items']])
        self.assertEqual('/P/pool1', self.ok(
            'GET', 'ltm/policy/~P~Drafts~pol/rules/r1/actions/0')['pool'])

    def test_forward_to_a_missing_pool_is_refused(self):
        body = policy_body()
        body['rules'][0]['actions'] = [dict(ACTION, pool='nope')]
        self.assertRefused(self.post('ltm/policy', body), 400,
                           '01020036:3: The requested Pool (/P/nope) was not found.')

    def test_forward_action_needs_the_forwarding_control(self):
        self.assertRefused(self.post('ltm/policy', policy_body(controls=[])), 400,
                           '01071734:3: Policy (/P/Drafts/pol) rule r1 action forward needs '
                           '"forwarding" in controls.')

    def test_http_condition_needs_http_in_requires(self):
        self.assertRefused(self.post('ltm/policy', policy_body(requires=[])), 400,
                           '01071734:3: Policy (/P/Drafts/pol) rule r1 uses httpUri and needs '
                           '"http" in requires.')

    def test_condition_needs_exactly_one_operand(self):
        body = policy_body()
        body['rules'][0]['conditions'] = [dict(CONDITION, httpHost=True)]
        self.assertEqual(400, self.post('ltm/policy', body)[0])

    def test_unknown_condition_property_is_refused(self):
        body = policy_body()
        body['rules'][0]['conditions'] = [dict(CONDITION, regex=True)]
        self.assertEqual(400, self.post('ltm/policy', body)[0])

    def test_delete_pool_used_by_policy_action_is_refused(self):
        self.create('ltm/policy', policy_body())
        self.assertRefused(self.delete('ltm/pool/~P~pool1'), 400,
                           '01070265:3: The Pool (/P/pool1) cannot be deleted because it is in '
                           'use by a policy action (/P/Drafts/pol r1 0).')


class TestAttachment(PolicyTestCase):

    def vs(self, profiles, policies):
        return self.post('ltm/virtual', {'name': 'vs', 'partition': 'P', 'profiles': profiles,
                                         'destination': '10.0.0.5:80', 'policies': policies})

    def test_published_policy_attached_to_a_virtual(self):
        self.published()
        self.assertEqual(200, self.vs(['/Common/http', '/Common/tcp'],
                                      [{'name': 'pol', 'partition': 'P'}])[0])
        out = self.ok('GET', 'ltm/virtual/~P~vs/policies/~P~pol')
        self.assertEqual(('tm:ltm:virtual:policies:policiesstate', '/P/pol'),
                         (out['kind'], out['fullPath']))

    def test_draft_policy_cannot_be_attached(self):
        self.create('ltm/policy', policy_body())
        self.assertEqual(400, self.vs(['/Common/http', '/Common/tcp'],
                                      ['/P/Drafts/pol'])[0])

    def test_policy_requiring_http_needs_an_http_profile(self):
        self.published()
        self.assertRefused(self.vs(['/Common/tcp'], ['/P/pol']), 400,
                           '01071705:3: The policy (/P/pol) requires an associated HTTP profile '
                           'on the virtual-server (/P/vs).')

    def test_delete_policy_used_by_virtual_is_refused(self):
        self.published()
        self.vs(['/Common/http', '/Common/tcp'], ['/P/pol'])
        self.assertRefused(self.delete('ltm/policy/~P~pol'), 400,
                           '01070265:3: The Policy (/P/pol) cannot be deleted because it is in '
                           'use by a Virtual Server (/P/vs).')
