# SPDX-License-Identifier: Apache-2.0
"""What Octavia holds from us: recorded by every status update, read by the poller."""

from octavia_f5.controller import poller
from octavia_f5.controller import reported
from tests import base
from tests.unit.controller import test_poller as tp


def update(kind, object_id, operating=None, provisioning=None):
    record = {'id': object_id}
    if operating:
        record['operating_status'] = operating
    if provisioning:
        record['provisioning_status'] = provisioning
    return {kind: [record]}


class TestReported(base.TestCase):

    def test_operating_statuses_are_recorded_and_deleted_objects_forgotten(self):
        memory = reported.Reported()
        memory.record(update('pools', 'p1', 'ONLINE', 'ACTIVE'))
        memory.record(update('members', 'm1', 'NO_MONITOR'))
        memory.record(update('listeners', 'l1', provisioning='ACTIVE'))   # no operating status
        self.assertEqual({('pools', 'p1'): 'ONLINE', ('members', 'm1'): 'NO_MONITOR'},
                         memory.statuses())
        memory.record(update('members', 'm1', provisioning='DELETED'))
        memory.forget([('pools', 'p1')])
        self.assertEqual({}, memory.statuses())


class ReportingFake(tp.FakeReporter):
    """A reporter with the memory, as StatusReporter has it."""

    def __init__(self):
        super().__init__()
        self.reported = reported.Reported()

    def update_status(self, update):
        super().update_status(update)
        self.reported.record(update)


class TestPollerSendsOnlyWhatOctaviaLacks(tp.PollerTestCase):

    def setUp(self):
        super().setUp()
        self.reporter = ReportingFake()

    def test_a_status_a_flow_reported_is_not_sent_again(self):
        # A flow ended reporting every object with the statuses the device shows: each
        # resend would move the object's updated_at in Octavia for nothing.
        first = poller.Poller(self.cluster, tp.FakeReporter(), clock=self.clock).run_once()
        for kind, records in first.statuses.items():
            self.reporter.update_status({kind: records})
        sent = len(self.reporter.statuses)
        self.make_poller().run_once()
        self.assertEqual(sent, len(self.reporter.statuses))

    def test_a_status_a_flow_reported_differently_is_corrected(self):
        self.reporter.update_status(update('members', tp.MEMBER, 'OFFLINE'))
        p = self.make_poller()
        p.run_once()
        self.assertEqual('ONLINE', tp.statuses(self.reporter.statuses[-1])[
            ('members', tp.MEMBER)])
        self.cycle(p)
        self.assertEqual(2, len(self.reporter.statuses))   # nothing new to send

    def test_objects_gone_from_the_device_are_forgotten(self):
        p = self.make_poller()
        p.run_once()
        self.device.pools[tp.POOL]['membersReference']['items'].pop()
        self.cycle(p)
        self.assertNotIn(('members', tp.MEMBER2), self.reporter.reported.statuses())

    def test_a_new_object_is_left_to_its_flow_for_the_grace(self):
        self.config(group='f5_poller', new_object_grace=30)
        p = self.make_poller()
        p.run_once()
        self.assertEqual([], self.reporter.statuses)
        # The flow reported the pool's members before the grace ended: only the others go.
        self.reporter.update_status({'members': [
            {'id': tp.MEMBER, 'operating_status': 'ONLINE'},
            {'id': tp.MEMBER2, 'operating_status': 'ONLINE'}]})
        self.cycle(p, advance=30)
        sent = tp.statuses(self.reporter.statuses[-1])
        self.assertNotIn(('members', tp.MEMBER), sent)
        self.assertIn(('pools', tp.POOL), sent)
