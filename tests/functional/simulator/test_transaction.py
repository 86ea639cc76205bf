# SPDX-License-Identifier: Apache-2.0
"""A transaction over HTTP with the X-F5-REST-Coordination-Id header."""

from tests.functional.simulator import base

TRANSACTION = '/mgmt/tm/transaction'


class TestTransactionOverHttp(base.SimulatorTestCase):

    def setUp(self):
        super().setUp()
        self.bigip = self.token_session()

    def start(self):
        response = self.call(self.bigip, 'POST', TRANSACTION, {})
        self.assertEqual(200, response.status_code, response.text)
        body = response.json()
        self.assertEqual(('STARTED', 'tm:transactionstate'), (body['state'], body['kind']))
        return str(body['transId'])

    def queue(self, trans_id, method, path, body=None):
        return self.call(self.bigip, method, path, body,
                         headers={'X-F5-REST-Coordination-Id': trans_id})

    def commit(self, trans_id):
        return self.call(self.bigip, 'PATCH', '%s/%s' % (TRANSACTION, trans_id),
                         {'state': 'VALIDATING'})

    def test_queued_commands_apply_only_at_commit(self):
        trans_id = self.start()
        queued = self.queue(trans_id, 'POST', base.POOLS, {'name': 'tp1'})
        self.assertEqual(200, queued.status_code, queued.text)
        self.assertEqual(('tm:transaction:commandsstate', 1),
                         (queued.json()['kind'], queued.json()['evalOrder']))
        self.assertEqual(404, self.call(self.bigip, 'GET', base.POOLS + '/~Common~tp1')
                         .status_code)
        committed = self.commit(trans_id)
        self.assertEqual((200, 'COMPLETED'), (committed.status_code,
                                              committed.json()['state']))
        self.assertEqual(200, self.call(self.bigip, 'GET', base.POOLS + '/~Common~tp1')
                         .status_code)

    def test_failing_command_rolls_the_whole_transaction_back(self):
        self.create_pool(self.bigip, 'exists')
        trans_id = self.start()
        self.queue(trans_id, 'POST', base.POOLS, {'name': 'fresh'})
        self.queue(trans_id, 'POST', base.POOLS, {'name': 'exists'})
        committed = self.commit(trans_id)
        self.assertEqual(400, committed.status_code)
        self.assertTrue(committed.json()['message'].startswith('transaction failed:'))
        self.assertEqual(404, self.call(self.bigip, 'GET', base.POOLS + '/~Common~fresh')
                         .status_code)

    def test_transaction_counts_in_the_call_log_with_its_id(self):
        trans_id = self.start()
        self.queue(trans_id, 'POST', base.POOLS, {'name': 'tp1'})
        call, = self.sim.calls(method='POST', path='/ltm/pool$')
        self.assertEqual(trans_id, call['transaction'])
