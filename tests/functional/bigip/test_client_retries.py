# SPDX-License-Identifier: Apache-2.0
"""Retries against injected simulator faults: what is sent again, what is read back instead.

The call log of the simulator is the witness: it shows how often a request reached the device
and what the device answered (status None: the connection was reset without an answer).
"""

from octavia_f5.bigip import cluster
from octavia_f5.bigip import paths
from octavia_f5.common import exceptions
from tests.functional.bigip import base

POOL = paths.item('ltm/pool', 'pool_1', 'Common')
POOL_BODY = {'name': 'pool_1', 'partition': 'Common', 'description': 'octavia pool'}
POOLS_ONLY = '/ltm/pool$'
ATTEMPTS = base.MAX_RETRIES + 1


class TestRetriedReads(base.ClientTestCase):

    def setUp(self):
        super().setUp()
        self.device = self.make_device()
        self.device.create(base.POOLS, POOL_BODY)

    def fault_pool_reads(self, **rule):
        self.sim.add_fault(method='GET', path='/ltm/pool/~Common~pool_1$', **rule)

    def test_get_answered_503_while_rest_restarts_is_retried(self):
        self.fault_pool_reads(preset='restjavad-restarting')
        self.assertEqual('octavia pool', self.device.get(POOL)['description'])
        self.assertEqual([503, 200], self.statuses('GET', POOL))

    def test_get_on_a_reset_connection_is_retried(self):
        self.fault_pool_reads(action='reset')
        self.assertEqual('octavia pool', self.device.get(POOL)['description'])
        self.assertEqual([None, 200], self.statuses('GET', POOL))

    def test_get_answered_mcpd_connection_lost_is_retried(self):
        self.fault_pool_reads(preset='mcpd-lost', times=2)
        self.assertEqual('octavia pool', self.device.get(POOL)['description'])
        self.assertEqual([500, 500, 200], self.statuses('GET', POOL))

    def test_get_answered_jetty_timeout_is_retried(self):
        self.fault_pool_reads(preset='async-timeout')
        self.assertEqual('/Common/pool_1', self.device.get(POOL)['fullPath'])
        self.assertEqual([500, 200], self.statuses('GET', POOL))

    def test_exhausted_retries_raise_device_unavailable(self):
        self.fault_pool_reads(preset='restjavad-restarting', times=0)
        error = self.assertRaises(exceptions.DeviceUnavailable, self.device.get, POOL)
        self.assertNotIsInstance(error, exceptions.RequestNotSent)
        self.assertEqual((503, 'GET', POOL), (error.status, error.method, error.path))
        self.assertIn('Configuration Utility restarting', error.message)
        self.assertEqual([503] * ATTEMPTS, self.statuses('GET', POOL))

    def test_retry_budget_of_zero_fails_at_once(self):
        self.fault_pool_reads(preset='mcpd-lost')
        error = self.assertRaises(exceptions.DeviceUnavailable, self.device.request, 'GET',
                                  POOL, retries=0)
        self.assertIn('connection to mcpd has been lost', error.message.lower())
        self.assertEqual([500], self.statuses('GET', POOL))

    def test_get_without_an_answer_within_the_read_timeout_is_retried(self):
        device = self.make_device(read_timeout=1.0)
        self.fault_pool_reads(action='latency', latency_ms=1500)
        # Without a retry the first attempt's timeout would be raised.
        self.assertEqual('octavia pool', device.get(POOL)['description'])

    def test_refusals_are_never_retried(self):
        missing = paths.item('ltm/pool', 'pool_2', 'Common')
        self.assertRaises(exceptions.NotFound, self.device.get, missing)
        self.assertEqual([404], self.statuses('GET', missing))


class TestRetriedWrites(base.ClientTestCase):

    def setUp(self):
        super().setUp()
        self.device = self.make_device()

    def fault(self, method, path=POOLS_ONLY, **rule):
        self.sim.add_fault(method=method, path=path, **rule)

    def pools(self):
        return {path: pool.get('description') for path, pool in self.dump('ltm/pool').items()}

    def test_post_whose_answer_is_lost_is_not_resent_and_create_reads_it_back(self):
        self.fault('POST', action='reset', when='after')
        created = self.device.create(base.POOLS, POOL_BODY)
        self.assertEqual(('/Common/pool_1', 'octavia pool'),
                         (created['fullPath'], created['description']))
        self.assertEqual([None], self.statuses('POST', POOLS_ONLY))
        self.assertEqual([200], self.statuses('GET', POOL))
        self.assertEqual({'/Common/pool_1': 'octavia pool'}, self.pools())

    def test_post_answered_500_after_it_was_applied_is_read_back(self):
        self.fault('POST', preset='async-timeout', when='after')
        created = self.device.create(base.POOLS, POOL_BODY)
        self.assertEqual('/Common/pool_1', created['fullPath'])
        self.assertEqual([500], self.statuses('POST', POOLS_ONLY))
        self.assertEqual({'/Common/pool_1': 'octavia pool'}, self.pools())

    def test_create_refused_while_mcpd_restarts_is_sent_again(self):
        self.fault('POST', preset='mcpd-lost', times=2)
        created = self.device.create(base.POOLS, POOL_BODY)
        self.assertEqual('/Common/pool_1', created['fullPath'])
        self.assertEqual([500, 500, 200], self.statuses('POST', POOLS_ONLY))
        self.assertEqual([], self.statuses('GET', POOL))
        self.assertEqual({'/Common/pool_1': 'octavia pool'}, self.pools())

    def test_create_refused_while_the_rest_api_restarts_is_sent_again(self):
        self.fault('POST', preset='not-registered')
        self.device.create(base.POOLS, POOL_BODY)
        self.assertEqual([404, 200], self.statuses('POST', POOLS_ONLY))
        self.assertEqual({'/Common/pool_1': 'octavia pool'}, self.pools())

    def test_create_refused_as_not_applied_that_was_applied_is_read_back(self):
        # The device answered "mcpd lost" yet made the pool: the re-send meets it (409).
        self.fault('POST', preset='mcpd-lost', when='after')
        created = self.device.create(base.POOLS, POOL_BODY)
        self.assertEqual(('/Common/pool_1', 'octavia pool'),
                         (created['fullPath'], created['description']))
        self.assertEqual([500, 409], self.statuses('POST', POOLS_ONLY))
        self.assertEqual([200], self.statuses('GET', POOL))
        self.assertEqual({'/Common/pool_1': 'octavia pool'}, self.pools())

    def test_create_refused_beyond_the_retry_budget_fails_and_makes_nothing(self):
        self.fault('POST', preset='mcpd-lost', times=0)
        error = self.assertRaises(exceptions.DeviceRestarting, self.device.create,
                                  base.POOLS, POOL_BODY)
        self.assertEqual((500, 'POST'), (error.status, error.method))
        self.assertEqual([500] * ATTEMPTS, self.statuses('POST', POOLS_ONLY))
        self.assertEqual({}, self.pools())

    def test_post_lost_before_the_device_raises_after_an_empty_read_back(self):
        self.fault('POST', action='reset')
        error = self.assertRaises(exceptions.DeviceUnavailable, self.device.create,
                                  base.POOLS, POOL_BODY)
        self.assertEqual(('POST', base.POOLS), (error.method, error.path))
        self.assertEqual([None], self.statuses('POST', POOLS_ONLY))
        self.assertEqual([404], self.statuses('GET', POOL))
        self.assertEqual({}, self.pools())

    def test_plain_post_is_not_resent_after_a_server_error(self):
        # A Jetty timeout may come after the device acted.
        self.fault('POST', preset='async-timeout')
        error = self.assertRaises(exceptions.DeviceUnavailable, self.device.post,
                                  base.POOLS, POOL_BODY)
        self.assertEqual(500, error.status)
        self.assertEqual([500], self.statuses('POST', POOLS_ONLY))
        self.assertEqual({}, self.pools())

    def test_create_of_a_sub_path_object_reads_back_its_full_path(self):
        self.device.post(paths.collection('sys/folder'), {'name': 'app', 'subPath': '/Common'})
        self.fault('POST', action='reset', when='after')
        created = self.device.create(base.POOLS, dict(POOL_BODY, subPath='app'))
        self.assertEqual('/Common/app/pool_1', created['fullPath'])
        self.assertEqual([None], self.statuses('POST', POOLS_ONLY))
        self.assertEqual([200], self.statuses('GET', '/ltm/pool/~Common~app~pool_1$'))

    def test_patch_whose_answer_is_lost_is_sent_again(self):
        self.device.create(base.POOLS, POOL_BODY)
        self.fault('PATCH', path='/ltm/pool/', action='reset', when='after')
        patched = self.device.patch(POOL, {'description': 'renamed'})
        self.assertEqual('renamed', patched['description'])
        self.assertEqual([None, 200], self.statuses('PATCH', POOL))
        self.assertEqual({'/Common/pool_1': 'renamed'}, self.pools())

    def test_put_is_retried_while_the_rest_api_restarts(self):
        self.device.create(base.POOLS, POOL_BODY)
        self.fault('PUT', path='/ltm/pool/', preset='not-registered')
        replaced = self.device.put(POOL, {'description': 'replaced'})
        self.assertEqual('replaced', replaced['description'])
        self.assertEqual([404, 200], self.statuses('PUT', POOL))

    def test_delete_whose_answer_is_lost_and_then_finds_nothing_is_done(self):
        self.device.create(base.POOLS, POOL_BODY)
        self.fault('DELETE', path='/ltm/pool/', action='reset', when='after')
        self.assertTrue(self.device.delete(POOL))
        self.assertEqual([None, 404], self.statuses('DELETE', POOL))
        self.assertEqual({}, self.pools())

    def test_save_command_may_be_sent_again(self):
        group = self.make_cluster()
        self.fault('POST', path='/sys/config$', action='reset', when='after')
        group.save_config()
        self.assertEqual([None, 200], self.statuses('POST', cluster.SAVE_CONFIG_PATH))
        self.assertEqual(2, self.simulator.devices[0].backend.runtime.saves)

    def test_upload_whose_answer_is_lost_is_sent_again(self):
        # Certificates and keys fit in one chunk: sending it again rewrites the whole file.
        data = b'x' * 1500
        self.fault('POST', path='/file-transfer/uploads/', action='reset', when='after')
        self.assertEqual('/var/config/rest/downloads/blob.bin',
                         self.device.upload('blob.bin', data))
        uploads = self.calls('POST', '/file-transfer/uploads/blob.bin$')
        self.assertEqual([None, 200], [c['status'] for c in uploads])
        self.assertEqual(data, self.simulator.devices[0].backend.runtime.uploads['blob.bin'])

    def assert_chunk_sent_again(self, nth, statuses):
        data = bytes(range(256)) * 10
        self.fault('POST', path='/file-transfer/uploads/', action='reset', when='after',
                   nth=nth)
        self.device.upload('blob.bin', data, chunk_size=1024)
        self.assertEqual(statuses, self.statuses('POST', '/file-transfer/uploads/blob.bin$'))
        self.assertEqual(data, self.simulator.devices[0].backend.runtime.uploads['blob.bin'])

    def test_middle_chunk_whose_answer_is_lost_is_sent_again(self):
        self.assert_chunk_sent_again(2, [200, None, 200, 200])

    def test_last_chunk_whose_answer_is_lost_is_sent_again(self):
        self.assert_chunk_sent_again(3, [200, 200, None, 200])
