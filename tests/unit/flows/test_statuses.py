# SPDX-License-Identifier: Apache-2.0
"""Status updates that end operations, on success and on failure (pure)."""

from octavia_f5.flows import constants as c
from octavia_f5.flows import graph as graph_mod
from octavia_f5.flows import statuses
from octavia_f5.flows import views
from tests import base
from tests.unit.flows import octavia


def records(update):
    """{(plural kind, id): (provisioning, operating)}."""
    return {(kind, r['id']): (r.get('provisioning_status'), r.get('operating_status'))
            for kind, items in update.items() for r in items}


class TestStatuses(base.TestCase):

    def setUp(self):
        super().setUp()
        self.octavia = octavia.FakeOctavia()
        self.lb_id = self.octavia.add('loadbalancer')['loadbalancer_id']
        self.lid = self.octavia.add('listener', self.lb_id)['listener_id']
        self.pool_id = self.octavia.add('pool', self.lb_id, listener_id=self.lid)['pool_id']

    def graph(self):
        return graph_mod.Graph.from_loadbalancer(
            self.octavia.render('loadbalancer', self.lb_id))

    def success(self, operation, payload):
        op = c.OPERATIONS[operation]
        return records(statuses.on_success(op, views.views(op, self.graph(), payload),
                                           payload))

    def failure(self, operation, payload, graph=None):
        op = c.OPERATIONS[operation]
        return records(statuses.on_failure(op, graph or self.graph(), payload))

    def test_member_create_reports_member_pool_listener_and_load_balancer(self):
        member = self.octavia.add('member', self.pool_id)
        result = self.success('member_create', self.octavia.payload('member',
                                                                    member['member_id']))
        self.assertEqual({('members', member['member_id']): ('ACTIVE', 'NO_MONITOR'),
                          ('pools', self.pool_id): ('ACTIVE', None),
                          ('listeners', self.lid): ('ACTIVE', None),
                          ('loadbalancers', self.lb_id): ('ACTIVE', None)}, result)

    def test_disabled_member_is_offline_even_without_a_monitor(self):
        # octavia-tempest-plugin's member update tests wait for exactly this.
        member = self.octavia.add('member', self.pool_id, admin_state_up=False)
        result = self.success('member_create', self.octavia.payload('member',
                                                                    member['member_id']))
        self.assertEqual(('ACTIVE', 'OFFLINE'), result[('members', member['member_id'])])

    def test_member_of_a_monitored_pool_starts_offline(self):
        self.octavia.add('healthmonitor', self.pool_id)
        member = self.octavia.add('member', self.pool_id)
        result = self.success('member_create', self.octavia.payload('member',
                                                                    member['member_id']))
        self.assertEqual(('ACTIVE', 'OFFLINE'), result[('members', member['member_id'])])

    def test_pool_without_listener_is_offline(self):
        pool = self.octavia.add('pool', self.lb_id)
        result = self.success('pool_create', self.octavia.payload('pool', pool['pool_id']))
        self.assertEqual(('ACTIVE', 'OFFLINE'), result[('pools', pool['pool_id'])])
        self.assertEqual(('ACTIVE', None), result[('loadbalancers', self.lb_id)])

    def test_disabled_health_monitor_is_offline(self):
        hm = self.octavia.add('healthmonitor', self.pool_id, admin_state_up=False)
        result = self.success('health_monitor_create',
                              self.octavia.payload('healthmonitor', hm['healthmonitor_id']))
        self.assertEqual(('ACTIVE', 'OFFLINE'), result[('healthmonitors',
                                                        hm['healthmonitor_id'])])

    def test_l7_rule_reports_its_policy_and_listener_active(self):
        policy = self.octavia.add('l7policy', self.lid)
        rule = self.octavia.add('l7rule', policy['l7policy_id'])
        result = self.success('l7rule_create', self.octavia.payload('l7rule',
                                                                    rule['l7rule_id']))
        self.assertEqual(('ACTIVE', 'ONLINE'), result[('l7rules', rule['l7rule_id'])])
        self.assertEqual(('ACTIVE', None), result[('l7policies', policy['l7policy_id'])])
        self.assertEqual(('ACTIVE', None), result[('listeners', self.lid)])

    def test_pool_delete_reports_its_members_and_monitor_deleted(self):
        member = self.octavia.add('member', self.pool_id)
        hm = self.octavia.add('healthmonitor', self.pool_id)
        result = self.success('pool_delete', self.octavia.payload('pool', self.pool_id, True))
        self.assertEqual(('DELETED', None), result[('members', member['member_id'])])
        self.assertEqual(('DELETED', None), result[('healthmonitors', hm['healthmonitor_id'])])
        self.assertEqual(('DELETED', None), result[('pools', self.pool_id)])
        self.assertEqual(('ACTIVE', None), result[('listeners', self.lid)])

    def test_cascade_delete_reports_every_object_deleted(self):
        member = self.octavia.add('member', self.pool_id)
        payload = dict(self.octavia.payload('loadbalancer', self.lb_id, True), cascade=True)
        result = self.success('loadbalancer_delete', payload)
        self.assertEqual({'DELETED'}, {p for p, _o in result.values()})
        self.assertIn(('members', member['member_id']), result)
        self.assertIn(('listeners', self.lid), result)

    def test_batch_reports_kept_members_active_and_missing_ones_deleted(self):
        keep = self.octavia.add('member', self.pool_id)
        gone = self.octavia.add('member', self.pool_id)
        result = self.success('member_batch_update', {'pool_id': self.pool_id,
                                                      'members': [keep]})
        self.assertEqual('ACTIVE', result[('members', keep['member_id'])][0])
        self.assertEqual(('DELETED', None), result[('members', gone['member_id'])])
        self.assertEqual(('ACTIVE', None), result[('pools', self.pool_id)])

    def test_health_monitor_delete_puts_members_back_to_no_monitor(self):
        member = self.octavia.add('member', self.pool_id)
        hm = self.octavia.add('healthmonitor', self.pool_id)
        result = self.success('health_monitor_delete',
                              self.octavia.payload('healthmonitor', hm['healthmonitor_id']))
        self.assertEqual((None, 'NO_MONITOR'), result[('members', member['member_id'])])

    def test_listener_switching_pools_turns_them_online_and_offline(self):
        other = self.octavia.add('pool', self.lb_id)['pool_id']
        old, updates = self.octavia.update('listener', self.lid, default_pool_id=other)
        result = self.success('listener_update', {'listener': old,
                                                  'listener_updates': updates})
        self.assertEqual((None, 'ONLINE'), result[('pools', other)])
        self.assertEqual((None, 'OFFLINE'), result[('pools', self.pool_id)])

    def test_failed_listener_update_reports_listener_error_and_load_balancer_active(self):
        old, updates = self.octavia.update('listener', self.lid, name='x')
        result = self.failure('listener_update', {'listener': old,
                                                  'listener_updates': updates})
        self.assertEqual({('listeners', self.lid): ('ERROR', None),
                          ('loadbalancers', self.lb_id): ('ACTIVE', None)}, result)

    def test_failed_load_balancer_create_reports_it_and_its_children_error(self):
        payload = self.octavia.payload('loadbalancer', self.lb_id)
        result = self.failure('loadbalancer_create', payload, graph_mod.Graph())
        self.assertEqual({'ERROR'}, {p for p, _o in result.values()})
        self.assertIn(('listeners', self.lid), result)

    def test_failure_without_graph_uses_the_ids_of_the_payload(self):
        member = self.octavia.add('member', self.pool_id)
        payload = self.octavia.payload('member', member['member_id'])
        result = self.failure('member_create', payload, graph_mod.Graph())
        self.assertEqual({('members', member['member_id']): ('ERROR', None),
                          ('pools', self.pool_id): ('ACTIVE', None)}, result)

    def test_failed_batch_reports_every_member_of_it_error(self):
        keep = self.octavia.add('member', self.pool_id)
        new = octavia.FakeOctavia().add('member', self.pool_id)
        result = self.failure('member_batch_update', {'pool_id': self.pool_id,
                                                      'members': [new]})
        self.assertEqual(('ERROR', None), result[('members', keep['member_id'])])
        self.assertEqual(('ERROR', None), result[('members', new['member_id'])])
        self.assertEqual(('ACTIVE', None), result[('pools', self.pool_id)])
