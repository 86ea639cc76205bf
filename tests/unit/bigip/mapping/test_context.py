# SPDX-License-Identifier: Apache-2.0
"""Tests of the mapping context: tenancy facts, SNAT and flavor overrides."""

import dataclasses

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

    def assertInvalidFlavor(self, metadata, field, reason_part):
        error = self.assertRaises(exceptions.InvalidValue, context.validate_flavor, metadata)
        self.assertEqual((field, True), (error.field, reason_part in error.reason))

    def test_every_key_with_a_good_value_passes(self):
        context.validate_flavor({
            'loadbalancer_topology': 'ACTIVE_STANDBY', 'snat_mode': 'snatpool',
            'snat_pool': '/Common/snat1', 'tcp_profile': '/Common/tcp-lan-optimized',
            'fastl4_profile': '/Common/fastL4', 'udp_profile': '/Common/udp',
            'http_profile': '/Common/http-x', 'oneconnect_profile': '/Common/oneconnect',
            'client_ssl_profile': '/Common/clientssl', 'server_ssl_profile': '/Common/ss',
            'irules': ['/Common/a', '/Common/b']})
        context.validate_flavor(None)
        context.validate_flavor({})

    def test_every_key_has_a_description_and_a_known_kind(self):
        for key, spec in context.FLAVOR_KEYS.items():
            self.assertIn(spec.kind, ('choice', 'path', 'paths'), key)
            self.assertGreater(len(spec.description), 20, key)

    def test_unknown_key_is_refused_naming_it(self):
        error = self.assertRaises(exceptions.UnsupportedOption, context.validate_flavor,
                                  {'compute_flavor': 'x'})
        self.assertEqual('flavor.compute_flavor', error.field)
        self.assertIn('unknown flavor key', error.reason)

    def test_bad_choices_are_refused(self):
        self.assertInvalidFlavor({'snat_mode': 'magic'}, 'flavor.snat_mode', 'automap')
        self.assertInvalidFlavor({'loadbalancer_topology': 'ACTIVE_ACTIVE'},
                                 'flavor.loadbalancer_topology', 'SINGLE')

    def test_paths_outside_common_or_with_tmsh_syntax_are_refused(self):
        for bad in ('/tenant/tcp', 'tcp', '/Common/a b', '/Common/tcp\n', '/Common/',
                    '/Common/x } delete ltm virtual all {', 7):
            with self.subTest(value=bad):
                self.assertInvalidFlavor({'tcp_profile': bad}, 'flavor.tcp_profile',
                                         '/Common')

    def test_irules_must_be_a_short_list_of_distinct_paths(self):
        self.assertInvalidFlavor({'irules': '/Common/a'}, 'flavor.irules', 'list')
        self.assertInvalidFlavor({'irules': ['/Common/r%d' % i for i in range(21)]},
                                 'flavor.irules', 'at most 20')
        self.assertInvalidFlavor({'irules': ['/Common/a', '/Common/a']}, 'flavor.irules',
                                 'once')
        self.assertInvalidFlavor({'irules': ['/Common/a', '/P/b']}, 'flavor.irules',
                                 '/Common')

    def test_snat_pool_and_snatpool_mode_go_together(self):
        self.assertInvalidFlavor({'snat_mode': 'snatpool'}, 'flavor.snat_pool', 'required')
        self.assertInvalidFlavor({'snat_pool': '/Common/s'}, 'flavor.snat_pool',
                                 'only allowed with snat_mode snatpool')
        self.assertInvalidFlavor({'snat_mode': 'snatpool', 'snat_pool': '/Common/a b'},
                                 'flavor.snat_pool', '/Common')

    def test_metadata_must_be_an_object(self):
        self.assertInvalidFlavor(['snat_mode'], 'flavor', 'object')


class TestContextFlavor(base.TestCase):

    def test_context_refuses_a_bad_flavor(self):
        error = self.assertRaises(exceptions.UnsupportedOption, context.Context,
                                  project_id='p1', flavor={'tcp_profil': '/Common/tcp'})
        self.assertEqual('flavor.tcp_profil', error.field)

    def test_parents_come_from_the_flavor_or_bigip_built_ins(self):
        ctx = context.Context(project_id='p1', flavor={'tcp_profile': '/Common/t'})
        self.assertEqual(('/Common/t', '/Common/udp', '/Common/clientssl', None, None),
                         (ctx.parent('tcp'), ctx.parent('udp'), ctx.parent('client-ssl'),
                          ctx.parent('fastl4'), ctx.parent('one-connect')))

    def test_irules_keep_their_order_and_cannot_be_changed(self):
        rules = ['/Common/b', '/Common/a']
        ctx = context.Context(project_id='p1', flavor={'irules': rules})
        rules.append('/Common/c')
        self.assertEqual(['/Common/b', '/Common/a'], ctx.irules())
        self.assertEqual(('/Common/b', '/Common/a'), ctx.flavor['irules'])

    def test_a_context_copy_keeps_its_flavor(self):
        ctx = context.Context(project_id='p1', flavor={'irules': ['/Common/a']})
        self.assertEqual(['/Common/a'], dataclasses.replace(ctx, route_domain=3).irules())
