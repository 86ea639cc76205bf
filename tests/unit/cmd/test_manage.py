# SPDX-License-Identifier: Apache-2.0
"""octavia-f5-manage: its command line, exit statuses and configuration errors."""

import io

import fixtures
from oslo_config import cfg

from octavia_f5.cmd import manage
from octavia_f5.controller import reconcile_report as rr
from octavia_f5.controller import reconciler
from octavia_f5.flows import drift
from tests import base


def parse(*argv):
    return manage.parse(list(argv), cfg.ConfigOpts(), default_config_files=[])


class TestArguments(base.TestCase):

    def test_diff_of_one_load_balancer(self):
        command = parse('diff', '--loadbalancer', 'lb-1')
        self.assertEqual(reconciler.DIFF, command.mode)
        self.assertEqual(reconciler.Scope(loadbalancer_id='lb-1'), command.scope)
        self.assertFalse(command.json)

    def test_sync_of_a_project_and_of_everything(self):
        self.assertEqual((reconciler.SYNC, reconciler.Scope(project_id='p1')),
                         parse('sync', '--project', 'p1')[:2])
        self.assertEqual((reconciler.SYNC, reconciler.Scope(everything=True)),
                         parse('sync', '--all')[:2])

    def test_dry_run_and_json(self):
        command = parse('sync', '--all', '--dry-run', '--json')
        self.assertEqual(reconciler.DRY_RUN, command.mode)
        self.assertTrue(command.json)

    def test_usage_errors_exit_with_status_two(self):
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', io.StringIO()))
        for argv in ([], ['diff'], ['diff', '--all', '--project', 'p'],
                     ['diff', '--all', '--dry-run'], ['sync', '--loadbalancer'],
                     ['repair', '--all']):
            error = self.assertRaises(SystemExit, parse, *argv)
            self.assertEqual(2, error.code, argv)

    def test_config_file_options_are_read(self):
        path = self.useFixture(fixtures.TempDir()).path + '/octavia.conf'
        with open(path, 'w') as f:
            f.write('[f5_reconciler]\npending_timeout = 42\n')
        conf = cfg.ConfigOpts()
        manage.parse(['--config-file', path, 'diff', '--all'], conf, default_config_files=[])
        self.assertEqual(42, conf.f5_reconciler.pending_timeout)


class FakeReconciler(object):
    def __init__(self, report):
        self.report = report
        self.runs = []

    def run(self, scope, mode):
        self.runs.append((scope, mode))
        return self.report


class FakeCluster(object):
    closed = False

    def close(self):
        self.closed = True


class TestRun(base.TestCase):

    def run_with(self, report, *argv):
        worker, cluster = FakeReconciler(report), FakeCluster()
        self.useFixture(fixtures.MockPatchObject(manage, 'make_reconciler',
                                                 return_value=(cluster, worker)))
        out = io.StringIO()
        status = manage.run(parse(*argv), cfg.CONF, out)
        self.assertTrue(cluster.closed)
        return status, out.getvalue(), worker.runs

    def drifted(self):
        report = rr.Report(reconciler.DIFF)
        lb = rr.LoadBalancerReport('lb-1', 'p1', 'ACTIVE', 'dev', state=rr.DRIFT)
        lb.findings = [drift.Finding('missing', 'ltm/virtual', '/octavia_p1/listener_x')]
        report.loadbalancers.append(lb)
        return report

    def test_differences_exit_with_one_and_are_printed(self):
        status, out, runs = self.run_with(self.drifted(), 'diff', '--loadbalancer', 'lb-1')
        self.assertEqual(1, status)
        self.assertEqual([(reconciler.Scope(loadbalancer_id='lb-1'), reconciler.DIFF)], runs)
        self.assertIn('missing   ltm/virtual /octavia_p1/listener_x', out)
        self.assertIn('load balancer lb-1 (project p1, ACTIVE) on dev: drift', out)

    def test_nothing_left_exits_with_zero(self):
        report = rr.Report(reconciler.SYNC)
        report.loadbalancers.append(rr.LoadBalancerReport('lb-1', 'p1', 'ACTIVE', 'dev',
                                                          state=rr.REPAIRED))
        status, out, _runs = self.run_with(report, 'sync', '--all', '--json')
        self.assertEqual(0, status)
        self.assertIn('"state": "repaired"', out)
        self.assertIn('"clean": true', out)

    def test_missing_driver_agent_socket_is_a_configuration_error(self):
        self.config(group='f5_driver_agent', get_socket_path='/nonexistent/get.sock')
        stderr = self.useFixture(fixtures.MonkeyPatch('sys.stderr', io.StringIO())).new_value
        self.assertEqual(2, manage.run(parse('diff', '--all'), cfg.CONF, io.StringIO()))
        self.assertIn('/nonexistent/get.sock', stderr.getvalue())
