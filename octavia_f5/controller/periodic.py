# SPDX-License-Identifier: Apache-2.0
"""A daemon thread that runs one function every interval seconds until it is stopped.

The worker's background duties (HA watcher, reconciler, and any other periodic check) share
this loop so that they stop the same way and log a failed pass the same way: a device that
cannot be reached is a warning (the next pass tries again), anything else is logged with its
traceback; neither ends the loop.
"""

import threading
import time

from oslo_log import log as logging

from octavia_f5.common import exceptions

LOG = logging.getLogger(__name__)


class Periodic(object):
    """Call ``function()`` every ``interval`` seconds in a daemon thread (``name`` in logs).

    ``first_wait``: wait one interval before the first call (a check that only makes sense
    once the worker has run a while). The interval counts from the start of a call, so a
    slow pass does not push the schedule back by its own length.
    """

    def __init__(self, name, interval, function, first_wait=False, clock=time.monotonic):
        self.name = name
        self.interval = interval
        self._function = function
        self._first_wait = first_wait
        self._clock = clock
        self._stop = threading.Event()
        self._thread = None

    def _call(self):
        try:
            self._function()
        except exceptions.DeviceError as error:
            LOG.warning('%s: %s', self.name, error)
        except Exception:
            LOG.exception('%s: pass failed', self.name)

    def _loop(self):
        LOG.info('%s started: every %s s', self.name, self.interval)
        if self._first_wait and self._stop.wait(self.interval):
            return
        while not self._stop.is_set():
            started = self._clock()
            self._call()
            self._stop.wait(max(0.0, started + self.interval - self._clock()))
        LOG.info('%s stopped', self.name)

    def start(self):
        self._stop.clear()
        thread_name = 'f5-' + self.name.lower().replace(' ', '-')
        self._thread = threading.Thread(target=self._loop, name=thread_name, daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout=None):
        """Stop the loop; waits up to ``timeout`` seconds (None: until the pass ends)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive()
