# SPDX-License-Identifier: Apache-2.0
"""Graph edits and the before/after views of each operation (pure)."""

from octavia_f5.flows import constants as c
from octavia_f5.flows import graph as graph_mod
from octavia_f5.flows import views
from tests import base
from tests.unit.flows import certs
from tests.unit.flows import octavia


def op(name):
    return c.OPERATIONS[name]


class ViewsTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.octavia = octavia.FakeOctavia()
        self.lb = self.octavia.add('loadbalancer')
        self.lb_id = self.lb['loadbalancer_id']
        self.listener = self.octavia.add('listener', self.lb_id)
        self.pool = self.octavia.add('pool', self.lb_id,
                                     listener_id=self.listener['listener_id'])

    def graph(self):
        return graph_mod.Graph.from_loadbalancer(self.octavia.render('loadbalancer',
                                                                     self.lb_id))


class TestGraph(ViewsTestCase):

    def test_listener_loses_its_nested_copy_of_the_default_pool(self):
        graph = self.graph()
        listener = graph.listeners[self.listener['listener_id']]
        self.assertNotIn('default_pool', listener)
        self.assertEqual(self.pool['pool_id'], listener['default_pool_id'])
        self.assertEqual([], graph.pools[self.pool['pool_id']]['members'])

    def test_removing_a_pool_clears_the_listeners_default_pool(self):
        graph = self.graph().remove(c.POOL, self.pool['pool_id'])
        self.assertIsNone(graph.listeners[self.listener['listener_id']]['default_pool_id'])
        self.assertEqual({}, graph.pools)

    def test_put_keeps_the_children_the_graph_holds(self):
        member = self.octavia.add('member', self.pool['pool_id'])
        graph = self.graph()
        changed = graph.put(c.POOL, dict(self.pool, members=None, name='renamed'))
        pool = changed.pools[self.pool['pool_id']]
        self.assertEqual('renamed', pool['name'])
        self.assertEqual([member['member_id']], [m['member_id'] for m in pool['members']])
        self.assertEqual('pool', graph.pools[self.pool['pool_id']]['name'])

    def test_l7_rule_is_put_into_its_policy(self):
        policy = self.octavia.add('l7policy', self.listener['listener_id'])
        rule = dict(self.octavia.add('l7rule', policy['l7policy_id']), value='/x')
        graph = self.graph().put(c.L7RULE, rule)
        self.assertEqual(['/x'], [r['value'] for r in graph.objects(c.L7RULE)])
        self.assertEqual(self.listener['listener_id'],
                         graph.policy_listener(policy['l7policy_id'])['listener_id'])


class TestViews(ViewsTestCase):

    def test_create_view_before_lacks_the_object_after_has_it(self):
        member = self.octavia.add('member', self.pool['pool_id'])
        result = views.views(op('member_create'), self.graph(),
                             {'member': self.octavia.render('member', member['member_id'])})
        self.assertIsNone(result.before.find(c.MEMBER, member['member_id']))
        self.assertIsNotNone(result.after.find(c.MEMBER, member['member_id']))

    def test_create_of_an_object_not_yet_committed_takes_the_payload(self):
        member = octavia.FakeOctavia().add('member', self.pool['pool_id'])
        result = views.views(op('member_create'), self.graph(), {'member': member})
        self.assertEqual(member['address'],
                         result.after.find(c.MEMBER, member['member_id'])['address'])

    def test_update_uses_payload_old_and_merged_new_whatever_the_graph_shows(self):
        old, updates = self.octavia.update('listener', self.listener['listener_id'],
                                           connection_limit=5)
        result = views.views(op('listener_update'), self.graph(),
                             {'listener': old, 'listener_updates': updates})
        lid = self.listener['listener_id']
        self.assertEqual(-1, result.before.listeners[lid]['connection_limit'])
        self.assertEqual(5, result.after.listeners[lid]['connection_limit'])
        self.assertEqual([], result.discover)

    def test_unchanged_certificate_data_comes_from_the_graph(self):
        container = certs.container('same.example.com')
        lid = self.listener['listener_id']
        self.octavia.objects['listener'][lid].update(
            protocol='TERMINATED_HTTPS', default_tls_container_ref='ref-1',
            default_tls_container_data=container)
        old, updates = self.octavia.update('listener', lid, name='x')
        self.assertIsNone(old['default_tls_container_data'])
        result = views.views(op('listener_update'), self.graph(),
                             {'listener': old, 'listener_updates': updates})
        self.assertEqual(container, result.before.listeners[lid]['default_tls_container_data'])
        self.assertEqual([], result.discover)

    def test_replaced_certificate_gets_a_stand_in_and_its_listener_is_discovered(self):
        lid = self.listener['listener_id']
        self.octavia.objects['listener'][lid].update(
            protocol='TERMINATED_HTTPS', default_tls_container_ref='ref-old',
            default_tls_container_data=certs.container('old.example.com'))
        new = certs.container('new.example.com')
        old, updates = self.octavia.update('listener', lid, default_tls_container_ref='ref-new',
                                           default_tls_container_data=new)
        result = views.views(op('listener_update'), self.graph(),
                             {'listener': old, 'listener_updates': updates})
        self.assertEqual([lid], result.discover)
        self.assertEqual('stand-in-0',
                         result.before.listeners[lid]['default_tls_container_data']['id'])
        self.assertEqual(new, result.after.listeners[lid]['default_tls_container_data'])

    def test_batch_keeps_listed_members_merges_values_and_drops_the_rest(self):
        keep = self.octavia.add('member', self.pool['pool_id'], weight=3)
        gone = self.octavia.add('member', self.pool['pool_id'])
        new = octavia.FakeOctavia().add('member', self.pool['pool_id'])
        payload = {'pool_id': self.pool['pool_id'],
                   'members': [{'member_id': keep['member_id'], 'weight': 9}, new]}
        result = views.views(op('member_batch_update'), self.graph(), payload)
        after = {m['member_id']: m for m in result.after.pools[self.pool['pool_id']]['members']}
        self.assertEqual({keep['member_id'], new['member_id']}, set(after))
        self.assertEqual(9, after[keep['member_id']]['weight'])
        self.assertEqual(keep['address'], after[keep['member_id']]['address'])
        self.assertIsNotNone(result.before.find(c.MEMBER, gone['member_id']))
        self.assertEqual([(c.POOL, self.pool['pool_id'])], result.rewrite)

    def test_delete_view_after_lacks_the_object_and_its_children(self):
        self.octavia.add('member', self.pool['pool_id'])
        result = views.views(op('pool_delete'), self.graph(),
                             self.octavia.payload('pool', self.pool['pool_id'], True))
        self.assertEqual({}, result.after.pools)
        self.assertEqual([], result.after.objects(c.MEMBER))
        self.assertEqual(1, len(result.before.objects(c.MEMBER)))

    def test_failover_view_starts_from_nothing(self):
        result = views.views(op('loadbalancer_failover'), self.graph(),
                             {'loadbalancer_id': self.lb_id})
        self.assertTrue(result.before.empty)
        self.assertEqual([self.listener['listener_id']], list(result.after.listeners))
