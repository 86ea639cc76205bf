# SPDX-License-Identifier: Apache-2.0
"""StatusReporter over octavia-lib's real DriverLibrary against the driver-agent stand-in."""

from octavia_lib.api.drivers import exceptions as driver_exceptions
from oslo_utils import uuidutils

from octavia_f5.common import exceptions
from octavia_f5.controller import status
from tests import base
from tests.functional.fixtures import driver_agent


class TestStatusReporter(base.TestCase):

    def setUp(self):
        super().setUp()
        self.agent = self.useFixture(driver_agent.DriverAgent())
        self.config(group='f5_worker', status_update_retries=4, status_update_max_backoff=0.2)
        self.reporter = status.StatusReporter()
        self.lb_id = uuidutils.generate_uuid()
        self.member_id = uuidutils.generate_uuid()
        self.agent.add('loadbalancers', {'loadbalancer_id': self.lb_id, 'name': 'lb1'},
                       provisioning_status='PENDING_UPDATE')
        self.agent.add('members', {'member_id': self.member_id, 'address': '192.0.2.7',
                                   'protocol_port': 80},
                       provisioning_status='PENDING_DELETE')

    def test_deleted_member_disappears_and_load_balancer_becomes_active(self):
        self.reporter.update_status({
            'members': [status.status_record(self.member_id, 'DELETED')],
            'loadbalancers': [status.status_record(self.lb_id, 'ACTIVE', 'ONLINE')]})

        self.assertFalse(self.agent.exists('member', self.member_id))
        self.assertIsNone(self.reporter.get_member(self.member_id))
        self.assertEqual({'provisioning_status': 'ACTIVE', 'operating_status': 'ONLINE'},
                         self.agent.status('loadbalancer', self.lb_id))

    def test_status_update_is_retried_while_the_agent_refuses_it(self):
        self.agent.fail_status_updates(2)
        self.reporter.set_status('loadbalancer', self.lb_id, provisioning_status='ACTIVE')

        self.assertEqual(3, len(self.agent.status_updates))
        self.assertEqual('ACTIVE', self.agent.status('loadbalancer',
                                                     self.lb_id)['provisioning_status'])

    def test_status_update_gives_up_after_the_configured_attempts(self):
        self.agent.fail_status_updates(10)
        error = self.assertRaises(driver_exceptions.UpdateStatusError,
                                  self.reporter.set_status, 'loadbalancer', self.lb_id,
                                  'ACTIVE')
        self.assertIn('overloaded', error.fault_string)
        self.assertEqual(4, len(self.agent.status_updates))
        self.assertEqual('PENDING_UPDATE', self.agent.status('loadbalancer',
                                                             self.lb_id)['provisioning_status'])

    def test_invalid_status_is_refused_by_the_agent(self):
        self.config(group='f5_worker', status_update_retries=1)
        error = self.assertRaises(driver_exceptions.UpdateStatusError,
                                  self.reporter.set_status, 'loadbalancer', self.lb_id,
                                  'READY-ISH')
        self.assertEqual('loadbalancers', error.status_object)

    def test_get_returns_octavia_object_as_dict(self):
        self.assertEqual({'loadbalancer_id': self.lb_id, 'name': 'lb1'},
                         {k: v for k, v in self.reporter.get_loadbalancer(self.lb_id).items()
                          if v is not None})
        self.assertIsNone(self.reporter.get_listener(uuidutils.generate_uuid()))

    def test_wait_for_object_returns_once_octavia_committed_it(self):
        listener_id = uuidutils.generate_uuid()
        self.agent.add('listeners', {'listener_id': listener_id, 'protocol_port': 443},
                       visible_after=0.8)
        listener = self.reporter.wait_for_object('listener', listener_id, timeout=10)

        self.assertEqual(443, listener['protocol_port'])
        answers = [found for _kind, oid, found in self.agent.get_requests if oid == listener_id]
        self.assertEqual(True, answers[-1])
        self.assertIn(False, answers)

    def test_wait_for_object_that_never_commits_raises(self):
        error = self.assertRaises(exceptions.ObjectNotCommitted,
                                  self.reporter.wait_for_object, 'pool',
                                  uuidutils.generate_uuid(), 0.5)
        self.assertEqual('pool', error.kind)

    def test_statistics_reach_the_agent(self):
        stats = {'listeners': [{'id': uuidutils.generate_uuid(), 'active_connections': 1,
                                'bytes_in': 10, 'bytes_out': 20, 'request_errors': 0,
                                'total_connections': 5}]}
        self.reporter.update_statistics(stats)
        self.assertEqual([stats], self.agent.stats_updates)

    def test_statistics_without_mandatory_keys_are_refused(self):
        self.config(group='f5_worker', status_update_retries=1)
        self.assertRaises(driver_exceptions.UpdateStatisticsError,
                          self.reporter.update_statistics,
                          {'listeners': [{'id': uuidutils.generate_uuid(), 'bytes_in': 1}]})
