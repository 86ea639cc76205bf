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
        # Octavia never passes a listener's SNI containers in the old object, nor an update
        # that empties them: the SNI objects of a TLS listener are always looked for.
        self.assertEqual([lid], result.discover)

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


class TestWhatTheOldObjectLacks(ViewsTestCase):
    """Octavia's old object of an update lacks every field kept in another table."""

    def update_views(self, kind, object_id, **changes):
        old, updates = self.octavia.update(kind, object_id, **changes)
        return views.views(op('%s_update' % kind), self.graph(),
                           {kind: old, kind + '_updates': updates})

    def test_a_field_the_update_leaves_alone_comes_from_the_graph(self):
        lid = self.listener['listener_id']
        self.octavia.objects['listener'][lid]['allowed_cidrs'] = ['10.0.0.0/8']
        result = self.update_views('listener', lid, name='renamed')
        for view in (result.before, result.after):
            self.assertEqual(['10.0.0.0/8'], view.listeners[lid]['allowed_cidrs'])
        self.assertEqual('renamed', result.after.listeners[lid]['name'])
        self.assertEqual([], result.alternatives)

    def test_a_changed_field_the_old_object_lacks_gets_stand_in_alternatives(self):
        lid = self.listener['listener_id']
        self.octavia.objects['listener'][lid]['allowed_cidrs'] = ['10.0.0.0/8', '10.1.0.0/16']
        result = self.update_views('listener', lid, allowed_cidrs=None)
        self.assertIsNone(result.after.listeners[lid]['allowed_cidrs'])
        self.assertEqual([list(v) for v in views.STAND_INS['listener']['allowed_cidrs']],
                         [g.listeners[lid]['allowed_cidrs'] for g in result.alternatives])
        # Everything else of an alternative is the "before" view.
        alternative = result.alternatives[0]
        self.assertEqual(result.before.pools, alternative.pools)
        self.assertEqual('listener', alternative.listeners[lid]['name'])

    def test_a_changed_session_persistence_gets_one_alternative_per_type(self):
        pid = self.pool['pool_id']
        self.octavia.objects['pool'][pid]['session_persistence'] = {'type': 'HTTP_COOKIE'}
        result = self.update_views('pool', pid, session_persistence={'type': 'SOURCE_IP'})
        self.assertEqual({None, 'SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE'},
                         {(g.pools[pid]['session_persistence'] or {}).get('type')
                          for g in result.alternatives})
        self.assertEqual('SOURCE_IP',
                         result.after.pools[pid]['session_persistence']['type'])

    def test_emptied_sni_is_taken_from_the_graph_and_looked_for_on_the_device(self):
        lid = self.listener['listener_id']
        self.octavia.objects['listener'][lid].update(
            protocol='TERMINATED_HTTPS', default_tls_container_ref='ref-1',
            default_tls_container_data=certs.container('www.example.com'),
            sni_container_refs=['ref-2'],
            sni_container_data=[certs.container('api.example.com')])
        old, updates = self.octavia.update('listener', lid, sni_container_refs=[])
        self.assertEqual({}, updates)
        result = views.views(op('listener_update'), self.graph(),
                             {'listener': old, 'listener_updates': updates})
        self.assertEqual([], result.after.listeners[lid]['sni_container_refs'])
        self.assertEqual([lid], result.discover)

    def test_plain_listeners_are_not_looked_for_on_the_device(self):
        result = self.update_views('listener', self.listener['listener_id'], name='x')
        self.assertEqual([], result.discover)

    def test_load_balancer_update_keeps_the_flavor(self):
        self.octavia.objects['loadbalancer'][self.lb_id]['flavor'] = {'snat_mode': 'none'}
        result = self.update_views('loadbalancer', self.lb_id, name='renamed')
        self.assertEqual({'snat_mode': 'none'}, result.after.loadbalancer['flavor'])
        self.assertEqual('renamed', result.after.loadbalancer['name'])

    def test_certificate_data_of_another_container_is_never_paired_with_the_old_ref(self):
        lid = self.listener['listener_id']
        self.octavia.objects['listener'][lid].update(
            protocol='TERMINATED_HTTPS', default_tls_container_ref='ref-old',
            default_tls_container_data=certs.container('old.example.com'))
        old, updates = self.octavia.update('listener', lid, default_tls_container_ref='ref-new',
                                           default_tls_container_data=certs.container(
                                               'new.example.com'))
        # The graph, read after Octavia's commit, shows the new container already.
        result = views.views(op('listener_update'), self.graph(),
                             {'listener': old, 'listener_updates': updates})
        before = result.before.listeners[lid]
        self.assertEqual('ref-old', before['default_tls_container_ref'])
        self.assertEqual('stand-in-0', before['default_tls_container_data']['id'])


class TestL7Positions(ViewsTestCase):
    """Octavia renumbers a listener's policies; the graph may show them before or after."""

    def setUp(self):
        super().setUp()
        self.lid = self.listener['listener_id']
        # Ids sort against the expected order: a tie in positions would be broken wrongly.
        self.first = self.octavia.add('l7policy', self.lid, position=1,
                                      l7policy_id='0' * 8 + '-0000-4000-8000-' + '0' * 12)

    def order(self, view):
        policies = view.listeners[self.lid]['l7policies']
        return [(p['l7policy_id'], p['position'])
                for p in sorted(policies, key=lambda p: p['position'])]

    def test_moved_policy_goes_before_the_others_though_the_graph_is_not_renumbered(self):
        second = self.octavia.add('l7policy', self.lid, position=2,
                                  l7policy_id='f' * 8 + '-0000-4000-8000-' + '0' * 12)
        graph = self.graph()   # read before Octavia's commit: first still at 1
        old = self.octavia.render('l7policy', second['l7policy_id'], for_delete=True)
        result = views.views(op('l7policy_update'), graph,
                             {'l7policy': old, 'l7policy_updates': {'position': 1}})
        self.assertEqual([(self.first['l7policy_id'], 1), (second['l7policy_id'], 2)],
                         self.order(result.before))
        self.assertEqual([(second['l7policy_id'], 1), (self.first['l7policy_id'], 2)],
                         self.order(result.after))

    def test_moved_policy_with_a_renumbered_graph_gives_the_same_views(self):
        second = self.octavia.add('l7policy', self.lid, position=2,
                                  l7policy_id='f' * 8 + '-0000-4000-8000-' + '0' * 12)
        old = self.octavia.render('l7policy', second['l7policy_id'], for_delete=True)
        self.octavia.objects['l7policy'][second['l7policy_id']]['position'] = 1
        self.octavia.objects['l7policy'][self.first['l7policy_id']]['position'] = 2
        result = views.views(op('l7policy_update'), self.graph(),
                             {'l7policy': old, 'l7policy_updates': {'position': 1}})
        self.assertEqual([(self.first['l7policy_id'], 1), (second['l7policy_id'], 2)],
                         self.order(result.before))
        self.assertEqual([(second['l7policy_id'], 1), (self.first['l7policy_id'], 2)],
                         self.order(result.after))

    def test_created_policy_takes_its_position_among_the_others(self):
        new = octavia.FakeOctavia().add('l7policy', self.lid, position=1,
                                        l7policy_id='f' * 8 + '-0000-4000-8000-' + '1' * 12)
        result = views.views(op('l7policy_create'), self.graph(), {'l7policy': new})
        self.assertEqual([(new['l7policy_id'], 1), (self.first['l7policy_id'], 2)],
                         self.order(result.after))
        self.assertEqual([(self.first['l7policy_id'], 1)], self.order(result.before))
