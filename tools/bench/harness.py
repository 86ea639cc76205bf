# SPDX-License-Identifier: Apache-2.0
"""The simulator side of the benchmarks: the reliability tests' worker setup, outside a test run.

``Flows`` is tests/functional/reliability's ReliabilityTestCase (a redis-server, the
driver-agent stand-in on octavia-lib's sockets, a simulated BIG-IP over HTTP, a worker
process) used as a context manager, so that jobs are posted and carried out exactly as there:
``jobs.create(flows, 'listener', lb_id)`` then ``flows.measure(job)``. ``fill`` puts other
load balancers on the device, written in-process through the mapping (thousands of objects
in seconds, with no REST call to count).
"""

import copy
import os
import time

from octavia_f5.bigip.mapping import context as context_mod
from octavia_f5.bigip.mapping import listener as listener_mapping
from octavia_f5.bigip.mapping import loadbalancer as lb_mapping
from octavia_f5.bigip.mapping import pool as pool_mapping
from octavia_f5.bigip.mapping import tenancy
from octavia_f5.bigip import paths
from octavia_f5.common import config
from octavia_f5.flows import graph as graph_mod
from tests.functional.reliability import base as reliability
from tests.unit.flows import octavia as octavia_mod

# Route domain of the benchmark project's partition (made by fill(), used by the flows).
ROUTE_DOMAIN = 77


class BenchmarkCase(object):
    """Runs a test case's setUp and cleanups around a ``with`` block.

    The test framework's per-test timeout (OS_TEST_TIMEOUT), output capture and logging
    set-up have no place in a benchmark that prints as it goes.
    """

    def runTest(self):
        """No test: the benchmark drives the set-up from outside."""

    def _set_timeout(self):
        pass

    def _fake_output(self):
        pass

    def _fake_logs(self):
        pass

    def __enter__(self):
        self.setUp()
        return self

    def __exit__(self, *exc_info):
        self.doCleanups()
        return False


class Flows(BenchmarkCase, reliability.ReliabilityTestCase):
    """One simulated device and one worker process with ``conductor_threads`` threads."""

    # SQLite on tmpfs, as the reliability tests: the engine's bookkeeping, without a disk.
    PERSISTENCE = None
    CLAIM_EXPIRY = 30

    def __init__(self, conductor_threads=1, latency_ms=0):
        super().__init__()
        self.CONDUCTOR_THREADS = conductor_threads
        self.latency_ms = latency_ms

    def setUp(self):
        super().setUp()
        self.worker = self.start_worker()

    def set_latency(self, latency_ms):
        self.latency_ms = latency_ms
        for device in self.sim.devices:
            self.sim.sim.set_latency(latency_ms, device.name)

    def restart_worker(self, conductor_threads, processes=1):
        """Replace the worker(s): ``processes`` of ``conductor_threads`` threads each."""
        for worker in self.workers.started:
            if worker.alive():
                worker.terminate()
                worker.wait(60)
        self.config(group=config.WORKER_GROUP, conductor_threads=conductor_threads)
        self.CONDUCTOR_THREADS = conductor_threads
        return [self.start_worker() for _ in range(processes)]

    def measure(self, job, timeout=120.0):
        """Post ``job`` and wait for it: (seconds, REST calls without logins, outcome)."""
        self.publish(job.pending)
        self.sim.sim.clear_calls()
        began = time.perf_counter()
        outcome = self.run_job(job, timeout=timeout)
        elapsed = time.perf_counter() - began
        calls = self.calls()
        if set(outcome.values()) - {'ACTIVE', 'DELETED'}:
            raise RuntimeError('%s of %s ended %s\n%s' % (job.operation, job.object_id,
                                                          outcome, reliability.logs_of(self)))
        self.forget_removed(job)
        return elapsed, calls, outcome

    def graph(self, lb_id, objects=None):
        """The load balancer's graph as Octavia shows it now (or in ``objects``)."""
        fake = octavia_mod.FakeOctavia()
        fake.objects = copy.deepcopy(objects) if objects is not None else self.octavia.objects
        return graph_mod.Graph.from_loadbalancer(fake.render('loadbalancer', lb_id))

    def context(self):
        return context_mod.Context(project_id=self.octavia.project_id,
                                   route_domain=ROUTE_DOMAIN)

    def worker_cpu_seconds(self):
        """CPU seconds (user + system) every live worker process has used so far."""
        return sum(cpu_seconds(w.pid) for w in self.workers.started if w.alive())


def cpu_seconds(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def write(backend, resources):
    """POST each resource to the in-process backend; a refusal is a bug of the benchmark."""
    for item in resources:
        status, body = backend.handle('POST', paths.collection(item.collection), {},
                                      copy.deepcopy(item.body))
        if status != 200:
            raise RuntimeError('writing %s %s: %s %s' % (item.collection, item.full_path,
                                                         status, body))


def ensure_tenancy(backend, ctx):
    """The project's route domain and partition, as the first load balancer's flow makes them."""
    status, _body = backend.handle('GET', paths.item('auth/partition', ctx.partition), {},
                                   None)
    if status == 404:
        write(backend, tenancy.resources(ctx))


def tree(fake, index, members=2):
    """One load balancer in ``fake``: VIP, HTTP listener, default pool, members, monitor."""
    vip = '10.%d.%d.%d' % (100 + index // 65536, index // 256 % 256, index % 256)
    lb_id = fake.add('loadbalancer', vip_address=vip, name='other-%d' % index)[
        'loadbalancer_id']
    listener_id = fake.add('listener', lb_id)['listener_id']
    pool_id = fake.add('pool', lb_id, listener_id=listener_id)['pool_id']
    host = '172.%d.%d.%d' % (16 + index // 65536, index // 256 % 256, index % 256)
    for member in range(members):
        fake.add('member', pool_id, address=host, protocol_port=8000 + member)
    fake.add('healthmonitor', pool_id)
    return lb_id


def mapped(graph, ctx):
    """Every BIG-IP object of a load balancer graph, in creation order."""
    items = list(lb_mapping.resources(graph.loadbalancer, ctx))
    pools = list(graph.pools.values())
    for pool in pools:
        items.extend(pool_mapping.resources(pool, ctx))
    for listener in graph.listeners.values():
        items.extend(listener_mapping.resources(listener, graph.loadbalancer, pools, ctx))
    return items


def fill(backend, ctx, first, count, fake=None):
    """Put load balancers ``first`` .. ``first + count - 1`` on the device, in-process.

    They live in ``fake`` (a FakeOctavia; a throw-away one by default), so that a test's
    own FakeOctavia, which it publishes before every job, stays small. Returns their ids.
    """
    fake = fake if fake is not None else octavia_mod.FakeOctavia(ctx.project_id)
    ensure_tenancy(backend, ctx)
    ids = []
    for index in range(first, first + count):
        lb_id = tree(fake, index)
        write(backend, mapped(graph_mod.Graph.from_loadbalancer(
            fake.render('loadbalancer', lb_id)), ctx))
        ids.append(lb_id)
    return ids
