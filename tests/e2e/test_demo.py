# SPDX-License-Identifier: Apache-2.0
"""`tools/local-cloud demo`, README's main command, builds its load balancer and shows it."""

import os
import subprocess

from tests.e2e import base
from tests.e2e import device


class TestDemo(base.E2ETestCase):

    def test_demo_builds_an_active_load_balancer_and_prints_its_big_ip_objects(self):
        result = subprocess.run([os.path.join(base.REPO, 'tools', 'local-cloud'), 'demo'],
                                capture_output=True, text=True, timeout=900)
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        lbs = self.openstack('loadbalancer', 'list', '--name', 'demo-lb')
        self.assertEqual(['ACTIVE'], [lb['provisioning_status'] for lb in lbs])
        listeners = self.openstack('loadbalancer', 'listener', 'list', '--loadbalancer',
                                   lbs[0]['id'])
        self.assertEqual(['HTTP', 'TERMINATED_HTTPS'],
                         sorted(li['protocol'] for li in listeners))
        # Every listener's virtual server is in the printed table, and on the device.
        devices = device.Devices()
        self.addCleanup(devices.close)
        partition = devices.partition('non-uuid')
        for listener in listeners:
            name = 'listener_%s' % listener['id']
            self.assertIn('/%s/%s' % (partition.name, name), result.stdout)
            self.assertIsNotNone(partition.get('ltm/virtual', name))
        self.assertIn('"provisioning_status": "ACTIVE"', result.stdout)
