# SPDX-License-Identifier: Apache-2.0
"""Plans: which BIG-IP objects an operation writes, in which order (pure)."""

from octavia_f5.bigip.mapping import context
from octavia_f5.bigip.mapping import resource
from octavia_f5.flows import constants as c
from octavia_f5.flows import graph as graph_mod
from octavia_f5.flows import plan
from tests import base
from tests.unit.flows import octavia

CTX = context.Context(project_id=octavia.PROJECT, route_domain=7)


def summary(steps):
    return [(s[0], s[-1].collection, s[-1].name) for s in steps]


class TestPlan(base.TestCase):

    def setUp(self):
        super().setUp()
        self.octavia = octavia.FakeOctavia()
        self.lb_id = self.octavia.add('loadbalancer')['loadbalancer_id']
        self.listener = self.octavia.add('listener', self.lb_id, protocol='TCP')
        self.lid = self.listener['listener_id']
        self.pool = self.octavia.add('pool', self.lb_id, listener_id=self.lid,
                                     protocol='TCP')
        self.pool_id = self.pool['pool_id']

    def graph(self):
        return graph_mod.Graph.from_loadbalancer(
            self.octavia.render('loadbalancer', self.lb_id))

    def test_new_load_balancer_creates_every_unit_in_dependency_order(self):
        steps = plan.make(graph_mod.Graph(), self.graph(), CTX).steps()
        names = [s[1].name for s in steps]
        self.assertEqual('lb_' + self.lb_id, names[0])
        self.assertLess(names.index('pool_' + self.pool_id),
                        names.index('listener_' + self.lid))
        self.assertEqual({'create'}, {s[0] for s in steps})

    def test_member_change_maps_only_its_pool_and_patches_it(self):
        before = self.graph()
        member = self.octavia.add('member', self.pool_id, address='192.168.7.7')
        after = before.put(c.MEMBER, member)
        result = plan.make(before, after, CTX)
        units = [u for u, _ in result.new if u[0] != c.LISTENER]
        self.assertEqual([(c.POOL, self.pool_id)], units)
        self.assertEqual([('patch', 'ltm/pool', 'pool_' + self.pool_id)],
                         summary(result.steps()))

    def test_unchanged_views_write_nothing(self):
        graph = self.graph()
        self.assertEqual([], plan.make(graph, graph, CTX).steps())

    def test_removed_listener_objects_are_deleted_virtual_first(self):
        before = self.graph()
        after = before.remove(c.LISTENER, self.lid)
        steps = summary(plan.make(before, after, CTX).steps())
        self.assertEqual(('delete', 'ltm/virtual', 'listener_' + self.lid), steps[0])
        self.assertEqual({'delete'}, {s[0] for s in steps})
        self.assertIn(('delete', 'ltm/profile/tcp', 'listener_%s_client_tcp' % self.lid),
                      steps)

    def test_deleted_pool_is_detached_before_it_is_deleted(self):
        before = self.graph()
        after = before.remove(c.POOL, self.pool_id)
        steps = summary(plan.make(before, after, CTX).steps())
        self.assertEqual([('patch', 'ltm/virtual', 'listener_' + self.lid),
                          ('delete', 'ltm/pool', 'pool_' + self.pool_id)], steps)

    def test_nodes_of_members_no_pool_uses_any_more_are_removed(self):
        self.octavia.add('member', self.pool_id, address='192.168.7.1')
        kept = self.octavia.add('member', self.pool_id, address='192.168.7.2')
        before = self.graph()
        after = before.with_members(self.pool_id, [kept])
        result = plan.make(before, after, CTX)
        self.assertEqual([(CTX.partition, '192.168.7.1%7')], result.nodes)

    def test_rewritten_unit_is_patched_whole_even_when_equal(self):
        graph = self.graph()
        steps = plan.make(graph, graph, CTX, rewrite=[(c.POOL, self.pool_id)]).steps()
        self.assertEqual([('patch', 'ltm/pool', 'pool_' + self.pool_id)], summary(steps))
        self.assertEqual({}, steps[0][1].body)

    def test_discovered_tls_objects_replace_the_old_units_tls_objects(self):
        graph = self.graph()
        result = plan.make(graph, graph, CTX, discover=[self.lid])
        profile = 'listener_%s_tls_x' % self.lid
        found = [resource.Resource('sys/file/ssl-cert', CTX.partition, 'tls_x.crt', {}),
                 resource.Resource('ltm/profile/client-ssl', CTX.partition, profile, {})]
        result.add_discovered(self.lid, found)
        self.assertEqual([('delete', 'ltm/profile/client-ssl', 'listener_%s_tls_x' % self.lid),
                          ('delete', 'sys/file/ssl-cert', 'tls_x.crt')],
                         summary(result.steps()))
