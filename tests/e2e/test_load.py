# SPDX-License-Identifier: Apache-2.0
"""Load: many load balancers created, updated and deleted at once through the real Octavia.

Each load balancer is one fully populated create (an HTTP listener, its pool with 10 members
and an HTTP health monitor), then a member batch update (2 members replaced), then a cascade
delete, every phase sent concurrently. After each phase every object is ACTIVE (or gone), the
active device holds exactly what Octavia shows and the standby the same; after the deletes
nothing is left: no partition, route domain or VIP port. The load balancers share one
project and a subnet of their own (198.18.0.0/22, RFC 2544's benchmark range).

    OCTAVIA_F5_LOAD_COUNT=200 .local/venv/bin/python -m stestr --test-path ./tests/e2e \\
        run --concurrency 1 test_load

CI runs OCTAVIA_F5_LOAD_COUNT's default, 20. docs/reliability.md, section 8, has figures.
"""

import concurrent.futures
import os
import statistics
import sys
import threading
import time
import uuid

from openstack.config import loader
from openstack import connection

from tests.e2e import base
from tests.e2e import expect
from tests.e2e import lbtest

COUNT = int(os.environ.get('OCTAVIA_F5_LOAD_COUNT', '20'))
# Clients sending requests at once (Octavia's API runs 2 workers x 4 threads here).
CLIENTS = int(os.environ.get('OCTAVIA_F5_LOAD_CLIENTS', '8'))
# Octavia answers 500 when its calls to Neutron fail (the local Neutron resets connections
# under load, before anything is created): such a request is sent again, and counted.
RETRIES = 2
MEMBERS = 10
CIDR = '198.18.0.0/22'


def member_address(lb_index, member_index):
    """Members of different load balancers never share an address (nor a BIG-IP node)."""
    return '10.%d.%d.%d' % (100 + lb_index // 250, lb_index % 250, 10 + member_index)


class TestLoad(lbtest.LoadBalancerTestCase):

    def setUp(self):
        super().setUp()
        self.local = threading.local()
        self.lock = threading.Lock()
        self.connections = []
        self.addCleanup(lambda: [c.close() for c in self.connections])
        self.timings = {}
        network = self.conn.network.create_network(name='load-net-%s' % uuid.uuid4().hex[:8])
        self.addCleanup(self.conn.network.delete_network, network)
        self.subnet = self.conn.network.create_subnet(
            name='load-subnet', network_id=network.id, ip_version=4, cidr=CIDR)
        self.addCleanup(self.conn.network.delete_subnet, self.subnet)
        # Runs before the network goes: whatever a failed run left is deleted and waited for.
        self.addCleanup(self.delete_everything)
        # A wait covers the whole batch: the worker runs 4 jobs at a time.
        self.batch_timeout = max(self.wait_timeout, COUNT * 5.0)

    def figure(self, text):
        print('%s: %s' % (self.id().rsplit('.', 1)[-1], text))
        sys.stdout.flush()

    # --- concurrent requests ----------------------------------------------------------------

    def thread_api(self, method, path, body=None, **query):
        """self.api through a connection of the calling thread's own."""
        if not hasattr(self.local, 'conn'):
            config = loader.OpenStackConfig(config_files=[base.CLOUDS_YAML], vendor_files=[],
                                            load_envvars=False)
            self.local.conn = connection.Connection(config=config.get_one(
                cloud=base.CLOUD_NAME))
            with self.lock:
                self.connections.append(self.local.conn)
        return self.local.conn.load_balancer.request(
            '/lbaas/' + path.lstrip('/'), method, json=body, params=query or None,
            raise_exc=False)

    def concurrently(self, phase, requests, expected, **query):
        """Send ``requests`` [(method, path, body)] with CLIENTS threads; the answers' JSON.

        Records the phase's request latencies; any answer not in ``expected`` fails the test.
        """
        latencies, answers = [], [None] * len(requests)

        retried = []

        def send(index):
            method, path, body = requests[index]
            for attempt in range(1 + RETRIES):
                start = time.monotonic()
                answers[index] = self.thread_api(method, path, body, **query)
                latencies.append(time.monotonic() - start)
                if answers[index].status_code < 500:
                    break
                retried.append(answers[index].text[:200])
                time.sleep(1.0)

        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(send, range(len(requests))))
        self.timings[phase] = {'sent': time.monotonic() - started, 'latencies': latencies,
                               'started': started, 'retried': retried}
        wrong = ['%s %s: %d %s' % (r[0], r[1], a.status_code, a.text[:200])
                 for r, a in zip(requests, answers) if a.status_code not in expected]
        self.assertEqual([], wrong)
        return [a.json() if a.content else None for a in answers]

    def wait_all(self, phase, gone=False):
        """Wait until no load balancer of the project is PENDING_* (or, ``gone``, none is left).

        Returns {provisioning status: count}; records the time since the phase started.
        """
        deadline = time.monotonic() + self.batch_timeout
        while True:
            lbs = self.get('loadbalancers', project_id=self.project_id)['loadbalancers']
            counts = {}
            for lb in lbs:
                counts[lb['provisioning_status']] = counts.get(lb['provisioning_status'], 0) + 1
            if not (lbs if gone else set(counts) & set(lbtest.PENDING)):
                break
            if time.monotonic() > deadline:
                self.fail('%s: still %s after %.0f s' % (phase, counts, self.batch_timeout))
            time.sleep(1.0)
        timing = self.timings[phase]
        timing['done'] = time.monotonic() - timing['started']
        return counts

    def summary(self, phase, result):
        timing = self.timings[phase]
        latencies = sorted(timing['latencies'])
        self.figure('%s: %d requests in %.1f s (latency p50 %.2f s, max %.2f s; sent again '
                    'after a 5xx: %d); all ended after %.1f s: %s'
                    % (phase, len(latencies), timing['sent'], statistics.median(latencies),
                       latencies[-1], len(timing['retried']), timing['done'], result))
        for text in timing['retried']:
            self.figure('%s: 5xx answer sent again: %s' % (phase, text))

    # --- checks ---------------------------------------------------------------------------------

    def check_devices(self, phase):
        """Every object ACTIVE; the active device equal to Octavia, the standby to it."""
        state = self.project_state()
        objects = [o for kind in lbtest.DEFAULT_STATUS_LIST for o in state[kind]]
        objects += [m for members in state['members'].values() for m in members]
        not_active = [(o['id'], o['provisioning_status']) for o in objects
                      if o['provisioning_status'] != 'ACTIVE']
        cluster = self.wait_in_sync()
        active = self.partition(cluster['active'])
        mismatches = expect.mismatches(state, active)
        standby = [d['name'] for d in cluster['devices']
                   if d['name'] != cluster['active'] and d['up']
                   and self.partition(d['name']).rows() != active.rows()]
        self.figure('%s: Octavia objects %d, not ACTIVE %d; device objects %d, mismatches %d, '
                    'standby devices that differ %d' % (phase, len(objects), len(not_active),
                                                        len(active.rows()), len(mismatches),
                                                        len(standby)))
        self.assertEqual([], not_active)
        self.assertEqual([], mismatches)
        self.assertEqual([], standby)

    def delete_everything(self):
        """Cleanup: cascade-delete what the project still has, until nothing is left."""
        deadline = time.monotonic() + self.batch_timeout
        while time.monotonic() < deadline:
            lbs = self.get('loadbalancers', project_id=self.project_id)['loadbalancers']
            if not lbs:
                return
            for lb in lbs:
                if lb['provisioning_status'] in ('ACTIVE', 'ERROR'):
                    self.api('DELETE', 'loadbalancers/%s' % lb['id'], cascade='true')
            time.sleep(2.0)

    # --- the test -----------------------------------------------------------------------------

    def body(self, index):
        return {'loadbalancer': {
            'name': 'load-%d' % index, 'vip_subnet_id': self.subnet.id, 'provider': 'f5',
            'project_id': self.project_id,
            'listeners': [{
                'name': 'http', 'protocol': 'HTTP', 'protocol_port': 80,
                'default_pool': {
                    'name': 'pool', 'protocol': 'HTTP', 'lb_algorithm': 'ROUND_ROBIN',
                    'members': [{'address': member_address(index, m), 'protocol_port': 8080}
                                for m in range(MEMBERS)],
                    'healthmonitor': {'type': 'HTTP', 'delay': 10, 'timeout': 5,
                                      'max_retries': 3, 'url_path': '/health'}}}]}}

    def test_load_balancers_created_updated_and_deleted_at_once(self):
        self.figure('%d load balancers, 1 HTTP listener, 1 pool, %d members and 1 health '
                    'monitor each; %d clients' % (COUNT, MEMBERS, CLIENTS))
        created = self.concurrently('create', [('POST', 'loadbalancers', self.body(i))
                                               for i in range(COUNT)], (201,))
        lbs = [c['loadbalancer'] for c in created]
        result = self.wait_all('create')
        self.summary('create', result)
        self.assertEqual({'ACTIVE': COUNT}, result)
        self.check_devices('create')

        # Members 0 and 1 of every pool replaced by two new ones (members 10 and 11).
        pools = {p['loadbalancers'][0]['id']: p['id']
                 for p in self.get('pools', project_id=self.project_id)['pools']}
        index = {lb['id']: int(lb['name'].split('-')[1]) for lb in lbs}
        self.concurrently('update', [
            ('PUT', 'pools/%s/members' % pools[lb['id']], {'members': [
                {'address': member_address(index[lb['id']], m), 'protocol_port': 8080}
                for m in range(2, MEMBERS + 2)]}) for lb in lbs], (202,))
        result = self.wait_all('update')
        self.summary('update', result)
        self.assertEqual({'ACTIVE': COUNT}, result)
        self.check_devices('update')

        self.concurrently('delete', [('DELETE', 'loadbalancers/%s' % lb['id'], None)
                                     for lb in lbs], (204,), cascade='true')
        self.wait_all('delete', gone=True)
        self.summary('delete', 'all %d DELETED' % COUNT)
        partition = self.partition()
        ports = list(self.conn.network.ports(fixed_ips='subnet_id=%s' % self.subnet.id))
        self.figure('delete: left on the device %d objects (partition %s, route domain %s), '
                    'VIP ports left %d' % (len(partition.rows()), partition.exists,
                                           bool(partition.route_domain), len(ports)))
        self.assertEqual([], partition.rows())
        self.assertFalse(partition.exists)
        self.assertEqual([], [p.id for p in ports])
