# SPDX-License-Identifier: Apache-2.0
"""Tests of the jobboard and persistence construction from [f5_jobboard]."""

import contextlib
import os
import time

import fixtures
from oslo_utils import uuidutils
from taskflow import exceptions as tf_exceptions
from taskflow.jobs.backends import impl_redis
from taskflow.persistence import models

from octavia_f5.controller import jobboard
from tests import base


class _Job:
    def __init__(self):
        self.uuid = uuidutils.generate_uuid()


class TestBoard(base.TestCase):

    def setUp(self):
        super().setUp()
        self.claims = []
        self.useFixture(fixtures.MockPatchObject(
            impl_redis.RedisJobBoard, 'claim',
            lambda board, job, who, expiry=None: self.claims.append((job.uuid, who, expiry))))
        self.board = jobboard.Board('b', {'host': '127.0.0.1'}, claim_expiry=7)

    def test_every_claim_expires(self):
        job = _Job()
        self.board.claim(job, 'me')
        self.assertEqual([(job.uuid, 'me', 7)], self.claims)

    def test_held_off_job_is_refused_until_the_hold_off_ends(self):
        job, other = _Job(), _Job()
        now = [1000.0]
        self.useFixture(fixtures.MockPatchObject(time, 'monotonic', lambda: now[0]))
        self.board.hold_off(job.uuid, 5)

        self.assertRaises(tf_exceptions.UnclaimableJob, self.board.claim, job, 'me')
        self.board.claim(other, 'me')
        now[0] += 5
        self.board.claim(job, 'me')
        self.assertEqual([other.uuid, job.uuid], [uuid for uuid, _who, _e in self.claims])


class TestJob(base.TestCase):

    def test_job_log_form_leaves_out_the_payload(self):
        board = jobboard.Board('b', {'host': '127.0.0.1'}, claim_expiry=3)
        job = jobboard.Job(board, 'listener_create-l1', 1, b'k', uuid='u1',
                           details={'payload': {'name': 'very-long-payload'}})
        self.assertEqual('job listener_create-l1 (u1)', str(job))


class TestConstruction(base.TestCase):

    def setUp(self):
        super().setUp()
        self.directory = self.useFixture(fixtures.TempDir()).path

    def test_board_settings_come_from_the_options(self):
        self.config(group='f5_jobboard', redis_host='192.0.2.5', redis_port=6380, redis_db=2,
                    redis_ssl=True, board_name='jobs', redis_timeout=2.5, claim_expiry=9)
        self.assertEqual({'host': '192.0.2.5', 'port': 6380, 'db': 2, 'ssl': True,
                          'namespace': 'jobs', 'socket_timeout': 2.5,
                          'socket_connect_timeout': 2.5}, jobboard.board_conf())
        board = jobboard.make_board()
        self.assertEqual(9, board.claim_expiry)
        self.assertEqual('jobs', board.namespace)

    def test_redis_password_is_passed_but_never_described(self):
        self.config(group='f5_jobboard', redis_password='s3cr3t-pw')
        self.assertEqual('s3cr3t-pw', jobboard.board_conf()['password'])
        self.assertNotIn('s3cr3t-pw', jobboard.describe_board())

    def test_persistence_password_is_masked_in_descriptions(self):
        self.config(group='f5_jobboard',
                    persistence_connection='mysql+pymysql://octavia:s3cr3t-pw@db/taskflow')
        description = jobboard.describe_persistence()
        self.assertNotIn('s3cr3t-pw', description)
        self.assertIn('octavia:***@db/taskflow', description)

    def test_sqlite_directory_is_created_and_schema_upgraded_idempotently(self):
        path = os.path.join(self.directory, 'sub', 'dir', 'tf.sqlite')
        self.config(group='f5_jobboard', persistence_connection='sqlite:///%s' % path)
        backend = jobboard.make_persistence()
        self.addCleanup(backend.close)
        jobboard.upgrade_persistence(backend)
        jobboard.upgrade_persistence(backend)

        book = models.LogBook('b', uuid=uuidutils.generate_uuid())
        with contextlib.closing(backend.get_connection()) as connection:
            connection.save_logbook(book)
            self.assertEqual(book.uuid, connection.get_logbook(book.uuid).uuid)
        self.assertTrue(os.path.exists(path))
