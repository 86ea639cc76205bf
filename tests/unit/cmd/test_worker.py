# SPDX-License-Identifier: Apache-2.0
"""Tests of the octavia-f5-worker console script's signal handling and schema upgrade."""

import contextlib
import os
import signal
import sqlite3

import fixtures

from octavia_f5.cmd import worker as worker_cmd
from tests import base


class FakeWorker:
    def __init__(self):
        self.stops = 0

    @property
    def stopping(self):
        return self.stops > 0

    def stop(self):
        self.stops += 1


class TestWorkerCommand(base.TestCase):

    def test_first_signal_stops_gracefully_and_second_exits(self):
        handlers = {}
        self.useFixture(fixtures.MockPatchObject(
            signal, 'signal', lambda signum, handler: handlers.__setitem__(signum, handler)))
        worker = FakeWorker()
        worker_cmd._install_signal_handlers(worker)
        self.assertEqual({signal.SIGTERM, signal.SIGINT}, set(handlers))

        handlers[signal.SIGTERM](signal.SIGTERM, None)
        self.assertEqual(1, worker.stops)
        self.assertRaises(SystemExit, handlers[signal.SIGINT], signal.SIGINT, None)
        self.assertEqual(1, worker.stops)

    def test_upgrade_only_creates_the_taskflow_schema(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path, 'tf.sqlite')
        self.config(group='f5_jobboard', persistence_connection='sqlite:///%s' % path)
        worker_cmd._upgrade_only()

        with contextlib.closing(sqlite3.connect(path)) as db:
            tables = {row[0] for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
        self.assertTrue({'logbooks', 'flowdetails', 'atomdetails'} <= tables, tables)
