# SPDX-License-Identifier: Apache-2.0
"""Part 1: REST calls per operation against their floor, with 1, 100 and 1,000 other LBs.

Every operation of octavia_f5.controller.operations.FLOWS runs through the real worker (the
reliability tests' set-up, tools/bench/harness.py) on one load balancer, while the same
project's partition holds N other load balancers (listener, pool, two members, monitor each).
The simulator's call log counts the calls (logins left out); the figures must not change
with N.

The floor of an operation is computed from the mapping, not from the flows: every BIG-IP
object whose mapped state differs between the load balancer before and after it, one round
trip each (two for a certificate or key file: upload and install; two for an LTM policy:
draft and publish, BIG-IP 12.1+), plus one DELETE per node no member uses any more (BIG-IP
creates nodes with members but never deletes them). A failover re-asserts every object: one
call each. Reads cost nothing in the floor: whatever a flow reads is above it.
"""

import collections
import copy
import re

from octavia_f5.bigip.mapping import resource
from octavia_f5.controller import operations
from tests.functional.reliability import jobs
from tools.bench import harness

OTHERS = (1, 100, 1000)
FILES = resource.FILE_COLLECTIONS
POLICY = 'ltm/policy'
_ITEM = re.compile(r'/~[^/]*')


def _key(item):
    return item.collection, item.full_path


def _cost(item):
    return 2 if item.collection in FILES or item.collection == POLICY else 1


def _addresses(graph):
    return {m['address'] for p in graph.pools.values() for m in p.get('members') or ()}


def floor(before, after, ctx, reassert=False):
    """The fewest REST calls that take a load balancer from graph ``before`` to ``after``."""
    old = {} if before.empty else {_key(i): i for i in harness.mapped(before, ctx)}
    new = {} if after.empty else {_key(i): i for i in harness.mapped(after, ctx)}
    if reassert:
        return sum(_cost(i) for i in new.values())
    calls = 0
    for key, item in new.items():
        was = old.get(key)
        if was is None or was.body != item.body or was.content != item.content:
            calls += _cost(item)
    calls += sum(1 for key in old if key not in new)
    return calls + len(_addresses(before) - _addresses(after))


def kind_of(call):
    """'GET auth/partition', 'PATCH ltm/pool' ...: a call without the object's name."""
    path = call['path']
    for prefix in ('/mgmt/tm/', '/mgmt/'):
        if path.startswith(prefix):
            path = path[len(prefix):]
            break
    path = re.sub(r'/transaction/\d+', '/transaction', _ITEM.sub('/*', path))
    for collection in ('shared/file-transfer/uploads/', 'auth/partition/'):
        if path.startswith(collection):
            path = collection + '*'
    return '%s %s' % (call['method'], path)


class Row(object):
    """One operation: its floor and, per number of other load balancers, calls and time."""

    def __init__(self, operation, label=None):
        self.operation = operation
        self.label = label or operation
        self.floor = None
        self.calls = {}
        self.seconds = {}
        self.kinds = {}

    def ratio(self):
        counts = [self.calls[n] for n in sorted(self.calls)]
        return counts[-1] / counts[0] if counts and counts[0] else float('nan')


class Scenario(object):
    """The operations on one load balancer, in an order that leaves the device as it found it."""

    def __init__(self, flows, batch_size):
        self.flows = flows
        self.batch_size = batch_size
        self.ids = {}

    def steps(self):
        """(operation, label, job factory, where the new object's id goes) in order."""
        f, i = self.flows, self.ids
        members = ['192.168.60.%d' % n for n in range(2, 11)]
        big = ['198.18.%d.%d' % (n // 250, n % 250 + 1) for n in range(self.batch_size)]
        return [
            ('loadbalancer_create', None,
             lambda: jobs.create(f, 'loadbalancer', vip_address='10.1.0.10'), 'lb'),
            ('listener_create', None, lambda: jobs.create(
                f, 'listener', i['lb'], protocol='HTTP', protocol_port=80), 'listener'),
            ('pool_create', None, lambda: jobs.create(
                f, 'pool', i['lb'], listener_id=i['listener']), 'pool'),
            ('member_create', None, lambda: jobs.create(
                f, 'member', i['pool'], address='192.168.60.1'), 'member'),
            ('health_monitor_create', None, lambda: jobs.create(
                f, 'healthmonitor', i['pool'], url_path='/health'), 'hm'),
            ('member_update', None, lambda: jobs.update(f, 'member', i['member'], weight=5),
             None),
            ('member_batch_update', 'member_batch_update (10 members)', lambda: jobs.batch_update(
                f, i['pool'], keep=[i['member']], add=members, drop=[]), None),
            ('pool_create', 'pool_create (second pool, no listener)', lambda: jobs.create(
                f, 'pool', i['lb']), 'pool2'),
            ('member_batch_update', 'member_batch_update (%d members)' % self.batch_size,
             lambda: jobs.batch_update(f, i['pool2'], keep=[], add=big, drop=[]), None),
            ('pool_delete', 'pool_delete (%d members)' % self.batch_size,
             lambda: jobs.delete(f, 'pool', i['pool2']), None),
            ('l7policy_create', None, lambda: jobs.create(
                f, 'l7policy', i['listener'], action='REDIRECT_TO_URL',
                redirect_url='https://example.org/'), 'policy'),
            ('l7rule_create', None, lambda: jobs.create(
                f, 'l7rule', i['policy'], value='/old'), 'rule'),
            ('l7rule_update', None, lambda: jobs.update(f, 'l7rule', i['rule'], value='/older'),
             None),
            ('l7policy_update', None, lambda: jobs.update(
                f, 'l7policy', i['policy'], redirect_url='https://example.com/'), None),
            ('listener_update', None, lambda: jobs.update(
                f, 'listener', i['listener'], connection_limit=1000), None),
            ('pool_update', None, lambda: jobs.update(
                f, 'pool', i['pool'], lb_algorithm='LEAST_CONNECTIONS'), None),
            ('health_monitor_update', None, lambda: jobs.update(
                f, 'healthmonitor', i['hm'], delay=10), None),
            ('loadbalancer_update', None, lambda: jobs.update(
                f, 'loadbalancer', i['lb'], name='renamed', description='benchmark'), None),
            ('loadbalancer_failover', None, lambda: jobs.failover(f, i['lb']), None),
            ('l7rule_delete', None, lambda: jobs.delete(f, 'l7rule', i['rule']), None),
            ('l7policy_delete', None, lambda: jobs.delete(f, 'l7policy', i['policy']), None),
            ('health_monitor_delete', None, lambda: jobs.delete(f, 'healthmonitor', i['hm']),
             None),
            ('member_delete', None, lambda: jobs.delete(f, 'member', i['member']), None),
            ('pool_delete', None, lambda: jobs.delete(f, 'pool', i['pool']), None),
            ('listener_delete', None, lambda: jobs.delete(f, 'listener', i['listener']), None),
            ('loadbalancer_delete', None, lambda: jobs.delete(
                f, 'loadbalancer', i['lb'], cascade=False), None),
        ]

    def run(self, rows, others, progress):
        ctx = self.flows.context()
        for operation, label, factory, keep in self.steps():
            label = label or operation
            before = copy.deepcopy(self.flows.octavia.objects)
            job = factory()
            seconds, calls, _outcome = self.flows.measure(job)
            if keep:
                self.ids[keep] = job.object_id
            lb_id = self.ids['lb']
            row = rows.setdefault(label, Row(operation, label))
            if row.floor is None:
                row.floor = floor(self.flows.graph(lb_id, before), self.flows.graph(lb_id), ctx,
                                  reassert=operation == 'loadbalancer_failover')
            row.calls[others] = len(calls)
            row.seconds[others] = seconds
            row.kinds[others] = collections.Counter(kind_of(c) for c in calls)
            progress('  %-42s %4d calls %7.2f s' % (label, len(calls), seconds))


def run(latency_ms, others=OTHERS, batch_size=1000, progress=print):
    """{label: Row} over every operation, for each number of other load balancers."""
    rows = collections.OrderedDict()
    with harness.Flows(conductor_threads=1) as flows:
        backend = flows.sim.devices[0].backend
        placed = 0
        for count in others:
            harness.fill(backend, flows.context(), placed, count - placed)
            placed = count
            flows.set_latency(latency_ms)
            progress('part 1: %d other load balancers on the device, %d ms per request'
                     % (count, latency_ms))
            Scenario(flows, batch_size).run(rows, count, progress)
            flows.set_latency(0)
    missing = set(operations.FLOWS) - {r.operation for r in rows.values()}
    if missing:
        raise RuntimeError('operations without a benchmark: %s' % ', '.join(sorted(missing)))
    return rows
