# SPDX-License-Identifier: Apache-2.0
"""Tests of a simulated device's routing: auth first, then tm, cm, shared, uploads."""

from octavia_f5.simulator import http
from tests import base
from tests.unit.simulator import fakes


class TestRouting(base.TestCase):

    def setUp(self):
        super().setUp()
        self.device, = fakes.make_devices(1)
        self.backend = self.device.backend

    def test_tm_request_reaches_the_backend_with_raw_path_query_and_body(self):
        response = self.device(fakes.admin(
            'POST', '/mgmt/tm/ltm/pool?ver=17.1.1', {'name': 'p1'},
            headers={'x-f5-rest-coordination-id': '1508382989073722'}))
        self.assertEqual(200, response.status)
        self.assertEqual([('POST', '/mgmt/tm/ltm/pool', {'ver': '17.1.1'}, {'name': 'p1'},
                           '1508382989073722')], self.backend.handled)

    def test_backend_status_and_body_are_answered_as_is(self):
        self.device(fakes.admin('POST', '/mgmt/tm/ltm/pool', {'name': 'p1'}))
        response = self.device(fakes.admin('POST', '/mgmt/tm/ltm/pool', {'name': 'p1'}))
        self.assertEqual(409, response.status)
        self.assertEqual('01020066:3: The requested Pool (/Common/p1) already exists in '
                         'partition Common.', response.body['message'])

    def test_backend_empty_body_is_answered_empty(self):
        self.device(fakes.admin('POST', '/mgmt/tm/ltm/pool', {'name': 'p1'}))
        response = self.device(fakes.admin('DELETE', '/mgmt/tm/ltm/pool/~Common~p1'))
        self.assertEqual((200, b''), (response.status, response.payload()))

    def test_malformed_json_is_400_and_never_reaches_the_backend(self):
        response = self.device(fakes.admin('POST', '/mgmt/tm/ltm/pool', raw=b'{"name": '))
        self.assertEqual(400, response.status)
        self.assertEqual({'code': 400, 'message': 'Found invalid JSON body in the request.',
                          'errorStack': [], 'apiError': 1}, response.body)
        self.assertEqual([], self.backend.handled)

    def test_unauthenticated_tm_request_is_401_and_never_reaches_the_backend(self):
        response = self.device(fakes.request('GET', '/mgmt/tm/ltm/pool'))
        self.assertEqual(401, response.status)
        self.assertEqual([], self.backend.handled)

    def test_login_needs_no_credentials_header(self):
        response = self.device(fakes.request('POST', '/mgmt/shared/authn/login',
                                             {'username': 'admin', 'password': 'admin'}))
        self.assertEqual(200, response.status)
        token = response.body['token']['token']
        answer = self.device(fakes.request('GET', '/mgmt/tm/cm/device', token=token))
        self.assertEqual(200, answer.status)

    def test_cm_paths_are_served_by_the_device_not_the_backend(self):
        response = self.device(fakes.admin('GET', '/mgmt/tm/cm/device'))
        self.assertEqual('tm:cm:device:devicecollectionstate', response.body['kind'])
        self.assertEqual([], self.backend.handled)

    def test_unknown_shared_path_is_restjavad_404(self):
        response = self.device(fakes.admin('GET', '/mgmt/shared/appsvcs/info'))
        self.assertEqual(404, response.status)
        self.assertEqual('Public URI path not registered: /shared/appsvcs/info',
                         response.body['message'])
        self.assertEqual(':resterrorresponse', response.body['kind'])

    def test_tokens_api_is_routed_with_the_caller(self):
        response = self.device(fakes.admin('GET', '/mgmt/shared/authz/tokens'))
        self.assertEqual('shared:authz:tokens:authtokencollectionstate',
                         response.body['kind'])

    def test_backend_crash_is_a_500_not_a_dead_connection(self):
        self.backend.handle = None  # calling it raises TypeError
        response = self.device(fakes.admin('GET', '/mgmt/tm/ltm/pool'))
        self.assertEqual(500, response.status)
        self.assertEqual('Internal simulator error.', response.body['message'])


class TestUploads(base.TestCase):

    def setUp(self):
        super().setUp()
        self.device, = fakes.make_devices(1)

    def upload(self, name, data, content_range):
        return self.device(fakes.admin(
            'POST', '/mgmt/shared/file-transfer/uploads/' + name, raw=data,
            headers={'content-range': content_range,
                     'content-type': 'application/octet-stream'}))

    def test_chunks_are_assembled_and_handed_to_the_backend(self):
        first = self.upload('cert.pem', b'hello ', '0-5/11')
        second = self.upload('cert.pem', b'world', '6-10/11')
        self.assertEqual(5, first.body['remainingByteCount'])
        self.assertEqual({'remainingByteCount': 0, 'usedChunks': {'6': 5},
                          'totalByteCount': 11,
                          'localFilePath': '/var/config/rest/downloads/cert.pem',
                          'temporaryFilePath': '/var/config/rest/downloads/tmp/cert.pem',
                          'generation': 0},
                         {k: v for k, v in second.body.items() if k != 'lastUpdateMicros'})
        self.assertEqual({'cert.pem': b'hello world'}, self.device.backend.uploads)

    def test_range_not_matching_the_bytes_is_400(self):
        response = self.upload('k.pem', b'abc', '0-9/10')
        self.assertEqual(400, response.status)
        self.assertEqual({}, self.device.backend.uploads)

    def test_missing_content_range_is_400(self):
        response = self.device(fakes.admin(
            'POST', '/mgmt/shared/file-transfer/uploads/k.pem', raw=b'abc'))
        self.assertEqual(400, response.status)

    def test_chunk_without_its_predecessor_is_400(self):
        self.assertEqual(400, self.upload('k.pem', b'def', '3-5/6').status)

    def test_chunk_sent_again_rewrites_its_range(self):
        # The device writes a chunk at its offset: a re-sent middle chunk (its answer lost)
        # is accepted, and so is the last one after the file is complete.
        self.upload('c.pem', b'abc', '0-2/9')
        self.upload('c.pem', b'def', '3-5/9')
        again = self.upload('c.pem', b'def', '3-5/9')
        self.assertEqual((200, 3), (again.status, again.body['remainingByteCount']))
        self.upload('c.pem', b'ghi', '6-8/9')
        last_again = self.upload('c.pem', b'ghi', '6-8/9')
        self.assertEqual((200, 0), (last_again.status, last_again.body['remainingByteCount']))
        self.assertEqual({'c.pem': b'abcdefghi'}, self.device.backend.uploads)

    def test_chunk_cutting_through_a_received_one_is_400(self):
        self.upload('c.pem', b'abc', '0-2/9')
        self.upload('c.pem', b'def', '3-5/9')
        self.assertEqual(400, self.upload('c.pem', b'de', '3-4/9').status)
        self.assertEqual(400, self.upload('c.pem', b'ef', '4-5/9').status)
        self.assertEqual(400, self.upload('c.pem', b'def', '3-5/10').status)

    def test_chunk_at_offset_zero_starts_the_file_anew(self):
        self.upload('c.pem', b'old!', '0-3/4')
        self.upload('c.pem', b'ne', '0-1/3')
        self.assertEqual({'c.pem': b'old!'}, self.device.backend.uploads)
        self.upload('c.pem', b'w', '2-2/3')
        self.assertEqual({'c.pem': b'new'}, self.device.backend.uploads)

    def test_upload_bodies_never_reach_the_call_log(self):
        self.upload('k.pem', b'-----BEGIN PRIVATE KEY-----', '0-26/27')
        call, = self.device.calls.calls()
        self.assertIsNone(call['body'])
        self.assertEqual(27, call['bytes'])


class TestFaultsAndCalls(base.TestCase):

    def setUp(self):
        super().setUp()
        self.device, = fakes.make_devices(1)

    def test_every_tm_call_is_logged_and_counted(self):
        self.device(fakes.admin('POST', '/mgmt/tm/ltm/pool', {'name': 'p1'}))
        self.device(fakes.admin('GET', '/mgmt/tm/ltm/pool/~Common~p1'))
        self.device(fakes.admin('GET', '/mgmt/tm/ltm/pool/~Common~p1'))
        counters = self.device.calls.counters()
        self.assertEqual({'total': 3, 'by_method': {'POST': 1, 'GET': 2},
                          'by_path': {'POST /mgmt/tm/ltm/pool': 1,
                                      'GET /mgmt/tm/ltm/pool/~Common~p1': 2}}, counters)

    def test_control_calls_are_not_logged(self):
        self.device(fakes.request('GET', '/sim/calls'))
        self.assertEqual(0, self.device.calls.counters()['total'])

    def test_fault_before_answers_instead_of_the_backend(self):
        self.device.faults.add({'method': 'POST', 'path': '/ltm/pool$', 'status': 503,
                                'body': {'code': 503, 'message': 'busy'}})
        response = self.device(fakes.admin('POST', '/mgmt/tm/ltm/pool', {'name': 'p1'}))
        self.assertEqual((503, {'code': 503, 'message': 'busy'}),
                         (response.status, response.body))
        self.assertEqual({}, self.device.backend.objects)
        self.assertEqual(503, self.device.calls.calls()[0]['status'])

    def test_fault_after_applies_the_request_then_fails_the_answer(self):
        self.device.faults.add({'path': '/ltm/pool$', 'action': 'reset', 'when': 'after'})
        response = self.device(fakes.admin('POST', '/mgmt/tm/ltm/pool', {'name': 'p1'}))
        self.assertEqual(http.DROP_RESET, response.drop)
        self.assertIn(('/mgmt/tm/ltm/pool', '/Common/p1'), self.device.backend.objects)

    def test_fault_hits_requests_even_before_authentication(self):
        self.device.faults.add({'preset': 'token-expired'})
        response = self.device(fakes.admin('GET', '/mgmt/tm/ltm/pool/~Common~p1'))
        self.assertEqual((401, 'X-F5-Auth-Token does not exist.'),
                         (response.status, response.body['message']))
