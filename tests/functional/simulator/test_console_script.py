# SPDX-License-Identifier: Apache-2.0
"""The console script as a subprocess, replaying a real curl session against it."""

import json
import os
import shutil
import signal
import subprocess
import sys

import fixtures
import testtools

from tests import base

SCRIPT = shutil.which('octavia-f5-bigip-simulator')
STATUS_MARK = '\n--status--'


@testtools.skipUnless(shutil.which('curl'), 'curl is not installed')
class TestConsoleScript(base.TestCase):

    def setUp(self):
        super().setUp()
        # The installed console script when there is one (it is what users run).
        command = [SCRIPT] if SCRIPT else [sys.executable, '-m', 'octavia_f5.simulator.server']
        self.process = subprocess.Popen(command + ['--listen', '127.0.0.1:0'],
                                        stdout=subprocess.PIPE, text=True)
        self.addCleanup(self._stop)
        self.lines = []
        for line in self.process.stdout:
            self.lines.append(line.strip())
            if line.strip() == 'ready':
                break
        self.url = self.lines[0].split()[2]
        self.token = None

    def _stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process.stdout.close()

    def curl(self, method, path, body=None, headers=()):
        """Run curl; (status, content type, body text)."""
        command = ['curl', '-s', '-S', '-X', method, self.url + path,
                   '-w', STATUS_MARK + '%{http_code} %{content_type}']
        if self.token:
            command += ['-H', 'X-F5-Auth-Token: ' + self.token]
        for header in headers:
            command += ['-H', header]
        if body is not None:
            command += ['-H', 'Content-Type: application/json', '-d', json.dumps(body)]
        out = subprocess.run(command, capture_output=True, text=True, timeout=30,
                             check=True).stdout
        text, _, trailer = out.rpartition(STATUS_MARK)
        status, _, content_type = trailer.partition(' ')
        return int(status), content_type, text

    def test_start_prints_urls_and_stops_cleanly_on_sigterm(self):
        self.assertEqual(['device', 'bigip1'], self.lines[0].split()[:2])
        self.assertEqual('active', self.lines[0].split()[3])
        self.assertIn('device-group (standalone)', self.lines)
        self.process.send_signal(signal.SIGTERM)
        self.assertEqual(0, self.process.wait(10))

    def test_curl_session_gets_the_reference_answers(self):
        status, content_type, text = self.curl('POST', '/mgmt/shared/authn/login', {
            'username': 'admin', 'password': 'admin', 'loginProviderName': 'tmos'})
        self.assertEqual((200, 'application/json;charset=utf-8'), (status, content_type))
        login = json.loads(text)
        self.assertEqual('admin', login['token']['userName'])
        self.token = login['token']['token']

        status, _, text = self.curl('POST', '/mgmt/tm/ltm/pool',
                                    {'name': 'web_pool', 'partition': 'Common'})
        pool = json.loads(text)
        self.assertEqual(200, status)
        self.assertEqual(('tm:ltm:pool:poolstate', 'web_pool', 'Common', '/Common/web_pool',
                          'https://localhost/mgmt/tm/ltm/pool/~Common~web_pool?ver=17.1.1'),
                         (pool['kind'], pool['name'], pool['partition'], pool['fullPath'],
                          pool['selfLink']))

        status, _, text = self.curl('POST', '/mgmt/tm/ltm/pool',
                                    {'name': 'web_pool', 'partition': 'Common'})
        self.assertEqual((409, {'code': 409, 'message': '01020066:3: The requested Pool '
                                '(/Common/web_pool) already exists in partition Common.',
                                'errorStack': [], 'apiError': 3}), (status, json.loads(text)))

        status, _, text = self.curl('GET', '/mgmt/tm/ltm/pool/~Common~missing')
        self.assertEqual((404, {'code': 404, 'message': '01020036:3: The requested Pool '
                                '(/Common/missing) was not found.',
                                'errorStack': [], 'apiError': 3}), (status, json.loads(text)))

        status, _, text = self.curl('POST', '/mgmt/tm/transaction', {})
        transaction = json.loads(text)
        self.assertEqual((200, 'STARTED', 'tm:transactionstate'),
                         (status, transaction['state'], transaction['kind']))
        trans_id = str(transaction['transId'])
        status, _, text = self.curl('POST', '/mgmt/tm/ltm/pool', {'name': 'tx_pool'},
                                    headers=['X-F5-REST-Coordination-Id: ' + trans_id])
        command = json.loads(text)
        self.assertEqual((200, 'tm:transaction:commandsstate', 1, 'POST'),
                         (status, command['kind'], command['evalOrder'], command['method']))
        status, _, text = self.curl('PATCH', '/mgmt/tm/transaction/' + trans_id,
                                    {'state': 'VALIDATING'})
        self.assertEqual((200, 'COMPLETED'), (status, json.loads(text)['state']))
        self.assertEqual(200, self.curl('GET', '/mgmt/tm/ltm/pool/~Common~tx_pool')[0])

        self.assertEqual((200, ''), self.curl('DELETE', '/mgmt/tm/ltm/pool/~Common~web_pool')
                         [::2])
        self.assertEqual(404, self.curl('GET', '/mgmt/tm/ltm/pool/~Common~web_pool')[0])


class TestConsoleScriptHa(base.TestCase):

    def test_three_devices_with_https_print_urls_ca_and_group(self):
        cert_dir = self.useFixture(fixtures.TempDir()).path
        process = subprocess.Popen(
            [sys.executable, '-m', 'octavia_f5.simulator.server', '--listen',
             '127.0.0.1:0', '--devices', '3', '--https', '--cert-dir', cert_dir],
            stdout=subprocess.PIPE, text=True)
        lines = []
        for line in process.stdout:
            lines.append(line.split())
            if line.strip() == 'ready':
                break
        process.send_signal(signal.SIGINT)
        self.assertEqual(0, process.wait(10))
        process.stdout.close()
        self.assertEqual([['device', 'bigip%d' % i] for i in (1, 2, 3)],
                         [w[:2] for w in lines[:3]])
        self.assertEqual(['active', 'standby', 'standby'], [w[3] for w in lines[:3]])
        self.assertTrue(all(w[2].startswith('https://127.0.0.1:') for w in lines[:3]))
        self.assertEqual(['ca-certificate', os.path.join(cert_dir, 'ca.pem')], lines[3])
        self.assertEqual(['device-group', 'octavia-f5-group'], lines[4])
