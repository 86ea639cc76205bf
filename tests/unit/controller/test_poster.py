# SPDX-License-Identifier: Apache-2.0
"""Tests of job posting: what is posted, and the process-wide lazy board."""

import threading

from cryptography import fernet
import fixtures
from taskflow import exceptions as tf_exceptions

from octavia_f5.common import exceptions
from octavia_f5.common import secrets
from octavia_f5.controller import jobboard
from octavia_f5.controller import poster
from tests import base

OPERATION = 'tests.unit.controller.unit_flows:two_steps'
PRIVATE_KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\n-----END PRIVATE KEY-----\n'


class _Job:
    uuid = 'job-uuid'


class FakeBoard:
    """Records connects, posts and closes; fails on demand."""

    fail_connect = False

    def __init__(self, boards):
        self.posts = []
        self.connects = 0
        self.closed = False
        self.fail_post = False
        boards.append(self)

    def connect(self):
        self.connects += 1
        if self.fail_connect:
            raise tf_exceptions.JobFailure('Failed to connect to redis')

    def close(self):
        self.closed = True

    def post(self, name, details=None):
        if self.fail_post:
            raise tf_exceptions.JobFailure('Failed to communicate with redis')
        self.posts.append((name, details))
        return _Job()


class TestPoster(base.TestCase):

    def setUp(self):
        super().setUp()
        self.config(group='f5_worker', flow_modules=['tests.unit'])
        self.config(group='f5_jobboard', secret_key=fernet.Fernet.generate_key().decode())
        self.boards = []
        self.useFixture(fixtures.MockPatchObject(
            jobboard, 'make_board', lambda conf: FakeBoard(self.boards)))
        poster.reset()
        self.addCleanup(poster.reset)

    def test_post_sends_operation_and_encrypted_payload(self):
        payload = {'listener': {'listener_id': 'l1',
                                'default_tls_container_data': {'private_key': PRIVATE_KEY}}}
        self.assertEqual('job-uuid', poster.post(OPERATION, payload, object_id='l1'))

        [(name, details)] = self.boards[0].posts
        self.assertEqual(OPERATION + '-l1', name)
        self.assertEqual({'version', 'operation', 'payload'}, set(details))
        self.assertEqual(OPERATION, details['operation'])
        self.assertNotIn('MIIEvQIBADANBgkq', repr(details))
        self.assertEqual(payload, secrets.decrypt_payload(details['payload']))

    def test_unknown_operation_is_refused_before_touching_redis(self):
        self.assertRaises(exceptions.UnknownOperation, poster.post, 'listener_frob', {})
        self.assertEqual([], self.boards)

    def test_secrets_without_key_are_refused_before_touching_redis(self):
        self.config(group='f5_jobboard', secret_key=None)
        self.assertRaises(exceptions.SecretError, poster.post, OPERATION,
                          {'private_key': PRIVATE_KEY})
        self.assertEqual([], self.boards)

    def test_board_is_connected_once_for_all_threads(self):
        threads = [threading.Thread(target=poster.post, args=(OPERATION, {'n': i}))
                   for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(1, len(self.boards))
        self.assertEqual(1, self.boards[0].connects)
        self.assertEqual(8, len(self.boards[0].posts))

    def test_changed_redis_settings_replace_the_board(self):
        poster.post(OPERATION, {})
        self.config(group='f5_jobboard', redis_port=6390)
        poster.post(OPERATION, {})
        self.assertEqual(2, len(self.boards))
        self.assertEqual(1, len(self.boards[0].posts))
        self.assertEqual(1, len(self.boards[1].posts))
        self.assertEqual(6390, jobboard.board_conf()['port'])

    def test_unreachable_redis_fails_the_post_and_the_next_post_reconnects(self):
        self.useFixture(fixtures.MockPatchObject(FakeBoard, 'fail_connect', True))
        self.config(group='f5_jobboard', redis_password='s3cr3t-pw')
        error = self.assertRaises(exceptions.JobPostFailed, poster.post, OPERATION, {})
        self.assertNotIn('s3cr3t-pw', str(error))
        self.assertIn('Cannot reach the jobboard', str(error))

        self.useFixture(fixtures.MockPatchObject(FakeBoard, 'fail_connect', False))
        poster.post(OPERATION, {})
        self.assertEqual(1, len(self.boards[-1].posts))

    def test_redis_error_during_post_becomes_job_post_failed(self):
        poster.post(OPERATION, {})
        self.boards[0].fail_post = True
        error = self.assertRaises(exceptions.JobPostFailed, poster.post, OPERATION,
                                  {'private_key': PRIVATE_KEY})
        self.assertNotIn('MIIEvQIBADANBgkq', str(error))
