# SPDX-License-Identifier: Apache-2.0
"""Base of the client's functional tests: a client built from [f5_bigip], simulated devices."""

from oslo_config import cfg
import requests

from octavia_f5.bigip import auth
from octavia_f5.bigip import cluster
from octavia_f5.bigip import paths
from octavia_f5.simulator import fixture
from tests import base

POOLS = paths.collection('ltm/pool')
VIRTUALS = paths.collection('ltm/virtual')
PARTITIONS = paths.collection('auth/partition')
ROUTE_DOMAINS = paths.collection('net/route-domain')
VERSION = paths.collection('sys/version')
# Few, instant retries: the tests count attempts in the call log, they never wait.
MAX_RETRIES = 2


class FakeClock(object):
    """A monotonic clock the test moves forward; the simulator keeps real time."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


class ClientTestCase(base.TestCase):
    """``DEVICES`` simulated devices and a client configured to reach them.

    ``self.sim`` is the simulator's control API (call log, faults, failover ...).
    """

    DEVICES = 1
    HTTPS = False
    SIMULATOR = {}

    def setUp(self):
        super().setUp()
        self.simulator = self.useFixture(fixture.SimulatorFixture(
            devices=self.DEVICES, https=self.HTTPS, **self.SIMULATOR))
        self.sim = self.simulator.sim

    def configure(self, **options):
        """[f5_bigip] for the simulator; ``options`` override the defaults below."""
        values = dict(devices=self.simulator.urls, username=self.simulator.username,
                      password=self.simulator.password,
                      verify=self.simulator.ca_file or 'true',
                      device_group=self.simulator.device_group, max_retries=MAX_RETRIES,
                      retry_backoff=0.0, retry_max_backoff=0.0, connect_timeout=2.0,
                      read_timeout=10.0)
        values.update(options)
        self.config(group='f5_bigip', **values)

    def make_cluster(self, configure=True, **device_kwargs):
        """The client as a worker builds it: Cluster.from_conf(); closed at cleanup."""
        if configure:
            self.configure()
        group = cluster.Cluster.from_conf(cfg.CONF, **device_kwargs)
        self.addCleanup(group.close)
        return group

    def make_device(self, **options):
        """The client of the first device, configured with ``options``."""
        self.configure(**options)
        return self.make_cluster(configure=False).devices[0]

    # --- what the devices saw -------------------------------------------------------------

    def calls(self, method=None, path=None, device=0):
        """The simulator's call log of a device: [{'method', 'path', 'status', ...}]."""
        return self.sim.calls(device=device, method=method, path=path)

    def statuses(self, method, path, device=0):
        """The answer statuses of the matching calls, oldest first (0: no answer)."""
        return [c['status'] for c in self.calls(method, path, device)]

    def logins(self, device=0):
        return len(self.calls('POST', auth.LOGIN_PATH + '$', device))

    def live_tokens(self, device=0):
        """The user's tokens on a device, as GET /mgmt/shared/authz/tokens lists them."""
        answer = requests.get(self.simulator.urls[device] + auth.TOKENS_PATH, timeout=10,
                              verify=self.simulator.ca_file or True,
                              auth=(self.simulator.username, self.simulator.password))
        self.assertEqual(200, answer.status_code, answer.text)
        return [item['token'] for item in answer.json().get('items', [])]

    def dump(self, collection, device=0):
        """{fullPath: object} of one collection, straight from the device's memory."""
        return self.sim.dump(device).get(collection, {})
