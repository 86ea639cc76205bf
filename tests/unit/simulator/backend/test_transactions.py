# SPDX-License-Identifier: Apache-2.0
"""Transactions: queueing, commit, all-or-nothing, expiry, abort, command list."""

from octavia_f5.simulator.backend import Backend
from tests.unit.simulator.backend import base

COMMIT = {'state': 'VALIDATING'}


class TransactionTestCase(base.BackendTestCase):

    def begin(self):
        return str(self.create('transaction', {})['transId'])

    def commit(self, txn, **extra):
        return self.patch('transaction/' + txn, dict(COMMIT, **extra))


class TestTransactions(TransactionTestCase):

    def test_new_transaction_has_the_reference_shape(self):
        out = self.create('transaction', {})
        trans_id = out.pop('transId')
        self.assertEqual(16, len(str(trans_id)))
        self.assertEqual({'state': 'STARTED', 'timeoutSeconds': 120, 'asyncExecution': False,
                          'validateOnly': False, 'executionTimeout': 300, 'executionTime': 0,
                          'failureReason': '', 'kind': 'tm:transactionstate',
                          'selfLink': 'https://localhost/mgmt/tm/transaction/%d?ver=17.1.1'
                                      % trans_id}, out)

    def test_queued_command_is_answered_with_commandsstate(self):
        txn = self.begin()
        self.post('ltm/pool', {'name': 'p0'}, txn=txn)
        self.assertEqual((200, {
            'method': 'POST', 'uri': 'https://localhost/mgmt/tm/ltm/pool',
            'body': {'name': 'p1'}, 'evalOrder': 2, 'commandId': 2,
            'kind': 'tm:transaction:commandsstate',
            'selfLink': 'https://localhost/mgmt/tm/transaction/%s/commands/2?ver=17.1.1' % txn}),
            self.post('ltm/pool', {'name': 'p1'}, txn=txn))

    def test_nothing_is_applied_before_commit(self):
        txn = self.begin()
        generation = self.backend.config_generation
        self.post('ltm/pool', {'name': 'p1'}, txn=txn)
        self.assertEqual(404, self.get('ltm/pool/~Common~p1')[0])
        self.assertEqual(generation, self.backend.config_generation)

    def test_commit_applies_the_commands_in_order(self):
        txn = self.begin()
        self.post('ltm/pool', {'name': 'p1', 'members': ['10.0.0.1:80']}, txn=txn)
        self.post('ltm/virtual', {'name': 'vs', 'destination': '10.0.0.5:80', 'pool': 'p1'},
                  txn=txn)
        self.assertEqual('COMPLETED', self.ok('PATCH', 'transaction/' + txn, COMMIT)['state'])
        self.assertEqual('/Common/p1', self.ok('GET', 'ltm/virtual/~Common~vs')['pool'])

    def test_failed_commit_rolls_everything_back(self):
        txn = self.begin()
        self.post('ltm/pool', {'name': 'p1'}, txn=txn)
        self.post('ltm/virtual', {'name': 'vs', 'destination': '10.0.0.5:80', 'pool': 'nope'},
                  txn=txn)
        generation = self.backend.config_generation
        message = '01020036:3: The requested Pool (/Common/nope) was not found.'
        self.assertRefused(self.commit(txn), 400, 'transaction failed:' + message, 2)
        self.assertEqual(404, self.get('ltm/pool/~Common~p1')[0])
        self.assertEqual(generation, self.backend.config_generation)
        out = self.ok('GET', 'transaction/' + txn)
        self.assertEqual(('FAILED', message), (out['state'], out['failureReason']))

    def test_delete_of_referenced_snatpool_fails_the_commit(self):
        self.create('ltm/snatpool', {'name': 'mysnatpool', 'members': ['10.0.0.9']})
        self.create('ltm/virtual', {'name': 'vs', 'destination': '10.0.0.5:80',
                                    'sourceAddressTranslation': {'type': 'snat',
                                                                 'pool': 'mysnatpool'}})
        txn = self.begin()
        self.delete('ltm/snatpool/~Common~mysnatpool', txn=txn)
        self.assertRefused(self.commit(txn), 400, 'transaction failed:01070320:3: Snatpool '
                           '/Common/mysnatpool is still referenced by a virtual server.', 2)

    def test_empty_commit_is_refused(self):
        self.assertRefused(self.commit(self.begin()), 400,
                           'there is no command to commit in the transaction', 2)

    def test_empty_patch_fails_the_commit(self):
        self.create('ltm/pool', {'name': 'p1'})
        txn = self.begin()
        self.patch('ltm/pool/~Common~p1', {}, txn=txn)
        self.assertRefused(self.commit(txn), 400,
                           'transaction failed:one or more properties must be specified', 2)

    def test_validate_only_applies_nothing(self):
        txn = self.begin()
        self.post('ltm/pool', {'name': 'p1'}, txn=txn)
        self.assertEqual('COMPLETED', self.commit(txn, validateOnly=True)[1]['state'])
        self.assertEqual(404, self.get('ltm/pool/~Common~p1')[0])

    def test_committed_transaction_cannot_be_committed_again(self):
        txn = self.begin()
        self.post('ltm/pool', {'name': 'p1'}, txn=txn)
        self.commit(txn)
        self.assertEqual(400, self.commit(txn)[0])

    def test_transaction_expires_after_its_timeout(self):
        txn = self.begin()
        self.clock.now += 121
        self.assertEqual(404, self.get('transaction/' + txn)[0])
        self.assertEqual(400, self.post('ltm/pool', {'name': 'p1'}, txn=txn)[0])

    def test_abort_with_delete(self):
        txn = self.begin()
        self.post('ltm/pool', {'name': 'p1'}, txn=txn)
        self.assertEqual((200, None), self.delete('transaction/' + txn))
        self.assertEqual(404, self.get('transaction/' + txn)[0])
        self.assertEqual(404, self.get('ltm/pool/~Common~p1')[0])

    def test_unknown_transaction_id_is_refused(self):
        self.assertRefused(self.post('ltm/pool', {'name': 'p1'}, txn='123'), 400,
                           'Transaction 123 does not exist.', 26214401)

    def test_queueing_checks_the_url(self):
        txn = self.begin()
        self.assertEqual(404, self.post('ltm/nothing', {'name': 'x'}, txn=txn)[0])

    def test_coordination_header_on_a_transaction_uri_is_refused(self):
        txn = self.begin()
        self.assertRefused(self.call('PATCH', 'transaction/' + txn, COMMIT, txn=txn), 400,
                           'Transaction %s operation PATCH https://localhost/mgmt/tm/transaction'
                           '/%s is not allowed to be added to transaction.' % (txn, txn),
                           26214401)

    def test_get_with_the_header_sees_live_state(self):
        self.create('ltm/pool', {'name': 'p1'})
        txn = self.begin()
        self.assertEqual(200, self.call('GET', 'ltm/pool/~Common~p1', txn=txn)[0])


class TestCommands(TransactionTestCase):

    def setUp(self):
        super().setUp()
        self.txn = self.begin()
        for name in ('a', 'b', 'c'):
            self.post('ltm/pool', {'name': name}, txn=self.txn)

    def commands(self):
        out = self.ok('GET', 'transaction/%s/commands' % self.txn)
        self.assertEqual('tm:transaction:commandscollectionstate', out['kind'])
        return [(c['evalOrder'], c['commandId'], c['body']['name']) for c in out['items']]

    def test_commands_are_listed_in_eval_order(self):
        self.assertEqual([(1, 1, 'a'), (2, 2, 'b'), (3, 3, 'c')], self.commands())
        self.assertEqual('b', self.ok('GET', 'transaction/%s/commands/2' % self.txn)['body']
                         ['name'])

    def test_reordering_a_command_renumbers_the_others(self):
        self.ok('PATCH', 'transaction/%s/commands/3' % self.txn, {'evalOrder': 1})
        self.assertEqual([(1, 3, 'c'), (2, 1, 'a'), (3, 2, 'b')], self.commands())

    def test_deleting_a_command_removes_it_from_the_commit(self):
        self.ok('DELETE', 'transaction/%s/commands/2' % self.txn)
        self.assertEqual([(1, 1, 'a'), (2, 3, 'c')], self.commands())
        self.commit(self.txn)
        self.assertEqual(['/Common/a', '/Common/c'],
                         [p['fullPath'] for p in self.ok('GET', 'ltm/pool')['items']])

    def test_unknown_command_id_is_refused(self):
        self.assertRefused(self.get('transaction/%s/commands/9' % self.txn), 400,
                           'Found invalid command id 9', 26214401)


class TestMonitorBug(TransactionTestCase):

    def detach_and_delete(self):
        self.create('ltm/monitor/http', {'name': 'm'})
        self.create('ltm/pool', {'name': 'p1', 'monitor': 'm'})
        txn = self.begin()
        self.patch('ltm/pool/~Common~p1', {'monitor': ''}, txn=txn)
        self.delete('ltm/monitor/http/~Common~m', txn=txn)
        return self.commit(txn)

    def test_monitor_detached_and_deleted_in_one_transaction_fails(self):
        self.assertRefused(self.detach_and_delete(), 400,
                           'transaction failed:01070083:3: Monitor /Common/m is in use.', 2)
        self.assertEqual('/Common/m ', self.ok('GET', 'ltm/pool/~Common~p1')['monitor'])

    def test_the_bug_can_be_switched_off(self):
        self.backend = Backend(clock=self.clock, monitor_transaction_bug=False)
        self.assertEqual('COMPLETED', self.detach_and_delete()[1]['state'])
        self.assertEqual(404, self.get('ltm/monitor/http/~Common~m')[0])
