# SPDX-License-Identifier: Apache-2.0
"""Tests of the Resource shape the flows consume."""

import dataclasses

from octavia_f5.bigip.mapping import resource
from tests import base


class TestResource(base.TestCase):

    def test_body_starts_with_name_and_partition(self):
        item = resource.make('ltm/pool', 'P', 'pool_1', monitor='')
        self.assertEqual({'name': 'pool_1', 'partition': 'P', 'monitor': ''}, item.body)
        self.assertEqual('/P/pool_1', item.full_path)

    def test_partition_object_has_no_partition(self):
        item = resource.make('auth/partition', None, 'P', defaultRouteDomain=0)
        self.assertEqual(('P', {'name': 'P', 'defaultRouteDomain': 0}),
                         (item.full_path, item.body))

    def test_file_objects_upload_their_content_first(self):
        item = resource.file_object('sys/file/ssl-key', 'P', 'tls_x.key', 'PEM')
        self.assertEqual('file:/var/config/rest/downloads/P_tls_x.key',
                         item.body['sourcePath'])
        self.assertEqual(('P_tls_x.key', 'PEM', True),
                         (item.upload_name, item.content, item.secret))

    def test_only_keys_are_secret_and_other_objects_upload_nothing(self):
        cert = resource.file_object('sys/file/ssl-cert', 'P', 'tls_x.crt', 'PEM')
        self.assertFalse(cert.secret)
        self.assertIsNone(resource.make('ltm/pool', 'P', 'p').upload_name)

    def test_content_is_never_in_repr(self):
        item = resource.file_object('sys/file/ssl-key', 'P', 'k', 'TOPSECRET')
        self.assertNotIn('TOPSECRET', repr(item))

    def test_resources_are_immutable(self):
        item = resource.make('ltm/pool', 'P', 'p')
        self.assertRaises(dataclasses.FrozenInstanceError, setattr, item, 'name', 'q')
