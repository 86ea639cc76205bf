# SPDX-License-Identifier: Apache-2.0
"""Tests of fault rules (which request, how many times, what answer) and the call log."""

from octavia_f5.simulator import faults
from octavia_f5.simulator import http
from tests import base
from tests.unit.simulator import fakes


def hits(rule, requests):
    return [rule.fires(method, path) for method, path in requests]


class TestFaultRule(base.TestCase):

    def test_nth_matching_request_is_faulted_once_by_default(self):
        rule = faults.FaultRule({'method': 'post', 'path': '/ltm/pool$', 'nth': 2})
        requests = [('POST', '/mgmt/tm/ltm/pool'), ('GET', '/mgmt/tm/ltm/pool'),
                    ('POST', '/mgmt/tm/ltm/pool'), ('POST', '/mgmt/tm/ltm/pool')]
        self.assertEqual([False, False, True, False], hits(rule, requests))
        self.assertEqual((3, 1), (rule.matched, rule.applied))

    def test_times_faults_consecutive_matches(self):
        rule = faults.FaultRule({'path': 'virtual', 'nth': 1, 'times': 2})
        self.assertEqual([True, True, False], hits(rule, [('GET', '/virtual')] * 3))

    def test_times_zero_faults_every_match_from_nth_on(self):
        rule = faults.FaultRule({'nth': 2, 'times': 0})
        self.assertEqual([False, True, True, True], hits(rule, [('GET', '/x')] * 4))

    def test_error_defaults_to_500_in_mcpd_shape(self):
        response = faults.FaultRule({}).response('/mgmt/tm/ltm/pool')
        self.assertEqual(500, response.status)
        self.assertEqual({'code', 'message', 'errorStack', 'apiError'}, set(response.body))

    def test_preset_mcpd_lost_answers_the_reference_body(self):
        response = faults.FaultRule({'preset': 'mcpd-lost'}).response('/x')
        self.assertEqual((500, {'code': 500, 'errorStack': [], 'apiError': 32768001,
                                'message': 'The connection to mcpd has been lost, try again.'}),
                         (response.status, response.body))

    def test_preset_restjavad_restarting_is_html_503(self):
        response = faults.FaultRule({'preset': 'restjavad-restarting'}).response('/x')
        self.assertEqual(503, response.status)
        self.assertTrue(response.content_type.startswith('text/html'))

    def test_reset_and_close_drop_the_connection(self):
        self.assertEqual(http.DROP_RESET,
                         faults.FaultRule({'action': 'reset'}).response('/x').drop)
        self.assertEqual(http.DROP_CLOSE,
                         faults.FaultRule({'action': 'close'}).response('/x').drop)

    def test_invalid_rules_are_refused_with_the_field_named(self):
        for spec, word in (({'action': 'explode'}, 'action'), ({'nth': 0}, 'nth'),
                           ({'path': '('}, 'path'), ({'when': 'later'}, 'when'),
                           ({'preset': 'nope'}, 'preset'), ({'times': 'x'}, 'times')):
            exc = self.assertRaises(faults.InvalidRule, faults.FaultRule, spec)
            self.assertIn(word, str(exc))


class TestFaults(base.TestCase):

    def test_latency_rules_add_up_and_the_first_other_rule_wins(self):
        rules = faults.Faults()
        rules.add({'action': 'latency', 'latency_ms': 20, 'times': 0})
        rules.add({'action': 'latency', 'latency_ms': 30, 'times': 0})
        first = rules.add({'status': 502})
        rules.add({'status': 504})
        delay, rule = rules.match('GET', '/x')
        self.assertEqual((0.05, first['id']), (round(delay, 3), rule.id))

    def test_remove_and_clear(self):
        rules = faults.Faults()
        rule = rules.add({})
        self.assertTrue(rules.remove(rule['id']))
        self.assertFalse(rules.remove(rule['id']))
        rules.add({})
        rules.clear()
        self.assertEqual([], rules.describe())

    def test_describe_reports_counts(self):
        rules = faults.Faults()
        rules.add({'path': '/pool', 'nth': 2})
        rules.match('GET', '/pool')
        rules.match('GET', '/pool')
        described, = rules.describe()
        self.assertEqual((2, 1, '/pool'),
                         (described['matched'], described['applied'], described['path']))


class TestCallLog(base.TestCase):

    def test_secrets_in_bodies_are_masked(self):
        log = faults.CallLog()
        log.record(fakes.request('POST', '/mgmt/shared/authn/login',
                                 {'username': 'admin', 'password': 'hunter2'}), 200)
        log.record(fakes.request('POST', '/mgmt/tm/ltm/profile/client-ssl',
                                 {'certKeyChain': [{'passphrase': 'p'}]}), 200)
        login, profile = log.calls()
        self.assertEqual({'username': 'admin', 'password': '***'}, login['body'])
        self.assertEqual({'certKeyChain': [{'passphrase': '***'}]}, profile['body'])

    def test_calls_filter_by_method_and_path(self):
        log = faults.CallLog()
        for method, path in (('GET', '/mgmt/tm/ltm/pool'), ('POST', '/mgmt/tm/ltm/pool'),
                             ('GET', '/mgmt/tm/ltm/virtual')):
            log.record(fakes.request(method, path), 200)
        self.assertEqual(['/mgmt/tm/ltm/pool', '/mgmt/tm/ltm/virtual'],
                         [c['path'] for c in log.calls(method='get')])
        self.assertEqual(['GET', 'POST'], [c['method'] for c in log.calls(path='pool$')])

    def test_log_keeps_the_newest_calls_but_counts_all(self):
        log = faults.CallLog(size=2)
        for i in range(3):
            log.record(fakes.request('GET', '/p%d' % i), 200)
        self.assertEqual(['/p1', '/p2'], [c['path'] for c in log.calls()])
        self.assertEqual(3, log.counters()['total'])
