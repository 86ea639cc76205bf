# SPDX-License-Identifier: Apache-2.0
"""Test-only flows that record what they do in an events file the test reads.

A job names them as 'tests.functional.controller.demo_flows:make_flow' (allowed through
[f5_worker] flow_modules). Payload keys: ``tag`` and ``events`` (always), ``steps``, ``delay``,
``fail_at`` (1-based step that raises), ``hold_at`` (1-based step that, once started, waits
until the file ``<events>.release`` exists: tests act on a worker while it is surely inside that
step, whatever the machine's load), ``report`` (``{'kind', 'id', 'loadbalancer_id'}``: wait
for the object in Octavia, report ACTIVE at the end, ERROR on revert), ``listener`` (a
listener dict whose TLS private key the flow decrypts and fingerprints).
"""

import hashlib
import os
import time

from octavia_lib.common import constants as lib_consts
from taskflow.patterns import linear_flow
from taskflow import task

from octavia_f5.common import secrets
from octavia_f5.controller import status


def record(events, tag, step, event):
    """Append one line; O_APPEND keeps lines of concurrent workers whole."""
    line = '%.3f %d %s %s %s\n' % (time.time(), os.getpid(), tag, step, event)
    fd = os.open(events, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def read_events(events):
    """[(pid, tag, step, event)] in file order."""
    try:
        with open(events) as f:
            rows = [line.split() for line in f if line.strip()]
    except FileNotFoundError:
        return []
    return [(int(pid), tag, step, event) for _t, pid, tag, step, event in rows]


def release_file(events):
    return events + '.release'


class Step(task.Task):
    def __init__(self, index, fail, hold):
        super().__init__(name='step%d' % index)
        self._fail = fail
        self._hold = hold

    def execute(self, tag, events, delay):
        record(events, tag, self.name, 'start')
        time.sleep(delay)
        deadline = time.monotonic() + 60
        while self._hold and not os.path.exists(release_file(events)):
            if time.monotonic() > deadline:
                raise RuntimeError('%s was never released' % self.name)
            time.sleep(0.05)
        if self._fail:
            record(events, tag, self.name, 'FAIL')
            raise RuntimeError('%s fails on purpose' % self.name)
        record(events, tag, self.name, 'done')

    def revert(self, tag, events, *args, **kwargs):
        record(events, tag, self.name, 'revert')


class ErrorOnRevert(task.Task):
    def execute(self, report):
        pass

    def revert(self, report, *args, **kwargs):
        reporter = status.get_reporter()
        reporter.update_status({
            status.KINDS[report['kind']]: [status.status_record(report['id'], lib_consts.ERROR)],
            lib_consts.LOADBALANCERS: [status.status_record(report['loadbalancer_id'],
                                                            lib_consts.ACTIVE)]})


class WaitForObject(task.Task):
    def execute(self, report, tag, events):
        status.get_reporter().wait_for_object(report['kind'], report['id'], timeout=20)
        record(events, tag, 'wait', 'visible')


class ReportActive(task.Task):
    def execute(self, report):
        status.get_reporter().update_status({
            status.KINDS[report['kind']]: [status.status_record(
                report['id'], lib_consts.ACTIVE, lib_consts.ONLINE)],
            lib_consts.LOADBALANCERS: [status.status_record(report['loadbalancer_id'],
                                                            lib_consts.ACTIVE)]})


class FingerprintKey(task.Task):
    def execute(self, listener, tag, events):
        plain = secrets.decrypt_payload(listener)
        key = plain['default_tls_container_data']['private_key']
        record(events, tag, 'key', hashlib.sha256(key.encode()).hexdigest())


def make_flow(payload):
    flow = linear_flow.Flow('demo-%s' % payload['tag'])
    if 'report' in payload:
        flow.add(ErrorOnRevert(), WaitForObject())
    steps = payload.get('steps', 0)
    for index in range(1, steps + 1):
        flow.add(Step(index, fail=index == payload.get('fail_at'),
                      hold=index == payload.get('hold_at')))
    if 'listener' in payload:
        flow.add(FingerprintKey())
    if 'report' in payload:
        flow.add(ReportActive())
    return flow
