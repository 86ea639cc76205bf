# SPDX-License-Identifier: Apache-2.0
"""Part 4: operations per second with 1, 2 and 4 conductor threads (and worker processes).

N load balancers, each with a listener and a pool, are put on the device and shown to the
driver-agent stand-in as ACTIVE; then one member_create per load balancer is posted at once
(one load balancer is immutable while an operation on it runs, so only operations on
different load balancers can run side by side). The clock runs from the first post to the
last member ACTIVE. Where the time goes, per operation:

* device: the simulator's injected latency times the operation's REST calls (what a BIG-IP
  answering in that time would cost; with threads these waits overlap);
* worker CPU: user + system time of the worker processes (/proc), i.e. our own code, TaskFlow,
  SQLite and the clients;
* the rest of the wall time (one thread): waiting for Redis, the jobboard's claim, the driver
  agent's socket, and the load of the machine.
"""

import dataclasses
import time

from tests.functional.reliability import jobs
from tools.bench import harness

SETTINGS = ((1, 1), (1, 2), (1, 4), (2, 1), (4, 1))


@dataclasses.dataclass
class Row:
    processes: int
    threads: int
    operations: int
    seconds: float
    calls: int
    worker_cpu: float
    latency_ms: int

    @property
    def rate(self):
        return self.operations / self.seconds

    def per_op_ms(self, value):
        return value / self.operations * 1000

    @property
    def device_seconds(self):
        return self.calls * self.latency_ms / 1000.0


def _targets(flows, count):
    """(load balancer id, pool id) of ``count`` new load balancers the flows can see."""
    fake = flows.octavia
    ids = harness.fill(flows.sim.devices[0].backend, flows.context(), 5000, count, fake=fake)
    flows.publish()
    return [(lb_id, fake.children('pool', lb_id)[0]['pool_id']) for lb_id in ids]


def _round(flows, targets, round_number):
    made = [jobs.create(flows, 'member', pool_id, address='192.0.2.%d' % (round_number + 1),
                        protocol_port=9000 + round_number) for _lb, pool_id in targets]
    for job in made:
        flows.publish(job.pending)
    flows.sim.sim.clear_calls()
    cpu = flows.worker_cpu_seconds()
    began = time.perf_counter()
    for job in made:
        flows.post(job.operation, job.payload, job.object_id)
    for job in made:
        for kind, object_id in job.subjects:
            status = flows.agent.wait_for_status(kind, object_id, timeout=300)
            if status != 'ACTIVE':
                raise RuntimeError('%s %s ended %s' % (job.operation, object_id, status))
    seconds = time.perf_counter() - began
    return seconds, len(flows.calls()), flows.worker_cpu_seconds() - cpu


def run(latency_ms, operations=24, settings=SETTINGS, progress=print):
    """[Row] per (worker processes, conductor threads)."""
    rows = []
    with harness.Flows(conductor_threads=1) as flows:
        targets = _targets(flows, operations)
        flows.set_latency(latency_ms)
        for number, (processes, threads) in enumerate(settings):
            flows.restart_worker(threads, processes)
            seconds, calls, cpu = _round(flows, targets, number)
            row = Row(processes, threads, operations, seconds, calls, cpu, latency_ms)
            rows.append(row)
            progress('part 4: %d worker(s) x %d thread(s): %.2f ops/s, per operation %.0f ms '
                     'wall, %.1f calls, %.0f ms device, %.0f ms worker CPU'
                     % (processes, threads, row.rate, row.per_op_ms(seconds),
                        calls / operations, row.per_op_ms(row.device_seconds),
                        row.per_op_ms(cpu)))
    return rows
