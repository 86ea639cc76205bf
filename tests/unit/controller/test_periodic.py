# SPDX-License-Identifier: Apache-2.0
"""The shared periodic loop: keeps going after failures, stops promptly, honours first_wait."""

import threading

from octavia_f5.common import exceptions
from octavia_f5.controller import periodic
from tests import base


class TestPeriodic(base.TestCase):

    def _run_until(self, count, function, **kwargs):
        calls = []
        done = threading.Event()

        def call():
            calls.append(1)
            if len(calls) >= count:
                done.set()
            function()
        loop = periodic.Periodic('Test loop', 0.01, call, **kwargs).start()
        self.addCleanup(loop.stop, 5)
        self.assertTrue(done.wait(10), 'the loop made %d calls' % len(calls))
        return loop, calls

    def test_a_failing_pass_does_not_end_the_loop(self):
        errors = [exceptions.DeviceUnavailable('bigip1 is down'), RuntimeError('bug'), None]

        def function():
            error = errors.pop(0) if errors else None
            if error is not None:
                raise error
        loop, calls = self._run_until(4, function)
        self.assertTrue(loop.running)

    def test_stop_ends_the_thread(self):
        loop, _ = self._run_until(1, lambda: None)
        loop.stop(5)
        self.assertFalse(loop.running)

    def test_first_wait_delays_the_first_call(self):
        calls = []
        loop = periodic.Periodic('Slow loop', 60, lambda: calls.append(1),
                                 first_wait=True).start()
        loop.stop(5)
        self.assertEqual([], calls)
        self.assertFalse(loop.running)

    def test_the_thread_is_named_after_the_loop(self):
        names = []
        loop, _ = self._run_until(
            1, lambda: names.append(threading.current_thread().name))
        self.assertEqual('f5-test-loop', names[0])
