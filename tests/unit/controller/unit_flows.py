# SPDX-License-Identifier: Apache-2.0
"""Test-only flow factories for the conductor's unit tests; they record into CALLS."""

from taskflow.patterns import linear_flow
from taskflow import task

CALLS = []


class Record(task.Task):
    def execute(self, value):
        CALLS.append(('execute', self.name, value))

    def revert(self, value, *args, **kwargs):
        CALLS.append(('revert', self.name, value))


class Fail(task.Task):
    def execute(self, value):
        CALLS.append(('execute', self.name, value))
        raise RuntimeError('fails on purpose')


def two_steps(payload):
    return linear_flow.Flow('two').add(Record(name='first'), Record(name='second'))


def fails_second(payload):
    return linear_flow.Flow('fails').add(Record(name='first'), Fail(name='second'))


NOT_A_FUNCTION = 'just a string'
