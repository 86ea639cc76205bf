# SPDX-License-Identifier: Apache-2.0
"""Tests of the status reporter's laziness and retries (DriverLibrary replaced by a fake)."""

import fixtures
from octavia_lib.api.drivers import data_models
from octavia_lib.api.drivers import driver_lib
from octavia_lib.api.drivers import exceptions as driver_exceptions

from octavia_f5.controller import status
from tests import base


class FakeLibrary:
    """Stands for DriverLibrary: counts constructions, fails updates on demand."""

    created = []
    failures = 0
    updates = []
    listeners = {}

    def __init__(self, status_socket, stats_socket, get_socket):
        FakeLibrary.created.append((status_socket, stats_socket, get_socket))

    def update_loadbalancer_status(self, status_dict):
        FakeLibrary.updates.append(status_dict)
        if FakeLibrary.failures:
            FakeLibrary.failures -= 1
            raise driver_exceptions.UpdateStatusError(fault_string='too many processes')

    def get_listener(self, listener_id):
        data = FakeLibrary.listeners.get(listener_id)
        return data_models.Listener.from_dict(data) if data else None


class TestStatusReporter(base.TestCase):

    def setUp(self):
        super().setUp()
        self.config(group='f5_driver_agent', status_socket_path='/s', stats_socket_path='/t',
                    get_socket_path='/g')
        self.config(group='f5_worker', status_update_retries=3, status_update_max_backoff=0.1)
        for name, value in (('created', []), ('failures', 0), ('updates', []),
                            ('listeners', {})):
            self.useFixture(fixtures.MockPatchObject(FakeLibrary, name, value))
        self.useFixture(fixtures.MockPatchObject(driver_lib, 'DriverLibrary', FakeLibrary))

    def test_driver_library_is_created_on_first_use_only_once(self):
        reporter = status.StatusReporter()
        self.assertEqual([], FakeLibrary.created)
        reporter.set_status('listener', 'l1', 'ACTIVE')
        reporter.set_status('listener', 'l1', 'ACTIVE')
        self.assertEqual([('/s', '/t', '/g')], FakeLibrary.created)

    def test_set_status_sends_one_record_under_the_plural_kind(self):
        status.StatusReporter().set_status('l7policy', 'p1', 'DELETED')
        status.StatusReporter().set_status('healthmonitor', 'h1', operating_status='ONLINE')
        self.assertEqual([{'l7policies': [{'id': 'p1', 'provisioning_status': 'DELETED'}]},
                          {'healthmonitors': [{'id': 'h1', 'operating_status': 'ONLINE'}]}],
                         FakeLibrary.updates)

    def test_refused_update_is_retried_then_succeeds(self):
        FakeLibrary.failures = 2
        status.StatusReporter().set_status('listener', 'l1', 'ACTIVE')
        self.assertEqual(3, len(FakeLibrary.updates))

    def test_refused_update_raises_after_the_last_attempt(self):
        FakeLibrary.failures = 5
        self.assertRaises(driver_exceptions.UpdateStatusError,
                          status.StatusReporter().set_status, 'listener', 'l1', 'ACTIVE')
        self.assertEqual(3, len(FakeLibrary.updates))

    def test_a_resend_finding_the_rows_gone_was_applied_before(self):
        answers = [driver_exceptions.DriverAgentTimeout(fault_string='timed out'),
                   driver_exceptions.UpdateStatusError(
                       fault_string='No row was found when one was required')]

        def update(lib, status_dict):
            FakeLibrary.updates.append(status_dict)
            raise answers.pop(0)
        self.useFixture(fixtures.MockPatchObject(FakeLibrary, 'update_loadbalancer_status',
                                                 update))
        reporter = status.StatusReporter()
        reporter.set_status('loadbalancer', 'lb1', 'DELETED')
        self.assertEqual(2, len(FakeLibrary.updates))

    def test_a_first_attempt_finding_no_row_is_an_error(self):
        def update(lib, status_dict):
            raise driver_exceptions.UpdateStatusError(
                fault_string='No row was found when one was required')
        self.useFixture(fixtures.MockPatchObject(FakeLibrary, 'update_loadbalancer_status',
                                                 update))
        self.config(group='f5_worker', status_update_retries=1)
        self.assertRaises(driver_exceptions.UpdateStatusError,
                          status.StatusReporter().set_status, 'loadbalancer', 'lb1', 'DELETED')

    def test_get_returns_a_dict_or_none(self):
        FakeLibrary.listeners = {'l1': {'listener_id': 'l1', 'protocol_port': 80}}
        reporter = status.StatusReporter()
        listener = reporter.get_listener('l1')
        self.assertEqual(80, listener['protocol_port'])
        self.assertIsInstance(listener, dict)
        self.assertIsNone(reporter.get_listener('l2'))

    def test_process_wide_reporter_is_shared_and_resettable(self):
        status.reset()
        self.addCleanup(status.reset)
        first = status.get_reporter()
        self.assertIs(first, status.get_reporter())
        status.reset()
        self.assertIsNot(first, status.get_reporter())
