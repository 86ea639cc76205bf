# SPDX-License-Identifier: Apache-2.0
"""Base of the flow tests: the in-process simulator, a FakeOctavia, flows run by an engine."""

from cryptography import fernet
from taskflow import engines

from octavia_f5.bigip import cluster as cluster_mod
from octavia_f5.bigip import device as device_mod
from octavia_f5.bigip import retry
from octavia_f5.common import config
from octavia_f5.common import secrets
from octavia_f5.controller import operations
from octavia_f5.flows import services
from octavia_f5.simulator import fixture as sim_fixture
from tests import base
from tests.unit.flows import octavia

PARTITION = 'octavia_' + octavia.PROJECT


class FlowTestCase(base.TestCase):
    """Each test: one simulated BIG-IP, an empty FakeOctavia, flows run in-process."""

    DEVICES = 1

    def setUp(self):
        super().setUp()
        self.config(group=config.JOBBOARD_GROUP,
                    secret_key=fernet.Fernet.generate_key().decode())
        self.sim = self.useFixture(sim_fixture.SimulatorFixture(devices=self.DEVICES))
        options = device_mod.DeviceOptions(password=self.sim.password, verify=False,
                                           retry_policy=retry.RetryPolicy(0, 0, 0))
        self.devices = [device_mod.Device(url, options) for url in self.sim.urls]
        self.cluster = cluster_mod.Cluster(self.devices, device_group=self.sim.device_group)
        self.addCleanup(self.cluster.close)
        self.octavia = octavia.FakeOctavia()
        self.reporter = octavia.FakeReporter(self.octavia)
        services.reset()
        services.configure(cluster=self.cluster, reporter=self.reporter)
        self.addCleanup(services.reset)

    # --- running ---------------------------------------------------------------------------

    def run_flow(self, operation, payload):
        """Run an operation's flow as a worker would: payload encrypted, one engine."""
        payload = secrets.encrypt_payload(payload)
        flow = operations.build_flow(operation, payload)
        engines.run(flow, store=dict(payload), engine='serial')

    def create(self, kind, parent_id=None, **fields):
        """Add an object to Octavia and run its create flow; returns the object."""
        obj = self.octavia.add(kind, parent_id, **fields)
        op = 'health_monitor_create' if kind == 'healthmonitor' else kind + '_create'
        self.run_flow(op, self.octavia.payload(kind, obj[kind + '_id']))
        return obj

    def update(self, kind, object_id, **changes):
        old, updates = self.octavia.update(kind, object_id, **changes)
        op = 'health_monitor_update' if kind == 'healthmonitor' else kind + '_update'
        self.run_flow(op, {kind: old, kind + '_updates': updates})

    def delete(self, kind, object_id, **extra):
        payload = self.octavia.payload(kind, object_id, for_delete=True)
        payload.update(extra)
        op = 'health_monitor_delete' if kind == 'healthmonitor' else kind + '_delete'
        self.run_flow(op, payload)
        self.octavia.remove(kind, object_id)

    def basic_lb(self, **fields):
        """A load balancer with an HTTP listener and its default pool, created by flows."""
        lb = self.create('loadbalancer', **fields)
        listener = self.create('listener', lb['loadbalancer_id'])
        pool = self.create('pool', lb['loadbalancer_id'], listener_id=listener['listener_id'])
        return lb, listener, pool

    # --- reading the device ------------------------------------------------------------------

    def device_objects(self, device=0, collection=None):
        """{collection: {fullPath: object}} of every object of the driver's partitions."""
        dump = self.sim.sim.dump(device)
        found = {}
        for name, objects in dump.items():
            for path, obj in objects.items():
                if 'octavia_' in path and (collection is None or name == collection):
                    found.setdefault(name, {})[path] = obj
        return found

    def device_object(self, collection, name, device=0):
        path = '/%s/%s' % (PARTITION, name)
        return self.device_objects(device).get(collection, {}).get(path)

    def status(self, kind, object_id):
        return self.reporter.statuses().get((kind, object_id), {})

    def assertStatus(self, kind, object_id, provisioning, operating=None):
        record = self.status(kind, object_id)
        if provisioning is not None:
            self.assertEqual(provisioning, record.get('provisioning_status'), record)
        if operating is not None:
            self.assertEqual(operating, record.get('operating_status'), record)

    def rest_calls(self, device=0):
        """Calls below /mgmt/tm and uploads since the last clear (logins excluded)."""
        return [c for c in self.sim.sim.calls(device)
                if '/authn/' not in c['path'] and '/authz/' not in c['path']]
