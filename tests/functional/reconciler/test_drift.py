# SPDX-License-Identifier: Apache-2.0
"""diff and sync against the active device: deleted objects, changed properties, scopes."""

from octavia_f5.controller import reconcile_report as rr
from octavia_f5.flows import drift
from tests.functional.reconciler import base

VIRTUAL = 'ltm/virtual'
POOL = 'ltm/pool'
MONITOR = 'ltm/monitor/http'


class TestDrift(base.ReconcilerTestCase):

    def setUp(self):
        super().setUp()
        self.lb, self.listener, self.pool = self.basic_lb(members=2)
        self.lb_id = self.lb['loadbalancer_id']
        self.virtual = 'listener_' + self.listener['listener_id']
        self.pool_name = 'pool_' + self.pool['pool_id']

    def test_a_fresh_load_balancer_is_in_sync(self):
        report = self.diff()
        self.assertEqual(rr.IN_SYNC, report.loadbalancer(self.lb_id).state, report.lines())
        self.assertTrue(report.clean, report.lines())

    def test_object_deleted_behind_octavias_back_is_reported_and_restored(self):
        admin = self.admins[0]
        admin.patch(self.item(POOL, self.pool_name), {'monitor': ''})
        hm = self.octavia.children('healthmonitor', self.pool['pool_id'])[0]
        admin.delete(self.item(MONITOR, 'hm_' + hm['healthmonitor_id']))
        admin.delete(self.item(VIRTUAL, self.virtual))

        report = self.diff(loadbalancer_id=self.lb_id)
        self.assertEqual(rr.DRIFT, report.loadbalancer(self.lb_id).state)
        self.assertEqual({('missing', VIRTUAL, self.virtual, ()),
                          ('missing', MONITOR, 'hm_' + hm['healthmonitor_id'], ()),
                          ('different', POOL, self.pool_name, ('monitor',))},
                         self.findings(report, self.lb_id))
        self.assertFalse(report.clean)

        report = self.sync(loadbalancer_id=self.lb_id)
        self.assertEqual(rr.REPAIRED, report.loadbalancer(self.lb_id).state, report.lines())
        for device in (0, 1):
            self.assertIn(self.virtual, self.names_on(device, VIRTUAL))
            self.assertIn('hm_' + hm['healthmonitor_id'], self.names_on(device, MONITOR))
            self.assertEqual('/%s/hm_%s' % (base.PARTITION, hm['healthmonitor_id']),
                             self.objects_on(device)[POOL]['/%s/%s' % (
                                 base.PARTITION, self.pool_name)]['monitor'].strip())
        self.assertEqual(rr.IN_SYNC, self.diff().loadbalancer(self.lb_id).state)

    def test_changed_property_is_reported_and_corrected(self):
        admin = self.admins[0]
        admin.patch(self.item(VIRTUAL, self.virtual), {'connectionLimit': 7})
        admin.patch(self.item(POOL, self.pool_name),
                    {'loadBalancingMode': 'least-connections-member'})

        report = self.diff(project_id=self.lb['project_id'])
        self.assertEqual({('different', VIRTUAL, self.virtual, ('connectionLimit',)),
                          ('different', POOL, self.pool_name, ('loadBalancingMode',))},
                         self.findings(report, self.lb_id))

        self.sync(project_id=self.lb['project_id'])
        for device in (0, 1):
            objects = self.objects_on(device)
            self.assertEqual(0, objects[VIRTUAL]['/%s/%s' % (
                base.PARTITION, self.virtual)]['connectionLimit'])
            self.assertEqual('round-robin', objects[POOL]['/%s/%s' % (
                base.PARTITION, self.pool_name)]['loadBalancingMode'])
        self.assertTrue(self.diff().clean)

    def test_removed_member_is_restored_in_the_pool(self):
        members = self.objects_on(0)[POOL]['/%s/%s' % (base.PARTITION, self.pool_name)]
        kept = members['membersReference']['items'][:1]
        self.admins[0].patch(self.item(POOL, self.pool_name), {'members': [
            {'name': m['name'], 'partition': base.PARTITION} for m in kept]})

        self.assertEqual({('different', POOL, self.pool_name, ('members',))},
                         self.findings(self.diff(), self.lb_id))
        self.sync()
        shown = self.objects_on(1)[POOL]['/%s/%s' % (base.PARTITION, self.pool_name)]
        self.assertEqual(2, len(shown['membersReference']['items']))

    def test_obsolete_object_of_a_known_listener_is_extra_and_removed(self):
        name = '%s_persist_cookie' % self.virtual
        self.admins[0].post('/mgmt/tm/ltm/persistence/cookie',
                            {'name': name, 'partition': base.PARTITION})
        self.assertEqual({('extra', 'ltm/persistence/cookie', name, ())},
                         self.findings(self.diff(), self.lb_id))
        self.sync()
        self.assertNotIn(name, self.names_on(0, 'ltm/persistence/cookie'))

    def test_diff_changes_nothing_and_dry_run_says_what_sync_would_do(self):
        self.admins[0].delete(self.item(VIRTUAL, self.virtual))
        self.sim.sim.clear_calls(0)
        report = self.reconcile('dry-run')
        self.assertIn('would write 1 object(s)', report.loadbalancer(self.lb_id).action)
        writes = [c for c in self.sim.sim.calls(0) if c['method'] != 'GET'
                  and '/authz/' not in c['path'] and '/authn/' not in c['path']]
        self.assertEqual([], writes)
        self.assertNotIn(self.virtual, self.names_on(0, VIRTUAL))

    def test_partition_is_read_with_one_request_per_collection(self):
        for port in (8001, 8002, 8003):
            self.create('listener', self.lb_id, protocol_port=port)
        self.wait_jobs_done()
        self.sim.sim.clear_calls(0)
        self.diff(project_id=self.lb['project_id'])
        gets = [c['path'] for c in self.sim.sim.calls(0) if c['method'] == 'GET'
                and c['path'].startswith('/mgmt/tm/') and '/tm/cm/' not in c['path']]
        # The same requests whatever the partition holds; no other partition is read.
        self.assertEqual(sorted(['/mgmt/tm/auth/partition/' + base.PARTITION] +
                                ['/mgmt/tm/' + name for name in drift.COLLECTIONS]),
                         sorted(gets))
