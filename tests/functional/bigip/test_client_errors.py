# SPDX-License-Identifier: Apache-2.0
"""Typed exceptions from the simulator's real refusals, and the device verbs that absorb them."""

from octavia_f5.bigip import paths
from octavia_f5.common import exceptions
from tests.functional.bigip import base

MONITORS = paths.collection('ltm/monitor/http')
POOL = paths.item('ltm/pool', 'pool_1', 'Common')
MONITOR = paths.item('ltm/monitor/http', 'monitor_1', 'Common')


class TestDeviceErrors(base.ClientTestCase):

    def setUp(self):
        super().setUp()
        self.device = self.make_device()

    def create_pool(self, name='pool_1', **properties):
        return self.device.create(base.POOLS, dict(properties, name=name, partition='Common'))

    def assert_error(self, error, status, message_id, method, path, text):
        self.assertEqual((status, message_id, method, path, self.device.name),
                         (error.status, error.message_id, error.method, error.path,
                          error.device))
        self.assertIn(text, error.message)

    def test_missing_object_is_not_found(self):
        error = self.assertRaises(exceptions.NotFound, self.device.get, POOL)
        self.assert_error(error, 404, '01020036', 'GET', POOL,
                          'The requested Pool (/Common/pool_1) was not found.')
        self.assertEqual([404], self.statuses('GET', POOL))

    def test_get_or_none_exists_and_delete_missing_ok_absorb_not_found(self):
        self.assertIsNone(self.device.get_or_none(POOL))
        self.assertFalse(self.device.exists(POOL))
        self.assertFalse(self.device.delete(POOL, missing_ok=True))
        self.create_pool()
        self.assertEqual('/Common/pool_1', self.device.get_or_none(POOL)['fullPath'])
        self.assertTrue(self.device.exists(POOL))
        self.assertTrue(self.device.delete(POOL))
        self.assertEqual({}, self.dump('ltm/pool'))

    def test_empty_collection_has_no_items_and_reads_as_an_empty_list(self):
        self.assertNotIn('items', self.device.get(base.POOLS))
        self.assertEqual([], self.device.items(base.POOLS))

    def test_duplicate_pool_is_already_exists(self):
        self.create_pool()
        error = self.assertRaises(exceptions.AlreadyExists, self.create_pool)
        self.assert_error(error, 409, '01020066', 'POST', base.POOLS,
                          'The requested Pool (/Common/pool_1) already exists in partition '
                          'Common.')
        # A refusal is final: one POST each, no read-back.
        self.assertEqual([200, 409], self.statuses('POST', base.POOLS + '$'))
        self.assertEqual([], self.calls('GET', POOL))

    def test_delete_pool_used_by_a_virtual_is_in_use(self):
        self.create_pool()
        self.device.create(base.VIRTUALS, {'name': 'virtual_1', 'partition': 'Common',
                                           'destination': '/Common/10.0.0.1:80',
                                           'pool': '/Common/pool_1'})
        error = self.assertRaises(exceptions.InUse, self.device.delete, POOL)
        self.assert_error(error, 400, '01070265', 'DELETE', POOL,
                          'The Pool (/Common/pool_1) cannot be deleted because it is in use by '
                          'a Virtual Server (/Common/virtual_1).')
        self.assertEqual(['/Common/pool_1'], list(self.dump('ltm/pool')))
        self.assertEqual([400], self.statuses('DELETE', POOL))

    def test_delete_monitor_used_by_a_pool_is_in_use(self):
        self.device.create(MONITORS, {'name': 'monitor_1', 'partition': 'Common'})
        self.create_pool(monitor='/Common/monitor_1')
        error = self.assertRaises(exceptions.InUse, self.device.delete, MONITOR)
        self.assert_error(error, 400, '01070083', 'DELETE', MONITOR,
                          'Monitor /Common/monitor_1 is in use.')
        self.assertIn('/Common/monitor_1', self.dump('ltm/monitor/http'))

    def test_value_outside_an_enumeration_is_invalid_request(self):
        error = self.assertRaises(exceptions.InvalidRequest, self.create_pool,
                                  loadBalancingMode='fastest-guess')
        # icrd's validation messages carry no mcpd message id.
        self.assert_error(error, 400, None, 'POST', base.POOLS,
                          'invalid property value "loadBalancingMode":"fastest-guess"')
        self.assertEqual({}, self.dump('ltm/pool'))
        self.assertEqual([400], self.statuses('POST', base.POOLS + '$'))

    def test_reference_to_a_missing_object_is_invalid_request_with_its_id(self):
        error = self.assertRaises(exceptions.InvalidRequest, self.create_pool,
                                  monitor='/Common/no_such_monitor')
        self.assertEqual((400, 'POST'), (error.status, error.method))
        self.assertIsNotNone(error.message_id)
        self.assertIn('/Common/no_such_monitor', error.message)
        self.assertEqual({}, self.dump('ltm/pool'))

    def test_unregistered_uri_is_device_unavailable_and_retried(self):
        # restjavad answers 'not registered' while it restarts; the client cannot tell that
        # from a typo, so it waits as for a restart (icontrol-rest.md 8).
        path = paths.collection('ltm/no-such-collection')
        error = self.assertRaises(exceptions.DeviceUnavailable, self.device.get, path)
        self.assertEqual(404, error.status)
        self.assertIn('not registered', error.message)
        self.assertEqual([404] * (base.MAX_RETRIES + 1), self.statuses('GET', path))

    def test_error_text_names_the_device_method_and_path(self):
        error = self.assertRaises(exceptions.NotFound, self.device.delete, POOL)
        text = str(error)
        for part in (self.device.name, 'DELETE', POOL, '404', '01020036'):
            self.assertIn(part, text)
