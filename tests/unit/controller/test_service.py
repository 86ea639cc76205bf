# SPDX-License-Identifier: Apache-2.0
"""Tests of the worker service's resilience and of the provider agent's shutdown."""

import threading

import fixtures

from octavia_f5.controller import agent
from octavia_f5.controller import conductor as conductor_lib
from octavia_f5.controller import jobboard
from octavia_f5.controller import service
from tests import base

JOIN_TIMEOUT = 30


def _wait_until(predicate):
    """Poll until ``predicate()``; fail rather than hang if it never holds."""
    for _i in range(JOIN_TIMEOUT * 20):
        if predicate():
            return
        threading.Event().wait(0.05)
    raise AssertionError('condition never held')


class FakeConductor:
    """Crashes on its first run, then serves until stopped."""

    instances = []

    def __init__(self, name, board, persistence, conf):
        self.runs = 0
        self.stopped = threading.Event()
        self.name = name
        FakeConductor.instances.append(self)

    def run(self):
        self.runs += 1
        if self.runs == 1:
            raise RuntimeError('redis went away mid-iteration')
        self.stopped.wait()

    def stop(self):
        self.stopped.set()

    def refresh_claims(self):
        return 0


class FakeBoard:
    claim_expiry = 4

    def __init__(self):
        self.closed = False

    def connect(self):
        pass

    def close(self):
        self.closed = True


class FakePersistence:
    closed = False

    def close(self):
        self.closed = True


class TestWorker(base.TestCase):

    def setUp(self):
        super().setUp()
        self.board = FakeBoard()
        self.persistence = FakePersistence()
        self.useFixture(fixtures.MockPatchObject(FakeConductor, 'instances', []))
        self.useFixture(fixtures.MockPatchObject(conductor_lib, 'Conductor', FakeConductor))
        self.useFixture(fixtures.MockPatchObject(
            jobboard, 'make_board', lambda conf, persistence=None: self.board))
        self.useFixture(fixtures.MockPatchObject(
            jobboard, 'make_persistence', lambda conf: self.persistence))
        self.useFixture(fixtures.MockPatchObject(
            jobboard, 'upgrade_persistence', lambda backend, conf: None))

    def _run_in_thread(self, worker):
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        return thread

    def test_crashed_conductor_is_restarted_and_everything_closed_at_stop(self):
        worker = service.Worker()
        thread = self._run_in_thread(worker)
        _wait_until(lambda: FakeConductor.instances and FakeConductor.instances[0].runs >= 2)
        worker.stop()
        thread.join(JOIN_TIMEOUT)

        self.assertFalse(thread.is_alive())
        self.assertEqual(2, FakeConductor.instances[0].runs)
        self.assertTrue(self.board.closed)
        self.assertTrue(self.persistence.closed)

    def test_unreachable_database_is_retried_until_stopped(self):
        attempts = []

        def _fail(conf):
            attempts.append(True)
            raise RuntimeError('database unreachable')

        self.useFixture(fixtures.MockPatchObject(jobboard, 'make_persistence', _fail))
        worker = service.Worker()
        thread = self._run_in_thread(worker)
        _wait_until(lambda: len(attempts) >= 2)
        worker.stop()
        thread.join(JOIN_TIMEOUT)

        self.assertFalse(thread.is_alive())
        self.assertEqual([], FakeConductor.instances)

    def test_stop_before_run_returns_at_once(self):
        worker = service.Worker()
        worker.stop()
        worker.run()
        self.assertEqual([], FakeConductor.instances)


class FakeWorker:
    instances = []

    def __init__(self):
        self.name = 'fake'
        self.stopped = threading.Event()
        FakeWorker.instances.append(self)

    def run(self):
        self.stopped.wait()

    def stop(self):
        self.stopped.set()


class TestProviderAgent(base.TestCase):

    def test_agent_returns_when_exit_event_is_set(self):
        self.useFixture(fixtures.MockPatchObject(FakeWorker, 'instances', []))
        self.useFixture(fixtures.MockPatchObject(service, 'Worker', FakeWorker))
        exit_event = threading.Event()
        thread = threading.Thread(target=agent.provider_agent, args=(exit_event,),
                                  daemon=True)
        thread.start()
        _wait_until(lambda: FakeWorker.instances)
        self.assertTrue(thread.is_alive())

        exit_event.set()
        thread.join(JOIN_TIMEOUT)
        self.assertFalse(thread.is_alive())
        self.assertTrue(FakeWorker.instances[0].stopped.is_set())
