# SPDX-License-Identifier: Apache-2.0
"""Claims on a real Redis: extended only by their holder; a lapsed one no one took is kept."""

import time

from octavia_f5.controller import jobboard
from octavia_f5.controller import poster
from tests.functional.controller import base


class TestClaims(base.WorkerTestCase):

    CLAIM_EXPIRY = 1

    def setUp(self):
        super().setUp()
        self.board = jobboard.make_board()
        self.board.connect()
        self.addCleanup(self.board.close)
        self.job_uuid = poster.post(base.DEMO_FLOW, {'tag': 'claims'}, object_id='claims')
        self.job = next(j for j in self.board.iterjobs(ensure_fresh=True)
                        if j.uuid == self.job_uuid)

    def ttl(self):
        return self.redis.client.pttl('%s:%s.owned' % (base.BOARD, self.job_uuid))

    def test_holder_extends_its_claim(self):
        self.board.claim(self.job, 'first')
        self.assertTrue(self.board.extend_claim(self.job, 'first', expiry=30))
        self.assertGreater(self.ttl(), 10000)

    def test_claim_of_another_worker_is_neither_extended_nor_taken(self):
        self.board.claim(self.job, 'second')
        self.assertFalse(self.board.extend_claim(self.job, 'first', expiry=30))
        self.assertEqual('second', self.job_owner(self.job_uuid))
        self.assertLessEqual(self.ttl(), 1000)

    def test_lapsed_claim_no_one_took_is_taken_back(self):
        self.board.claim(self.job, 'first')
        time.sleep(1.3)
        self.assertIsNone(self.job_owner(self.job_uuid))
        self.assertTrue(self.board.extend_claim(self.job, 'first'))
        self.assertEqual('first', self.job_owner(self.job_uuid))

    def test_claim_on_a_consumed_job_is_lost(self):
        self.board.claim(self.job, 'first')
        self.board.consume(self.job, 'first')
        self.assertFalse(self.board.extend_claim(self.job, 'first'))
        self.assertIsNone(self.job_owner(self.job_uuid))
