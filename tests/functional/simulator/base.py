# SPDX-License-Identifier: Apache-2.0
"""Base of the simulator's functional tests: devices on real ports, a requests session."""

import requests

from octavia_f5.simulator import fixture
from tests import base

LOGIN = '/mgmt/shared/authn/login'
POOLS = '/mgmt/tm/ltm/pool'


class SimulatorTestCase(base.TestCase):
    """Starts ``DEVICES`` simulated devices; ``self.session(i)`` talks to device i."""

    DEVICES = 1
    HTTPS = False

    def setUp(self):
        super().setUp()
        self.simulator = self.useFixture(fixture.SimulatorFixture(devices=self.DEVICES,
                                                                  https=self.HTTPS))
        self.sim = self.simulator.sim
        self.urls = self.simulator.urls

    def session(self, device=0, auth=True):
        """A keep-alive session to a device, Basic-authenticated unless auth is False."""
        session = requests.Session()
        self.addCleanup(session.close)
        if auth:
            session.auth = (self.simulator.username, self.simulator.password)
        session.verify = self.simulator.ca_file or True
        session.base = self.urls[device]
        return session

    def call(self, session, method, path, body=None, **kwargs):
        # Per request: requests lets REQUESTS_CA_BUNDLE override a Session's verify.
        kwargs.setdefault('verify', session.verify)
        return session.request(method, session.base + path, json=body, timeout=10, **kwargs)

    def login(self, device=0, username=None, password=None):
        session = self.session(device, auth=False)
        response = self.call(session, 'POST', LOGIN, {
            'username': username or self.simulator.username,
            'password': password or self.simulator.password, 'loginProviderName': 'tmos'})
        return response

    def token_session(self, device=0):
        response = self.login(device)
        self.assertEqual(200, response.status_code, response.text)
        session = self.session(device, auth=False)
        session.headers['X-F5-Auth-Token'] = response.json()['token']['token']
        return session

    def create_pool(self, session, name='pool1', partition='Common'):
        response = self.call(session, 'POST', POOLS, {'name': name, 'partition': partition})
        self.assertEqual(200, response.status_code, response.text)
        return response.json()
