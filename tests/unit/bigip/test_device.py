# SPDX-License-Identifier: Apache-2.0
"""Tests of the device client's surface: verbs, collections, create read-back, uploads, options."""

import os
import ssl
import tempfile

import requests

from octavia_f5.bigip import device
from octavia_f5.bigip import paths
from octavia_f5.bigip import retry
from octavia_f5.common import config
from octavia_f5.common import exceptions
from tests.unit.bigip import fakes

MISSING = fakes.error(404, '01020036:3: The requested Pool (/P/pool_1) was not found.')
MCPD_LOST = {'status_code': 500, 'json': fakes.error(
    500, 'The connection to mcpd has been lost, try again.', 32768001)}
NOT_REGISTERED = {'status_code': 404, 'json': fakes.rest_error(
    404, 'Public URI path not registered: /tm/ltm/pool')}
EXISTS = {'status_code': 409, 'json': fakes.error(
    409, '01020066:3: The requested Pool (/P/pool_1) already exists in partition P.')}


class TestVerbs(fakes.DeviceTestCase):

    def setUp(self):
        super().setUp()
        self.mock_login()
        self.device = self.make_device()

    def test_post_put_patch_send_json_bodies_and_return_the_answer(self):
        for verb in ('post', 'put', 'patch'):
            self.http.register_uri(verb.upper(), fakes.URL + fakes.POOL, json=fakes.pool())
            body = {'name': 'pool_1', 'loadBalancingMode': 'round-robin'}
            self.assertEqual(fakes.pool(), getattr(self.device, verb)(fakes.POOL, body))
            sent = self.calls(verb.upper(), fakes.POOL)[0]
            self.assertEqual(body, sent.json())
            self.assertEqual('application/json', sent.headers['Content-Type'])

    def test_get_or_none_and_exists_on_a_missing_object(self):
        self.http.get(fakes.URL + fakes.POOL, status_code=404, json=MISSING)
        self.assertIsNone(self.device.get_or_none(fakes.POOL))
        self.assertFalse(self.device.exists(fakes.POOL))
        self.assertRaises(exceptions.NotFound, self.device.get, fakes.POOL)

    def test_exists_on_a_present_object(self):
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        self.assertTrue(self.device.exists(fakes.POOL))

    def test_items_of_an_empty_collection_without_items_key(self):
        self.http.get(fakes.URL + fakes.POOLS, json={'kind': 'tm:ltm:pool:poolcollectionstate'})
        self.assertEqual([], self.device.items(fakes.POOLS))

    def test_items_with_select_and_partition_filter(self):
        self.http.get(fakes.URL + fakes.POOLS, json={'items': [{'name': 'pool_1'}]})
        items = self.device.items(fakes.POOLS, paths.query(select=['name'], partition='P'))
        self.assertEqual([{'name': 'pool_1'}], items)
        self.assertEqual(fakes.URL + fakes.POOLS + '?$select=name&$filter=partition+eq+P',
                         self.calls('GET', fakes.POOLS)[0].url)

    def test_delete_answers_true(self):
        self.http.delete(fakes.URL + fakes.POOL, text='')
        self.assertTrue(self.device.delete(fakes.POOL))

    def test_delete_of_a_missing_object_raises_not_found(self):
        self.http.delete(fakes.URL + fakes.POOL, status_code=404, json=MISSING)
        self.assertRaises(exceptions.NotFound, self.device.delete, fakes.POOL)
        self.assertEqual(1, len(self.calls('DELETE', fakes.POOL)))

    def test_delete_missing_ok_answers_false(self):
        self.http.delete(fakes.URL + fakes.POOL, status_code=404, json=MISSING)
        self.assertFalse(self.device.delete(fakes.POOL, missing_ok=True))

    def test_delete_in_use_is_refused(self):
        message = ('01070265:3: The Pool (/P/pool_1) cannot be deleted because it is in use by '
                   'a Virtual Server (/P/vs).')
        self.http.delete(fakes.URL + fakes.POOL, status_code=400,
                         json=fakes.error(400, message))
        error = self.assertRaises(exceptions.InUse, self.device.delete, fakes.POOL,
                                  missing_ok=True)
        self.assertEqual(('01070265', message), (error.message_id, error.message))

    def test_success_that_is_not_json_is_device_unavailable(self):
        self.http.get(fakes.URL + fakes.POOL, text='<html>login</html>')
        self.assertRaises(exceptions.DeviceUnavailable, self.device.get, fakes.POOL)

    def test_writes_count_configuration_changes_only(self):
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        self.http.patch(fakes.URL + fakes.POOL, json=fakes.pool())
        self.http.post(fakes.URL + '/mgmt/tm/sys/config', json={'command': 'save'})
        self.device.get(fakes.POOL)
        self.device.post('/mgmt/tm/sys/config', {'command': 'save'})
        self.assertEqual(0, self.device.writes)
        self.device.patch(fakes.POOL, {'description': 'x'})
        self.assertEqual(1, self.device.writes)


class TestRetries(fakes.DeviceTestCase):

    def setUp(self):
        super().setUp()
        self.mock_login()
        self.device = self.make_device()
        self.reported = []
        self.device.on_unavailable = lambda dev, error: self.reported.append(error)

    def test_get_is_retried_after_a_connection_error_then_succeeds(self):
        self.http.get(fakes.URL + fakes.POOL, [
            {'exc': requests.exceptions.ConnectionError('reset')},
            {'status_code': 500,
             'json': fakes.error(500, 'The connection to mcpd has been lost, try again.',
                                 32768001)},
            {'json': fakes.pool()}])
        self.assertEqual(fakes.pool(), self.device.get(fakes.POOL))
        self.assertEqual(3, len(self.calls('GET', fakes.POOL)))
        self.assertEqual([0.5, 1.0], self.sleeps)
        self.assertEqual([], self.reported)

    def test_exhausted_retries_raise_device_unavailable_with_capped_backoff(self):
        self.http.get(fakes.URL + fakes.POOL,
                      exc=requests.exceptions.ReadTimeout('read timed out'))
        error = self.assertRaises(exceptions.DeviceUnavailable, self.device.get, fakes.POOL)
        self.assertEqual(4, len(self.calls('GET', fakes.POOL)))
        self.assertEqual([0.5, 1.0, 1.5], self.sleeps)
        self.assertEqual([error], self.reported)

    def test_a_refused_device_certificate_is_not_retried(self):
        refused = ssl.SSLCertVerificationError(1, 'certificate verify failed')
        self.http.get(fakes.URL + fakes.POOL,
                      exc=requests.exceptions.SSLError(refused))
        error = self.assertRaises(exceptions.CertificateRefused, self.device.get, fakes.POOL)
        self.assertIn('check [f5_bigip] verify', error.message)
        self.assertEqual(1, len(self.calls('GET', fakes.POOL)))
        self.assertEqual([], self.sleeps)

    def test_post_is_never_resent_after_a_connection_error(self):
        self.http.post(fakes.URL + fakes.POOLS, exc=requests.exceptions.ConnectionError('reset'))
        self.assertRaises(exceptions.DeviceUnavailable, self.device.post, fakes.POOLS,
                          {'name': 'pool_1'})
        self.assertEqual(1, len(self.calls('POST', fakes.POOLS)))
        self.assertEqual([], self.sleeps)

    def test_post_is_never_resent_after_a_server_error(self):
        self.http.post(fakes.URL + fakes.POOLS, status_code=503, text='<title>down</title>')
        self.assertRaises(exceptions.DeviceUnavailable, self.device.post, fakes.POOLS,
                          {'name': 'pool_1'})
        self.assertEqual(1, len(self.calls('POST', fakes.POOLS)))

    def assert_post_sent_again_after(self, refusal):
        self.http.post(fakes.URL + fakes.POOLS, [refusal, refusal, {'json': fakes.pool()}])
        self.assertEqual(fakes.pool(), self.device.post(fakes.POOLS, {'name': 'pool_1'}))
        self.assertEqual(3, len(self.calls('POST', fakes.POOLS)))
        self.assertEqual([0.5, 1.0], self.sleeps)

    def test_post_answered_mcpd_lost_is_sent_again(self):
        self.assert_post_sent_again_after(MCPD_LOST)

    def test_post_answered_not_registered_is_sent_again(self):
        self.assert_post_sent_again_after(NOT_REGISTERED)

    def test_post_refused_while_restarting_then_lost_is_not_sent_a_third_time(self):
        self.http.post(fakes.URL + fakes.POOLS, [
            MCPD_LOST, {'exc': requests.exceptions.ReadTimeout('slow')}, {'json': fakes.pool()}])
        error = self.assertRaises(exceptions.DeviceUnavailable, self.device.post, fakes.POOLS,
                                  {'name': 'pool_1'})
        self.assertNotIsInstance(error, exceptions.DeviceRestarting)
        self.assertEqual([exceptions.DeviceRestarting], [type(e) for e in error.earlier])
        self.assertEqual(2, len(self.calls('POST', fakes.POOLS)))

    def test_delete_refused_while_restarting_and_then_missing_is_not_found(self):
        # The refused attempt did nothing: the object was missing all along.
        self.http.delete(fakes.URL + fakes.POOL, [NOT_REGISTERED,
                                                  {'status_code': 404, 'json': MISSING}])
        self.assertRaises(exceptions.NotFound, self.device.delete, fakes.POOL)
        self.assertFalse(self.device.delete(fakes.POOL, missing_ok=True))

    def test_post_that_never_left_is_sent_again(self):
        self.http.post(fakes.URL + fakes.POOLS, [
            {'exc': requests.exceptions.ConnectTimeout('connect timed out')},
            {'json': fakes.pool()}])
        self.assertEqual(fakes.pool(), self.device.post(fakes.POOLS, {'name': 'pool_1'}))
        self.assertEqual(2, len(self.calls('POST', fakes.POOLS)))

    def test_put_is_retried_while_the_rest_api_restarts(self):
        self.http.put(fakes.URL + fakes.POOL, [
            {'status_code': 404,
             'json': fakes.rest_error(404, 'Public URI path not registered: /tm/ltm/pool')},
            {'json': fakes.pool()}])
        self.assertEqual(fakes.pool(), self.device.put(fakes.POOL, {'name': 'pool_1'}))

    def test_refusals_are_not_retried(self):
        self.http.patch(fakes.URL + fakes.POOL, status_code=400,
                        json=fakes.error(400, 'invalid property value "state":"up"'))
        self.assertRaises(exceptions.InvalidRequest, self.device.patch, fakes.POOL,
                          {'state': 'up'})
        self.assertEqual(1, len(self.calls('PATCH', fakes.POOL)))
        self.assertEqual([], self.reported)

    def test_delete_that_may_have_been_applied_and_is_then_missing_is_done(self):
        self.http.delete(fakes.URL + fakes.POOL, [
            {'exc': requests.exceptions.ReadTimeout('read timed out')},
            {'status_code': 404, 'json': MISSING}])
        self.assertTrue(self.device.delete(fakes.POOL))

    def test_idempotent_post_command_may_be_retried(self):
        path = '/mgmt/tm/sys/config'
        self.http.post(fakes.URL + path, [{'exc': requests.exceptions.ReadTimeout('slow')},
                                          {'json': {'command': 'save'}}])
        self.device.request('POST', path, body={'command': 'save'}, idempotent=True)
        self.assertEqual(2, len(self.calls('POST', path)))

    def test_retry_budget_can_be_overridden(self):
        self.http.get(fakes.URL + fakes.POOL, exc=requests.exceptions.ConnectionError('down'))
        self.assertRaises(exceptions.DeviceUnavailable, self.device.request, 'GET', fakes.POOL,
                          retries=0)
        self.assertEqual(1, len(self.calls('GET', fakes.POOL)))


class TestCreate(fakes.DeviceTestCase):

    BODY = {'name': 'pool_1', 'partition': 'P', 'loadBalancingMode': 'round-robin'}

    def setUp(self):
        super().setUp()
        self.mock_login()
        self.device = self.make_device()

    def test_create_reads_back_after_an_ambiguous_failure(self):
        self.http.post(fakes.URL + fakes.POOLS, exc=requests.exceptions.ReadTimeout('slow'))
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        self.assertEqual(fakes.pool(), self.device.create(fakes.POOLS, self.BODY))
        self.assertEqual(1, len(self.calls('POST', fakes.POOLS)))

    def test_create_raises_when_the_read_back_finds_nothing(self):
        self.http.post(fakes.URL + fakes.POOLS, exc=requests.exceptions.ReadTimeout('slow'))
        self.http.get(fakes.URL + fakes.POOL, status_code=404, json=MISSING)
        error = self.assertRaises(exceptions.DeviceUnavailable, self.device.create,
                                  fakes.POOLS, self.BODY)
        self.assertEqual('POST', error.method)
        self.assertEqual(1, len(self.calls('POST', fakes.POOLS)))

    def test_create_of_an_existing_object_raises_already_exists(self):
        self.http.post(fakes.URL + fakes.POOLS, status_code=409, json=fakes.error(
            409, '01020066:3: The requested Pool (/P/pool_1) already exists in partition P.'))
        self.assertRaises(exceptions.AlreadyExists, self.device.create, fakes.POOLS, self.BODY)
        self.assertEqual([], self.calls('GET', fakes.POOL))

    def test_create_reads_back_a_sub_path_object(self):
        body = {'name': 'pool_1', 'partition': '/P', 'subPath': 'app'}
        self.http.post(fakes.URL + fakes.POOLS, status_code=500,
                       text='<html><title>Error 500 AsyncContext timeout</title></html>')
        self.http.get(fakes.URL + '/mgmt/tm/ltm/pool/~P~app~pool_1', json=fakes.pool())
        self.assertEqual(fakes.pool(), self.device.create(fakes.POOLS, body))

    def test_create_refused_while_restarting_is_sent_again_without_a_read_back(self):
        self.http.post(fakes.URL + fakes.POOLS, [MCPD_LOST, {'json': fakes.pool()}])
        self.assertEqual(fakes.pool(), self.device.create(fakes.POOLS, self.BODY))
        self.assertEqual([self.BODY] * 2, [r.json() for r in self.calls('POST', fakes.POOLS)])
        self.assertEqual([], self.calls('GET', fakes.POOL))

    def test_create_whose_resend_finds_it_made_after_all_reads_it_back(self):
        # The device said "not applied", yet the re-send meets the object: it is ours.
        self.http.post(fakes.URL + fakes.POOLS, [MCPD_LOST, EXISTS])
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        self.assertEqual(fakes.pool(), self.device.create(fakes.POOLS, self.BODY))
        self.assertEqual(2, len(self.calls('POST', fakes.POOLS)))
        self.assertEqual(1, len(self.calls('GET', fakes.POOL)))

    def test_create_still_refused_after_the_retry_budget_raises_without_a_read_back(self):
        self.http.post(fakes.URL + fakes.POOLS, **NOT_REGISTERED)
        error = self.assertRaises(exceptions.DeviceRestarting, self.device.create,
                                  fakes.POOLS, self.BODY)
        self.assertEqual((404, 'POST'), (error.status, error.method))
        self.assertEqual(4, len(self.calls('POST', fakes.POOLS)))
        self.assertEqual([0.5, 1.0, 1.5], self.sleeps)
        self.assertEqual([], self.calls('GET', fakes.POOL))

    def test_create_that_never_left_and_then_exists_raises_already_exists(self):
        # Nothing reached the device the first time: the object was there before.
        self.http.post(fakes.URL + fakes.POOLS, [
            {'exc': requests.exceptions.ConnectTimeout('connect timed out')}, EXISTS])
        self.assertRaises(exceptions.AlreadyExists, self.device.create, fakes.POOLS, self.BODY)
        self.assertEqual([], self.calls('GET', fakes.POOL))

    def test_create_refused_then_lost_reads_back(self):
        self.http.post(fakes.URL + fakes.POOLS, [
            NOT_REGISTERED, {'exc': requests.exceptions.ConnectionError('reset')}])
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        self.assertEqual(fakes.pool(), self.device.create(fakes.POOLS, self.BODY))
        self.assertEqual(2, len(self.calls('POST', fakes.POOLS)))


class TestUpload(fakes.DeviceTestCase):

    def test_upload_sends_byte_ranges_and_returns_the_device_path(self):
        self.mock_login()
        path = '/mgmt/shared/file-transfer/uploads/cert_1.pem'
        self.http.post(fakes.URL + path, json={'localFilePath': '/var/config/rest/downloads/'
                                                                'cert_1.pem'})
        data = b'0123456789'
        result = self.make_device().upload('cert_1.pem', data, chunk_size=4)
        self.assertEqual('/var/config/rest/downloads/cert_1.pem', result)
        sent = self.calls('POST', path)
        self.assertEqual(['0-3/10', '4-7/10', '8-9/10'],
                         [r.headers['Content-Range'] for r in sent])
        self.assertEqual([b'0123', b'4567', b'89'], [r.body for r in sent])
        self.assertEqual('application/octet-stream', sent[0].headers['Content-Type'])

    def test_upload_the_device_holds_only_in_part_is_device_unavailable(self):
        self.mock_login()
        path = '/mgmt/shared/file-transfer/uploads/cert_1.pem'
        self.http.post(fakes.URL + path, json={'remainingByteCount': 4, 'totalByteCount': 10})
        error = self.assertRaises(exceptions.DeviceUnavailable, self.make_device().upload,
                                  'cert_1.pem', b'0123456789', chunk_size=4)
        self.assertIn('misses 4 of the 10 bytes', error.message)

    def test_chunk_whose_answer_is_lost_is_sent_again(self):
        self.mock_login()
        path = '/mgmt/shared/file-transfer/uploads/cert_1.pem'
        self.http.post(fakes.URL + path, [
            {'json': {'remainingByteCount': 6}},
            {'exc': requests.exceptions.ReadTimeout('slow')},
            {'json': {'remainingByteCount': 2}}, {'json': {'remainingByteCount': 0}}])
        self.make_device().upload('cert_1.pem', b'0123456789', chunk_size=4)
        self.assertEqual(['0-3/10', '4-7/10', '4-7/10', '8-9/10'],
                         [r.headers['Content-Range'] for r in self.calls('POST', path)])

    def test_empty_upload_is_refused(self):
        self.assertRaises(ValueError, self.make_device().upload, 'x.pem', b'')


class TestOptions(fakes.DeviceTestCase):

    def test_options_from_configuration(self):
        self.config(group=config.BIGIP_GROUP, username='octavia', password='pw',
                    auth_method='basic', token_timeout=600, verify='false',
                    connect_timeout=2.0, read_timeout=30.0, max_retries=2, retry_backoff=0.1,
                    retry_max_backoff=1.0, connection_pool_size=3)
        options = device.DeviceOptions.from_conf(self.conf.conf)
        self.assertEqual(device.DeviceOptions('octavia', 'pw', 'basic', 600, False, 2.0, 30.0,
                                              retry.RetryPolicy(2, 0.1, 1.0), 3), options)
        self.assertNotIn('pw', repr(options))

    def test_verify_values(self):
        self.assertIs(True, device.parse_verify('true'))
        self.assertIs(False, device.parse_verify('False'))
        with tempfile.NamedTemporaryFile(suffix='.pem') as bundle:
            self.assertEqual(bundle.name, device.parse_verify(bundle.name))
        self.assertRaises(ValueError, device.parse_verify,
                          os.path.join(tempfile.gettempdir(), 'no-such-ca.pem'))

    def test_session_pool_timeouts_and_verify(self):
        self.mock_login()
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        dev = self.make_device(verify='/etc/ca.pem', pool_size=3, connect_timeout=2.5,
                               read_timeout=7.0)
        dev.get(fakes.POOL)
        sent = self.calls('GET', fakes.POOL)[0]
        self.assertEqual(((2.5, 7.0), '/etc/ca.pem'), (sent.timeout, sent.verify))
        self.assertFalse(dev._session.trust_env)
        adapter = dev._session.adapters['https://']
        self.assertEqual(3, adapter._pool_maxsize)
        self.assertEqual(0, adapter.max_retries.total)

    def test_missing_password_is_refused(self):
        self.assertRaises(ValueError, device.Device, fakes.URL, device.DeviceOptions())

    def test_device_name_is_the_host_of_the_url(self):
        self.assertEqual('192.0.2.10:8443', self.make_device('https://192.0.2.10:8443/').name)
