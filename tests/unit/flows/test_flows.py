# SPDX-License-Identifier: Apache-2.0
"""The flow factories: every operation registered, stable shapes, nothing secret stored."""

import json

from oslo_serialization import jsonutils
from taskflow import engines

from octavia_f5.common import secrets
from octavia_f5.controller import operations
from octavia_f5.flows import constants as c
from octavia_f5.flows import services
from tests import base
from tests.unit.flows import base as flow_base
from tests.unit.flows import certs


class TestRegistry(base.TestCase):

    def test_every_provider_driver_operation_has_a_flow(self):
        self.assertEqual(set(c.OPERATIONS), set(operations.FLOWS))
        self.assertIn('health_monitor_create', operations.FLOWS)
        self.assertIn('member_batch_update', operations.FLOWS)
        self.assertIn('loadbalancer_failover', operations.FLOWS)

    def test_every_flow_starts_with_its_error_on_revert_and_ends_with_statuses(self):
        for name in operations.FLOWS:
            atoms = [a.name for a in operations.build_flow(name, {})]
            self.assertTrue(atoms[0].endswith('-to-error-on-revert'), name)
            self.assertEqual('report-statuses', atoms[-1], name)
            self.assertIn('sync-devices', atoms, name)

    def test_a_factory_builds_the_same_flow_every_time(self):
        for name in operations.FLOWS:
            first = [a.name for a in operations.build_flow(name, {})]
            self.assertEqual(first, [a.name for a in operations.build_flow(name, {})])

    def test_creates_wait_for_octavias_commit_and_deletes_do_not(self):
        create = [a.name for a in operations.build_flow('listener_create', {})]
        delete = [a.name for a in operations.build_flow('listener_delete', {})]
        self.assertIn('wait-for-listener-commit', create)
        self.assertFalse([n for n in delete if n.startswith('wait-for')])
        batch = [a.name for a in operations.build_flow('member_batch_update', {})]
        self.assertIn('wait-for-batch-commit', batch)

    def test_flows_require_only_the_payload_keys(self):
        for name, operation in c.OPERATIONS.items():
            flow = operations.build_flow(name, {})
            needed = set(flow.requires)
            self.assertEqual(set(operation.payload_keys), needed, name)


class TestServices(base.TestCase):

    def setUp(self):
        super().setUp()
        services.reset()
        self.addCleanup(services.reset)

    def test_tasks_refuse_to_run_without_a_reporter(self):
        error = self.assertRaises(RuntimeError, services.reporter)
        self.assertIn('configure(reporter=', str(error))

    def test_cluster_is_built_from_the_configuration(self):
        self.config(group='f5_bigip', devices=['https://192.0.2.1'], password='p')
        cluster = services.cluster()
        self.assertEqual(['192.0.2.1'], [d.name for d in cluster.devices])
        self.assertIs(cluster, services.cluster())


class TestNothingSecretIsStored(flow_base.FlowTestCase):

    def test_results_of_a_tls_listener_create_hold_no_key_material(self):
        lb = self.create('loadbalancer')
        container = certs.container('secret.example.com')
        listener = self.octavia.add('listener', lb['loadbalancer_id'],
                                    protocol='TERMINATED_HTTPS', protocol_port=443,
                                    default_tls_container_ref='ref',
                                    default_tls_container_data=container)
        payload = secrets.encrypt_payload(self.octavia.payload('listener',
                                                               listener['listener_id']))
        flow = operations.build_flow('listener_create', payload)
        engine = engines.load(flow, store=dict(payload), engine='serial')
        engine.run()
        results = {atom.name: engine.storage.get(atom.name) for atom in flow}
        self.assertTrue(results['create-virtual-server']['created'])
        stored = jsonutils.dumps([engine.storage.fetch_all(), results])
        key_body = container['private_key'].splitlines()[1]
        self.assertNotIn(key_body, stored)
        self.assertNotIn(container['certificate'].splitlines()[1], stored)
        self.assertIn(secrets.ENVELOPE, stored)
        self.assertTrue(json.loads(stored)[0]['tenancy']['route_domain'])
        self.assertIsNotNone(self.device_object('ltm/virtual',
                                                'listener_' + listener['listener_id']))
