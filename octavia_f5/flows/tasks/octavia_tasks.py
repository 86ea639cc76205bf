# SPDX-License-Identifier: Apache-2.0
"""Tasks that read Octavia through the driver agent: wait for a commit, load the load balancer."""

import time

from oslo_config import cfg

from octavia_f5.common import config
from octavia_f5.common import exceptions
from octavia_f5.common import secrets
from octavia_f5.flows import constants as c
from octavia_f5.flows import services
from octavia_f5.flows.tasks import base

# Where to look for the load balancer of an object: kind -> (parent kind, parent id field).
PARENT = {c.MEMBER: (c.POOL, 'pool_id'), c.HEALTHMONITOR: (c.POOL, 'pool_id'),
          c.L7POLICY: (c.LISTENER, 'listener_id'), c.L7RULE: (c.L7POLICY, 'l7policy_id'),
          c.LISTENER: (c.LOADBALANCER, c.LOADBALANCER_ID),
          c.POOL: (c.LOADBALANCER, c.LOADBALANCER_ID)}


def loadbalancer_id(reporter, operation, payload):
    """The id of the load balancer an operation is about, walking up through Octavia."""
    if operation.verb == c.FAILOVER:
        return payload[c.LOADBALANCER_ID]
    if operation.verb == c.BATCH:
        kind, obj = c.MEMBER, {'pool_id': payload[c.POOL_ID]}
    else:
        kind, obj = operation.kind, payload[operation.kind]
    while kind != c.LOADBALANCER:
        if obj.get(c.LOADBALANCER_ID):
            return obj[c.LOADBALANCER_ID]
        kind, field = PARENT[kind]
        parent = reporter.get(kind, obj[field])
        if parent is None:
            raise exceptions.OctaviaObjectMissing(kind, obj[field])
        obj = parent
    return obj[c.LOADBALANCER_ID]


def load_graph(reporter, operation, payload):
    """The load balancer of the operation as Octavia shows it (a nested dict), or None."""
    return reporter.get(c.LOADBALANCER, loadbalancer_id(reporter, operation, payload))


class WaitForObject(base.OperationTask):
    """Octavia calls the driver before its API transaction commits: wait for the object.

    A status reported for an uncommitted object would be lost, leaving it PENDING forever.
    """

    def __init__(self, operation):
        kind = c.OPERATIONS[operation].kind
        super().__init__(operation, name='wait-for-%s-commit' % kind)

    def execute(self, **arguments):
        kind = self.operation.kind
        obj = arguments[kind]
        services.reporter().wait_for_object(kind, obj[c.id_key(kind)])


class WaitForMembers(base.OperationTask):
    """Wait until the pool shows every member of a batch (new ones commit with the batch)."""

    def __init__(self, operation):
        super().__init__(operation, name='wait-for-batch-commit')

    def execute(self, pool_id, members):
        wanted = {m['member_id'] for m in members}
        timeout = cfg.CONF[config.WORKER_GROUP].object_commit_timeout
        deadline = time.monotonic() + timeout
        delay = 0.1
        while True:
            pool = services.reporter().get(c.POOL, pool_id)
            if pool is None:
                raise exceptions.OctaviaObjectMissing(c.POOL, pool_id)
            missing = wanted - {m['member_id'] for m in pool.get('members') or ()}
            if not missing:
                return
            if time.monotonic() >= deadline:
                raise exceptions.ObjectNotCommitted(c.MEMBER, sorted(missing)[0], timeout)
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


class LoadGraph(base.OperationTask):
    """Read the whole load balancer once; every later task works from this copy.

    The copy is stored (tasks of a resumed flow see what the first run saw), with the
    certificate data Octavia attaches encrypted like the job's own payload.
    """

    def __init__(self, operation):
        super().__init__(operation, name='load-loadbalancer', provides=c.GRAPH)

    def execute(self, **arguments):
        payload = {k: arguments[k] for k in self.operation.payload_keys}
        graph = load_graph(services.reporter(), self.operation, payload)
        if graph is None:
            raise exceptions.OctaviaObjectMissing(
                c.LOADBALANCER, loadbalancer_id(services.reporter(), self.operation, payload))
        return secrets.encrypt_payload(graph)
