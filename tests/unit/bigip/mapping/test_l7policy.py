# SPDX-License-Identifier: Apache-2.0
"""Golden tests of L7 policies -> one LTM policy, and when the iRule takes over instead."""

from octavia_f5.bigip.mapping import l7policy
from octavia_f5.bigip.mapping import l7rules
from octavia_f5.bigip.mapping import listener
from tests.unit.bigip.mapping import base
from tests.unit.bigip.mapping import fixtures

F = fixtures


def _listener(policies, **kw):
    return F.listener(l7policies=policies, **kw)


def _map(policies, **kw):
    return l7policy.resources(_listener(policies, **kw), F.ctx())


class TestLtmPolicyGolden(base.MappingTestCase):

    family = 'l7policy'

    def test_every_policy_rule_type_and_compare_type(self):
        policies = [
            F.l7policy(0, rules=[
                F.l7rule(0, type='HOST_NAME', compare_type='EQUAL_TO', value='WWW.Example.com'),
                F.l7rule(1, type='PATH', compare_type='STARTS_WITH', value='/api/'),
                F.l7rule(2, type='HEADER', compare_type='CONTAINS', key='X-Env',
                         value='prod', invert=True)]),
            F.l7policy(1, rules=[
                F.l7rule(3, type='FILE_TYPE', compare_type='EQUAL_TO', value='.jpg'),
                F.l7rule(4, type='COOKIE', compare_type='ENDS_WITH', key='session',
                         value='-beta')]),
            F.l7policy(2, action='REDIRECT_TO_URL', redirect_pool_id=None,
                       redirect_url='https://example.com/moved?x=1', redirect_http_code=302),
        ]
        self.assertGolden('all_conditions', _map(policies)[0])

    def test_virtual_server_lists_the_policy(self):
        items = listener.resources(_listener([F.l7policy(0)]), F.loadbalancer(),
                                   [F.pool(), F.pool(pool_id=F.POOL2_ID)], F.ctx())
        virtual = self.body(items, 'ltm/virtual')
        self.assertEqual([{'name': 'listener_%s_l7' % F.LISTENER_ID,
                           'partition': 'octavia_%s' % F.PROJECT}], virtual['policies'])
        self.assertEqual([], virtual['rules'])

    def test_rules_follow_position_not_list_order(self):
        items, _policies, _rules = _map([F.l7policy(0, position=3), F.l7policy(1, position=1),
                                         F.l7policy(2, position=2)])
        self.assertEqual(['l7policy_' + F.POLICY_IDS[i] for i in (1, 2, 0)],
                         [r['name'] for r in items[0].body['rules']])
        self.assertEqual([0, 1, 2], [r['ordinal'] for r in items[0].body['rules']])

    def test_disabled_policies_and_rules_and_empty_policies_are_left_out(self):
        items, _policies, _rules = _map([
            F.l7policy(0, admin_state_up=False),
            F.l7policy(1, rules=[F.l7rule(1, admin_state_up=False),
                                 F.l7rule(2, value='/kept')]),
            F.l7policy(2, rules=[]),
            F.l7policy(3, rules=[F.l7rule(3, admin_state_up=False)])])
        rules = items[0].body['rules']
        self.assertEqual(['l7policy_' + F.POLICY_IDS[1]], [r['name'] for r in rules])
        self.assertEqual([['/kept']], [c['values'] for c in rules[0]['conditions']])

    def test_no_active_policy_means_no_policy_object(self):
        self.assertEqual(([], [], []), _map([F.l7policy(0, admin_state_up=False)]))
        self.assertEqual(([], [], []), _map([]))


class TestIRuleTakesOver(base.MappingTestCase):
    """Each feature an LTM policy cannot express moves the whole listener's L7 to the iRule."""

    CASES = {
        'regex': [F.l7policy(0, rules=[F.l7rule(0, compare_type='REGEX', value='^/a+$')])],
        'ssl_rule': [F.l7policy(0, rules=[
            F.l7rule(0, type='SSL_CONN_HAS_CERT', compare_type='EQUAL_TO', value='True')])],
        'reject': [F.l7policy(0, action='REJECT', redirect_pool_id=None)],
        'redirect_301': [F.l7policy(0, action='REDIRECT_TO_URL', redirect_pool_id=None,
                                    redirect_url='https://e.example/', redirect_http_code=301)],
        'redirect_prefix': [F.l7policy(0, action='REDIRECT_PREFIX', redirect_pool_id=None,
                                       redirect_prefix='https://e.example')],
        'value_tmsh_would_quote': [F.l7policy(0, rules=[F.l7rule(0, value='/a b')])],
        'one_of_two_policies': [F.l7policy(0), F.l7policy(1, rules=[
            F.l7rule(1, compare_type='REGEX', value='x')])],
    }

    def test_cases(self):
        for case, policies in self.CASES.items():
            with self.subTest(case=case):
                lis = _listener(policies, protocol='TERMINATED_HTTPS')
                items, virtual_policies, rules = l7policy.resources(lis, F.ctx())
                self.assertEqual((['ltm/rule'], []), ([i.collection for i in items],
                                                      virtual_policies))
                self.assertEqual([items[0].full_path], rules)


class TestL7Refusals(base.MappingTestCase):

    def test_l7_on_a_tcp_listener_is_refused(self):
        self.assertUnsupported('l7policies', 'HTTP or TERMINATED_HTTPS', l7policy.validate,
                               _listener([F.l7policy(0)], protocol='TCP'))

    def test_any_policy_on_a_listener_without_http_is_refused_rules_or_not(self):
        policies = {'without rules': F.l7policy(0, rules=[], action='REJECT'),
                    'disabled': F.l7policy(0, admin_state_up=False),
                    'with disabled rules': F.l7policy(0, rules=[F.l7rule(
                        0, admin_state_up=False)])}
        for protocol in ('TCP', 'UDP', 'SCTP', 'HTTPS'):
            for case, policy in policies.items():
                with self.subTest(protocol=protocol, case=case):
                    lis = _listener([policy], protocol=protocol)
                    self.assertUnsupported('l7policies', 'a %s listener has no HTTP'
                                           % protocol, l7policy.validate, lis)
                    self.assertUnsupported('l7policies', 'HTTP or TERMINATED_HTTPS',
                                           listener.validate, lis)

    def test_a_policy_without_rules_on_an_http_listener_is_accepted_and_writes_nothing(self):
        lis = _listener([F.l7policy(0, rules=[], action='REJECT')])
        l7policy.validate(lis)
        self.assertEqual(([], [], []), l7policy.resources(lis, F.ctx()))

    def test_ssl_rules_on_plain_http_are_refused(self):
        rules = [F.l7rule(0, type='SSL_DN_FIELD', compare_type='EQUAL_TO', key='CN',
                          value='x')]
        self.assertUnsupported('type', 'SSL_DN_FIELD rules need a TERMINATED_HTTPS',
                               l7policy.validate, _listener([F.l7policy(0, rules=rules)]))

    def _rule(self, **kw):
        return F.l7rule(0, **kw).to_dict()

    def test_unknown_types_and_compare_types_are_refused(self):
        self.assertUnsupported('type', "'QUERY' is not supported", l7rules.validate_rule,
                               self._rule(type='QUERY'))
        self.assertUnsupported('compare_type', "'LIKE' is not supported",
                               l7rules.validate_rule, self._rule(compare_type='LIKE'))
        self.assertUnsupported('compare_type', 'FILE_TYPE rules compare only with',
                               l7rules.validate_rule,
                               self._rule(type='FILE_TYPE', compare_type='CONTAINS'))

    def test_values_with_cr_lf_nul_are_refused(self):
        for bad in ('/a\r\nX: y', '/a\x00', 'a\nb'):
            self.assertInvalid('value', 'control characters', l7rules.validate_rule,
                               self._rule(value=bad))

    def test_invalid_regex_is_refused(self):
        self.assertInvalid('value', 'not a valid regular expression', l7rules.validate_rule,
                           self._rule(compare_type='REGEX', value='(unclosed'))

    def test_header_and_cookie_names_must_be_tokens(self):
        for kind in ('HEADER', 'COOKIE'):
            self.assertInvalid('key', 'RFC 7230 token', l7rules.validate_rule,
                               self._rule(type=kind, key='X-A"]; exec x; ["'))
            self.assertInvalid('key', 'RFC 7230 token', l7rules.validate_rule,
                               self._rule(type=kind, key=None))

    def test_ssl_rule_values_are_checked(self):
        self.assertInvalid('value', '"True"', l7rules.validate_rule,
                           self._rule(type='SSL_CONN_HAS_CERT', compare_type='EQUAL_TO',
                                      value='yes'))
        self.assertInvalid('value', 'integer', l7rules.validate_rule,
                           self._rule(type='SSL_VERIFY_RESULT', compare_type='EQUAL_TO',
                                      value='0]'))
        self.assertInvalid('key', 'distinguished-name field', l7rules.validate_rule,
                           self._rule(type='SSL_DN_FIELD', key='C N'))

    def _policy(self, **kw):
        return F.l7policy(0, **kw).to_dict(recurse=True)

    def test_actions_redirect_codes_and_urls_are_checked(self):
        self.assertUnsupported('action', "'DROP' is not supported", l7rules.validate_policy,
                               self._policy(action='DROP'))
        self.assertUnsupported('redirect_http_code', "304", l7rules.validate_policy,
                               self._policy(action='REDIRECT_TO_URL',
                                            redirect_url='http://a/', redirect_http_code=304))
        for bad in ('ftp://a/', '/relative', 'http://a/ b'):
            self.assertInvalid('redirect_url', 'absolute http or https URL',
                               l7rules.validate_policy,
                               self._policy(action='REDIRECT_TO_URL', redirect_url=bad))
        self.assertInvalid('redirect_url', 'control characters', l7rules.validate_policy,
                           self._policy(action='REDIRECT_TO_URL', redirect_url='http://a/\r\n'))
        self.assertInvalid('redirect_prefix', 'no query', l7rules.validate_policy,
                           self._policy(action='REDIRECT_PREFIX',
                                        redirect_prefix='https://a/?x=1'))
        self.assertInvalid('redirect_pool_id', 'an id', l7rules.validate_policy,
                           self._policy(redirect_pool_id='../x'))
