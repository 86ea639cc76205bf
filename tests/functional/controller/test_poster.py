# SPDX-License-Identifier: Apache-2.0
"""Posting jobs to a real Redis: what lands on the board, and what a post costs."""

import statistics
import time

from oslo_utils import uuidutils

from octavia_f5.common import secrets
from octavia_f5.controller import jobboard
from octavia_f5.controller import poster
from tests.functional.controller import base
from tests.functional.controller import test_secrets_at_rest

POSTS = 500


class TestPoster(base.WorkerTestCase):

    def _board(self):
        board = jobboard.make_board()
        board.connect()
        self.addCleanup(board.close)
        return board

    def test_posted_job_carries_operation_and_encrypted_payload(self):
        payload = {'listener': test_secrets_at_rest._tls_listener()}
        job_uuid = poster.post('tests.functional.controller.demo_flows:make_flow', payload,
                               object_id=payload['listener']['listener_id'])

        [job] = list(self._board().iterjobs())
        self.assertEqual(job_uuid, job.uuid)
        self.assertEqual('tests.functional.controller.demo_flows:make_flow-%s'
                         % payload['listener']['listener_id'], job.name)
        self.assertEqual(base.DEMO_FLOW, job.details['operation'])
        self.assertEqual(poster.DETAILS_VERSION, job.details['version'])
        self.assertNotEqual(payload, job.details['payload'])
        self.assertEqual(payload, secrets.decrypt_payload(job.details['payload']))

    def test_post_latency_on_loopback_redis(self):
        # Printed, not asserted (no timing assertions): docs/worker.md quotes the figures.
        payload = {'listener': test_secrets_at_rest._tls_listener()}
        poster.post(base.DEMO_FLOW, payload)   # first post connects; not a steady-state cost
        timings = []
        for _i in range(POSTS):
            payload['listener']['listener_id'] = uuidutils.generate_uuid()
            start = time.perf_counter()
            poster.post(base.DEMO_FLOW, payload, object_id=payload['listener']['listener_id'])
            timings.append((time.perf_counter() - start) * 1000.0)
        timings.sort()
        print('poster.post with a TLS listener payload, %d posts: p50 %.3f ms, p99 %.3f ms, '
              'max %.3f ms' % (POSTS, statistics.median(timings),
                               timings[int(POSTS * 0.99) - 1], timings[-1]))
        self.assertEqual(POSTS + 1, self._board().job_count)
