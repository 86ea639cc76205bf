# SPDX-License-Identifier: Apache-2.0
"""Tests of parsing the device's error answers and transport failures into typed exceptions."""

import json

import requests
from urllib3 import exceptions as urllib3_exceptions

from octavia_f5.bigip import errors
from octavia_f5.bigip import redact
from octavia_f5.common import exceptions
from tests import base
from tests.unit.bigip import fakes

# Error answers as the reference quotes them (icontrol-rest.md 0.1, 0.2, 1.2, 5, 8).
NOT_FOUND = fakes.error(404, '01020036:3: The requested Pool (/Common/wrong) was not found.')
MEMBER_NOT_FOUND = fakes.error(404, '01020036:3: The requested Pool Member (/PART/POOL '
                                    '/PART/1.1.1.1 80) was not found.')
EXISTS = fakes.error(409, '01020066:3: The requested Pool (/P/pool_1) already exists in '
                          'partition P.')
IN_USE_MESSAGES = (
    '01070265:3: The Pool (/Common/test-node) cannot be deleted because it is in use by a '
    'Virtual Server (/Common/test-vs).',
    '01070083:3: Monitor /Common/monitor_default_pool is in use.',
    "01070110:3: Node address '/Common/intra2' is referenced by a member of pool "
    "'/Common/intraPool'.",
    '01070265:3: The ClientSSL Profile (/P/x) cannot be deleted because it is in use by a '
    'virtual server profile (/P/vs /P/x).',
    '0107082a:3: All objects must be removed from a partition (X) before the partition may '
    'be removed, type ID (467)',
    '010713f9:3: The folder /ABC/DEF cannot be deleted because it contains configuration '
    'item (x)',
    '0107097c:3: The specified route domain (1) is the default route domain for one or more '
    'partitions (P) and cannot be deleted.',
)
INVALID_MESSAGES = (
    ('Found invalid JSON body in the request.', 1),
    ('01070333:3: Virtual Server /P/a illegally shares both address and vlan with Virtual '
     'Server /P/b.', 3),
    ('invalid property value "state":"up"', 3),
    ('HTML Tag-like Content in the Request URL/Body', 26214401),
)
MCPD_LOST = fakes.error(500, 'The connection to mcpd has been lost, try again.', 32768001)
NOT_REGISTERED = fakes.rest_error(404, 'Public URI path not registered: '
                                       '/tm/ltm/pool/?Common?my-pool')
RESTJAVAD_RESTART = fakes.error(404, 'URI path /mgmt/tm/ltm/pool not registered. Please verify '
                                     'URI is supported and wait for /available suffix to be '
                                     'responsive.', 26214401)
UNAUTHORIZED = fakes.rest_error(401, 'Authorization failed: no user authentication header or '
                                     'token detected. Uri:http://localhost:8100/mgmt/tm/ltm/'
                                     'virtual Referrer:192.0.2.1 Sender:192.0.2.1')
HTML_503 = ('<html><head><title>Configuration Utility restarting...</title></head>'
            '<body><p>Please wait</p></body></html>')
HTML_500 = '<html><body><h2>HTTP ERROR 500</h2><p>Error 500 AsyncContext timeout</p></body></html>'


def response(status, body, reason='Error'):
    answer = requests.Response()
    answer.status_code = status
    answer.reason = reason
    if isinstance(body, (dict, list)):
        answer._content = json.dumps(body).encode()
        answer.headers['Content-Type'] = 'application/json;charset=utf-8'
    else:
        answer._content = body.encode()
        answer.headers['Content-Type'] = 'text/html'
    return answer


def parse(status, body, method='DELETE', path='/mgmt/tm/ltm/pool/~P~pool_1'):
    return errors.from_response(response(status, body), 'bigip1', method, path,
                                redact.Redactor())


class TestErrorAnswers(base.TestCase):

    def test_404_is_not_found_with_message_id_and_context(self):
        error = parse(404, NOT_FOUND, method='GET')
        self.assertIsInstance(error, exceptions.NotFound)
        self.assertEqual((404, '01020036', 'bigip1', 'GET', '/mgmt/tm/ltm/pool/~P~pool_1'),
                         (error.status, error.message_id, error.device, error.method,
                          error.path))
        self.assertEqual(NOT_FOUND['message'], error.message)

    def test_missing_pool_member_is_not_found(self):
        self.assertIsInstance(parse(404, MEMBER_NOT_FOUND), exceptions.NotFound)

    def test_409_is_already_exists(self):
        error = parse(409, EXISTS, method='POST')
        self.assertIsInstance(error, exceptions.AlreadyExists)
        self.assertEqual('01020066', error.message_id)

    def test_400_refusing_a_delete_of_a_referenced_object_is_in_use(self):
        for message in IN_USE_MESSAGES:
            error = parse(400, fakes.error(400, message))
            self.assertIsInstance(error, exceptions.InUse, message)
            self.assertEqual(message, error.message)

    def test_other_400_is_invalid_request(self):
        for message, api_error in INVALID_MESSAGES:
            error = parse(400, fakes.error(400, message, api_error), method='POST')
            self.assertEqual(exceptions.InvalidRequest, type(error), message)

    def test_other_4xx_is_invalid_request(self):
        self.assertEqual(exceptions.InvalidRequest,
                         type(parse(405, fakes.error(405, 'Method not allowed'))))

    def test_400_without_api_error_key_from_older_versions(self):
        body = {'code': 400, 'message': '01070265:3: The Pool (/Common/p) cannot be deleted '
                                        'because it is in use by a Virtual Server (/Common/v).',
                'errorStack': []}
        self.assertIsInstance(parse(400, body), exceptions.InUse)

    def test_401_and_403_are_authentication_failed(self):
        for status in (401, 403):
            error = parse(status, UNAUTHORIZED)
            self.assertIsInstance(error, exceptions.AuthenticationFailed)
            self.assertEqual(status, error.status)

    def test_mcpd_lost_is_device_restarting(self):
        error = parse(500, MCPD_LOST)
        self.assertEqual(exceptions.DeviceRestarting, type(error))
        self.assertIsInstance(error, exceptions.DeviceUnavailable)
        self.assertEqual('The connection to mcpd has been lost, try again.', error.message)

    def test_public_uri_not_registered_is_device_restarting_not_not_found(self):
        for body in (NOT_REGISTERED, RESTJAVAD_RESTART):
            self.assertEqual(exceptions.DeviceRestarting, type(parse(404, body)))

    def test_html_503_restarting_is_device_restarting_with_the_page_title(self):
        error = parse(503, HTML_503)
        self.assertEqual(exceptions.DeviceRestarting, type(error))
        self.assertEqual('Configuration Utility restarting...', error.message)

    def test_token_unknown_only_for_the_expired_token_401(self):
        self.assertTrue(errors.token_unknown(response(401, fakes.rest_error(
            401, 'X-F5-Auth-Token does not exist.'))))
        self.assertFalse(errors.token_unknown(response(401, UNAUTHORIZED)))
        self.assertFalse(errors.token_unknown(response(404, NOT_FOUND)))

    def test_other_server_errors_are_device_unavailable_not_restarting(self):
        # A Jetty timeout or an unknown 5xx may come after the device acted.
        for status, body in ((500, HTML_500), (503, '<html><title>down</title></html>'),
                             (500, fakes.error(500, 'Internal error.'))):
            self.assertEqual(exceptions.DeviceUnavailable, type(parse(status, body)))

    def test_html_without_title_gives_its_text(self):
        error = parse(500, HTML_500)
        self.assertEqual(exceptions.DeviceUnavailable, type(error))
        self.assertEqual('HTTP ERROR 500 Error 500 AsyncContext timeout', error.message)

    def test_transaction_failure_message_id_follows_the_prefix(self):
        self.assertEqual('01070320', errors.message_id(
            'transaction failed:01070320:3: Snatpool mysnatpool is still referenced by a '
            'virtual server.'))

    def test_message_without_id(self):
        self.assertIsNone(errors.message_id('Found invalid JSON body in the request.'))

    def test_string_form_names_device_method_path_status_and_message(self):
        self.assertEqual('bigip1 GET /mgmt/tm/ltm/pool/~P~pool_1: 404 ' + NOT_FOUND['message'],
                         str(parse(404, NOT_FOUND, method='GET')))

    def test_message_is_masked_and_token_path_hidden(self):
        redactor = redact.Redactor([fakes.TOKEN])
        body = fakes.rest_error(401, 'X-F5-Auth-Token does not exist. token %s' % fakes.TOKEN)
        error = errors.from_response(response(401, body), 'bigip1', 'DELETE',
                                     '/mgmt/shared/authz/tokens/' + fakes.TOKEN, redactor)
        self.assertNotIn(fakes.TOKEN, str(error))
        self.assertEqual('/mgmt/shared/authz/tokens/***', error.path)

    def test_echoed_request_secrets_are_masked(self):
        body = fakes.error(400, '01070712:3: bad passphrase "horse-battery-staple"')
        error = errors.from_response(response(400, body), 'bigip1', 'POST', '/x',
                                     redact.Redactor(), extra_secrets=['horse-battery-staple'])
        self.assertEqual('01070712:3: bad passphrase "***"', error.message)

    def test_long_message_is_masked_before_it_is_shortened(self):
        secret = 'correct-horse-battery-staple'
        text = 'x' * (errors.MESSAGE_LIMIT - 10) + secret
        error = errors.from_response(response(400, fakes.error(400, text)), 'bigip1', 'POST',
                                     '/x', redact.Redactor(), extra_secrets=[secret])
        self.assertEqual('x' * (errors.MESSAGE_LIMIT - 10) + '***', error.message)


def _pool_error(reason):
    return requests.exceptions.ConnectionError(urllib3_exceptions.MaxRetryError(
        None, '/mgmt/tm/ltm/pool', reason=reason))


class TestTransportErrors(base.TestCase):

    def convert(self, exc, path='/mgmt/tm/ltm/pool'):
        return errors.from_transport_error(exc, 'bigip1', 'POST', path, redact.Redactor())

    def test_connect_timeout_was_not_sent(self):
        error = self.convert(requests.exceptions.ConnectTimeout('timed out'))
        self.assertIsInstance(error, exceptions.RequestNotSent)
        self.assertIn('connection timed out', error.message)

    def test_refused_connection_was_not_sent(self):
        refused = urllib3_exceptions.NewConnectionError(None, 'Connection refused')
        self.assertIsInstance(self.convert(_pool_error(refused)), exceptions.RequestNotSent)

    def test_tls_failure_was_not_sent_and_names_the_option(self):
        error = self.convert(requests.exceptions.SSLError('certificate verify failed'))
        self.assertIsInstance(error, exceptions.RequestNotSent)
        self.assertIn('[f5_bigip] verify', error.message)

    def test_read_timeout_may_have_been_applied(self):
        error = self.convert(requests.exceptions.ReadTimeout('read timed out'))
        self.assertEqual(exceptions.DeviceUnavailable, type(error))

    def test_reset_connection_may_have_been_applied(self):
        reset = urllib3_exceptions.ProtocolError('Connection aborted.',
                                                 ConnectionResetError(104, 'reset'))
        error = self.convert(requests.exceptions.ConnectionError(reset))
        self.assertEqual(exceptions.DeviceUnavailable, type(error))
        self.assertEqual(('bigip1', 'POST', '/mgmt/tm/ltm/pool', None),
                         (error.device, error.method, error.path, error.status))

    def test_token_in_url_of_the_failure_is_masked(self):
        path = '/mgmt/shared/authz/tokens/' + fakes.TOKEN
        exc = requests.exceptions.ConnectionError(
            "HTTPSConnectionPool(host='h', port=443): Max retries exceeded with url: " + path)
        self.assertNotIn(fakes.TOKEN, str(self.convert(exc, path=path)))
