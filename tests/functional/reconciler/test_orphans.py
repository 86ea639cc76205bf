# SPDX-License-Identifier: Apache-2.0
"""Orphans: objects of ids Octavia does not know, unused partitions; never anything else."""

import uuid

from octavia_f5.bigip import paths
from octavia_f5.controller import reconcile_report as rr
from octavia_f5.flows.tasks import device_tasks
from tests.functional.reconciler import base

GONE_PROJECT = 'deadbeef' * 4


def new_id():
    return str(uuid.uuid4())


class TestOrphans(base.ReconcilerTestCase):

    def setUp(self):
        super().setUp()
        self.lb, self.listener, self.pool = self.basic_lb()
        self.lb_id = self.lb['loadbalancer_id']
        self.project = self.lb['project_id']
        self.admin = self.admins[0]

    def add_object(self, collection, name, partition=base.PARTITION, **fields):
        self.admin.post(paths.collection(collection),
                        dict(fields, name=name, partition=partition))
        return name

    def make_orphans(self):
        """Objects for ids Octavia does not know in our partition, and the operator's own."""
        return {
            ('ltm/pool', self.add_object('ltm/pool', 'pool_' + new_id(), members=[
                {'name': '192.168.77.1%{}:80'.format(self.route_domain()),
                 'partition': base.PARTITION}])),
            ('ltm/monitor/http', self.add_object('ltm/monitor/http', 'hm_' + new_id())),
            ('ltm/profile/http', self.add_object('ltm/profile/http',
                                                 'listener_%s_http' % new_id())),
            ('ltm/node', '192.168.77.1%{}'.format(self.route_domain())),
        }

    def route_domain(self):
        return self.admin.get(paths.item('auth/partition', base.PARTITION))[
            'defaultRouteDomain']

    def make_foreign_objects(self):
        """Objects the driver must never touch: /Common, other partitions, foreign names."""
        self.add_object('ltm/pool', 'pool_' + new_id(), partition='Common')
        self.admin.post(paths.collection('auth/partition'), {'name': 'customer_a'})
        self.add_object('ltm/pool', 'pool_' + new_id(), partition='customer_a')
        self.add_object('ltm/pool', 'operator_pool')
        return {
            'Common': self.names_on(0, 'ltm/pool', 'Common'),
            'customer_a': self.names_on(0, 'ltm/pool', 'customer_a'),
        }

    def test_orphans_in_our_partition_are_reported_and_removed(self):
        orphans = self.make_orphans()
        report = self.diff(project_id=self.project)
        found = report.project(self.project)
        self.assertEqual(orphans, {(f.collection, f.full_path.rsplit('/', 1)[-1])
                                   for f in found.orphans})
        self.assertEqual(rr.IN_SYNC, report.loadbalancer(self.lb_id).state, report.lines())
        self.assertFalse(report.clean)

        report = self.sync(project_id=self.project)
        self.assertTrue(report.clean, report.lines())
        for device in (0, 1):
            names = {(collection, name) for collection, names in
                     ((c, self.names_on(device, c)) for c, _n in orphans) for name in names}
            self.assertEqual(set(), orphans & names)
            self.assertIn('listener_' + self.listener['listener_id'],
                          self.names_on(device, 'ltm/virtual'))
        self.assertTrue(self.diff(project_id=self.project).clean)

    def test_objects_outside_our_partitions_and_foreign_names_are_never_touched(self):
        self.make_orphans()
        before = self.make_foreign_objects()
        self.sync()
        self.assertEqual(before['Common'], self.names_on(0, 'ltm/pool', 'Common'))
        self.assertEqual(before['customer_a'], self.names_on(0, 'ltm/pool', 'customer_a'))
        self.assertIn('operator_pool', self.names_on(0, 'ltm/pool'))
        self.assertIn('operator_pool', self.names_on(1, 'ltm/pool'))

    def test_partition_of_a_project_without_load_balancers_is_removed(self):
        device_tasks.ensure_tenancy(self.admin, GONE_PROJECT)
        gone = 'octavia_' + GONE_PROJECT
        self.assertIn('/Common/' + gone, self.sim.sim.dump(0)['net/route-domain'])
        self.add_object('ltm/pool', 'pool_' + new_id(), partition=gone)
        self.add_object('ltm/monitor/tcp', 'hm_' + new_id(), partition=gone)

        report = self.diff()
        found = report.project(GONE_PROJECT)
        self.assertEqual(2, len(found.orphans), report.lines())
        self.assertIn('no load balancer in Octavia', found.tenancy)

        report = self.sync()
        self.assertTrue(report.clean, report.lines())
        for device in (0, 1):
            dump = self.sim.sim.dump(device)
            self.assertNotIn(gone, dump.get('auth/partition', {}))
            self.assertNotIn('/Common/' + gone, dump.get('net/route-domain', {}))
            # the project that has a load balancer keeps its tenancy
            self.assertIn(base.PARTITION, dump.get('auth/partition', {}))

    def test_load_balancer_scope_never_removes_other_objects(self):
        orphans = self.make_orphans()
        report = self.sync(loadbalancer_id=self.lb_id)
        self.assertEqual([], report.projects)
        names = {(c, n) for c, _n in orphans for n in self.names_on(0, c)}
        self.assertEqual(orphans, orphans & names)

    def test_orphans_are_kept_when_removal_is_switched_off(self):
        self.config(group='f5_reconciler', remove_orphans=False)
        orphans = self.make_orphans()
        report = self.sync(project_id=self.project)
        self.assertIn('remove_orphans = false', report.project(self.project).action)
        names = {(c, n) for c, _n in orphans for n in self.names_on(0, c)}
        self.assertEqual(orphans, orphans & names)
