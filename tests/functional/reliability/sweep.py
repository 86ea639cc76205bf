# SPDX-License-Identifier: Apache-2.0
"""The fault sweep: an operation run once undisturbed, then once per REST call with it failing.

A *fault point* is (call k of the undisturbed run, a way to fail it). The call is named by
its method, its exact path and which match of that pair it is, so that the simulator's fault
rule hits the same call however the run went before it. Every run starts from the same state
and is judged by ``verdict``: no status left PENDING, and a device the outcome accounts for.

OCTAVIA_F5_FULL_SWEEP=1 sweeps every call with every fault; otherwise every call of a short
operation and an evenly spread, deterministic sample of a long one.
"""

import collections
import dataclasses
import os
import re

from tests.functional.reliability import base

# How a call fails: the device answers an error, or the connection drops.
FAULTS = {
    # mcpd restarting: the device did nothing (with retries off, the client gives up).
    'mcpd-lost': {'preset': 'mcpd-lost'},
    # A refusal: the device validated the request and rejected it.
    'refused': {'status': 400, 'body': {
        'code': 400, 'message': '01070734:3: Configuration error: refused by the test',
        'errorStack': [], 'apiError': 3}},
    # The connection drops before the device sees the request...
    'reset': {'action': 'reset'},
    # ...or after it applied it: the answer is lost (the ambiguous POST).
    'reset-after': {'action': 'reset', 'when': 'after'},
}
FULL_SWEEP = os.environ.get('OCTAVIA_F5_FULL_SWEEP', '') not in ('', '0')
# Operations with at most this many calls are swept whole in the short sweep.
SHORT = 6
# Calls of a longer operation swept in the short sweep (first and last included).
SAMPLE = 6
_TRANSACTION = re.compile(r'/transaction/\d+')
_ANY_ID = re.escape('/transaction/') + r'\d+'


@dataclasses.dataclass(frozen=True)
class Point:
    """Call ``index`` of a run: ``nth`` call with this method and path (regex)."""

    index: int
    method: str
    path: str
    nth: int

    @property
    def pattern(self):
        return '^%s$' % re.escape(self.path).replace(re.escape('/transaction/ID'), _ANY_ID)

    def rule(self, fault):
        return dict(FAULTS[fault], method=self.method, path=self.pattern, nth=self.nth)

    def __str__(self):
        return 'call %d %s %s' % (self.index + 1, self.method, self.path)


def points(calls):
    """A Point per call; transaction ids (a clock reading) are matched as any id."""
    seen = collections.Counter()
    found = []
    for index, call in enumerate(calls):
        path = _TRANSACTION.sub('/transaction/ID', call['path'])
        seen[(call['method'], path)] += 1
        found.append(Point(index, call['method'], path, seen[(call['method'], path)]))
    return found


def chosen(all_points, full=FULL_SWEEP):
    """The points swept: all of them, or a deterministic spread including both ends."""
    if full or len(all_points) <= SHORT:
        return list(all_points)
    last = len(all_points) - 1
    picks = sorted({round(i * last / (SAMPLE - 1)) for i in range(SAMPLE)})
    return [all_points[i] for i in picks]


# --- judging one run --------------------------------------------------------------------


def differences(found, expected):
    """Readable differences between two configurations ({(collection, path): object})."""
    lines = []
    for key in sorted(set(found) | set(expected)):
        have, want = found.get(key), expected.get(key)
        if have == want:
            continue
        if want is None:
            lines.append('left on the device: %s %s' % key)
        elif have is None:
            lines.append('missing on the device: %s %s' % key)
        else:
            fields = sorted(k for k in set(have) | set(want) if have.get(k) != want.get(k))
            lines.append('differs: %s %s (%s)' % (key + ('; '.join(
                '%s: %.150s, expected %.150s' % (f, have.get(f), want.get(f))
                for f in fields),)))
    return lines


def half_made(found, before, after):
    """Objects that are neither as they were before the operation nor as after it."""
    lines = []
    for key in sorted(set(found) | set(before) | set(after)):
        have = found.get(key)
        if have != before.get(key) and have != after.get(key):
            state = 'absent' if have is None else 'present'
            lines.append('half made (%s, neither before nor after): %s %s'
                         % ((state,) + key))
    return lines


def verdict(job, outcome, others, found, before, after):
    """What is wrong with one run's end: [] when it is clean.

    ``outcome``: {subject: provisioning status}; ``others``: [(kind, id, status)] of the
    stand-in's other objects; ``found``/``before``/``after``: the device now, before the
    operation, after an undisturbed run. A succeeded operation must leave what the
    undisturbed run left; a failed create what was there before; a failed update, delete or
    failover only objects as they were before or as they are after.
    """
    problems = ['%s %s still %s' % (kind, object_id, s) for kind, object_id, s in others
                if s.startswith('PENDING')]
    problems += ['%s %s is %s (parent or sibling of the operation)' % (kind, object_id, s)
                 for kind, object_id, s in others if s not in ('ACTIVE', 'DELETED')
                 and not s.startswith('PENDING')]
    failed = any(s == 'ERROR' for s in outcome.values())
    for key, provisioning in sorted(outcome.items()):
        wanted = 'ERROR' if failed else job.subjects[key]
        if provisioning != wanted:
            problems.append('%s %s is %s, expected %s' % (key + (provisioning, wanted)))
    if not failed:
        problems += differences(found, after)
    elif job.creates:
        problems += differences(found, before)
    else:
        problems += half_made(found, before, after)
    return problems


@dataclasses.dataclass
class Tally:
    """Fault points of one operation and those that ended clean; problems by point."""

    operation: str
    calls: int
    runs: int = 0
    clean: int = 0
    failed: int = 0
    problems: dict = dataclasses.field(default_factory=dict)

    def add(self, label, problems, failed):
        self.runs += 1
        self.failed += failed
        if problems:
            self.problems[label] = problems
        else:
            self.clean += 1

    def line(self):
        return ('%s: %d calls, fault points: %d, clean: %d (operation failed in %d, '
                'succeeded in %d)' % (self.operation, self.calls, self.runs, self.clean,
                                      self.failed, self.runs - self.failed))


# --- the runner -------------------------------------------------------------------------


class SweepTestCase(base.ReliabilityTestCase):
    """Sweeps operations one after another, each from the end state of the one before.

    One worker, never killed: its flows need no persistence across processes, and SQLite's
    statement overhead was three quarters of a run's time.
    """

    PERSISTENCE = 'memory://'

    def setUp(self):
        super().setUp()
        self.worker = self.start_worker()
        self.tallies = []

    def sweep(self, factory, label=None):
        """Sweep the job ``factory()`` makes; the test then holds its undisturbed end state."""
        job = factory()
        posted = self.capture()
        self.restore(posted, job.pending)
        before = self.configuration()
        outcome = self.run_job(job)
        self.assertEqual(job.subjects, outcome, 'the undisturbed %s failed\n%s'
                         % (job.operation, base.logs_of(self)))
        calls = self.calls()
        after = self.configuration()
        self.forget_removed(job)
        end = self.capture()
        tally = Tally(label or job.operation, len(calls))
        for point in chosen(points(calls)):
            for fault in FAULTS:
                self.restore(posted, job.pending)
                self.sim.sim.add_fault(**point.rule(fault))
                mark = len(self.worker.log())
                outcome = self.run_job(job)
                others = [key + (s,) for key, s in self.statuses().items()
                          if key not in outcome]
                problems = verdict(job, outcome, others, self.configuration(), before, after)
                if not self.sim.sim.faults()[0]['applied']:
                    problems.append('the fault never fired')
                if problems:
                    problems += _warnings(self.worker.log()[mark:])
                tally.add('%s, %s' % (point, fault), problems,
                          'ERROR' in outcome.values())
        self.restore(end)
        self.tallies.append(tally)
        self.figure(tally.line())
        return job

    def finish(self):
        """Print the totals; fail with every unclean fault point and what was wrong."""
        runs = sum(t.runs for t in self.tallies)
        clean = sum(t.clean for t in self.tallies)
        self.figure('total: %d operations, %d calls, fault points: %d, clean: %d%s'
                    % (len(self.tallies), sum(t.calls for t in self.tallies), runs, clean,
                       '' if FULL_SWEEP else ' (short sweep)'))
        report = ['%s, %s:\n    %s' % (t.operation, label, '\n    '.join(problems))
                  for t in self.tallies for label, problems in t.problems.items()]
        if report:
            self.fail('%d of %d fault points did not end clean:\n%s'
                      % (runs - clean, runs, '\n'.join(report)))


def _warnings(log, limit=8):
    lines = [line for line in log.splitlines() if ' ERROR ' in line or ' WARNING ' in line]
    return ['log: ' + line[:300] for line in lines[:limit]]
