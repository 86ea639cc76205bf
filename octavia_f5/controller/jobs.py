# SPDX-License-Identifier: Apache-2.0
"""The jobs on the jobboard right now, as the Octavia ids their payloads name.

The reconciler never touches a load balancer a job is working on, nor an object a job may be
creating: a job is on the board from before Octavia commits its objects (the driver posts
inside Octavia's API transaction) until after its flow reported the final statuses. Claimed
and unclaimed jobs count alike (a claimed job of a dead worker is resumed by another); jobs
in the trash do not.
"""

import dataclasses

from oslo_log import log as logging

from octavia_f5.controller import jobboard

LOG = logging.getLogger(__name__)

# Payload fields holding Octavia ids (any depth: a fully populated create nests its children).
ID_FIELDS = frozenset(['loadbalancer_id', 'listener_id', 'pool_id', 'member_id',
                       'healthmonitor_id', 'l7policy_id', 'l7rule_id', 'default_pool_id',
                       'redirect_pool_id', 'project_id'])


@dataclasses.dataclass(frozen=True)
class LiveJobs(object):
    """Ids named by the jobs on the board (secrets stay encrypted: ids never are)."""

    ids: frozenset = frozenset()
    count: int = 0

    def concern(self, ids):
        """Whether any job names one of ``ids``."""
        return not self.ids.isdisjoint(ids)


def ids_in(payload):
    """Every id a job payload names."""
    found = set()
    stack = [payload]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ID_FIELDS and isinstance(item, str):
                    found.add(item)
                else:
                    stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
    return found


def read(board):
    """The LiveJobs of a connected board."""
    ids, count = set(), 0
    for job in board.iterjobs(only_unclaimed=False, ensure_fresh=True):
        count += 1
        ids |= ids_in((job.details or {}).get('payload'))
    return LiveJobs(frozenset(ids), count)


def reader(conf):
    """A callable returning the LiveJobs of the [f5_jobboard] board, one connection a call."""
    def read_board():
        board = jobboard.make_board(conf)
        board.connect()
        try:
            return read(board)
        finally:
            board.close()
    return read_board
