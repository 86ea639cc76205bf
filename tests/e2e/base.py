# SPDX-License-Identifier: Apache-2.0
"""Base of the end-to-end tests: the running local cloud (tools/local-cloud), SDK and CLI."""

import configparser
import json
import os
import shutil
import subprocess
import time

from openstack.config import loader
from openstack import connection
from openstack import exceptions as os_exc
import requests

from tests import base

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLOUD_NAME = 'octavia-f5-local'
CLOUD_DIR = os.path.abspath(
    os.environ.get('OCTAVIA_F5_LOCAL_DIR', os.path.join(REPO, '.local', 'cloud')))
CLOUDS_YAML = os.path.join(CLOUD_DIR, 'clouds.yaml')
OCTAVIA_CONF = os.path.join(CLOUD_DIR, 'etc', 'octavia.conf')
VENV_BIN = os.path.join(
    os.path.abspath(os.environ.get('OCTAVIA_F5_LOCAL_VENV', os.path.join(REPO, '.local', 'venv'))),
    'bin')
DEMO_NETWORK = 'demo-net'
DEMO_SUBNET = 'demo-subnet'
DEMO_CIDR = '192.0.2.0/24'
# Octavia runs without Keystone: a create names its project explicitly (X-Project-Id is what a
# token would carry). The CLI's --project resolves names through Keystone except "non-uuid".
PROJECT_ID = 'octavia-f5-e2e'
NOT_UP = ('the local cloud is not up (%s): run `tools/local-cloud up`, '
          'then `tools/local-cloud status`')
DELETED = 'DELETED'


def octavia_conf():
    """The local cloud's generated octavia.conf (what `up` enabled)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(OCTAVIA_CONF)
    return parser


class E2ETestCase(base.TestCase):
    """A test against the running local cloud; fails (never skips) when the cloud is down."""

    # bounds of waits, not expectations of speed: a 2-core CI machine runs everything at once
    wait_timeout = 120.0
    wait_interval = 0.5

    def setUp(self):
        super().setUp()
        if not os.path.exists(CLOUDS_YAML):
            self.fail(NOT_UP % ('no %s' % CLOUDS_YAML))
        config = loader.OpenStackConfig(config_files=[CLOUDS_YAML], vendor_files=[],
                                        load_envvars=False)
        region = config.get_one(cloud=CLOUD_NAME)
        for service in ('network', 'load_balancer'):
            self._probe(service, region.config[service + '_endpoint_override'])
        self.conn = connection.Connection(config=region)
        self.addCleanup(self.conn.close)

    def _probe(self, service, url):
        try:
            requests.get(url, timeout=10)
        except requests.ConnectionError as exc:
            self.fail(NOT_UP % ('%s at %s does not answer: %s' % (service, url, exc)))

    def openstack(self, *args, parse=True):
        """Run ``openstack --os-cloud octavia-f5-local ARGS`` (with ``-f json`` when parsed).

        Returns the parsed JSON output, or the raw stdout when ``parse`` is False (for commands
        without output formats, such as delete). A non-zero exit fails the test with stderr.
        """
        cli = os.path.join(VENV_BIN, 'openstack')
        if not os.path.exists(cli):
            cli = shutil.which('openstack') or self.fail(NOT_UP % 'no openstack CLI')
        argv = [cli, '--os-cloud', CLOUD_NAME] + [str(a) for a in args]
        if parse:
            argv += ['-f', 'json']
        env = dict(os.environ, OS_CLIENT_CONFIG_FILE=CLOUDS_YAML)
        for name in ('OS_CLOUD', 'OS_AUTH_URL', 'OS_AUTH_TYPE', 'OS_TOKEN'):
            env.pop(name, None)
        result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
        if result.returncode:
            self.fail('%s exited with %d:\n%s' % (' '.join(argv[1:]), result.returncode,
                                                  result.stderr.strip()))
        return json.loads(result.stdout) if parse else result.stdout

    def wait_for_status(self, get, status, attribute='provisioning_status', timeout=None):
        """Poll ``get()`` until the resource's ``attribute`` is ``status``; returns it.

        ``get`` returns an SDK resource or a dict; a NotFound from it counts as status DELETED.
        Reaching ERROR (unless expected) or the timeout fails the test with the last state.
        """
        deadline = time.monotonic() + (timeout or self.wait_timeout)
        while True:
            try:
                resource = get()
                current = (resource[attribute] if isinstance(resource, dict)
                           else getattr(resource, attribute))
            except os_exc.NotFoundException:
                resource, current = None, DELETED
            if current == status:
                return resource
            if current == 'ERROR':
                self.fail('%s went to ERROR while waiting for %s: %s'
                          % (attribute, status, resource))
            if time.monotonic() > deadline:
                self.fail('%s is still %s, not %s, after %.0f s: %s'
                          % (attribute, current, status, timeout or self.wait_timeout,
                             resource))
            time.sleep(self.wait_interval)

    def demo_network(self):
        network = self.conn.network.find_network(DEMO_NETWORK)
        if network is None:
            self.fail('Neutron has no %s: run `tools/local-cloud up` again' % DEMO_NETWORK)
        return network
