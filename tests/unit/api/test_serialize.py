# SPDX-License-Identifier: Apache-2.0
"""Tests of the conversion of provider objects into job payloads."""

import json

from octavia_lib.api.drivers import data_models

from octavia_f5.api import serialize
from tests import base

PEM = b'-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'


class TestToPayload(base.TestCase):

    def test_lists_survive(self):
        listener = data_models.Listener(listener_id='l1', allowed_cidrs=['10.0.0.0/8'],
                                        tls_versions=['TLSv1.2'])
        payload = serialize.to_payload(listener)
        self.assertEqual(['10.0.0.0/8'], payload['allowed_cidrs'])
        self.assertEqual(['TLSv1.2'], payload['tls_versions'])

    def test_unset_fields_are_left_out_so_updates_carry_only_changes(self):
        new = data_models.Pool(pool_id='p1', name='renamed')
        self.assertEqual({'pool_id': 'p1', 'name': 'renamed'}, serialize.to_payload(new))

    def test_explicit_none_is_kept(self):
        new = data_models.Pool(description=None)
        self.assertEqual({'description': None}, serialize.to_payload(new))

    def test_children_are_nested_dicts(self):
        member = data_models.Member(member_id='m1', address='10.0.0.1')
        pool = data_models.Pool(pool_id='p1', members=[member])
        lb = data_models.LoadBalancer(loadbalancer_id='lb1', pools=[pool])
        payload = serialize.to_payload(lb)
        self.assertEqual('m1', payload['pools'][0]['members'][0]['member_id'])

    def test_certificate_bytes_become_text_and_payload_is_json(self):
        listener = data_models.Listener(
            listener_id='l1',
            default_tls_container_data={'certificate': PEM, 'private_key': b'k',
                                        'intermediates': [PEM], 'primary_cn': 'x'},
            client_ca_tls_container_data=PEM)
        payload = serialize.to_payload(listener)
        self.assertEqual(PEM.decode(), payload['default_tls_container_data']['certificate'])
        self.assertEqual([PEM.decode()],
                         payload['default_tls_container_data']['intermediates'])
        self.assertEqual(PEM.decode(), payload['client_ca_tls_container_data'])
        json.dumps(payload)

    def test_none_stays_none(self):
        self.assertIsNone(serialize.to_payload(None))
