# SPDX-License-Identifier: Apache-2.0
"""Base of the load balancer e2e tests: a project of its own, settling, and device checks.

Every test creates its objects in a fresh project, so its BIG-IP partition holds only what the
test made: after each step the partition must equal what Octavia shows (expect.mismatches),
nothing may be left PENDING_*, and the standby device must hold the same objects.
"""

import os
import time
import uuid

from tests.e2e import base
from tests.e2e import device
from tests.e2e import expect
from tools.localcloud import certs

PENDING = ('PENDING_CREATE', 'PENDING_UPDATE', 'PENDING_DELETE')
CERT_DIR = os.path.join(base.CLOUD_DIR, 'certs')
DEFAULT_STATUS_LIST = ('loadbalancers', 'listeners', 'pools', 'healthmonitors', 'l7policies')


class LoadBalancerTestCase(base.E2ETestCase):
    """Builds load balancers in a project of its own; checks the devices after each step."""

    # An operation takes 1-2 s; polling GET of one load balancer is cheap.
    wait_interval = 0.1
    # Cleanups wait for load balancer deletes (flavors and zones in use cannot be deleted).
    wait_for_deletes = False

    def setUp(self):
        super().setUp()
        self.project_id = 'e2e-%s' % uuid.uuid4().hex[:12]
        self.devices = device.Devices()
        self.addCleanup(self.devices.close)
        # Registered first, so it runs last: Octavia reads a load balancer's certificates
        # to delete it, and the cleanups delete load balancers.
        self.tls_refs = []
        self.addCleanup(self._remove_tls_containers)
        self.subnet = self.conn.network.find_subnet(base.DEMO_SUBNET)
        if self.subnet is None:
            self.fail('Neutron has no %s: run `tools/local-cloud up` again' % base.DEMO_SUBNET)

    # --- REST through the SDK's session (Octavia's own field names) ---------------------------

    def api(self, method, path, body=None, **query):
        """The raw response of ``METHOD /v2/lbaas/<path>``; never raises on an HTTP error."""
        return self.conn.load_balancer.request(
            '/lbaas/' + path.lstrip('/'), method, json=body, params=query or None,
            raise_exc=False)

    def get(self, path, **query):
        response = self.api('GET', path, **query)
        self.assertEqual(200, response.status_code, 'GET %s: %s' % (path, response.text))
        return response.json()

    def call(self, method, path, body=None, expect=(200, 201, 202, 204), **query):
        """``METHOD path`` that must succeed; returns the parsed answer (None when empty)."""
        response = self.api(method, path, body, **query)
        if response.status_code not in expect:
            self.fail('%s %s answered %s: %s' % (method, path, response.status_code,
                                                 response.text))
        return response.json() if response.content else None

    def assert_refused(self, response, *words):
        """Octavia's HTTP 501 carrying the f5 driver's message, which names ``words``."""
        self.assertEqual(501, response.status_code, response.text)
        fault = response.json().get('faultstring', '')
        self.assertIn('F5 provider', fault)
        for word in words:
            self.assertIn(word, fault)
        return fault

    # --- load balancers ------------------------------------------------------------------------

    def create_lb(self, name='lb', settle=True, **fields):
        """A load balancer of this test's project on demo-subnet (deleted, cascade, at cleanup)."""
        body = dict({'name': name, 'vip_subnet_id': self.subnet.id, 'provider': 'f5',
                     'project_id': self.project_id}, **fields)
        lb = self.call('POST', 'loadbalancers', {'loadbalancer': body})['loadbalancer']
        self.addCleanup(self.delete_lb_quietly, lb['id'])
        if settle:
            self.settle(lb['id'])
        return lb

    def delete_lb_quietly(self, lb_id):
        """Cleanup: cascade delete unless already gone.

        The next test works in another project, so the delete runs on while it starts (the
        worker runs several jobs at once); deletes are checked by the tests of deletes. With
        TLS containers it waits: their files are removed next, and Octavia reads them to
        hand the load balancer to the worker.
        """
        try:
            self.wait_lb_not_pending(lb_id)
        except self.failureException:
            return
        response = self.api('DELETE', 'loadbalancers/%s' % lb_id, cascade='true')
        if response.status_code == 204 and (self.tls_refs or self.wait_for_deletes):
            self.wait_for_status(lambda: self.lb_or_deleted(lb_id), base.DELETED)

    def lb_or_deleted(self, lb_id):
        response = self.api('GET', 'loadbalancers/%s' % lb_id)
        if response.status_code == 404:
            return {'provisioning_status': base.DELETED}
        return response.json()['loadbalancer']

    def wait_lb_not_pending(self, lb_id):
        deadline = time.monotonic() + self.wait_timeout
        while True:
            lb = self.lb_or_deleted(lb_id)
            if lb['provisioning_status'] not in PENDING:
                return lb
            if time.monotonic() > deadline:
                self.fail('load balancer %s still %s after %.0f s'
                          % (lb_id, lb['provisioning_status'], self.wait_timeout))
            time.sleep(self.wait_interval)

    # --- Octavia's view of the project --------------------------------------------------------

    def project_state(self, project_id=None):
        """Every Octavia object of the project, as the v2 API shows it."""
        project_id = project_id or self.project_id
        state = {kind: self.get(kind, project_id=project_id)[kind]
                 for kind in DEFAULT_STATUS_LIST}
        state['members'] = {p['id']: self.get('pools/%s/members' % p['id'])['members']
                            for p in state['pools']}
        state['l7rules'] = {p['id']: self.get('l7policies/%s/rules' % p['id'])['rules']
                            for p in state['l7policies']}
        return state

    @staticmethod
    def _pending(state):
        objects = [o for kind in DEFAULT_STATUS_LIST for o in state[kind]]
        objects += [o for group in ('members', 'l7rules') for items in state[group].values()
                    for o in items]
        return [(o['id'], o['provisioning_status']) for o in objects
                if o['provisioning_status'] in PENDING]

    def settle(self, lb_id, errors_allowed=False):
        """Wait until the operation on ``lb_id`` ended, then check statuses and devices.

        Returns the project's state. Fails when an object stays PENDING_*, when one is in
        ERROR (unless ``errors_allowed``), or when a device disagrees with Octavia.
        """
        self.wait_lb_not_pending(lb_id)
        deadline = time.monotonic() + self.wait_timeout
        state = self.project_state()
        while self._pending(state):
            if time.monotonic() > deadline:
                self.fail('left PENDING after the load balancer settled: %s'
                          % self._pending(state))
            time.sleep(self.wait_interval)
            state = self.project_state()
        if not errors_allowed:
            errors = [(kind, o['id']) for kind in DEFAULT_STATUS_LIST for o in state[kind]
                      if o['provisioning_status'] == 'ERROR']
            self.assertEqual([], errors, 'objects in ERROR (see .local/cloud/log/'
                                         'driver-agent.log)')
        self.assert_devices_match(state)
        return state

    # --- the devices ---------------------------------------------------------------------------

    def partition(self, device_name=None):
        return self.devices.partition(self.project_id, device_name)

    def assert_devices_match(self, state=None):
        """The active device equals Octavia's view; the standby holds the same objects."""
        state = state or self.project_state()
        cluster = self.wait_in_sync()
        active = self.partition(cluster['active'])
        found = expect.mismatches(state, active)
        self.assertEqual([], found, 'the active BIG-IP %s disagrees with Octavia; partition '
                                    '%s holds %s' % (cluster['active'], active.name,
                                                     active.rows()))
        for other in cluster['devices']:
            if other['name'] != cluster['active'] and other['up']:
                self.assertEqual(active.rows(), self.partition(other['name']).rows(),
                                 'standby %s differs from the active device' % other['name'])
        return active

    def wait_quiet(self):
        """Wait until no load balancer of any project is PENDING_* (earlier tests' deletes)."""
        deadline = time.monotonic() + self.wait_timeout
        while True:
            busy = [lb['id'] for lb in self.get('loadbalancers')['loadbalancers']
                    if lb['provisioning_status'] in PENDING]
            if not busy:
                return
            if time.monotonic() > deadline:
                self.fail('load balancers stay PENDING: %s' % busy)
            time.sleep(self.wait_interval)

    def wait_in_sync(self):
        """The cluster once the pair is In Sync (another project's job may be syncing)."""
        deadline = time.monotonic() + self.wait_timeout
        while True:
            cluster = self.devices.cluster()
            if cluster['sync_status'] == 'In Sync':
                return cluster
            if time.monotonic() > deadline:
                self.fail('the BIG-IP pair is not In Sync: %s' % cluster)
            time.sleep(self.wait_interval)

    def assert_lb_gone(self, lb):
        """Octavia, Neutron and the device no longer know the load balancer or its children."""
        self.assertEqual(base.DELETED, self.lb_or_deleted(lb['id'])['provisioning_status'])
        self.assertIsNone(self.conn.network.find_port(lb['vip_port_id']),
                          'VIP port %s outlived its load balancer' % lb['vip_port_id'])
        self.assertEqual(set(), self.partition().naming(lb['id']))

    def vip_port(self, lb):
        port = self.conn.network.find_port(lb['vip_port_id'])
        self.assertIsNotNone(port, 'no VIP port %s in Neutron' % lb['vip_port_id'])
        self.assertEqual(lb['vip_address'], port.fixed_ips[0]['ip_address'])
        return port

    # --- TLS containers ------------------------------------------------------------------------

    def tls_container(self, common_name='www.example.org'):
        """A self-signed certificate + key in Octavia's local cert store; its ref."""
        ref = 'e2e-%s' % uuid.uuid4().hex[:12]
        certs.store(CERT_DIR, ref, common_name)
        self.tls_refs.append(ref)
        return ref

    def _remove_tls_containers(self):
        for ref in self.tls_refs:
            certs.remove(CERT_DIR, ref)
