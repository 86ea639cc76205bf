# SPDX-License-Identifier: Apache-2.0
"""Posting a job: the one call the provider driver makes in Octavia's API request path.

A post is one Redis round trip pair (INCR + HSETNX) and nothing else: no SQL, no socket to the
driver agent. The worker creates the job's logbook when it first claims it (docs/worker.md
explains why: creating it here cost p99 > 100 ms on SQLite). The board is process-wide,
connected on first use and shared by every thread of the API process.
"""

import threading

from oslo_config import cfg
from oslo_log import log as logging
from taskflow import exceptions as tf_exceptions

from octavia_f5.common import exceptions
from octavia_f5.common import secrets
from octavia_f5.controller import jobboard
from octavia_f5.controller import operations

LOG = logging.getLogger(__name__)

# Version of the job details layout below; a worker refuses layouts it does not know.
DETAILS_VERSION = 1


class _Poster:
    """The process-wide board, reconnected when the [f5_jobboard] settings change."""

    def __init__(self):
        self._lock = threading.Lock()
        # (settings, connected board), replaced as one value so that readers without the
        # lock never pair a board with another board's settings.
        self._current = (None, None)

    def board(self, conf):
        settings = jobboard.board_conf(conf)
        current_settings, board = self._current
        if board is not None and settings == current_settings:
            return board
        with self._lock:
            current_settings, board = self._current
            if board is None or settings != current_settings:
                board = self._connect(conf, settings)
            return board

    def _connect(self, conf, settings):
        # An old board is dropped, not closed: another thread may still be posting on it.
        self._current = (None, None)
        board = jobboard.make_board(conf)
        try:
            board.connect()
        except tf_exceptions.JobFailure as e:
            raise exceptions.JobPostFailed('Cannot reach the jobboard at %s: %s'
                                           % (jobboard.describe_board(conf), e)) from e
        LOG.info('Posting jobs to %s', jobboard.describe_board(conf))
        self._current = (settings, board)
        return board

    def reset(self):
        with self._lock:
            _settings, board = self._current
            self._current = (None, None)
            if board is not None:
                board.close()


_POSTER = _Poster()


def job_details(operation, payload):
    """The job details stored in Redis: operation name and payload with secrets encrypted."""
    operations.factory_path(operation)
    return {'version': DETAILS_VERSION,
            'operation': operation,
            'payload': secrets.encrypt_payload(payload)}


def post(operation, payload, object_id=None):
    """Post one job and return its uuid; the caller does not wait for it.

    :param operation: a name from the operation registry (e.g. 'listener_create')
    :param payload: dict of plain types; certificate and key material is encrypted here
    :param object_id: id of the Octavia object, for the job name and log lines
    :raises UnknownOperation: the operation has no flow
    :raises SecretError: secrets in the payload and no usable [f5_jobboard] secret_key
    :raises JobPostFailed: Redis unreachable or refused the job
    """
    details = job_details(operation, payload)
    name = '%s-%s' % (operation, object_id) if object_id else operation
    board = _POSTER.board(cfg.CONF)
    try:
        job = board.post(name, details=details)
    except tf_exceptions.JobFailure as e:
        raise exceptions.JobPostFailed('Cannot post job %s to %s: %s'
                                       % (name, jobboard.describe_board(cfg.CONF), e)) from e
    LOG.debug('Posted job %s (%s)', name, job.uuid)
    return job.uuid


def reset():
    """Drop the process-wide board (tests; after a fork the child may call it too)."""
    _POSTER.reset()
