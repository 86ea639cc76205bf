# SPDX-License-Identifier: Apache-2.0
"""Fault sweep of listener operations: HTTP, and TERMINATED_HTTPS with SNI and client CA."""

from tests.functional.reliability import jobs
from tests.functional.reliability import sweep
from tests.unit.flows import certs


class TestListenerSweep(sweep.SweepTestCase):

    def setUp(self):
        super().setUp()
        self.lb_id = self.create('loadbalancer')['loadbalancer_id']

    def test_every_failed_call_of_an_http_listener_operation_ends_clean(self):
        lid = self.sweep(lambda: jobs.create(
            self, 'listener', self.lb_id, insert_headers={'X-Forwarded-For': 'true'}),
            'listener_create HTTP').object_id
        self.sweep(lambda: jobs.update(self, 'listener', lid, connection_limit=50,
                                       allowed_cidrs=['10.0.0.0/8']), 'listener_update HTTP')
        self.sweep(lambda: jobs.delete(self, 'listener', lid), 'listener_delete HTTP')
        self.finish()

    def test_every_failed_call_of_a_tls_listener_operation_ends_clean(self):
        default, sni = certs.container('www.example.com'), certs.container('api.example.com')
        lid = self.sweep(lambda: jobs.create(self, 'listener', self.lb_id,
                                             **jobs.tls_listener(default, sni)),
                         'listener_create TERMINATED_HTTPS').object_id
        rotated = certs.container('www2.example.com')
        self.sweep(lambda: jobs.update(self, 'listener', lid,
                                       default_tls_container_ref='ref-rotated',
                                       default_tls_container_data=rotated),
                   'listener_update TERMINATED_HTTPS (certificate replaced)')
        self.sweep(lambda: jobs.delete(self, 'listener', lid),
                   'listener_delete TERMINATED_HTTPS')
        self.finish()
