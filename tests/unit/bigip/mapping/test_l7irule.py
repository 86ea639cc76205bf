# SPDX-License-Identifier: Apache-2.0
"""Golden tests of L7 policies as an iRule, and proofs in tclsh that hostile values stay data."""

import re

import testtools

from octavia_f5.bigip.mapping import l7irule
from octavia_f5.bigip.mapping import l7rules
from tests.unit.bigip.mapping import base
from tests.unit.bigip.mapping import fixtures
from tests.unit.bigip.mapping import tcl

F = fixtures


def _irule(policies):
    lis = F.listener(protocol='TERMINATED_HTTPS', l7policies=policies)
    return l7irule.resources(lis, l7rules.active(lis), F.ctx())


class TestL7IRuleGolden(base.MappingTestCase):

    family = 'l7irule'

    def test_every_rule_type_compare_type_and_action(self):
        policies = [
            F.l7policy(0, action='REJECT', redirect_pool_id=None, rules=[
                F.l7rule(0, type='HOST_NAME', compare_type='REGEX', value='^api[0-9]+\\.'),
                F.l7rule(1, type='SSL_CONN_HAS_CERT', compare_type='EQUAL_TO', value='True',
                         invert=True)]),
            F.l7policy(1, action='REDIRECT_TO_URL', redirect_pool_id=None,
                       redirect_url='https://login.example/', redirect_http_code=307, rules=[
                           F.l7rule(2, type='SSL_VERIFY_RESULT', compare_type='EQUAL_TO',
                                    value='10'),
                           F.l7rule(3, type='SSL_DN_FIELD', compare_type='STARTS_WITH',
                                    key='OU', value='eng')]),
            F.l7policy(2, action='REDIRECT_PREFIX', redirect_pool_id=None,
                       redirect_prefix='https://new.example', redirect_http_code=308, rules=[
                           F.l7rule(4, type='HOST_NAME', compare_type='ENDS_WITH',
                                    value='.OLD.example'),
                           F.l7rule(5, type='FILE_TYPE', compare_type='EQUAL_TO', value='php'),
                           F.l7rule(6, type='FILE_TYPE', compare_type='REGEX',
                                    value='\\.(gif|png)$', invert=True)]),
            F.l7policy(3, rules=[
                F.l7rule(7, type='HEADER', compare_type='CONTAINS', key='User-Agent',
                         value='curl'),
                F.l7rule(8, type='COOKIE', compare_type='EQUAL_TO', key='beta', value='1')]),
            F.l7policy(4, action='REDIRECT_TO_URL', redirect_pool_id=None,
                       redirect_url='http://plain.example/', rules=[
                           F.l7rule(0, type='PATH', compare_type='EQUAL_TO', value='/old')]),
        ]
        self.assertGolden('all_rules_and_actions', _irule(policies))


# Values that would run a command, read a variable or end the literal if not escaped.
HOSTILE = ['"]; exec rm -rf /; [', '$::env(HOME)', '[exec id]', '\\"; exec x; #',
           '{*}[exec y]', '}; exec z; {', '\\', '</script><b>', 'a;b|c&d`e`']


@testtools.skipUnless(tcl.TCLSH, 'tclsh is not installed')
class TestHostileValuesInTcl(base.MappingTestCase):
    """Runs the generated iRule in tclsh with HTTP commands stubbed.

    iRule operators are rewritten to Tcl's ``eq``; ``exec`` raises, so any command injection
    fails the run. The request carries exactly the hostile value, so the rule must match it
    (proving the literal is the value, character for character) and the action's output must
    carry it unchanged.
    """

    STUBS = r'''
rename exec {}
proc exec {args} { error "INJECTED exec $args" }
namespace eval HTTP {
    proc path {} { return $::req }
    proc host {} { return $::req }
    proc uri {} { return "/u?q=1" }
    proc header {op name} { if {$name eq $::key} { return $::req } { return "" } }
    proc cookie {op name} { if {$name eq $::key} { return $::req } { return "" } }
    proc respond {args} { puts -nonewline "RESPOND [join $args |]\x00" }
}
proc pool {name} { puts -nonewline "POOL $name\x00" }
'''

    def _run(self, policies, request_value, key=''):
        text = _irule(policies)[0].body['apiAnonymous']
        # Only the operators between a subject and its literal are rewritten.
        text = re.sub(r'\] equals "', '] eq "', text)
        script = (self.STUBS + 'set ::req %s\nset ::key %s\n' % (
            _brace(request_value), _brace(key)) + text + 'fire HTTP_REQUEST\n')
        return tcl.run(script).decode('ascii').split('\x00')[:-1]

    def test_hostile_path_value_is_matched_literally(self):
        for value in HOSTILE:
            with self.subTest(value=value):
                policy = F.l7policy(0, action='REJECT', redirect_pool_id=None, rules=[
                    F.l7rule(0, type='PATH', compare_type='EQUAL_TO', value=value)])
                self.assertEqual(['RESPOND 403|content|Forbidden'],
                                 self._run([policy], value))
                self.assertEqual([], self._run([policy], value + 'x'))

    def test_hostile_header_name_and_value_are_matched_literally(self):
        key = "X-$a!#%&'*+^`|~"
        policy = F.l7policy(0, rules=[F.l7rule(0, type='HEADER', compare_type='EQUAL_TO',
                                               key=key, value=HOSTILE[0])])
        self.assertEqual(['POOL /octavia_%s/pool_%s' % (F.PROJECT, F.POOL2_ID)],
                         self._run([policy, F.l7policy(1, action='REJECT',
                                                       redirect_pool_id=None)],
                                   HOSTILE[0], key))

    def test_hostile_redirect_url_and_prefix_reach_the_location_unchanged(self):
        url = 'https://a.example/"];exec{rm}[$x]\\'
        for action, field, expected in (
                ('REDIRECT_TO_URL', 'redirect_url', url),
                ('REDIRECT_PREFIX', 'redirect_prefix', url + '/u?q=1')):
            with self.subTest(action=action):
                rules = [F.l7rule(0, compare_type='EQUAL_TO', value='/api')]
                policy = F.l7policy(0, action=action, redirect_pool_id=None, rules=rules,
                                    redirect_http_code=303, **{field: url})
                self.assertEqual(['RESPOND 303|Location|' + expected],
                                 self._run([policy], '/api'))


def _brace(value):
    """A Tcl word for a test-side value: backslash-escape everything special."""
    return ''.join('\\' + c if c in '\\"$[]{}; ' else c for c in value) or '{}'
