# SPDX-License-Identifier: Apache-2.0
"""The TaskFlow jobboard (Redis) and persistence (SQL) of the worker, built from [f5_jobboard]."""

import contextlib
import os
import threading
import time

import fasteners
from oslo_config import cfg
from oslo_log import log as logging
import redis
import sqlalchemy as sa
from taskflow import exceptions as tf_exceptions
from taskflow.jobs.backends import impl_redis
from taskflow.persistence import backends as persistence_backends
from taskflow.persistence.backends import impl_sqlalchemy

from octavia_f5.common import config

LOG = logging.getLogger(__name__)

# Persistence URLs served by TaskFlow's SQLAlchemy backend, whose connection we share.
SQL_SCHEMES = ('sqlite', 'mysql', 'mariadb', 'postgresql')


class Job(impl_redis.RedisJob):
    """A Redis job whose log form leaves out the details.

    taskflow logs jobs with ``%s`` (claims, completions, failures); the stock form prints the
    whole payload, a full load balancer graph with encrypted certificates.
    """

    def __str__(self):
        return 'job %s (%s)' % (self.name, self.uuid)


# Extends a claim only if ``who`` still holds it; takes a lapsed claim back if no one else
# took it and the job is still listed. 1: the claim is ours, 0: it is not (or the job is gone).
_EXTEND_CLAIM = """
local owner_key = KEYS[1]
local listings_key = KEYS[2]
local who = ARGV[1]
local job_key = ARGV[2]
local ms_expiry = tonumber(ARGV[3])
if redis.call("hexists", listings_key, job_key) == 0 then
    return 0
end
local owner = redis.call("get", owner_key)
if owner == false then
    redis.call("set", owner_key, who, "px", ms_expiry)
    return 1
end
if owner == who then
    redis.call("pexpire", owner_key, ms_expiry)
    return 1
end
return 0
"""


class Board(impl_redis.RedisJobBoard):
    """Redis jobboard whose claims always expire, and that can hold a job off locally.

    taskflow's conductors claim without an expiry, and a Redis claim without one outlives a
    killed worker forever (reference P1): this board applies ``claim_expiry`` to every claim.
    A job held off is refused to this process's conductors for a while (a job that just
    failed outside its flow must not be re-claimed in a tight loop); other workers may take it.
    """

    def __init__(self, name, conf, claim_expiry, persistence=None):
        super().__init__(name, conf, persistence=persistence)
        self.claim_expiry = claim_expiry
        self._held_off = {}
        self._held_off_lock = threading.Lock()

    def hold_off(self, job_uuid, seconds):
        """Refuse claims of ``job_uuid`` by this process for ``seconds``."""
        with self._held_off_lock:
            self._held_off[job_uuid] = time.monotonic() + seconds

    def _is_held_off(self, job_uuid):
        now = time.monotonic()
        with self._held_off_lock:
            for uuid, until in list(self._held_off.items()):
                if until <= now:
                    del self._held_off[uuid]
            return job_uuid in self._held_off

    def post(self, name, book=None, details=None, **kwargs):
        job = super().post(name, book=book, details=details, **kwargs)
        job.__class__ = Job
        return job

    def _fetch_jobs(self):
        jobs = super()._fetch_jobs()
        for job in jobs:
            job.__class__ = Job
        return jobs

    def claim(self, job, who, expiry=None):
        if self._is_held_off(job.uuid):
            raise tf_exceptions.UnclaimableJob('Job %s is held off by %s' % (job.uuid, who))
        return super().claim(job, who, expiry=expiry or self.claim_expiry)

    def extend_claim(self, job, who, expiry=None):
        """Whether ``who`` still holds the claim on ``job``, whose expiry it then extends.

        taskflow's ``RedisJob.extend_expiry`` extends the claim whoever holds it: a worker
        whose claim lapsed (starved of CPU longer than the expiry) would keep alive the claim
        of the worker that took the job over, and go on running it too. A lapsed claim that
        no one took is taken back.
        """
        try:
            return bool(self._client.eval(
                _EXTEND_CLAIM, 2, job.owner_key, self.listings_key,
                self._encode_owner(who), job.key,
                int((expiry or self.claim_expiry) * 1000)))
        except redis.exceptions.RedisError as error:
            raise tf_exceptions.JobFailure('Cannot extend the claim on job %s: %s'
                                           % (job.uuid, error)) from error


def board_conf(conf=cfg.CONF):
    """The redis-py/taskflow settings of the jobboard (holds the Redis password)."""
    group = conf[config.JOBBOARD_GROUP]
    settings = {
        'host': group.redis_host,
        'port': group.redis_port,
        'db': group.redis_db,
        'ssl': group.redis_ssl,
        'namespace': group.board_name,
        'socket_timeout': group.redis_timeout,
        'socket_connect_timeout': group.redis_timeout,
    }
    if group.redis_password:
        settings['password'] = group.redis_password
    return settings


def describe_board(conf=cfg.CONF):
    """Where the jobboard lives, for log lines (never the password)."""
    group = conf[config.JOBBOARD_GROUP]
    scheme = 'rediss' if group.redis_ssl else 'redis'
    return '%s://%s:%s/%s (board %s)' % (scheme, group.redis_host, group.redis_port,
                                         group.redis_db, group.board_name)


def describe_persistence(conf=cfg.CONF):
    """The persistence URL with its password masked, for log lines."""
    url = conf[config.JOBBOARD_GROUP].persistence_connection
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return '<unparsable persistence_connection>'


def make_board(conf=cfg.CONF, persistence=None):
    """A new, unconnected Board; ``connect()`` it before use."""
    group = conf[config.JOBBOARD_GROUP]
    return Board(group.board_name, board_conf(conf), group.claim_expiry,
                 persistence=persistence)


def _sqlite_path(url):
    parsed = sa.engine.make_url(url)
    if parsed.drivername.startswith('sqlite') and parsed.database not in (None, '', ':memory:'):
        return parsed.database
    return None


def make_persistence(conf=cfg.CONF):
    """The SQL persistence backend; creates the directory of a SQLite file if missing."""
    url = conf[config.JOBBOARD_GROUP].persistence_connection
    path = _sqlite_path(url)
    if path:
        os.makedirs(os.path.dirname(os.path.abspath(path)), mode=0o700, exist_ok=True)
    if url.split(':', 1)[0].split('+', 1)[0] in SQL_SCHEMES:
        return _SharedConnectionBackend({'connection': url})
    return persistence_backends.fetch({'connection': url})   # memory:// in tests


class _SharedConnectionBackend(impl_sqlalchemy.SQLAlchemyBackend):
    """TaskFlow's SQL backend, handing out one Connection instead of one per call.

    TaskFlow asks for a connection about 30 times per operation (every save of a task's
    state), and each new one builds its table metadata anew: 290 ms of worker CPU per
    operation, against 66 ms with one shared (docs/performance.md). A Connection holds no
    database session of its own (each call takes one from the engine's pool) and its close()
    does nothing, so sharing it between threads is safe.
    """

    def __init__(self, conf, engine=None):
        super().__init__(conf, engine=engine)
        self._shared_lock = threading.Lock()
        self._shared = None

    def get_connection(self):
        with self._shared_lock:
            if self._shared is None:
                self._shared = super().get_connection()
            return self._shared

    def close(self):
        with self._shared_lock:
            self._shared = None
        super().close()


def upgrade_persistence(backend, conf=cfg.CONF):
    """Create or migrate the persistence schema (alembic); call once per process at start.

    Concurrent alembic runs on one fresh database race to create the same tables, so workers
    on one host serialise through a lock file next to a SQLite database. Several hosts sharing
    a MySQL database should run ``octavia-f5-worker --db-upgrade-only`` once at deploy time.
    """
    path = _sqlite_path(conf[config.JOBBOARD_GROUP].persistence_connection)
    lock = (fasteners.InterProcessLock(os.path.abspath(path) + '.upgrade.lock') if path
            else contextlib.nullcontext())
    with lock:
        with contextlib.closing(backend.get_connection()) as connection:
            connection.upgrade()
    LOG.info('Persistence schema is up to date in %s', describe_persistence(conf))
