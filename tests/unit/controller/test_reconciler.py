# SPDX-License-Identifier: Apache-2.0
"""The reconciler on the in-process simulator, with Octavia and the jobboard faked."""

import datetime

from octavia_f5.bigip import paths
from octavia_f5.common import exceptions
from octavia_f5.controller import jobs
from octavia_f5.controller import octavia_api
from octavia_f5.controller import pending
from octavia_f5.controller import reconcile_report as rr
from octavia_f5.controller import reconciler
from tests import base
from tests.unit.flows import base as flows_base


class FakeApi(object):
    """Octavia's API over a FakeOctavia; ``status[lb id]`` defaults to ACTIVE."""

    def __init__(self, octavia):
        self.octavia = octavia
        self.status = {}
        self.deleting = set()

    def _record(self, lb):
        return octavia_api.LoadBalancer(lb['loadbalancer_id'], lb['project_id'],
                                        self.status.get(lb['loadbalancer_id'], 'ACTIVE'),
                                        '2000-01-01T00:00:00')

    def loadbalancers(self, project_id=None):
        return [self._record(lb) for lb in self.octavia.objects['loadbalancer'].values()
                if project_id in (None, lb['project_id'])]

    def loadbalancer(self, loadbalancer_id):
        found = self.octavia.objects['loadbalancer'].get(loadbalancer_id)
        return self._record(found) if found else None

    def pending_deletes(self, loadbalancer, graph):
        return set(self.deleting)


class TestReconciler(flows_base.FlowTestCase):

    def setUp(self):
        super().setUp()
        self.config(group='f5_reconciler', pending_timeout=0)
        self.api = FakeApi(self.octavia)
        self.live = jobs.LiveJobs()
        self.reconciler = reconciler.Reconciler(self.cluster, self.reporter, self.api,
                                                lambda: self.live)
        self.lb, self.listener, self.pool = self.basic_lb()
        self.lb_id = self.lb['loadbalancer_id']
        self.virtual = paths.item('ltm/virtual', 'listener_' + self.listener['listener_id'],
                                  flows_base.PARTITION)

    def run_reconciler(self, mode, **scope):
        scope = reconciler.Scope(**scope) if scope else reconciler.Scope(everything=True)
        return self.reconciler.run(scope, mode)

    def test_in_sync_load_balancer_costs_no_write(self):
        self.sim.sim.clear_calls()
        report = self.run_reconciler(reconciler.SYNC)
        self.assertEqual(rr.IN_SYNC, report.loadbalancer(self.lb_id).state)
        self.assertEqual([], [c for c in self.rest_calls() if c['method'] != 'GET'])

    def test_error_load_balancer_is_shown_but_not_repaired(self):
        self.devices[0].delete(self.virtual)
        self.api.status[self.lb_id] = 'ERROR'
        report = self.run_reconciler(reconciler.SYNC)
        self.assertEqual(rr.NOT_REPAIRED, report.loadbalancer(self.lb_id).state)
        self.assertFalse(self.devices[0].exists(self.virtual))
        self.assertFalse(report.clean)

    def test_load_balancer_named_by_a_live_job_is_busy_and_untouched(self):
        self.devices[0].delete(self.virtual)
        self.live = jobs.LiveJobs(frozenset([self.listener['listener_id']]), 1)
        report = self.run_reconciler(reconciler.SYNC)
        self.assertEqual(rr.BUSY, report.loadbalancer(self.lb_id).state)
        self.assertFalse(self.devices[0].exists(self.virtual))

    def test_objects_a_job_is_creating_are_not_orphans(self):
        self.devices[0].post(paths.collection('ltm/pool'), {
            'name': 'pool_new-one', 'partition': flows_base.PARTITION})
        self.live = jobs.LiveJobs(frozenset(['new-one']), 1)
        report = self.run_reconciler(reconciler.SYNC)
        self.assertEqual([], report.project(self.lb['project_id']).orphans)
        self.assertTrue(self.devices[0].exists(paths.item('ltm/pool', 'pool_new-one',
                                                          flows_base.PARTITION)))

    def test_unknown_load_balancer_is_an_error_naming_the_project_scope(self):
        report = self.run_reconciler(reconciler.DIFF, loadbalancer_id='nope')
        self.assertIn('use --project', report.errors[0])
        self.assertFalse(report.clean)

    def test_unreadable_octavia_is_an_error_and_nothing_is_removed(self):
        def broken(project_id=None):
            raise exceptions.OctaviaApiError('Reading the load balancers failed: 503')
        self.api.loadbalancers = broken
        self.devices[0].post(paths.collection('ltm/pool'), {
            'name': 'pool_orphan', 'partition': flows_base.PARTITION})
        report = self.run_reconciler(reconciler.SYNC)
        self.assertEqual(['Reading the load balancers failed: 503'], report.errors)
        self.assertTrue(self.devices[0].exists(paths.item('ltm/pool', 'pool_orphan',
                                                          flows_base.PARTITION)))

    def test_refused_finish_of_a_lost_job_reports_the_load_balancer_error(self):
        listener = self.octavia.add('listener', self.lb_id, protocol_port=81)
        self.api.status[self.lb_id] = 'PENDING_UPDATE'
        self.sim.sim.add_fault(method='POST', path='/ltm/virtual$', status=400, body={
            'code': 400, 'message': '01070734:3: Configuration error: injected',
            'errorStack': [], 'apiError': 3})
        report = self.run_reconciler(reconciler.SYNC)
        self.assertEqual(rr.FAILED, report.loadbalancer(self.lb_id).state)
        self.assertStatus('loadbalancers', self.lb_id, 'ERROR')
        self.assertEqual({}, self.status('listeners', listener['listener_id']))


class TestPieces(base.TestCase):

    def test_ids_of_a_job_payload_at_any_depth(self):
        payload = {'loadbalancer': {'loadbalancer_id': 'lb', 'project_id': 'p', 'pools': [
            {'pool_id': 'pool', 'members': [{'member_id': 'm', 'pool_id': 'pool'}]}],
            'listeners': [{'listener_id': 'l', 'default_tls_container_data':
                           {'__f5_encrypted__': 'token'}}]}}
        self.assertEqual({'lb', 'p', 'pool', 'm', 'l'}, jobs.ids_in(payload))
        self.assertTrue(jobs.LiveJobs(frozenset(['m']), 1).concern({'x', 'm'}))
        self.assertFalse(jobs.LiveJobs().concern({'x'}))

    def test_age_of_octavia_timestamps(self):
        now = datetime.datetime(2026, 1, 1, 0, 10, tzinfo=datetime.timezone.utc)
        self.assertEqual(600, pending.age('2026-01-01T00:00:00', now))
        self.assertEqual(600, pending.age('2026-01-01T00:00:00Z', now))
        self.assertIsNone(pending.age(None, now))
        self.assertIsNone(pending.age('yesterday', now))

    def test_octavia_api_needs_credentials_or_noauth_with_an_endpoint(self):
        self.assertFalse(octavia_api.configured(self.conf.conf))
        self.assertRaises(exceptions.ReconcilerNotConfigured, octavia_api.connect,
                          self.conf.conf)
        self.config(group='f5_reconciler', auth_type='none')
        self.assertRaises(exceptions.ReconcilerNotConfigured, octavia_api.connect,
                          self.conf.conf)
        self.config(group='f5_reconciler', endpoint_override='http://127.0.0.1:9')
        self.assertTrue(octavia_api.configured(self.conf.conf))
        connection = octavia_api.connect(self.conf.conf)
        self.assertEqual('http://127.0.0.1:9',
                         connection.config.get_endpoint('load-balancer'))

    def test_report_is_clean_only_when_nothing_is_left(self):
        report = rr.Report(reconciler.DIFF)
        self.assertTrue(report.clean)
        self.assertEqual(['nothing to reconcile'], report.lines())
        project = rr.ProjectReport('p', 'octavia_p', 'dev', tenancy='unused')
        report.projects.append(project)
        self.assertFalse(report.clean)
        project.repaired = True
        self.assertTrue(report.clean)
