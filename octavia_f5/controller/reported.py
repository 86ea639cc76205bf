# SPDX-License-Identifier: Apache-2.0
"""What Octavia holds from us: the last operating status we sent for each object.

Octavia's driver agent writes every status record it receives, and its UPDATE moves the
object's ``updated_at`` even when the value is the same; clients (tempest's list tests among
them) see an object change that did not. So the poller sends an operating status only when
it differs from what Octavia has, and what Octavia has is written by two senders: the flows,
when an operation ends, and the poller. Both go through StatusReporter.update_status, which
records here what reached the driver agent.

With several workers the flows run in one process and the poller may run in another, so the
record lives in the jobboard's Redis (one hash, field ``<kind>/<id>``). Redis trouble costs
no status: the record is then unknown and the poller sends its value again.
"""

import threading

from octavia_lib.common import constants as lib_consts
from oslo_log import log as logging
import redis

LOG = logging.getLogger(__name__)


def _changes(update):
    """(recorded {(kind, id): status}, forgotten [(kind, id)]) of one status update."""
    recorded, forgotten = {}, []
    for kind, records in update.items():
        for record in records or ():
            key = (kind, record.get(lib_consts.ID))
            if record.get(lib_consts.PROVISIONING_STATUS) == lib_consts.DELETED:
                forgotten.append(key)
            elif record.get(lib_consts.OPERATING_STATUS):
                recorded[key] = record[lib_consts.OPERATING_STATUS]
    return recorded, forgotten


class Reported(object):
    """In one process: enough for one worker, and the default of tests."""

    def __init__(self):
        self._lock = threading.Lock()
        self._statuses = {}

    def record(self, update):
        """Note a status update that reached Octavia; DELETED objects are forgotten."""
        recorded, forgotten = _changes(update)
        with self._lock:
            self._statuses.update(recorded)
            for key in forgotten:
                self._statuses.pop(key, None)

    def forget(self, keys):
        with self._lock:
            for key in keys:
                self._statuses.pop(key, None)

    def statuses(self):
        """{(kind, id): operating status} as Octavia has it from us."""
        with self._lock:
            return dict(self._statuses)


class RedisReported(object):
    """Shared by the workers of one jobboard: a Redis hash beside the board's keys."""

    def __init__(self, settings):
        settings = dict(settings)
        self._key = '%s:operating-status' % settings.pop('namespace')
        self._redis = redis.Redis(**settings)

    @staticmethod
    def _field(key):
        return '%s/%s' % key

    def record(self, update):
        recorded, forgotten = _changes(update)
        try:
            with self._redis.pipeline(transaction=False) as pipe:
                if recorded:
                    pipe.hset(self._key, mapping={self._field(k): v
                                                  for k, v in recorded.items()})
                if forgotten:
                    pipe.hdel(self._key, *[self._field(k) for k in forgotten])
                pipe.execute()
        except redis.RedisError as error:
            # The poller then sends these again: a moved updated_at, no wrong status.
            LOG.warning('Cannot record reported operating statuses in Redis: %s', error)

    def forget(self, keys):
        if not keys:
            return
        try:
            self._redis.hdel(self._key, *[self._field(k) for k in keys])
        except redis.RedisError as error:
            LOG.warning('Cannot forget reported operating statuses in Redis: %s', error)

    def statuses(self):
        try:
            raw = self._redis.hgetall(self._key)
        except redis.RedisError as error:
            LOG.warning('Cannot read reported operating statuses from Redis: %s', error)
            return {}
        result = {}
        for field, status in raw.items():
            kind, _, object_id = field.decode().partition('/')
            result[(kind, object_id)] = status.decode()
        return result
