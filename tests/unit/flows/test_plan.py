# SPDX-License-Identifier: Apache-2.0
"""Plans: which BIG-IP objects an operation writes, in which order (pure)."""

from octavia_f5.bigip.mapping import context
from octavia_f5.bigip.mapping import resource
from octavia_f5.common import exceptions
from octavia_f5.flows import constants as c
from octavia_f5.flows import graph as graph_mod
from octavia_f5.flows import plan
from tests import base
from tests.unit.flows import certs
from tests.unit.flows import octavia

CTX = context.Context(project_id=octavia.PROJECT, route_domain=7)


def summary(steps):
    return [(s[0], s[-1].collection, s[-1].name) for s in steps]


class PlanTestCase(base.TestCase):
    """A load balancer with a TCP listener and its default pool in a FakeOctavia."""

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


class TestPlan(PlanTestCase):

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

    def test_certificate_files_named_by_container_are_never_written_again(self):
        item = resource.Resource('sys/file/ssl-cert', CTX.partition, 'tls_abc.crt',
                                 {'name': 'tls_abc.crt'}, content='pem')
        unknown = resource.Resource('sys/file/ssl-cert', CTX.partition, 'tls_abc.crt', {})
        result = plan.Plan(old=[('u', [unknown])], new=[('u', [item])], rewrite=['u'])
        self.assertEqual([], result.steps())

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
        # The virtual server lets go of the profile first: its old profile list is unknown.
        self.assertEqual([('patch', 'ltm/virtual', 'listener_' + self.lid),
                          ('delete', 'ltm/profile/client-ssl', 'listener_%s_tls_x' % self.lid),
                          ('delete', 'sys/file/ssl-cert', 'tls_x.crt')],
                         summary(result.steps()))


class TestUnknownAndRefusedBefore(PlanTestCase):
    """What the device may hold when the "before" view is a guess, or a refused state."""

    def test_alternative_objects_the_new_view_lacks_are_deleted_and_the_unit_rewritten(self):
        self.octavia.objects['listener'][self.lid]['allowed_cidrs'] = None
        graph = self.graph()   # read after Octavia's commit: no CIDRs left
        alternative = graph.put(c.LISTENER, dict(graph.listeners[self.lid],
                                                 allowed_cidrs=['10.0.0.0/8', '10.9.0.0/16']))
        result = plan.make(graph, graph, CTX, alternatives=[alternative])
        name = 'listener_%s_cidrs' % self.lid
        steps = summary(result.steps())
        self.assertIn(('delete', 'ltm/rule', name), steps)
        self.assertIn(('delete', 'ltm/data-group/internal', name), steps)
        self.assertLess(steps.index(('delete', 'ltm/rule', name)),
                        steps.index(('delete', 'ltm/data-group/internal', name)))
        # The virtual server is patched whole: its old source and rules are not known.
        patches = [s for s in result.steps() if s[0] == 'patch']
        self.assertEqual([{}], [s[1].body for s in patches
                                if s[2].name == 'listener_' + self.lid])

    def test_objects_an_alternative_lacks_are_written_patch_first(self):
        self.octavia.objects['listener'][self.lid]['allowed_cidrs'] = ['10.0.0.0/8',
                                                                       '10.9.0.0/16']
        graph = self.graph()   # read after Octavia's commit: the new CIDRs already
        alternative = graph.put(c.LISTENER, dict(graph.listeners[self.lid],
                                                 allowed_cidrs=['10.0.0.0/8']))
        result = plan.make(graph, graph, CTX, alternatives=[alternative])
        name = 'listener_%s_cidrs' % self.lid
        # The device may hold one CIDR (no data group, no iRule): each is patched, which
        # creates it when missing; the virtual server is written whole.
        self.assertEqual([('patch', 'ltm/data-group/internal', name),
                          ('patch', 'ltm/rule', name),
                          ('patch', 'ltm/virtual', 'listener_' + self.lid)],
                         summary(result.steps()))
        self.assertEqual([{}, {}, {}], [s[1].body for s in result.steps()])

    def test_alternatives_of_session_persistence_remove_the_old_types_profile(self):
        self.octavia.objects['listener'][self.lid]['protocol'] = 'HTTP'
        self.octavia.objects['pool'][self.pool_id].update(
            protocol='HTTP', session_persistence={'type': 'SOURCE_IP'})
        graph = self.graph()
        pool = graph.pools[self.pool_id]
        alternatives = [graph.put(c.POOL, dict(pool, session_persistence={'type': kind}))
                        for kind in ('SOURCE_IP', 'HTTP_COOKIE')]
        steps = summary(plan.make(graph, graph, CTX, alternatives=alternatives).steps())
        self.assertIn(('delete', 'ltm/persistence/cookie',
                       'listener_%s_persist_cookie' % self.lid), steps)
        self.assertNotIn(('delete', 'ltm/persistence/source-addr',
                          'listener_%s_persist_source_ip' % self.lid), steps)

    def test_an_alternative_the_mapping_refuses_is_left_out(self):
        graph = self.graph()
        # Cookie persistence on a TCP listener: the device cannot hold its profile.
        alternative = graph.put(c.POOL, dict(graph.pools[self.pool_id],
                                             session_persistence={'type': 'HTTP_COOKIE'}))
        result = plan.make(graph, graph, CTX, alternatives=[alternative])
        self.assertNotIn('ltm/persistence/cookie',
                         {s[-1].collection for s in result.steps()})

    def l7_on_tcp(self):
        policy = self.octavia.add('l7policy', self.lid, action='REJECT')
        self.octavia.add('l7rule', policy['l7policy_id'])
        return self.graph()

    def test_a_refused_listener_is_deleted_with_everything_it_can_have_on_the_device(self):
        before = self.l7_on_tcp()
        steps = summary(plan.make(before, graph_mod.Graph(), CTX).steps())
        self.assertIn(('delete', 'ltm/virtual', 'listener_' + self.lid), steps)
        self.assertIn(('delete', 'ltm/virtual-address', 'lb_' + self.lb_id), steps)
        self.assertNotIn('ltm/policy', {s[1] for s in steps})

    def test_a_refused_new_view_is_refused_except_in_a_delete(self):
        before = self.l7_on_tcp()
        member = self.octavia.add('member', self.pool_id, address='192.168.7.7')
        after = before.put(c.MEMBER, member)
        self.assertRaises(exceptions.UnsupportedOption, plan.make, before, after, CTX)
        deleted = plan.make(after, before, CTX, deleting=True)
        self.assertEqual([('patch', 'ltm/pool', 'pool_' + self.pool_id)],
                         summary(deleted.steps()))

    def test_a_listener_refused_for_its_certificate_is_deleted_under_its_own_names(self):
        bad = dict(certs.container('api.example.com'), primary_cn='a" [exec id]')
        self.octavia.objects['listener'][self.lid].update(
            protocol='TERMINATED_HTTPS', default_tls_container_ref='ref-www',
            default_tls_container_data=certs.container('www.example.com'),
            sni_container_refs=['ref-api'], sni_container_data=[bad])
        before = self.graph()
        steps = summary(plan.make(before, graph_mod.Graph(), CTX).steps())
        for name in ('listener_%s_tls_%s' % (self.lid, bad['id']), 'tls_%s.key' % bad['id']):
            self.assertIn(name, [s[2] for s in steps])
        self.assertIn(('delete', 'ltm/virtual', 'listener_' + self.lid), steps)
