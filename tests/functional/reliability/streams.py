# SPDX-License-Identifier: Apache-2.0
"""Streams of operations on many load balancers at once, and the check of where they end.

A *story* is a generator of base.Jobs for one load balancer, each made (Octavia's API
storing the change) only when the one before it has ended, as Octavia serialises the
operations of one load balancer. ``run`` drives several stories side by side from one
thread, so that the FakeOctavia and the stand-in's statuses are never edited concurrently;
a ``tick`` callback does what the test does meanwhile (kill a worker, fail a device over).

``fingerprint`` turns one load balancer's objects on a device into a comparable form: its
ids and addresses replaced by their roles, so that every load balancer of a stream can be
compared with one built undisturbed.
"""

import json
import time

from tests.functional.reliability import base
from tests.functional.reliability import jobs
from tests.functional.reliability import sweep
from tests.unit.flows import octavia

FINAL = ('ACTIVE', 'ERROR', 'DELETED')
TENANCY = ('auth/partition', 'sys/folder', 'net/route-domain')


class Story(object):
    """One load balancer's operations; ``aliases`` maps its ids and addresses to roles."""

    def __init__(self, test, index, members):
        self.index = index
        self.aliases = {}
        self.outcomes = []
        self._jobs = self._make(test, index, members)
        self.job = None
        self.job_uuid = None

    def _make(self, test, index, members):
        vip = '10.%d.0.100' % index
        self.aliases[vip] = 'vip'
        lb = jobs.create(test, 'loadbalancer', vip_address=vip)
        yield self._named(lb, 'lb')
        listener = jobs.create(test, 'listener', lb.object_id, protocol_port=80)
        yield self._named(listener, 'listener')
        pool = jobs.create(test, 'pool', lb.object_id, listener_id=listener.object_id)
        yield self._named(pool, 'pool')
        for number in range(members):
            address = '172.16.%d.%d' % (index, 10 + number)
            self.aliases[address] = 'address%d' % number
            job = jobs.create(test, 'member', pool.object_id, address=address)
            yield self._named(job, 'member%d' % number)

    def _named(self, job, role):
        self.aliases[job.object_id] = role
        return job

    def next_job(self):
        """The next job (made now), or None when the story is told."""
        self.job = next(self._jobs, None)
        return self.job


def loadbalancer_of(test, kind, object_id):
    """The id of the load balancer an object of the FakeOctavia belongs to."""
    while kind != 'loadbalancer':
        obj = test.octavia.objects[kind][object_id]
        field = octavia.PARENT_FIELD[kind]
        kind = {'loadbalancer_id': 'loadbalancer', 'pool_id': 'pool',
                'listener_id': 'listener', 'l7policy_id': 'l7policy'}[field]
        object_id = obj[field]
    return object_id


def publish_loadbalancer(test, lb_id, pending):
    """Show one load balancer's objects to the worker, leaving the others' statuses alone."""
    pending = dict(pending)
    for kind, object_id in test.octavia.all_ids():
        if loadbalancer_of(test, kind, object_id) != lb_id:
            continue
        current = test.agent.status(kind, object_id) or {
            'provisioning_status': 'ACTIVE', 'operating_status': 'ONLINE'}
        test.agent.add(kind, test.octavia.render(kind, object_id),
                       pending.get((kind, object_id), current['provisioning_status']),
                       current['operating_status'])


def _lb_of_job(test, job):
    kind, object_id = next(iter(job.subjects))
    return loadbalancer_of(test, kind, object_id)


def _ended(test, job):
    return all((test.agent.status(kind, object_id) or {}).get('provisioning_status') in FINAL
               for kind, object_id in job.subjects)


def run(test, stories, timeout=120.0, tick=None):
    """Tell every story, one job in flight per story; ``tick()`` runs between polls."""
    waiting = list(stories)
    for story in waiting:
        _post_next(test, story)
    deadline = time.monotonic() + timeout
    while any(s.job is not None for s in waiting):
        if time.monotonic() > deadline:
            stuck = ['%s %s (job %s)' % (s.job.operation, s.job.object_id, _where(test, s))
                     for s in waiting if s.job]
            test.fail('operations not ended after %s s: %s\n%s'
                      % (timeout, ', '.join(stuck), base.logs_of(test)))
        for story in waiting:
            if story.job is not None and _ended(test, story.job):
                outcome = {key: test.agent.status(*key)['provisioning_status']
                           for key in story.job.subjects}
                story.outcomes.append((story.job.operation, outcome))
                test.forget_removed(story.job)
                if 'ERROR' in outcome.values():
                    # Octavia takes no change to a load balancer in ERROR but a delete.
                    story.job = None
                else:
                    _post_next(test, story)
        if tick is not None:
            tick(sum(len(s.outcomes) for s in stories))
        time.sleep(0.05)


def _post_next(test, story):
    job = story.next_job()
    if job is not None:
        publish_loadbalancer(test, _lb_of_job(test, job), job.pending)
        story.job_uuid = test.post(job.operation, job.payload, job.object_id)


def _where(test, story):
    if test.job_trashed(story.job_uuid):
        return 'in the trash'
    return 'on the board' if test.job_listed(story.job_uuid) else 'gone from the board'


class Schedule(object):
    """Actions due at given points of a stream; ``tick(ended)`` runs those that are due.

    A point is seconds after ``start()``, or with ``by_operations=True`` a number of ended
    operations: a fault meant for the middle of a stream must land there however fast the
    machine runs the stream (seconds suit only what must last a while, like a restart).
    """

    def __init__(self, *actions, by_operations=False):
        self._actions = sorted(actions, key=lambda a: a[0])
        self._by_operations = by_operations
        self.done = []

    def start(self):
        self._started = time.monotonic()
        return self

    def tick(self, ended=0):
        elapsed = time.monotonic() - self._started
        now = ended if self._by_operations else elapsed
        while self._actions and self._actions[0][0] <= now:
            at, action = self._actions.pop(0)
            action()
            self.done.append(now if self._by_operations else round(elapsed, 1))

    @property
    def finished(self):
        return not self._actions


# --- comparing what the devices hold ----------------------------------------------------


def fingerprint(configuration, story):
    """{(collection, path): object} of one story's load balancer, ids and addresses as roles."""
    found = {}
    for key, obj in configuration.items():
        if _owned(key, story):
            text = json.dumps([key, obj], sort_keys=True)
            for real in sorted(story.aliases, key=len, reverse=True):
                text = text.replace(real, '<%s>' % story.aliases[real])
            role_key, role_obj = json.loads(text)
            found[tuple(role_key)] = role_obj
    return found


def _owned(key, story):
    return any(real in key[1] for real in story.aliases)


def orphans(configuration, stories):
    """Objects of the driver's partitions that belong to no story and are not its tenancy."""
    return sorted(key for key in configuration
                  if key[0] not in TENANCY and not any(_owned(key, s) for s in stories))


def judge(configuration, stories, reference):
    """(objects expected, objects found, problems) of a device against ``reference``.

    Every story's load balancer must hold exactly what the undisturbed reference load
    balancer holds (ids and addresses aside); nothing else but the one tenancy may exist.
    """
    expected = fingerprint(configuration, reference)
    problems = ['orphan: %s %s' % key for key in orphans(configuration, stories + [reference])]
    for story in stories:
        found = fingerprint(configuration, story)
        problems += ['load balancer %d: %s' % (story.index, line)
                     for line in sweep.differences(found, expected)]
    tenancy = sorted(k[0] for k in configuration if k[0] in TENANCY)
    if tenancy != sorted(TENANCY):
        problems.append('tenancy objects %s, expected one of each of %s' % (tenancy, TENANCY))
    return len(expected) * (len(stories) + 1) + len(TENANCY), len(configuration), problems
