# SPDX-License-Identifier: Apache-2.0
"""Base of the flows' functional tests: jobs posted to Redis, run by a real worker process.

Per test: a redis-server, the driver-agent stand-in (octavia-lib's socket protocol) filled
from a FakeOctavia, a simulated BIG-IP over HTTP, a SQLite persistence file, and worker
processes started with that configuration. Jobs go through poster.post() exactly as the API
driver posts them.
"""

import os
import time

from cryptography import fernet
import fixtures

from octavia_f5.common import config
from octavia_f5.controller import poster
from octavia_f5.controller import status
from octavia_f5.flows import constants as c
from octavia_f5.simulator import fixture as sim_fixture
from tests import base
from tests.functional.fixtures import driver_agent
from tests.functional.fixtures import redis_server
from tests.functional.fixtures import workers
from tests.unit.flows import octavia

PARTITION = 'octavia_' + octavia.PROJECT
FINAL = ('ACTIVE', 'ERROR', 'DELETED')


def operation_name(kind, verb):
    prefix = 'health_monitor' if kind == c.HEALTHMONITOR else kind
    return '%s_%s' % (prefix, verb)


class FlowsTestCase(base.TestCase):
    """One worker (started in setUp) serving jobs against one simulated device."""

    CLAIM_EXPIRY = 3
    START_WORKER = True

    def setUp(self):
        super().setUp()
        self.redis = self.useFixture(redis_server.RedisServer())
        self.agent = self.useFixture(driver_agent.DriverAgent())
        self.sim = self.useFixture(sim_fixture.SimulatorFixture(devices=1))
        directory = self.useFixture(fixtures.TempDir()).path
        self.config(group=config.JOBBOARD_GROUP, board_name='f5flows',
                    claim_expiry=self.CLAIM_EXPIRY,
                    secret_key=fernet.Fernet.generate_key().decode(),
                    persistence_connection='sqlite:///%s' % os.path.join(
                        directory, 'taskflow.sqlite'))
        self.config(group=config.WORKER_GROUP, conductor_threads=2,
                    status_update_max_backoff=0.5)
        self.config(group=config.BIGIP_GROUP, devices=self.sim.urls,
                    username=self.sim.username, password=self.sim.password,
                    verify='false', max_retries=1, retry_backoff=0.1,
                    save_config_interval=0)
        # Operating statuses here are the flows' own; the poller has its own tests.
        self.config(group=config.POLLER_GROUP, enabled=False)
        self.workers = self.useFixture(workers.Workers())
        poster.reset()
        self.addCleanup(poster.reset)
        status.reset()
        self.addCleanup(status.reset)
        self.octavia = octavia.FakeOctavia()
        if self.START_WORKER:
            self.worker = self.workers.start()

    # --- Octavia's API side ----------------------------------------------------------------

    def publish(self, pending=()):
        """Show the FakeOctavia's objects to the worker; ``pending``: {(kind, id): status}."""
        for kind, object_id in self.octavia.all_ids():
            current = self.agent.status(kind, object_id) or {
                'provisioning_status': 'ACTIVE', 'operating_status': 'ONLINE'}
            provisioning = dict(pending).get((kind, object_id),
                                             current['provisioning_status'])
            self.agent.add(kind, self.octavia.render(kind, object_id), provisioning,
                           current['operating_status'])

    def _pending(self, kind, obj, status_of_object):
        """The statuses Octavia's API sets: the object's, PENDING_UPDATE for its parents."""
        pending = {(kind, obj[c.id_key(kind)]): status_of_object}
        parent = obj
        parent_kind = kind
        while parent_kind != c.LOADBALANCER:
            parent_kind, field = {
                c.LISTENER: (c.LOADBALANCER, c.LOADBALANCER_ID),
                c.POOL: (c.LOADBALANCER, c.LOADBALANCER_ID),
                c.MEMBER: (c.POOL, 'pool_id'), c.HEALTHMONITOR: (c.POOL, 'pool_id'),
                c.L7POLICY: (c.LISTENER, 'listener_id'),
                c.L7RULE: (c.L7POLICY, 'l7policy_id')}[parent_kind]
            parent = self.octavia.objects[parent_kind][parent[field]]
            pending[(parent_kind, parent[c.id_key(parent_kind)])] = 'PENDING_UPDATE'
        return pending

    def post(self, operation, payload, object_id=None):
        return poster.post(operation, payload, object_id=object_id)

    def create(self, kind, parent_id=None, wait=True, **fields):
        """Add an object as Octavia's API does, post its create job, wait for the outcome."""
        obj = self.octavia.add(kind, parent_id, **fields)
        object_id = obj[c.id_key(kind)]
        self.publish(self._pending(kind, obj, 'PENDING_CREATE'))
        self.post(operation_name(kind, 'create'), self.octavia.payload(kind, object_id),
                  object_id)
        if wait:
            self.wait_final(kind, object_id)
        return obj

    def update(self, kind, object_id, **changes):
        old, updates = self.octavia.update(kind, object_id, **changes)
        self.publish(self._pending(kind, self.octavia.objects[kind][object_id],
                                   'PENDING_UPDATE'))
        self.post(operation_name(kind, 'update'),
                  {kind: old, c.updates_key(kind): updates}, object_id)
        return self.wait_final(kind, object_id)

    def delete(self, kind, object_id, **extra):
        """Post a delete and wait; the FakeOctavia forgets what the agent deleted."""
        obj = self.octavia.objects[kind][object_id]
        self.publish(self._pending(kind, obj, 'PENDING_DELETE'))
        payload = self.octavia.payload(kind, object_id, for_delete=True)
        payload.update(extra)
        self.post(operation_name(kind, 'delete'), payload, object_id)
        outcome = self.wait_final(kind, object_id)
        if outcome == 'DELETED':
            self.octavia.remove(kind, object_id)
        return outcome

    # --- waiting and reading ---------------------------------------------------------------

    def wait_final(self, kind, object_id, timeout=60.0):
        try:
            return self.agent.wait_for_status(kind, object_id, FINAL, timeout=timeout)
        except AssertionError:
            logs = '\n'.join('--- %s\n%s\n%s' % (w.name, w.log()[-6000:], w.output()[-2000:])
                             for w in self.workers.started)
            self.fail('%s %s not final after %s s\n%s' % (kind, object_id, timeout, logs))

    def assertStatus(self, kind, object_id, provisioning, operating=None):
        found = self.agent.status(kind, object_id)
        self.assertEqual(provisioning, found['provisioning_status'], (kind, found))
        if operating is not None:
            self.assertEqual(operating, found['operating_status'], (kind, found))

    def device_objects(self):
        """{collection: {fullPath: object}} of the driver's partitions on the device."""
        found = {}
        for name, objects in self.sim.sim.dump().items():
            for path, obj in objects.items():
                if 'octavia_' in path:
                    found.setdefault(name, {})[path] = obj
        return found

    def device_names(self):
        """{collection: sorted object names} of the driver's partitions."""
        return {name: sorted(p.rsplit('/', 1)[-1] for p in paths)
                for name, paths in self.device_objects().items()}

    def device_object(self, collection, name):
        return self.device_objects().get(collection, {}).get('/%s/%s' % (PARTITION, name))

    def wait_until(self, predicate, timeout=30.0, what='condition'):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        self.fail('%s not met after %s s' % (what, timeout))
