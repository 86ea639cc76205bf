# SPDX-License-Identifier: Apache-2.0
"""Tests of the mapping context: tenancy facts, SNAT and flavor overrides."""

from octavia_f5.bigip.mapping import context
from octavia_f5.common import config
from octavia_f5.common import exceptions
from tests import base


class TestContext(base.TestCase):

    def test_partition_comes_from_prefix_and_project(self):
        ctx = context.Context(project_id='p1', route_domain=3, partition_prefix='os_')
        self.assertEqual('os_p1', ctx.partition)

    def test_flavor_overrides_snat_mode_and_pool(self):
        flavor = {'snat_mode': 'snatpool', 'snat_pool': '/Common/snat1'}
        ctx = context.Context(project_id='p1', flavor=flavor)
        self.assertEqual(('snatpool', '/Common/snat1'), ctx.snat())

    def test_snatpool_without_pool_is_refused(self):
        error = self.assertRaises(exceptions.InvalidValue, context.Context, project_id='p1',
                                  snat_mode='snatpool')
        self.assertEqual('snat_pool', error.field)

    def test_route_domain_out_of_range_is_refused(self):
        for bad in (-1, 65535, '2', True):
            error = self.assertRaises(exceptions.InvalidValue, context.Context,
                                      project_id='p1', route_domain=bad)
            self.assertEqual('route_domain', error.field)

    def test_flavor_cannot_be_changed_through_the_context(self):
        flavor = {'snat_mode': 'none'}
        ctx = context.Context(project_id='p1', flavor=flavor)
        flavor['snat_mode'] = 'automap'
        self.assertEqual('none', ctx.snat()[0])

        def change():
            ctx.flavor['snat_mode'] = 'automap'
        self.assertRaises(TypeError, change)

    def test_from_conf_reads_f5_network_options(self):
        self.config(group=config.NETWORK_GROUP, partition_prefix='tenant_',
                    snat_mode='none')
        ctx = context.Context.from_conf(self.conf.conf, 'p1', 9)
        self.assertEqual(('tenant_p1', 9, ('none', None)),
                         (ctx.partition, ctx.route_domain, ctx.snat()))

    def test_from_conf_with_common_route_domain_policy_uses_route_domain_zero(self):
        self.config(group=config.NETWORK_GROUP, route_domain_policy='common')
        self.assertEqual(0, context.Context.from_conf(self.conf.conf, 'p1', 9).route_domain)


class TestValidateFlavor(base.TestCase):

    def test_known_keys_pass(self):
        context.validate_flavor({'snat_mode': 'automap'})
        context.validate_flavor(None)

    def test_unknown_key_is_refused_naming_it(self):
        error = self.assertRaises(exceptions.UnsupportedOption, context.validate_flavor,
                                  {'tcp_profile': 'x'})
        self.assertEqual('flavor.tcp_profile', error.field)
        self.assertIn('unknown flavor key', error.reason)

    def test_bad_snat_mode_is_refused(self):
        error = self.assertRaises(exceptions.InvalidValue, context.validate_flavor,
                                  {'snat_mode': 'magic'})
        self.assertEqual('flavor.snat_mode', error.field)

    def test_snat_pool_must_be_a_plain_full_path(self):
        error = self.assertRaises(exceptions.InvalidValue, context.validate_flavor,
                                  {'snat_mode': 'snatpool', 'snat_pool': '/Common/a b'})
        self.assertEqual('flavor.snat_pool', error.field)
