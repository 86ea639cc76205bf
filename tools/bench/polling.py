# SPDX-License-Identifier: Apache-2.0
"""Part 3: the poller's REST calls and time per cycle with 10, 100 and 1,000 listeners.

The poller's functional test set-up (tests/functional/poller/base.py: simulator over HTTP,
driver-agent stand-in, a Poller on a real cluster client) builds load balancers of one HTTP
listener, a pool of two members and a monitor each; here they are written in-process, which
the REST calls of the cycles do not see. Each size is measured after the cycle that reads
the new load balancers' virtual addresses: steady cycles (virtual servers, pools, statistics)
and one cycle that reads the virtual addresses in place of the statistics. ``cpu ms`` is the
polling thread's own CPU time (the simulator and the stand-in run in other threads).
"""

import statistics
import time

from oslo_config import cfg

from octavia_f5.common import config
from tests.functional.poller import base as poller_base
from tools.bench import harness

SIZES = (10, 100, 1000)


class Polling(harness.BenchmarkCase, poller_base.PollerTestCase):
    """The poller's test set-up; ``build`` writes in-process instead of over REST."""

    def _write(self, resources):
        harness.write(self.simulator.devices[0].backend, resources)

    def cycle(self):
        """(REST calls, wall seconds, CPU seconds of this thread, report) of one cycle."""
        self.sim.clear_calls()
        wall, cpu = time.perf_counter(), time.thread_time()
        report = self.poller.run_once()
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
        return self.sim.counters()['total'], wall, cpu, report


class Row(object):
    def __init__(self, listeners):
        self.listeners = listeners
        self.calls = None
        self.address_calls = None
        self.seconds = []
        self.cpu = []
        self.address_seconds = None
        self.first_seconds = None
        self.first_records = None

    @property
    def median(self):
        return statistics.median(self.seconds)

    @property
    def median_cpu(self):
        return statistics.median(self.cpu)


def run(latency_ms, sizes=SIZES, cycles=5, progress=print):
    """[Row] per number of listeners."""
    rows = []
    with Polling() as bench:
        # Every cycle here is timed on its own; the interval never runs.
        bench.config(group=config.POLLER_GROUP, loadbalancer_interval=3600,
                     full_report_interval=0, resend_window=0)
        bench.poller = bench.poller.__class__(bench.cluster, bench.reporter, cfg.CONF)
        built = 0
        for size in sizes:
            for index in range(built, size):
                bench.build(index)
            built = size
            bench.sim.set_latency(latency_ms)
            row = Row(size)
            calls, row.first_seconds, _cpu, report = bench.cycle()
            row.first_records = sum(len(r) for r in report.statuses.values())
            if report.read_statistics:
                raise RuntimeError('the new load balancers did not make the poller read '
                                   'their virtual addresses')
            for _ in range(cycles):
                calls, wall, cpu, report = bench.cycle()
                row.seconds.append(wall)
                row.cpu.append(cpu)
                row.calls = calls
            # The next cycle after the interval reads the virtual addresses again.
            bench.poller._addresses_read -= 3600
            row.address_calls, row.address_seconds, _cpu, report = bench.cycle()
            # Statistics come back first: the next size's new load balancers are read then.
            bench.cycle()
            bench.sim.set_latency(0)
            progress('part 3: %5d listeners: %d calls, %.0f ms per steady cycle (cpu %.0f ms); '
                     'first cycle %.0f ms sending %d statuses'
                     % (size, row.calls, row.median * 1000, row.median_cpu * 1000,
                        row.first_seconds * 1000, row.first_records))
            rows.append(row)
    return rows
