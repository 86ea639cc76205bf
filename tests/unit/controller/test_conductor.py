# SPDX-License-Identifier: Apache-2.0
"""Tests of the conductor: flow building, resume rules, failure handling, claim refresh."""

import contextlib

import fixtures
from oslo_utils import uuidutils
from taskflow import exceptions as tf_exceptions
from taskflow.persistence import backends as persistence_backends
from taskflow.persistence import models
from taskflow import states

from octavia_f5.common import exceptions
from octavia_f5.controller import conductor
from octavia_f5.controller import operations
from octavia_f5.controller import poster
from octavia_f5.flows import services
from tests import base
from tests.unit.controller import unit_flows
from tests.unit.flows import octavia

TWO_STEPS = 'tests.unit.controller.unit_flows:two_steps'
FAILS_SECOND = 'tests.unit.controller.unit_flows:fails_second'


class FakeJob:
    def __init__(self, operation=TWO_STEPS, payload=None, version=poster.DETAILS_VERSION):
        self.uuid = uuidutils.generate_uuid()
        self.name = 'job-%s' % self.uuid
        self.details = {'version': version, 'operation': operation,
                        'payload': {'value': 42} if payload is None else payload}
        self.extended = []
        self.claim_alive = True

    def extend_expiry(self, expiry):
        self.extended.append(expiry)
        return self.claim_alive


class FakeBoard:
    claim_expiry = 8

    def __init__(self):
        self.held_off = []

    def hold_off(self, job_uuid, seconds):
        self.held_off.append((job_uuid, seconds))

    def extend_claim(self, job, who, expiry=None):
        return job.extend_expiry(expiry)


class TakenAfterFirstStep(FakeBoard):
    """Another worker takes the claim while this one runs the first step."""

    def extend_claim(self, job, who, expiry=None):
        job.extended.append(expiry)
        return ('execute', 'first', 42) not in unit_flows.CALLS


class BrokenPersistence:
    def get_connection(self):
        raise tf_exceptions.StorageFailure('database is locked')


class TestConductor(base.TestCase):

    def setUp(self):
        super().setUp()
        self.config(group='f5_worker', flow_modules=['tests.unit'], job_max_attempts=3)
        self.persistence = persistence_backends.fetch({'connection': 'memory://'})
        self.addCleanup(self.persistence.close)
        self.board = FakeBoard()
        self.conductor = conductor.Conductor('c1', self.board, self.persistence)
        self.useFixture(fixtures.MockPatchObject(unit_flows, 'CALLS', []))

    def _logbook(self, job):
        with contextlib.closing(self.persistence.get_connection()) as connection:
            return connection.get_logbook(job.uuid)

    def test_job_runs_its_flow_with_the_payload_in_the_store(self):
        job = FakeJob()
        self.assertTrue(self.conductor._dispatch_job(job))

        self.assertEqual([('execute', 'first', 42), ('execute', 'second', 42)],
                         unit_flows.CALLS)
        flow_detail = self._logbook(job).find(conductor.flow_detail_uuid(job.uuid))
        self.assertEqual(states.SUCCESS, flow_detail.state)
        # Every transition refreshed the claim with the board's expiry.
        self.assertGreaterEqual(len(job.extended), 4)
        self.assertEqual({8}, set(job.extended))
        self.assertEqual([], self.conductor.running_jobs())

    def test_failing_flow_is_reverted_and_consumed(self):
        job = FakeJob(operation=FAILS_SECOND)
        self.assertTrue(self.conductor._dispatch_job(job))

        self.assertEqual([('execute', 'first', 42), ('execute', 'second', 42),
                          ('revert', 'first', 42)], unit_flows.CALLS)
        flow_detail = self._logbook(job).find(conductor.flow_detail_uuid(job.uuid))
        self.assertEqual(states.REVERTED, flow_detail.state)
        self.assertEqual([], self.board.held_off)

    def test_job_whose_flow_already_ended_is_consumed_without_running(self):
        for state in (states.SUCCESS, states.REVERTED, states.FAILURE):
            job = FakeJob()
            book = models.LogBook(job.name, uuid=job.uuid)
            flow_detail = models.FlowDetail(job.name, conductor.flow_detail_uuid(job.uuid))
            flow_detail.state = state
            book.add(flow_detail)
            with contextlib.closing(self.persistence.get_connection()) as connection:
                connection.save_logbook(book)

            self.assertTrue(self.conductor._dispatch_job(job))
        self.assertEqual([], unit_flows.CALLS)

    def test_payload_is_saved_with_the_flow_detail_in_one_write(self):
        job = FakeJob()
        saves = []
        connection_class = type(self.persistence.get_connection())
        original = connection_class.save_logbook

        def save_logbook(connection, book):
            flow_detail = book.find(conductor.flow_detail_uuid(job.uuid))
            saves.append([(ad.name, ad.results) for ad in flow_detail])
            return original(connection, book)

        self.useFixture(fixtures.MockPatchObject(connection_class, 'save_logbook',
                                                 save_logbook))
        self.conductor._load_flow_detail(job)
        self.assertEqual([[(conductor.INJECTOR, {'value': 42})]], saves)

    def _killed_between_saves(self, job):
        """The logbook of a worker killed between taskflow's two saves of the injector."""
        book = models.LogBook(job.name, uuid=job.uuid)
        flow_detail = models.FlowDetail(job.name, conductor.flow_detail_uuid(job.uuid))
        flow_detail.add(models.TaskDetail(conductor.INJECTOR, uuidutils.generate_uuid()))
        book.add(flow_detail)
        with contextlib.closing(self.persistence.get_connection()) as connection:
            connection.save_logbook(book)

    def test_job_of_a_worker_killed_between_the_payload_saves_runs(self):
        job = FakeJob()
        self._killed_between_saves(job)

        self.assertTrue(self.conductor._dispatch_job(job))
        self.assertEqual([('execute', 'first', 42), ('execute', 'second', 42)],
                         unit_flows.CALLS)
        flow_detail = self._logbook(job).find(conductor.flow_detail_uuid(job.uuid))
        self.assertEqual(states.SUCCESS, flow_detail.state)

    def _with_octavia(self):
        fake = octavia.FakeOctavia()
        reporter = octavia.FakeReporter(fake)
        services.reset()
        services.configure(reporter=reporter)
        self.addCleanup(services.reset)
        lb = fake.add('loadbalancer')
        listener = fake.add('listener', lb['loadbalancer_id'])
        return fake, reporter, lb, listener

    def test_job_whose_flow_cannot_be_loaded_is_reported_failed_and_consumed(self):
        fake, reporter, lb, listener = self._with_octavia()
        job = FakeJob(operation='listener_create',
                      payload=fake.payload('listener', listener['listener_id']))
        self.useFixture(fixtures.MockPatchObject(
            operations, 'build_flow', side_effect=AttributeError('no attribute keys')))

        self.assertTrue(self.conductor._dispatch_job(job))
        final = reporter.statuses()
        self.assertEqual('ERROR', final[('listeners', listener['listener_id'])]
                         ['provisioning_status'])
        self.assertEqual('ACTIVE', final[('loadbalancers', lb['loadbalancer_id'])]
                         ['provisioning_status'])
        self.assertEqual([], self.board.held_off)

    def test_job_whose_flow_cannot_be_loaded_nor_reported_is_retried_later(self):
        fake = octavia.FakeOctavia()
        services.reset()
        self.addCleanup(services.reset)
        listener = fake.add('listener', fake.add('loadbalancer')['loadbalancer_id'])
        job = FakeJob(operation='listener_create',
                      payload=fake.payload('listener', listener['listener_id']))
        self.useFixture(fixtures.MockPatchObject(
            operations, 'build_flow', side_effect=AttributeError('no attribute keys')))

        self.assertFalse(self.conductor._dispatch_job(job))
        self.assertEqual([(job.uuid, 1)], self.board.held_off)

    def test_test_flow_that_cannot_be_loaded_is_trashed(self):
        job = FakeJob()
        self.useFixture(fixtures.MockPatchObject(
            operations, 'build_flow', side_effect=AttributeError('no attribute keys')))
        self.assertRaises(exceptions.JobGivenUp, self.conductor._dispatch_job, job)

    def test_flow_detail_uuid_is_the_same_for_every_worker(self):
        job_uuid = uuidutils.generate_uuid()
        self.assertEqual(conductor.flow_detail_uuid(job_uuid),
                         conductor.flow_detail_uuid(job_uuid))
        self.assertNotEqual(conductor.flow_detail_uuid(job_uuid),
                            conductor.flow_detail_uuid(uuidutils.generate_uuid()))

    def test_storage_failure_abandons_with_growing_hold_off_then_gives_up(self):
        broken = conductor.Conductor('c2', self.board, BrokenPersistence())
        job = FakeJob()

        self.assertFalse(broken._dispatch_job(job))
        self.assertFalse(broken._dispatch_job(job))
        self.assertRaises(exceptions.JobGivenUp, broken._dispatch_job, job)
        self.assertEqual([(job.uuid, 1), (job.uuid, 2)], self.board.held_off)
        self.assertEqual([], unit_flows.CALLS)

    def test_unknown_operation_raises_so_that_the_job_is_trashed(self):
        self.assertRaises(exceptions.UnknownOperation, self.conductor._dispatch_job,
                          FakeJob(operation='os:system'))
        self.assertRaises(exceptions.UnknownOperation, self.conductor._dispatch_job,
                          FakeJob(version=99))
        self.assertEqual([], self.board.held_off)

    def test_run_whose_claim_another_worker_took_stops_after_its_current_task(self):
        board = TakenAfterFirstStep()
        lagging = conductor.Conductor('c4', board, self.persistence)
        job = FakeJob()

        self.assertFalse(lagging._dispatch_job(job))
        self.assertEqual([('execute', 'first', 42)], unit_flows.CALLS)
        flow_detail = self._logbook(job).find(conductor.flow_detail_uuid(job.uuid))
        self.assertEqual(states.SUSPENDED, flow_detail.state)
        # Not a failure of the job: no hold-off, and the other worker resumes the flow.
        self.assertEqual([], board.held_off)
        self.assertTrue(self.conductor._dispatch_job(job))
        self.assertEqual([('execute', 'first', 42), ('execute', 'second', 42)],
                         unit_flows.CALLS)

    def test_refresh_extends_only_running_jobs(self):
        running, lost = FakeJob(), FakeJob()
        lost.claim_alive = False
        with self.conductor._tracking(running), self.conductor._tracking(lost):
            self.assertEqual(1, self.conductor.refresh_claims())
        self.assertEqual(0, self.conductor.refresh_claims())
        self.assertEqual([8, 8], running.extended + lost.extended)

    def test_consumed_job_logbook_is_removed_unless_kept(self):
        job = FakeJob()
        self.conductor._dispatch_job(job)
        self.conductor._forget_logbook('job_consumed', {'job': job})
        self.assertRaises(tf_exceptions.NotFound, self._logbook, job)

        self.config(group='f5_jobboard', save_logbook=True)
        keeper = conductor.Conductor('c3', self.board, self.persistence)
        kept = FakeJob()
        keeper._dispatch_job(kept)
        keeper._forget_logbook('job_consumed', {'job': kept})
        self.assertEqual(kept.uuid, self._logbook(kept).uuid)

    def test_conductor_names_are_never_reused(self):
        self.assertNotEqual(conductor.conductor_name(), conductor.conductor_name())
