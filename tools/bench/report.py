# SPDX-License-Identifier: Apache-2.0
"""The benchmark's results as Markdown, with the machine they ran on, and the targets."""

import datetime
import os
import platform
import subprocess

BEGIN = '<!-- bench results: written by python -m tools.bench, do not edit below -->'
END = '<!-- bench results end -->'
TARGETS = {'listener_p95_s': 1.0, 'poller_calls': 3, 'batch_calls': 3, 'batch_s': 2.0,
           'driver_p99_ms': 5.0}


def machine():
    """nproc, CPU model, load average, date, Python and commit, as one dict."""
    model = platform.processor() or 'unknown CPU'
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return {'nproc': os.cpu_count(), 'cpu': model, 'load': os.getloadavg(),
            'date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
            'python': platform.python_version(), 'commit': _commit()}


def _commit():
    try:
        sha = subprocess.check_output(['git', 'rev-parse', '--short', 'HEAD'], text=True,
                                      stderr=subprocess.DEVNULL).strip()
        dirty = subprocess.call(['git', 'diff', '--quiet', 'HEAD'],
                                stderr=subprocess.DEVNULL) != 0
    except (OSError, subprocess.CalledProcessError):
        return 'unknown'
    return sha + (' with local changes' if dirty else '')


def _load(values):
    return ' / '.join('%.1f' % v for v in values)


def _yes(flag):
    return 'met' if flag else '**missed**'


class Report(object):
    """Collects each part's results; ``markdown()`` renders them all."""

    def __init__(self, args, start):
        self.args = args
        self.start = start
        self.end = None
        self.calls = self.cloud = self.polling = self.throughput = self.driver = None
        self.skipped = {}   # part number -> why it did not run

    # --- the parts -------------------------------------------------------------------------

    def calls_table(self):
        sizes = sorted({n for row in self.calls.values() for n in row.calls})
        head = ['operation', 'floor'] + ['calls, %s other LBs' % format(n, ',')
                                         for n in sizes]
        head += ['ratio', 'reads', 's at %d ms' % self.args.latency_ms]
        lines = [_row(head), _row(['---'] * len(head))]
        for row in self.calls.values():
            first = sizes[0]
            reads = sum(n for kind, n in row.kinds[first].items() if kind.startswith('GET '))
            lines.append(_row([
                row.label, row.floor] + [row.calls.get(n, '') for n in sizes] + [
                '%.2f' % row.ratio(), reads,
                ' / '.join('%.2f' % row.seconds[n] for n in sizes)]))
        extra = []
        for row in self.calls.values():
            first = sizes[0]
            writes = row.calls[first] - sum(n for k, n in row.kinds[first].items()
                                            if k.startswith('GET '))
            if writes > row.floor:
                kinds = ', '.join('%s x%d' % (k, n) for k, n in sorted(row.kinds[first].items())
                                  if not k.startswith('GET '))
                extra.append('- %s: %d writes for a floor of %d (%s)'
                             % (row.label, writes, row.floor, kinds))
        return lines + ([''] + ['Writes above the floor:'] + extra if extra else [])

    def cloud_table(self):
        head = ['operation', 'runs', 'request p50 ms', 'to ACTIVE p50 s', 'p95 s']
        lines = [_row(head), _row(['---'] * len(head))]
        for result in self.cloud:
            lines.append(_row([result.label, result.runs,
                               '%.0f' % (result.p(0.5, result.request) * 1000),
                               '%.2f' % result.p(0.5), '%.2f' % result.p(0.95)]))
        return lines

    def polling_table(self):
        head = ['listeners', 'GETs per cycle', 'cycle ms (p50)', 'poller CPU ms',
                'cycle reading the virtual addresses ms', 'first cycle ms (statuses sent)']
        lines = [_row(head), _row(['---'] * len(head))]
        for row in self.polling:
            lines.append(_row([format(row.listeners, ','),
                               '%d (%d)' % (row.calls, row.address_calls),
                               '%.0f' % (row.median * 1000), '%.0f' % (row.median_cpu * 1000),
                               '%.0f' % (row.address_seconds * 1000),
                               '%.0f (%d)' % (row.first_seconds * 1000, row.first_records)]))
        return lines

    def throughput_table(self):
        head = ['workers x threads', 'ops/s', 'wall ms per op', 'calls per op',
                'device ms per op', 'worker CPU ms per op', 'rest ms per op']
        lines = [_row(head), _row(['---'] * len(head))]
        for row in self.throughput:
            wall = row.per_op_ms(row.seconds)
            device = row.per_op_ms(row.device_seconds)
            cpu = row.per_op_ms(row.worker_cpu)
            # With several threads the parts overlap; the rest is meaningful for one.
            rest = wall - device - cpu if row.processes * row.threads == 1 else None
            lines.append(_row(['%d x %d' % (row.processes, row.threads), '%.2f' % row.rate,
                               '%.0f' % wall, '%.1f' % (row.calls / row.operations),
                               '%.0f' % device, '%.0f' % cpu,
                               '%.0f' % rest if rest is not None else '(overlaps)']))
        return lines

    def driver_table(self):
        head = ['method', 'p50 ms', 'p99 ms', 'max ms', 'CPU p99 ms']
        lines = [_row(head), _row(['---'] * len(head))]
        for method, p50, p99, top, cpu in self.driver:
            lines.append(_row([method, '%.3f' % p50, '%.3f' % p99, '%.3f' % top,
                               '%.3f' % cpu]))
        return lines

    # --- targets ---------------------------------------------------------------------------

    def targets(self):
        lines = [_row(['target', 'measured', '']), _row(['---'] * 3)]
        if self.calls:
            ratios = [row.ratio() for row in self.calls.values()]
            lines.append(_row(['REST calls independent of device size (ratio 1.0)',
                               'ratios %.2f-%.2f' % (min(ratios), max(ratios)),
                               _yes(all(r == 1.0 for r in ratios))]))
            batch = [r for r in self.calls.values()
                     if r.operation == 'member_batch_update' and '1000' in r.label]
            for row in batch:
                worst = max(row.calls.values())
                lines.append(_row(['1,000-member batch <= %d calls' % TARGETS['batch_calls'],
                                   '%d calls' % worst, _yes(worst <= TARGETS['batch_calls'])]))
        if self.cloud:
            for result in self.cloud:
                if result.label.startswith('listener create'):
                    lines.append(_row([
                        'listener create with 55 listeners <= %.0f s p95 at %d ms'
                        % (TARGETS['listener_p95_s'], self.args.latency_ms),
                        '%.2f s' % result.p(0.95),
                        _yes(result.p(0.95) <= TARGETS['listener_p95_s'])]))
                if result.label.startswith('member batch update'):
                    lines.append(_row(['1,000-member batch <= %.0f s (through Octavia)'
                                       % TARGETS['batch_s'], '%.2f s p95' % result.p(0.95),
                                       _yes(result.p(0.95) <= TARGETS['batch_s'])]))
        if self.polling:
            worst = max(max(r.calls, r.address_calls) for r in self.polling)
            lines.append(_row(['poller <= %d calls per device per cycle'
                               % TARGETS['poller_calls'], '%d' % worst,
                               _yes(worst <= TARGETS['poller_calls'])]))
        if self.driver:
            worst = max(row[2] for row in self.driver)
            cpu = max(row[4] for row in self.driver)
            lines.append(_row(['API driver p99 <= %.0f ms' % TARGETS['driver_p99_ms'],
                               '%.2f ms (CPU p99 %.2f ms)' % (worst, cpu),
                               _yes(worst <= TARGETS['driver_p99_ms'])]))
        return lines

    # --- the whole ---------------------------------------------------------------------------

    def markdown(self):
        m = self.start
        out = [BEGIN, '',
               'Run of %s (commit %s), %s mode, simulator latency %d ms per request. '
               'Machine: %d CPUs (%s), Python %s; load average (1/5/15 min) %s at the '
               'start, %s at the end.'
               % (m['date'], m['commit'], 'quick' if self.args.quick else 'full',
                  self.args.latency_ms, m['nproc'], m['cpu'], m['python'], _load(m['load']),
                  _load(self.end['load']) if self.end else '?'), '']
        for part, title, present, table in (
                (None, 'Targets', True, self.targets),
                (1, '1. REST calls per operation', self.calls, self.calls_table),
                (2, '2. Octavia API call to ACTIVE (local cloud)', self.cloud,
                 self.cloud_table),
                (3, '3. Poller cost per cycle', self.polling, self.polling_table),
                (4, '4. Throughput', self.throughput, self.throughput_table),
                (5, '5. API driver call latency', self.driver, self.driver_table)):
            out += ['#### ' + title, '']
            out += table() if present else [
                '(not run: %s)' % self.skipped.get(part, 'not selected')]
            out.append('')
        out.append(END)
        return '\n'.join(out) + '\n'

    def write(self, path):
        """Replace the results section of ``path`` (appended when it has none)."""
        try:
            with open(path) as f:
                text = f.read()
        except FileNotFoundError:
            text = ''
        block = self.markdown()
        if BEGIN in text and END in text:
            head, _sep, rest = text.partition(BEGIN)
            _old, _sep, tail = rest.partition(END)
            text = head + block.rstrip('\n') + tail
        else:
            text = text + ('\n' if text and not text.endswith('\n') else '') + block
        with open(path, 'w') as f:
            f.write(text)


def _row(cells):
    return '| %s |' % ' | '.join(str(c) for c in cells)
