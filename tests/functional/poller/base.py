# SPDX-License-Identifier: Apache-2.0
"""Base of the poller's functional tests: simulator over HTTP, driver-agent stand-in, poller.

Load balancers are written straight to the simulator through the client with the mapping's
bodies (no flows: building 200 of them must stay fast), and registered with the stand-in so
that the statuses the poller reports can be read back.
"""

from octavia_lib.api.drivers import data_models
from oslo_config import cfg

from octavia_f5.bigip import cluster as cluster_lib
from octavia_f5.bigip.mapping import context
from octavia_f5.bigip.mapping import listener as listener_mapping
from octavia_f5.bigip.mapping import loadbalancer as lb_mapping
from octavia_f5.bigip.mapping import pool as pool_mapping
from octavia_f5.bigip.mapping import tenancy
from octavia_f5.bigip import names
from octavia_f5.bigip import paths
from octavia_f5.common import config
from octavia_f5.controller import poller
from octavia_f5.controller import status
from octavia_f5.simulator import fixture
from tests import base
from tests.functional.fixtures import driver_agent

PROJECT = 'c0ffee00c0ffee00c0ffee00c0ffee00'
ROUTE_DOMAIN = 12
CTX = context.Context(project_id=PROJECT, route_domain=ROUTE_DOMAIN)


def object_id(kind, index, sub=0):
    """A stable UUID per kind (first digit), load balancer index and sub-object."""
    digit = {'lb': 1, 'listener': 2, 'pool': 3, 'hm': 4, 'member': 5}[kind]
    return '%d%07d-0000-4000-8000-%012d' % (digit, index, sub)


class Tree:
    """The Octavia ids and device names of one load balancer built by build()."""

    def __init__(self, index, member_count):
        self.lb = object_id('lb', index)
        self.listener = object_id('listener', index)
        self.pool = object_id('pool', index)
        self.healthmonitor = object_id('hm', index)
        self.members = [object_id('member', index, i) for i in range(member_count)]
        self.vip = '10.%d.%d.%d' % (1 + index // 65536, index // 256 % 256, index % 256)
        # One backend host per load balancer, a port per member.
        self.member_addresses = ['172.16.%d.%d' % (index // 250, index % 250 + 1)] * member_count
        self.ports = [8000 + i for i in range(member_count)]

    @property
    def pool_path(self):
        return names.full_path(CTX.partition, names.pool(self.pool))

    @property
    def virtual_path(self):
        return names.full_path(CTX.partition, names.virtual(self.listener))

    def member_name(self, i):
        return names.member(self.member_addresses[i], ROUTE_DOMAIN, self.ports[i])


class PollerTestCase(base.TestCase):
    """Simulator, stand-in, a cluster and a poller on them; ``build()`` makes load balancers."""

    def setUp(self):
        super().setUp()
        self.simulator = self.useFixture(fixture.SimulatorFixture(devices=1))
        self.sim = self.simulator.sim
        self.agent = self.useFixture(driver_agent.DriverAgent())
        self.config(group=config.BIGIP_GROUP, devices=self.simulator.urls,
                    username=self.simulator.username, password=self.simulator.password,
                    verify='false', max_retries=1)
        self.config(group=config.POLLER_GROUP, resend_window=0, full_report_interval=0,
                    new_object_grace=0)
        self.config(group=config.WORKER_GROUP, status_update_retries=3,
                    status_update_max_backoff=0.5)
        status.reset()
        self.addCleanup(status.reset)
        self.cluster = cluster_lib.Cluster.from_conf(cfg.CONF)
        self.addCleanup(self.cluster.close)
        self.device = self.cluster.active()
        self.reporter = status.StatusReporter(cfg.CONF)
        self.poller = poller.Poller(self.cluster, self.reporter)
        self._write(tenancy.resources(CTX))

    def _write(self, resources):
        for item in resources:
            self.device.create(paths.collection(item.collection), item.body)

    def build(self, index, members=2, healthmonitor=True, member_fields=None):
        """One load balancer: VIP, an HTTP listener, its default pool with members."""
        tree = Tree(index, members)
        extra = member_fields or [{}] * members
        lb = data_models.LoadBalancer(loadbalancer_id=tree.lb, project_id=PROJECT,
                                      vip_address=tree.vip, admin_state_up=True)
        member_models = [data_models.Member(
            member_id=tree.members[i], pool_id=tree.pool, address=tree.member_addresses[i],
            protocol_port=tree.ports[i], **dict({'weight': 1, 'admin_state_up': True},
                                                **extra[i])) for i in range(members)]
        hm = None
        if healthmonitor:
            hm = data_models.HealthMonitor(healthmonitor_id=tree.healthmonitor,
                                           pool_id=tree.pool, type='TCP', delay=5, timeout=3,
                                           max_retries=2, max_retries_down=3,
                                           admin_state_up=True)
        pool = data_models.Pool(pool_id=tree.pool, protocol='TCP', lb_algorithm='ROUND_ROBIN',
                                members=member_models, healthmonitor=hm, admin_state_up=True)
        listener = data_models.Listener(listener_id=tree.listener, loadbalancer_id=tree.lb,
                                        protocol='TCP', protocol_port=80,
                                        default_pool_id=tree.pool, connection_limit=-1,
                                        admin_state_up=True)
        lb_dict, pool_dict = lb.to_dict(recurse=True), pool.to_dict(recurse=True)
        self._write(lb_mapping.resources(lb_dict, CTX) + pool_mapping.resources(pool_dict, CTX)
                    + listener_mapping.resources(listener.to_dict(recurse=True), lb_dict,
                                                 [pool_dict], CTX))
        objects = [('loadbalancer', lb), ('listener', listener), ('pool', pool)]
        objects += [('member', m) for m in member_models]
        if hm:
            objects.append(('healthmonitor', hm))
        for kind, obj in objects:
            self.agent.add(kind, obj.to_dict(recurse=True), provisioning_status='ACTIVE')
        return tree

    def operating(self, kind, object_id):
        return self.agent.status(kind, object_id)['operating_status']

    def tree_statuses(self, tree):
        """(members..., pool, listener, load balancer) operating statuses."""
        return tuple([self.operating('member', m) for m in tree.members] +
                     [self.operating(k, i) for k, i in (('pool', tree.pool),
                                                        ('listener', tree.listener),
                                                        ('loadbalancer', tree.lb))])

    def member_availability(self, tree, index, state):
        self.sim.set_member_availability(tree.pool_path, tree.member_name(index), state)

    def rest_calls_of_one_cycle(self):
        """(number of REST calls, {method path: count}) of one poller cycle."""
        self.sim.clear_calls()
        self.poller.run_once()
        counters = self.sim.counters()
        return counters['total'], counters['by_path']
