# SPDX-License-Identifier: Apache-2.0
"""Tasks on their own: tenancy races, reverts that must not raise, missing Octavia objects."""

import threading

from octavia_f5.common import exceptions
from octavia_f5.flows import constants as c
from octavia_f5.flows import graph as graph_mod
from octavia_f5.flows import plan as plan_mod
from octavia_f5.flows import services
from octavia_f5.flows.tasks import device_tasks
from octavia_f5.flows.tasks import octavia_tasks
from octavia_f5.flows.tasks import status_tasks
from octavia_f5.flows import views as views_mod
from octavia_f5.flows import writer
from tests.unit.flows import base
from tests.unit.flows import octavia


class FailingReporter(octavia.FakeReporter):

    def update_status(self, update):
        raise RuntimeError('driver agent gone')


class TestTenancyTasks(base.FlowTestCase):

    def test_concurrent_first_load_balancers_of_a_project_both_succeed(self):
        lbs = [self.octavia.add('loadbalancer', vip_address='10.1.0.%d' % i)
               for i in (61, 62)]
        errors = []

        def create(lb):
            try:
                self.run_flow('loadbalancer_create',
                              self.octavia.payload('loadbalancer', lb['loadbalancer_id']))
            except Exception as error:
                errors.append(error)

        threads = [threading.Thread(target=create, args=(lb,)) for lb in lbs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual([], errors)
        objects = self.device_objects()
        self.assertEqual(1, len(objects['auth/partition']))
        self.assertEqual(2, len(objects['ltm/virtual-address']))
        for lb in lbs:
            self.assertStatus('loadbalancers', lb['loadbalancer_id'], 'ACTIVE')

    def test_partition_removed_by_a_concurrent_delete_is_created_again(self):
        lb = self.create('loadbalancer')
        tenancy = {'project_id': octavia.PROJECT, 'route_domain': self.device_objects()[
            'net/route-domain']['/Common/' + base.PARTITION]['id']}
        self.delete('loadbalancer', lb['loadbalancer_id'], cascade=False)
        self.assertEqual({}, self.device_objects())
        second = self.octavia.add('loadbalancer')
        graph = octavia_tasks.load_graph(self.reporter, c.OPERATIONS['loadbalancer_create'],
                                         {'loadbalancer': second})
        views = views_mod.views(c.OPERATIONS['loadbalancer_create'],
                                graph_mod.Graph.from_loadbalancer(graph),
                                {'loadbalancer': second})
        plan = plan_mod.make(views.before, views.after, device_tasks.context(tenancy))
        device_tasks.ApplyChanges._apply(writer.Writer(self.devices[0]), plan, tenancy)
        objects = self.device_objects()
        self.assertEqual([base.PARTITION], list(objects['auth/partition']))
        self.assertEqual(1, len(objects['ltm/virtual-address']))

    def test_unused_tenancy_is_removed_and_used_tenancy_stays(self):
        lb = self.create('loadbalancer')
        tenancy = {'project_id': octavia.PROJECT, 'route_domain': self.device_objects()[
            'net/route-domain']['/Common/' + base.PARTITION]['id']}
        device_tasks.remove_tenancy_if_unused(self.devices[0], tenancy)
        self.assertIn('ltm/virtual-address', self.device_objects())
        self.delete('loadbalancer', lb['loadbalancer_id'], cascade=False)
        self.assertEqual({}, self.device_objects())


class TestOctaviaAndStatusTasks(base.FlowTestCase):

    def test_load_balancer_of_an_l7_rule_is_found_through_its_parents(self):
        lb_id = self.octavia.add('loadbalancer')['loadbalancer_id']
        listener = self.octavia.add('listener', lb_id)
        policy = self.octavia.add('l7policy', listener['listener_id'])
        rule = self.octavia.add('l7rule', policy['l7policy_id'])
        found = octavia_tasks.loadbalancer_id(self.reporter, c.OPERATIONS['l7rule_create'],
                                              {'l7rule': rule})
        self.assertEqual(lb_id, found)

    def test_missing_parent_is_named_in_the_error(self):
        member = octavia.FakeOctavia().add('member', 'no-such-pool')
        error = self.assertRaises(exceptions.OctaviaObjectMissing,
                                  octavia_tasks.loadbalancer_id, self.reporter,
                                  c.OPERATIONS['member_create'], {'member': member})
        self.assertEqual(('pool', 'no-such-pool'), (error.kind, error.object_id))

    def test_error_on_revert_never_raises_when_reporting_fails(self):
        reporter = FailingReporter(self.octavia)
        services.configure(reporter=reporter)
        listener = self.octavia.add('listener', 'unknown-lb')
        task = status_tasks.ToErrorOnRevert('listener_create')
        task.revert(result=None, listener=listener)

    def test_error_on_revert_reports_from_the_payload_when_octavia_has_nothing(self):
        listener = octavia.FakeOctavia().add('listener', 'lb-gone')
        status_tasks.ToErrorOnRevert('listener_create').revert(result=None,
                                                               listener=listener)
        self.assertStatus('listeners', listener['listener_id'], 'ERROR')
        self.assertStatus('loadbalancers', 'lb-gone', 'ACTIVE')
