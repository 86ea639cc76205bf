# SPDX-License-Identifier: Apache-2.0
"""Base of the reconciler's and HA's functional tests: a simulated HA pair, workers, Octavia.

As tests/functional/flows (Redis, the driver-agent stand-in, worker processes, jobs posted
with poster.post), with two simulated devices in one sync-failover group (config-sync mode),
a FakeOctaviaApi that openstacksdk reads, and the reconciler built the way
``octavia-f5-manage`` builds it.
"""

from oslo_config import cfg

from octavia_f5.bigip import device as device_mod
from octavia_f5.bigip import paths
from octavia_f5.bigip import retry
from octavia_f5.cmd import manage
from octavia_f5.common import config
from octavia_f5.controller import jobs
from octavia_f5.controller import reconciler
from octavia_f5.simulator import fixture as sim_fixture
from tests.functional.flows import base as flows_base
from tests.functional.reconciler import fake_api

PARTITION = flows_base.PARTITION


class ReconcilerTestCase(flows_base.FlowsTestCase):
    """Two devices (the first active), a worker, Octavia's API; the reconciler in-process."""

    RUN_WORKER = True
    CHECK_INTERVAL = 1
    PERIODIC = False

    def setUp(self):
        # The flows' base starts one device; these tests need the pair, so the worker starts
        # once the pair is configured.
        self.START_WORKER = False
        super().setUp()
        self.sim = self.useFixture(sim_fixture.SimulatorFixture(devices=2))
        self.config(group=config.BIGIP_GROUP, devices=self.sim.urls,
                    device_group=self.sim.device_group, sync_mode='config-sync')
        self.config(group=config.HA_GROUP, check_interval=self.CHECK_INTERVAL,
                    failover_timeout=30)
        self.config(group=config.RECONCILER_GROUP, enabled=self.PERIODIC, interval=10,
                    pending_timeout=0)
        self.api = self.useFixture(fake_api.FakeOctaviaApi(self.octavia, self.agent))
        options = device_mod.DeviceOptions(password=self.sim.password, verify=False,
                                           retry_policy=retry.RetryPolicy(0, 0, 0))
        self.admins = [device_mod.Device(url, options) for url in self.sim.urls]
        for admin in self.admins:
            self.addCleanup(admin.close)
        if self.RUN_WORKER:
            self.worker = self.workers.start()

    # --- the reconciler ----------------------------------------------------------------------

    def wait_jobs_done(self):
        """Until the board is empty: a flow reports its statuses just before its job ends."""
        read = jobs.reader(cfg.CONF)
        self.wait_until(lambda: read().count == 0, what='jobboard empty')

    def reconcile(self, mode, loadbalancer_id=None, project_id=None, wait=True):
        """One reconciler run as octavia-f5-manage makes it; returns its Report.

        ``wait``: first wait until no job is left (else the load balancer counts as busy).
        """
        if wait:
            self.wait_jobs_done()
        cluster, worker = manage.make_reconciler(cfg.CONF)
        try:
            scope = reconciler.Scope(loadbalancer_id=loadbalancer_id, project_id=project_id,
                                     everything=not (loadbalancer_id or project_id))
            return worker.run(scope, mode)
        finally:
            cluster.close()

    def diff(self, **kwargs):
        return self.reconcile(reconciler.DIFF, **kwargs)

    def sync(self, **kwargs):
        return self.reconcile(reconciler.SYNC, **kwargs)

    # --- the devices ------------------------------------------------------------------------

    def objects_on(self, device, partition=PARTITION):
        """{collection: {fullPath: object}} of a partition on device 0 or 1."""
        found = {}
        for name, objects in self.sim.sim.dump(device).items():
            for path, obj in objects.items():
                if path.startswith('/%s/' % partition) or path == partition:
                    found.setdefault(name, {})[path] = obj
        return found

    def names_on(self, device, collection, partition=PARTITION):
        return sorted(p.rsplit('/', 1)[-1]
                      for p in self.objects_on(device, partition).get(collection, {}))

    def item(self, collection, name, partition=PARTITION):
        return paths.item(collection, name, partition)

    def basic_lb(self, members=1):
        """A load balancer, an HTTP listener, its pool with ``members``, a health monitor."""
        lb = self.create('loadbalancer')
        lb_id = lb['loadbalancer_id']
        listener = self.create('listener', lb_id)
        pool = self.create('pool', lb_id, listener_id=listener['listener_id'])
        for _ in range(members):
            self.create('member', pool['pool_id'])
        self.create('healthmonitor', pool['pool_id'])
        return lb, listener, pool

    def findings(self, report, loadbalancer_id):
        found = report.loadbalancer(loadbalancer_id)
        self.assertIsNotNone(found, report.lines())
        return {(f.state, f.collection, f.full_path.rsplit('/', 1)[-1], tuple(f.fields))
                for f in found.findings}
