# SPDX-License-Identifier: Apache-2.0
"""Benchmarks of octavia_f5 against the BIG-IP simulator (and the local cloud): `tox -e bench`.

    python -m tools.bench [--quick] [--latency-ms 50] [--parts 1,2,3,4,5] [--runs N]
                          [--no-cloud | --cloud-up] [--output docs/performance.md | --no-write]

1. REST calls per operation against the floor, with 1, 100 and 1,000 other load balancers;
2. Octavia API call to ACTIVE through the local cloud (skipped when it is not up, unless
   --cloud-up, which brings it up and down again);
3. poller REST calls and time per cycle for 10, 100 and 1,000 listeners;
4. operations per second with 1, 2 and 4 conductor threads (and worker processes);
5. the API driver's own call latency.

Prints each figure as it comes, then the tables, and writes them with the machine's
description to the results section of docs/performance.md. Asserts nothing: it is the
figures against the targets at the top of the section that say what to fix.
"""

import argparse
import sys
import time
import traceback

from tools.bench import calls
from tools.bench import cloud
from tools.bench import polling
from tools.bench import report as report_mod
from tools.bench import throughput
from tools import bench_driver

PARTS = (1, 2, 3, 4, 5)


def _parser():
    parser = argparse.ArgumentParser(prog='python -m tools.bench',
                                     description=__doc__.split('\n\n')[0])
    parser.add_argument('--quick', action='store_true',
                        help='fewer repetitions (about 5 minutes instead of about 15)')
    parser.add_argument('--latency-ms', type=int, default=50,
                        help='simulated BIG-IP latency per request (default 50)')
    parser.add_argument('--parts', default=','.join(str(p) for p in PARTS),
                        help='which parts to run, e.g. 1,3 (default all)')
    parser.add_argument('--runs', type=int, default=None,
                        help='repetitions per local cloud operation (default 5, quick 2)')
    parser.add_argument('--no-cloud', action='store_true', help='skip part 2')
    parser.add_argument('--cloud-up', action='store_true',
                        help='bring the local cloud up for part 2 when it is not running, '
                             'and down again afterwards (tox -e bench does)')
    parser.add_argument('--output', default=bench_driver.REPO + '/docs/performance.md',
                        help='Markdown file whose results section is replaced')
    parser.add_argument('--no-write', action='store_true', help='print only')
    return parser


def _say(text):
    print(text)
    sys.stdout.flush()


def _run_part(report, number, function):
    began = time.monotonic()
    try:
        function()
    except Exception as error:
        traceback.print_exc()
        report.skipped[number] = 'failed: %s' % str(error).splitlines()[0][:200]
        _say('part %d failed: %s' % (number, error))
    _say('part %d took %.0f s' % (number, time.monotonic() - began))


def main(argv=None):
    args = _parser().parse_args(argv)
    parts = {int(p) for p in args.parts.split(',') if p.strip()}
    quick = args.quick
    runs = args.runs or (2 if quick else 5)
    report = report_mod.Report(args, report_mod.machine())
    _say('octavia_f5 benchmarks, %s mode, %d ms per simulated BIG-IP request; machine: %d '
         'CPUs, load average %s' % ('quick' if quick else 'full', args.latency_ms,
                                    report.start['nproc'],
                                    ' / '.join('%.1f' % v for v in report.start['load'])))

    def part1():
        report.calls = calls.run(args.latency_ms, progress=_say)

    def part2():
        report.cloud = cloud.run(args.latency_ms, runs, bring_up=args.cloud_up,
                                 progress=_say)
        if report.cloud is None:
            report.skipped[2] = 'the local cloud was not up (see the run output)'

    def part3():
        report.polling = polling.run(args.latency_ms, cycles=3 if quick else 7,
                                     progress=_say)

    def part4():
        report.throughput = throughput.run(
            args.latency_ms, operations=8 if quick else 24,
            settings=throughput.SETTINGS[:3] if quick else throughput.SETTINGS,
            progress=_say)

    def part5():
        report.driver = bench_driver.measure(300 if quick else 2000)

    if args.no_cloud:
        parts.discard(2)
        report.skipped[2] = '--no-cloud'
    for number, function in ((1, part1), (3, part3), (4, part4), (5, part5), (2, part2)):
        if number in parts:
            _run_part(report, number, function)
    report.end = report_mod.machine()
    text = report.markdown()
    _say('\n' + text)
    if not args.no_write:
        report.write(args.output)
        _say('results written to %s' % args.output)
    return 0


if __name__ == '__main__':
    sys.exit(main())
