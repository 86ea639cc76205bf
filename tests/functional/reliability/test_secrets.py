# SPDX-License-Identifier: Apache-2.0
"""After TLS work at DEBUG level, no password, token or private key is in logs, Redis or the DB."""

import base64
import glob
import os
import uuid

from octavia_f5.common import config
from tests.functional.reliability import base
from tests.functional.reliability import jobs
from tests.unit.flows import certs

REFUSED = {'status': 400, 'body': {'code': 400, 'message': '01070734:3: Configuration error: '
                                   'refused by the test', 'errorStack': [], 'apiError': 3}}


def key_lines(container):
    """The base64 lines of a container's private key.

    A PEM can only be searched line by line: JSON and logs escape the newlines between them.
    """
    return [line for line in container['private_key'].splitlines()
            if line and not line.startswith('-----')]


class TestSecrets(base.ReliabilityTestCase):

    DEBUG = True
    PASSWORD = 'Pw-%s' % uuid.uuid4().hex
    CONDUCTOR_THREADS = 2
    MAX_RETRIES = 1

    def setUp(self):
        super().setUp()
        # Finished jobs keep their logbooks: everything the engine ever stored stays to be read.
        self.config(group=config.JOBBOARD_GROUP, save_logbook=True)
        self.start_worker()
        self.board_seen = []

    def post(self, operation, payload, object_id=None):
        """Post, and keep Redis as it is with the job waiting (a consumed job is gone)."""
        job = super().post(operation, payload, object_id)
        self.board_seen.append(self.redis.raw_dump())
        return job

    def tls_work(self):
        """TLS listeners with SNI and client CA, TLS pools, a rotation, a failure, new tokens.

        Returns the certificate containers used.
        """
        default, sni, rotated, client = (certs.container(n) for n in (
            'secret.example.com', 'sni.example.com', 'rotated.example.com', 'client.example'))
        lb_id = self.create('loadbalancer')['loadbalancer_id']
        lid = self.create('listener', lb_id, **jobs.tls_listener(default, sni))['listener_id']
        pool_id = self.create('pool', lb_id, listener_id=lid, protocol='HTTPS',
                              **jobs.tls_pool(client))['pool_id']
        self.create('member', pool_id, address='192.168.60.1', protocol_port=443)
        self.sim.sim.expire_tokens()
        self.assertEqual('ACTIVE', self.update('listener', lid,
                                               default_tls_container_ref='ref-rotated',
                                               default_tls_container_data=rotated))
        self.sim.sim.add_fault(method='POST', path='/ltm/profile/client-ssl$', **REFUSED)
        failed = self.create('listener', lb_id, **dict(
            jobs.tls_listener(certs.container('refused.example.com')), protocol_port=8443))
        self.assertStatus('listener', failed['listener_id'], 'ERROR')
        self.sim.sim.clear_faults()
        self.sim.sim.expire_tokens()
        self.assertEqual('DELETED', self.delete('loadbalancer', lb_id, cascade=True))
        return default, sni, rotated, client, certs.container('refused.example.com')

    def test_no_secret_reaches_logs_redis_or_the_database(self):
        containers = self.tls_work()
        tokens = sorted(self.tokens_issued())
        secrets = {'BIG-IP password': [self.PASSWORD, basic(self.PASSWORD)],
                   'tokens': tokens,
                   'private key lines': [line for c in containers for line in key_lines(c)]}
        places = {'log %s' % os.path.basename(path): read(path)
                  for worker in self.workers.started
                  for path in (worker.log_file, worker.output_file)}
        places['redis (%d snapshots)' % (len(self.board_seen) + 1)] = b''.join(
            self.board_seen + [self.redis.raw_dump()])
        places['database'] = b''.join(read(p) for p in sorted(glob.glob(self.db_path + '*')))

        found = ['%s in %s' % (what, place) for what, values in secrets.items()
                 for value in values for place, blob in places.items()
                 if value.encode() in blob]
        self.figure('searched %s for %s: %d found' % (
            ', '.join('%s %d bytes' % (p, len(b)) for p, b in sorted(places.items())),
            ', '.join('%s: %d' % (w, len(v)) for w, v in secrets.items()), len(found)))
        # The search looks where the secrets would be: the requests, the payloads.
        self.assertIn(b'POST /mgmt/tm/sys/file/ssl-key', places['log worker1.log'])
        self.assertIn(containers[0]['id'].encode(), places['database'])
        self.assertGreaterEqual(len(tokens), 3)
        self.assertEqual([], found)


def basic(password):
    return base64.b64encode(('admin:%s' % password).encode()).decode()


def read(path):
    with open(path, 'rb') as f:
        return f.read()
