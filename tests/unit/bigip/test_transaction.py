# SPDX-License-Identifier: Apache-2.0
"""Tests of iControl REST transactions: open, queue, commit, abort, failure."""

import requests

from octavia_f5.bigip import transaction
from octavia_f5.common import exceptions
from tests.unit.bigip import fakes

TRANS_ID = 1508382989073722
TX = '/mgmt/tm/transaction'
TX_ITEM = '%s/%d' % (TX, TRANS_ID)
CERTS = '/mgmt/tm/sys/file/ssl-cert'
KEYS = '/mgmt/tm/sys/file/ssl-key'
STARTED = {'transId': TRANS_ID, 'state': 'STARTED', 'timeoutSeconds': 120,
           'asyncExecution': False, 'validateOnly': False, 'executionTimeout': 300,
           'executionTime': 0, 'failureReason': '', 'kind': 'tm:transactionstate',
           'selfLink': 'https://localhost/mgmt/tm/transaction/%d?ver=12.1.1' % TRANS_ID}


def command(number, method, uri):
    return {'method': method, 'uri': 'https://localhost' + uri, 'evalOrder': number,
            'commandId': number, 'kind': 'tm:transaction:commandsstate',
            'selfLink': 'https://localhost/mgmt/tm/transaction/%d/commands/%d?ver=12.1.1'
                        % (TRANS_ID, number)}


class TestTransaction(fakes.DeviceTestCase):

    def setUp(self):
        super().setUp()
        self.mock_login()
        self.device = self.make_device()
        self.http.post(fakes.URL + TX, json=STARTED)
        self.http.post(fakes.URL + CERTS, json=command(1, 'POST', CERTS))
        self.http.post(fakes.URL + KEYS, json=command(2, 'POST', KEYS))
        self.http.delete(fakes.URL + TX_ITEM, text='')

    def commit_answers(self, **kwargs):
        self.http.patch(fakes.URL + TX_ITEM, **kwargs)

    def test_commands_carry_the_coordination_header_and_the_commit_does_not(self):
        self.commit_answers(json=dict(STARTED, state='COMPLETED'))
        with self.device.transaction() as tx:
            tx.post(CERTS, {'name': 'c1.crt'})
            tx.post(KEYS, {'name': 'c1.key'})
        opened = self.calls('POST', TX)
        self.assertEqual([{}], [r.json() for r in opened])
        self.assertNotIn(transaction.COORDINATION_HEADER, opened[0].headers)
        queued = self.calls('POST', CERTS) + self.calls('POST', KEYS)
        self.assertEqual([str(TRANS_ID)] * 2,
                         [r.headers[transaction.COORDINATION_HEADER] for r in queued])
        commit = self.calls('PATCH', TX_ITEM)
        self.assertEqual([{'state': 'VALIDATING'}], [r.json() for r in commit])
        self.assertNotIn(transaction.COORDINATION_HEADER, commit[0].headers)
        self.assertEqual(('COMPLETED', 2), (tx.result['state'], tx.commands))
        self.assertEqual([], self.calls('DELETE', TX_ITEM))

    def test_empty_transaction_sends_nothing(self):
        with self.device.transaction() as tx:
            pass
        self.assertIsNone(tx.result)
        self.assertEqual([], [r for r in self.http.request_history if TX in r.url])

    def test_error_in_the_block_aborts_and_does_not_commit(self):
        def block():
            with self.device.transaction() as tx:
                tx.post(CERTS, {'name': 'c1.crt'})
                raise ValueError('mapping failed')
        self.assertRaises(ValueError, block)
        self.assertEqual(1, len(self.calls('DELETE', TX_ITEM)))
        self.assertEqual([], self.calls('PATCH', TX_ITEM))

    def test_failed_commit_raises_transaction_failed_with_the_devices_reason(self):
        message = ('transaction failed:01070320:3: Snatpool mysnatpool is still referenced by '
                   'a virtual server.')
        self.commit_answers(status_code=400, json=fakes.error(400, message, 2))

        def block():
            with self.device.transaction() as tx:
                tx.post(CERTS, {'name': 'c1.crt'})
        error = self.assertRaises(exceptions.TransactionFailed, block)
        self.assertEqual((400, '01070320', message, 'PATCH', TX_ITEM),
                         (error.status, error.message_id, error.message, error.method,
                          error.path))
        self.assertEqual(1, len(self.calls('PATCH', TX_ITEM)))

    def test_commit_of_an_expired_transaction_is_transaction_failed(self):
        self.commit_answers(status_code=404, json=fakes.error(
            404, '01020036:3: The requested transaction (%d) was not found.' % TRANS_ID))
        tx = self.device.transaction()
        tx.post(CERTS, {'name': 'c1.crt'})
        self.assertRaises(exceptions.TransactionFailed, tx.commit)

    def test_commit_ending_in_another_state_is_transaction_failed(self):
        self.commit_answers(json=dict(STARTED, state='FAILED',
                                      failureReason='01070712:3: unknown format'))
        tx = self.device.transaction()
        tx.post(CERTS, {'name': 'c1.crt'})
        error = self.assertRaises(exceptions.TransactionFailed, tx.commit)
        self.assertEqual('transaction ended in state FAILED: 01070712:3: unknown format',
                         error.message)

    def test_commit_is_not_resent_after_an_ambiguous_failure(self):
        self.commit_answers(exc=requests.exceptions.ReadTimeout('slow'))
        tx = self.device.transaction()
        tx.post(CERTS, {'name': 'c1.crt'})
        error = self.assertRaises(exceptions.DeviceUnavailable, tx.commit)
        self.assertNotIsInstance(error, exceptions.TransactionFailed)
        self.assertEqual(1, len(self.calls('PATCH', TX_ITEM)))

    def test_queued_command_is_not_resent_after_an_ambiguous_failure(self):
        self.http.put(fakes.URL + CERTS + '/~P~c1.crt', exc=requests.exceptions.ReadTimeout('x'))

        def block():
            with self.device.transaction() as tx:
                tx.put(CERTS + '/~P~c1.crt', {'name': 'c1.crt'})
        self.assertRaises(exceptions.DeviceUnavailable, block)
        self.assertEqual(1, len(self.calls('PUT', CERTS + '/~P~c1.crt')))
        self.assertEqual(1, len(self.calls('DELETE', TX_ITEM)))

    def test_queued_command_refused_while_the_rest_api_restarts_is_sent_again(self):
        # restjavad's 404 'not registered' comes before anything is queued.
        self.commit_answers(json=dict(STARTED, state='COMPLETED'))
        self.http.post(fakes.URL + CERTS, [
            {'status_code': 404, 'json': fakes.rest_error(
                404, 'Public URI path not registered: /tm/sys/file/ssl-cert')},
            {'json': command(1, 'POST', CERTS)}])
        with self.device.transaction() as tx:
            tx.post(CERTS, {'name': 'c1.crt'})
        self.assertEqual(2, len(self.calls('POST', CERTS)))
        self.assertEqual(('COMPLETED', 1), (tx.result['state'], tx.commands))

    def test_all_verbs_are_queued(self):
        self.commit_answers(json=dict(STARTED, state='COMPLETED'))
        item = CERTS + '/~P~c1.crt'
        for method in ('PUT', 'PATCH', 'DELETE'):
            self.http.register_uri(method, fakes.URL + item, json=command(1, method, item))
        with self.device.transaction() as tx:
            tx.put(item, {'name': 'c1.crt'})
            tx.patch(item, {'description': 'x'})
            tx.delete(item)
        self.assertEqual(3, tx.commands)
        for method in ('PUT', 'PATCH', 'DELETE'):
            self.assertEqual(str(TRANS_ID), self.calls(method, item)[0].headers[
                transaction.COORDINATION_HEADER])

    def test_committed_transaction_takes_no_more_commands(self):
        self.commit_answers(json=dict(STARTED, state='COMPLETED'))
        with self.device.transaction() as tx:
            tx.post(CERTS, {'name': 'c1.crt'})
        self.assertRaises(RuntimeError, tx.post, KEYS, {'name': 'c1.key'})

    def test_failed_abort_does_not_hide_the_original_error(self):
        self.http.delete(fakes.URL + TX_ITEM, exc=requests.exceptions.ConnectionError('down'))

        def block():
            with self.device.transaction() as tx:
                tx.post(CERTS, {'name': 'c1.crt'})
                raise KeyError('original')
        self.assertRaises(KeyError, block)

    def test_commit_counts_as_a_configuration_change(self):
        self.commit_answers(json=dict(STARTED, state='COMPLETED'))
        with self.device.transaction() as tx:
            tx.post(CERTS, {'name': 'c1.crt'})
            self.assertEqual(0, self.device.writes)
        self.assertEqual(1, self.device.writes)
