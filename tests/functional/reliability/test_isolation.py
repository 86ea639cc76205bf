# SPDX-License-Identifier: Apache-2.0
"""Two projects with the same VIP and member addresses: apart on the device, deleted apart."""

import uuid

from octavia_f5.bigip.mapping import tenancy
from octavia_f5.common import config
from tests.functional.reliability import base
from tests.unit.flows import octavia

VIP = '10.1.0.10'
MEMBERS = ('192.168.0.10', '192.168.0.11')
# A small route-domain range, so that a second project whose id hashes to the same route
# domain is found in a few tries: the collision is part of what is tested.
DOMAINS = (2, 9)


def colliding_projects():
    """Two project ids whose route-domain hash picks the same id."""
    first = uuid.uuid4().hex
    wanted = tenancy.pick_route_domain_id(first, set(), *DOMAINS)
    while True:
        second = uuid.uuid4().hex
        if tenancy.pick_route_domain_id(second, set(), *DOMAINS) == wanted:
            return first, second


class TestIsolation(base.ReliabilityTestCase):

    CONDUCTOR_THREADS = 2
    MAX_RETRIES = 1

    def setUp(self):
        super().setUp()
        self.config(group=config.NETWORK_GROUP, route_domain_min=DOMAINS[0],
                    route_domain_max=DOMAINS[1])
        self.start_worker()

    def build(self, project_id):
        """A load balancer of the project: VIP, listener, pool with two members, monitor."""
        self.octavia = octavia.FakeOctavia(project_id)
        lb_id = self.create('loadbalancer', vip_address=VIP)['loadbalancer_id']
        lid = self.create('listener', lb_id)['listener_id']
        pool_id = self.create('pool', lb_id, listener_id=lid)['pool_id']
        for address in MEMBERS:
            self.create('member', pool_id, address=address)
        self.create('healthmonitor', pool_id)
        return self.octavia, lb_id

    def partition(self, project_id):
        """The device's objects of one project (its partition and its route domain)."""
        name = base.PREFIX + project_id
        return {key: obj for key, obj in self.configuration().items()
                if name in key[1]}

    def test_overlapping_projects_live_apart_and_die_apart(self):
        first, second = colliding_projects()
        first_octavia, first_lb = self.build(first)
        second_lb = self.build(second)[1]
        before = {p: self.partition(p) for p in (first, second)}
        domains = {p: obj['id'] for p in (first, second)
                   for (collection, _path), obj in before[p].items()
                   if collection == 'net/route-domain'}
        vips = {p: obj['address'] for p in (first, second)
                for (collection, _path), obj in before[p].items()
                if collection == 'ltm/virtual-address'}
        statuses = self.statuses()

        self.octavia = first_octavia
        self.assertEqual('DELETED', self.delete('loadbalancer', first_lb, cascade=True))
        after = {p: self.partition(p) for p in (first, second)}
        self.figure('projects %s and %s (route-domain hash collides): route domains %s, VIPs '
                    '%s; objects before %d / %d, after deleting the first %d / %d' % (
                        first[:8], second[:8], sorted(domains.values()),
                        sorted(vips.values()), len(before[first]), len(before[second]),
                        len(after[first]), len(after[second])))
        self.assertEqual({'ACTIVE'}, set(statuses.values()))
        self.assertEqual(2, len(set(domains.values())), domains)
        self.assertEqual({'%s%%%d' % (VIP, domains[p]) for p in domains}, set(vips.values()))
        self.assertEqual(len(before[first]), len(before[second]))
        for project in (first, second):
            nodes = sorted(path.rsplit('/', 1)[-1] for collection, path in before[project]
                           if collection == 'ltm/node')
            self.assertEqual(['%s%%%d' % (a, domains[project]) for a in MEMBERS], nodes)
        self.assertEqual({}, after[first])
        self.assertEqual(before[second], after[second])
        self.assertEqual('ACTIVE', self.agent.status('loadbalancer', second_lb)[
            'provisioning_status'])
