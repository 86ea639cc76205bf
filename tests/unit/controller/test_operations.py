# SPDX-License-Identifier: Apache-2.0
"""Tests of the operation registry."""

import fixtures

from octavia_f5.common import exceptions
from octavia_f5.controller import operations
from tests import base
from tests.unit.controller import unit_flows

PATH = 'tests.unit.controller.unit_flows:two_steps'


class TestOperations(base.TestCase):

    def setUp(self):
        super().setUp()
        self.config(group='f5_worker', flow_modules=['octavia_f5.flows', 'tests.unit'])

    def test_registered_name_resolves_to_its_factory(self):
        self.useFixture(fixtures.MockPatchObject(operations, 'FLOWS', {'listener_create': PATH}))
        self.assertEqual(PATH, operations.factory_path('listener_create'))
        self.assertIs(unit_flows.two_steps, operations.resolve('listener_create'))

    def test_module_path_under_allowed_prefix_resolves(self):
        self.assertIs(unit_flows.two_steps, operations.resolve(PATH))

    def test_build_flow_calls_the_factory_with_the_payload(self):
        flow = operations.build_flow(PATH, {'value': 1})
        self.assertEqual(['first', 'second'], [atom.name for atom in flow])

    def test_module_outside_allowed_prefixes_is_refused(self):
        error = self.assertRaises(exceptions.UnknownOperation, operations.factory_path,
                                  'os:system')
        self.assertIn('flow_modules', str(error))

    def test_prefix_must_match_whole_package_names(self):
        self.assertRaises(exceptions.UnknownOperation, operations.factory_path,
                          'tests.unitx.evil:flow')

    def test_unknown_name_is_refused(self):
        error = self.assertRaises(exceptions.UnknownOperation, operations.factory_path,
                                  'listener_frobnicate')
        self.assertEqual('listener_frobnicate', error.operation)

    def test_non_string_operation_is_refused(self):
        self.assertRaises(exceptions.UnknownOperation, operations.factory_path, None)

    def test_missing_module_or_function_is_refused_at_resolve(self):
        self.assertRaises(exceptions.UnknownOperation, operations.resolve,
                          'tests.unit.controller.no_such_module:flow')
        self.assertRaises(exceptions.UnknownOperation, operations.resolve,
                          'tests.unit.controller.unit_flows:no_such_function')
        self.assertRaises(exceptions.UnknownOperation, operations.resolve,
                          'tests.unit.controller.unit_flows:NOT_A_FUNCTION')
