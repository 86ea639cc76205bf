# SPDX-License-Identifier: Apache-2.0
"""device.transaction() against the simulator: all objects or none, abort, refused commits."""

from octavia_f5.bigip import paths
from octavia_f5.bigip import transaction
from octavia_f5.common import exceptions
from tests.functional.bigip import base

MONITORS = paths.collection('ltm/monitor/http')
TRANSACTIONS = transaction.TRANSACTIONS_PATH


class Boom(Exception):
    """An error of the caller inside the transaction block."""


class TestTransactions(base.ClientTestCase):

    def setUp(self):
        super().setUp()
        self.device = self.make_device()
        self.builtin = set(self.objects())

    def pool(self, name, **properties):
        return dict(properties, name=name, partition='Common')

    def objects(self):
        """The pools, virtuals and HTTP monitors on the device, other than the built-in ones."""
        found = (set(self.dump('ltm/pool')) | set(self.dump('ltm/virtual')) |
                 set(self.dump('ltm/monitor/http')))
        return sorted(found - getattr(self, 'builtin', set()))

    def transactions(self):
        return self.device.items(TRANSACTIONS)

    def test_objects_of_one_transaction_appear_together_at_commit(self):
        with self.device.transaction() as tx:
            tx.post(MONITORS, {'name': 'monitor_1', 'partition': 'Common'})
            tx.post(base.POOLS, self.pool('pool_1', monitor='/Common/monitor_1'))
            tx.post(base.VIRTUALS, {'name': 'virtual_1', 'partition': 'Common',
                                    'destination': '/Common/10.0.0.1:80',
                                    'pool': '/Common/pool_1'})
            # Queued, not applied: reads inside the block see the live configuration.
            self.assertIsNone(self.device.get_or_none(paths.item('ltm/pool', 'pool_1',
                                                                 'Common')))
        self.assertEqual('COMPLETED', tx.result['state'])
        self.assertEqual(3, tx.commands)
        self.assertEqual(['/Common/monitor_1', '/Common/pool_1', '/Common/virtual_1'],
                         self.objects())
        queued = [c for c in self.calls('POST', '/ltm/') if c['transaction']]
        self.assertEqual([str(tx.id)] * 3, [c['transaction'] for c in queued])
        commit, = self.calls('PATCH', TRANSACTIONS)
        self.assertEqual(({'state': 'VALIDATING'}, None, 200),
                         (commit['body'], commit['transaction'], commit['status']))
        # The device keeps a committed transaction listed until its timeout.
        self.assertEqual([(tx.id, 'COMPLETED')],
                         [(t['transId'], t['state']) for t in self.transactions()])

    def test_commands_apply_in_order_within_one_commit(self):
        self.device.create(base.POOLS, self.pool('old_pool'))
        self.device.create(base.VIRTUALS, {'name': 'virtual_1', 'partition': 'Common',
                                           'destination': '/Common/10.0.0.1:80',
                                           'pool': '/Common/old_pool'})
        virtual = paths.item('ltm/virtual', 'virtual_1', 'Common')
        # Alone, deleting old_pool is refused (in use); after the PATCH it is not.
        with self.device.transaction() as tx:
            tx.post(base.POOLS, self.pool('new_pool'))
            tx.patch(virtual, {'pool': '/Common/new_pool'})
            tx.delete(paths.item('ltm/pool', 'old_pool', 'Common'))
        self.assertEqual(['/Common/new_pool', '/Common/virtual_1'], self.objects())
        self.assertEqual('/Common/new_pool', self.device.get(virtual)['pool'])

    def test_empty_transaction_sends_nothing(self):
        with self.device.transaction() as tx:
            pass
        self.assertIsNone(tx.commit())
        self.assertEqual([], self.calls(path=TRANSACTIONS))

    def test_exception_in_the_block_aborts_and_nothing_appears(self):
        def failing_block():
            with self.device.transaction() as tx:
                tx.post(base.POOLS, self.pool('pool_1'))
                tx.post(base.POOLS, self.pool('pool_2'))
                raise Boom()
        self.assertRaises(Boom, failing_block)
        self.assertEqual([], self.objects())
        self.assertEqual([], self.transactions())
        abort, = self.calls('DELETE', TRANSACTIONS)
        self.assertEqual(200, abort['status'])
        self.assertEqual([], self.calls('PATCH', TRANSACTIONS))

    def test_commit_with_an_invalid_reference_rolls_everything_back(self):
        self.device.create(base.POOLS, self.pool('existing'))

        def refused():
            with self.device.transaction() as tx:
                tx.post(base.POOLS, self.pool('pool_1'))
                tx.patch(paths.item('ltm/pool', 'existing', 'Common'),
                         {'description': 'changed'})
                tx.post(base.VIRTUALS, {'name': 'virtual_1', 'partition': 'Common',
                                        'destination': '/Common/10.0.0.1:80',
                                        'pool': '/Common/no_such_pool'})
            return tx
        error = self.assertRaises(exceptions.TransactionFailed, refused)
        self.assertEqual((400, '01020036', 'PATCH'),
                         (error.status, error.message_id, error.method))
        self.assertIn('The requested Pool (/Common/no_such_pool) was not found', error.message)
        self.assertTrue(error.path.startswith(TRANSACTIONS + '/'))
        self.assertEqual(['/Common/existing'], self.objects())
        self.assertNotIn('description', self.dump('ltm/pool')['/Common/existing'])

    def test_commit_with_a_duplicate_is_transaction_failed(self):
        self.device.create(base.POOLS, self.pool('pool_1'))

        def refused():
            with self.device.transaction() as tx:
                tx.post(base.POOLS, self.pool('pool_2'))
                tx.post(base.POOLS, self.pool('pool_1'))
        error = self.assertRaises(exceptions.TransactionFailed, refused)
        self.assertEqual('01020066', error.message_id)
        self.assertEqual(['/Common/pool_1'], self.objects())

    def test_commit_of_a_vanished_transaction_is_transaction_failed(self):
        def vanished():
            with self.device.transaction() as tx:
                tx.post(base.POOLS, self.pool('pool_1'))
                # What the device does to a transaction older than its timeoutSeconds.
                self.device.delete(tx.path)
        error = self.assertRaises(exceptions.TransactionFailed, vanished)
        self.assertEqual(404, error.status)
        self.assertEqual([], self.objects())

    def test_lost_commit_answer_is_not_sent_again(self):
        self.sim.add_fault(method='PATCH', path='/transaction/', action='reset', when='after')

        def committed_without_answer():
            with self.device.transaction() as tx:
                tx.post(base.POOLS, self.pool('pool_1'))
        error = self.assertRaises(exceptions.DeviceUnavailable, committed_without_answer)
        self.assertNotIsInstance(error, exceptions.TransactionFailed)
        self.assertEqual([None], self.statuses('PATCH', TRANSACTIONS))
        # The device did apply it: the caller has to read back, as after a lost POST.
        self.assertEqual(['/Common/pool_1'], self.objects())

    def test_lost_answer_to_a_queued_command_aborts_without_queueing_it_twice(self):
        self.sim.add_fault(method='POST', path='/ltm/pool$', action='reset', when='after',
                           nth=2)

        def lost():
            with self.device.transaction() as tx:
                tx.post(base.POOLS, self.pool('pool_1'))
                tx.post(base.POOLS, self.pool('pool_2'))
        self.assertRaises(exceptions.DeviceUnavailable, lost)
        self.assertEqual([200, None], self.statuses('POST', '/ltm/pool$'))
        self.assertEqual([200], self.statuses('DELETE', TRANSACTIONS))
        self.assertEqual([], self.objects())
        self.assertEqual([], self.transactions())

    def test_login_token_expiring_mid_transaction_does_not_break_it(self):
        with self.device.transaction() as tx:
            tx.post(base.POOLS, self.pool('pool_1'))
            self.sim.expire_tokens()
            tx.post(base.POOLS, self.pool('pool_2'))
        self.assertEqual(['/Common/pool_1', '/Common/pool_2'], self.objects())
        self.assertEqual(2, self.logins())

    def test_aborted_or_empty_transaction_is_no_change_to_save(self):
        self.device.create(base.POOLS, self.pool('pool_1'))
        writes = self.device.writes

        def failing_block():
            with self.device.transaction() as tx:
                tx.post(base.POOLS, self.pool('pool_2'))
                raise Boom()
        self.assertRaises(Boom, failing_block)
        with self.device.transaction():
            pass
        self.assertEqual(['/Common/pool_1'], self.objects())
        # save_config_if_due() saves when this count moved.
        self.assertEqual(writes, self.device.writes)

    def test_committed_transaction_is_a_change_to_save(self):
        writes = self.device.writes
        with self.device.transaction() as tx:
            tx.post(base.POOLS, self.pool('pool_1'))
        self.assertGreater(self.device.writes, writes)

    def test_committed_transaction_takes_no_more_commands(self):
        with self.device.transaction() as tx:
            tx.post(base.POOLS, self.pool('pool_1'))
        self.assertRaises(RuntimeError, tx.post, base.POOLS, self.pool('pool_2'))
        self.assertEqual(['/Common/pool_1'], self.objects())
