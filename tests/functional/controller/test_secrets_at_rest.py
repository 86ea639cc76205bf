# SPDX-License-Identifier: Apache-2.0
"""Certificate and key material never reaches Redis or the persistence database in clear."""

import glob
import hashlib

from oslo_utils import uuidutils

from tests.functional.controller import base

# One-line markers: JSON escapes the newlines of a whole PEM, so only a line can be searched.
KEY_LINE = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDF5PRIVATEKEYMARKER'
CERT_LINE = 'MIIDazCCAlOgAwIBAgIUCERTIFICATEMARKERfWQ7aJ3yRbmYfZrM0wDQYJKoZIhvcNA'
CA_LINE = 'MIIDCLIENTCAMARKERazCCAlOgAwIBAgIUfWQ7aJ3yRbmYfZrM0wDQYJKoZIhvcNAQEL'


def _pem(kind, line):
    return '-----BEGIN %s-----\n%s\n%s\n-----END %s-----\n' % (kind, line, line[::-1], kind)


def _tls_listener():
    container = {'id': uuidutils.generate_uuid(), 'primary_cn': 'www.example.com',
                 'certificate': _pem('CERTIFICATE', CERT_LINE),
                 'private_key': _pem('PRIVATE KEY', KEY_LINE),
                 'intermediates': [_pem('CERTIFICATE', CA_LINE)], 'passphrase': None}
    return {'listener_id': uuidutils.generate_uuid(), 'protocol': 'TERMINATED_HTTPS',
            'protocol_port': 443, 'default_tls_container_data': container,
            'sni_container_data': [dict(container)],
            'client_ca_tls_container_data': _pem('CERTIFICATE', CA_LINE)}


class TestSecretsAtRest(base.WorkerTestCase):

    def _assert_no_secret(self, blob, where):
        for line in (KEY_LINE, CERT_LINE, CA_LINE):
            self.assertNotIn(line.encode(), blob, 'clear PEM material in %s' % where)

    def test_private_key_is_absent_from_redis_and_persistence_but_usable_by_tasks(self):
        self.config(group='f5_jobboard', save_logbook=True)
        listener = _tls_listener()
        job = self.post_demo('tls', listener=listener)

        posted = self.redis.raw_dump()
        self.assertIn(listener['listener_id'].encode(), posted)
        self._assert_no_secret(posted, 'Redis after the post')

        self.workers.start()
        self.wait_jobs_done([job])
        key = listener['default_tls_container_data']['private_key']
        self.assertEqual([('key', hashlib.sha256(key.encode()).hexdigest())],
                         [(step, event) for _pid, _tag, step, event in self.read_events('tls')])
        self._assert_no_secret(self.redis.raw_dump(), 'Redis after the run')
        stored = b''.join(open(path, 'rb').read()
                          for path in glob.glob(self.db_path + '*'))
        # The payload itself is in the database (the engine store), only its secrets are not.
        self.assertIn(listener['listener_id'].encode(), stored)
        self._assert_no_secret(stored, 'the persistence database')
