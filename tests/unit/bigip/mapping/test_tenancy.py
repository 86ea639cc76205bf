# SPDX-License-Identifier: Apache-2.0
"""Tests of tenancy: partition and route domain of a project, and the route-domain id choice."""

from octavia_f5.bigip.mapping import tenancy
from octavia_f5.common import exceptions
from tests.unit.bigip.mapping import base
from tests.unit.bigip.mapping import fixtures


class TestTenancyResources(base.MappingTestCase):

    family = 'tenancy'

    def test_route_domain_then_partition_defaulting_to_it(self):
        self.assertGolden('route_domain', tenancy.resources(fixtures.ctx()))

    def test_route_domain_zero_creates_only_the_partition(self):
        self.assertGolden('common_route_domain',
                          tenancy.resources(fixtures.ctx(route_domain=0)))


class TestPickRouteDomainId(base.MappingTestCase):

    def test_same_project_gives_same_id_everywhere(self):
        first = tenancy.pick_route_domain_id('project-a', set(), 2, 65534)
        self.assertEqual(first, tenancy.pick_route_domain_id('project-a', set(), 2, 65534))
        self.assertTrue(2 <= first <= 65534)

    def test_projects_spread_over_the_range(self):
        ids = {tenancy.pick_route_domain_id('project-%d' % i, set(), 2, 65534)
               for i in range(50)}
        self.assertGreater(len(ids), 45)

    def test_taken_id_is_probed_past_deterministically(self):
        home = tenancy.pick_route_domain_id('project-a', set(), 10, 20)
        taken = {home}
        second = tenancy.pick_route_domain_id('project-a', taken, 10, 20)
        self.assertEqual(10 + (home - 10 + 1) % 11, second)
        self.assertEqual(second, tenancy.pick_route_domain_id('project-a', taken, 10, 20))

    def test_colliding_projects_never_share_a_domain(self):
        # In a range of 3 ids, 4 projects collide; each picks with the earlier ones taken.
        taken = set()
        for project in ('p1', 'p2', 'p3'):
            taken.add(tenancy.pick_route_domain_id(project, taken, 5, 7))
        self.assertEqual({5, 6, 7}, taken)

    def test_full_range_raises_naming_the_options(self):
        error = self.assertRaises(exceptions.RouteDomainsExhausted,
                                  tenancy.pick_route_domain_id, 'p4', {5, 6, 7}, 5, 7)
        self.assertIn('route_domain_min/route_domain_max', str(error))

    def test_range_outside_bigip_ids_is_a_programming_error(self):
        self.assertRaises(ValueError, tenancy.pick_route_domain_id, 'p1', set(), 0, 10)
        self.assertRaises(ValueError, tenancy.pick_route_domain_id, 'p1', set(), 10, 5)
