# SPDX-License-Identifier: Apache-2.0
"""Tests of token and Basic authentication, as a device client uses them."""

import base64
import threading

from octavia_f5.bigip import auth
from octavia_f5.bigip import retry
from octavia_f5.common import exceptions
from tests.unit.bigip import fakes

TOKENS = fakes.URL + auth.TOKENS_PATH
THIRD = 'THIRDTOKENTHIRDTOKENTHIRDT'
EXPIRED = {'status_code': 401, 'json': fakes.rest_error(401, 'X-F5-Auth-Token does not exist.')}


def _basic():
    raw = base64.b64encode(('admin:%s' % fakes.PASSWORD).encode()).decode()
    return 'Basic ' + raw


class TestTokenLogin(fakes.DeviceTestCase):

    def test_login_posts_credentials_and_requests_are_sent_with_the_token(self):
        self.mock_login()
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        self.assertEqual(fakes.pool(), self.make_device().get(fakes.POOL))
        login = self.calls('POST', fakes.LOGIN)[0]
        self.assertEqual({'username': 'admin', 'password': fakes.PASSWORD,
                          'loginProviderName': 'tmos'}, login.json())
        self.assertNotIn(auth.TOKEN_HEADER, login.headers)
        self.assertEqual(fakes.TOKEN, self.calls('GET', fakes.POOL)[0].headers['X-F5-Auth-Token'])
        self.assertNotIn('Authorization', self.calls('GET', fakes.POOL)[0].headers)

    def test_token_lifetime_is_extended_to_token_timeout(self):
        self.mock_login()
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        self.make_device(token_timeout=7200).get(fakes.POOL)
        extend = self.calls('PATCH', '%s/%s' % (auth.TOKENS_PATH, fakes.TOKEN))[0]
        self.assertEqual({'timeout': 7200}, extend.json())
        self.assertEqual(fakes.TOKEN, extend.headers['X-F5-Auth-Token'])

    def test_one_token_serves_many_requests(self):
        self.mock_login()
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        device = self.make_device()
        for _ in range(5):
            device.get(fakes.POOL)
        self.assertEqual(1, len(self.calls('POST', fakes.LOGIN)))

    def test_threads_share_one_token(self):
        self.mock_login()
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        device = self.make_device()
        threads = [threading.Thread(target=device.get, args=(fakes.POOL,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(1, len(self.calls('POST', fakes.LOGIN)))
        self.assertEqual(8, len(self.calls('GET', fakes.POOL)))

    def test_token_is_renewed_before_it_expires(self):
        self.mock_login(tokens=(fakes.TOKEN, fakes.TOKEN2), timeout=600)
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        device = self.make_device(token_timeout=600)
        device.get(fakes.POOL)
        self.clock.advance(600 - auth.RENEW_MARGIN - 1)
        device.get(fakes.POOL)
        self.assertEqual(1, len(self.calls('POST', fakes.LOGIN)))
        self.clock.advance(1)
        device.get(fakes.POOL)
        self.assertEqual(2, len(self.calls('POST', fakes.LOGIN)))
        last = self.calls('GET', fakes.POOL)[-1]
        self.assertEqual(fakes.TOKEN2, last.headers[auth.TOKEN_HEADER])

    def test_renewal_follows_the_devices_expiry_when_the_extension_fails(self):
        # The login answer says 1200 s (expirationMicros - lastUpdateMicros); the PATCH fails.
        self.http.post(fakes.URL + fakes.LOGIN, [{'json': fakes.login_answer(fakes.TOKEN)},
                                                 {'json': fakes.login_answer(fakes.TOKEN2)}])
        self.http.patch(TOKENS + '/' + fakes.TOKEN, status_code=400,
                        json=fakes.error(400, 'not allowed', 1))
        self.http.patch(TOKENS + '/' + fakes.TOKEN2, status_code=400,
                        json=fakes.error(400, 'not allowed', 1))
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        device = self.make_device(token_timeout=36000)
        device.get(fakes.POOL)
        self.clock.advance(1200 - auth.RENEW_MARGIN)
        device.get(fakes.POOL)
        self.assertEqual(2, len(self.calls('POST', fakes.LOGIN)))

    def test_token_revoked_before_its_extension_is_replaced_by_one_login_for_all(self):
        # The lifetime PATCH learns that the new token was revoked meanwhile: the token is
        # dropped and replaced at once, so no request spends a re-send on it.
        self.mock_login(tokens=(fakes.TOKEN, fakes.TOKEN2))
        self.http.patch(TOKENS + '/' + fakes.TOKEN, **EXPIRED)
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        device = self.make_device()
        threads = [threading.Thread(target=device.get, args=(fakes.POOL,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(2, len(self.calls('POST', fakes.LOGIN)))
        self.assertEqual([fakes.TOKEN2] * 8,
                         [r.headers[auth.TOKEN_HEADER] for r in self.calls('GET', fakes.POOL)])

    def test_tokens_revoked_at_every_extension_are_authentication_failed(self):
        tokens = (fakes.TOKEN, fakes.TOKEN2, THIRD)
        self.mock_login(tokens=tokens)
        for token in tokens:
            self.http.patch(TOKENS + '/' + token, **EXPIRED)
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        error = self.assertRaises(exceptions.AuthenticationFailed, self.make_device().get,
                                  fakes.POOL)
        self.assertEqual((401, 'PATCH'), (error.status, error.method))
        self.assertNotIn(THIRD, str(error))
        self.assertEqual(auth.LOGINS_PER_RENEWAL, len(self.calls('POST', fakes.LOGIN)))
        self.assertEqual([], self.calls('GET', fakes.POOL))

    def test_extension_refused_for_another_reason_keeps_the_token(self):
        # A user who may not change tokens still has a working token.
        self.mock_login(tokens=(fakes.TOKEN, fakes.TOKEN2))
        self.http.patch(TOKENS + '/' + fakes.TOKEN, status_code=401, json=fakes.rest_error(
            401, 'Authorization failed: user=https://localhost/mgmt/shared/authz/users/op '
                 'resource=/mgmt/shared/authz/tokens verb=PATCH'))
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        self.make_device().get(fakes.POOL)
        self.assertEqual(1, len(self.calls('POST', fakes.LOGIN)))
        self.assertEqual(fakes.TOKEN, self.calls('GET', fakes.POOL)[0].headers[auth.TOKEN_HEADER])

    def test_short_lifetimes_renew_a_quarter_before_expiry(self):
        self.assertEqual(20.0, auth.token_lifetime(fakes.token_item(fakes.TOKEN, 20)))
        self.mock_login(tokens=(fakes.TOKEN, fakes.TOKEN2), timeout=20)
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        device = self.make_device(token_timeout=300)
        device.get(fakes.POOL)
        self.clock.advance(14.9)
        device.get(fakes.POOL)
        self.assertEqual(1, len(self.calls('POST', fakes.LOGIN)))
        self.clock.advance(0.1)
        device.get(fakes.POOL)
        self.assertEqual(2, len(self.calls('POST', fakes.LOGIN)))

    def test_lifetime_as_a_string_is_understood(self):
        self.assertEqual(36000.0, auth.token_lifetime({'timeout': '36000'}))
        self.assertEqual(auth.DEFAULT_LIFETIME, auth.token_lifetime({}))


class TestUnauthorized(fakes.DeviceTestCase):

    def test_401_logs_in_again_once_and_resends_the_request_once(self):
        self.mock_login(tokens=(fakes.TOKEN, fakes.TOKEN2))
        self.http.post(fakes.URL + fakes.POOLS, [
            {'status_code': 401,
             'json': fakes.rest_error(401, 'X-F5-Auth-Token does not exist.')},
            {'json': fakes.pool()}])
        answer = self.make_device().post(fakes.POOLS, {'name': 'pool_1', 'partition': 'P'})
        self.assertEqual(fakes.pool(), answer)
        posts = self.calls('POST', fakes.POOLS)
        self.assertEqual([fakes.TOKEN, fakes.TOKEN2],
                         [p.headers[auth.TOKEN_HEADER] for p in posts])
        self.assertEqual([{'name': 'pool_1', 'partition': 'P'}] * 2, [p.json() for p in posts])
        self.assertEqual(2, len(self.calls('POST', fakes.LOGIN)))

    def test_token_refused_again_after_the_new_login_is_replaced_again(self):
        # Tokens revoked again while the new one was on its way: each 401 that names the
        # token gets a new login and a re-send.
        self.mock_login(tokens=(fakes.TOKEN, fakes.TOKEN2, THIRD))
        self.http.get(fakes.URL + fakes.POOL, [EXPIRED, EXPIRED, {'json': fakes.pool()}])
        self.assertEqual(fakes.pool(), self.make_device().get(fakes.POOL))
        self.assertEqual([fakes.TOKEN, fakes.TOKEN2, THIRD],
                         [r.headers[auth.TOKEN_HEADER] for r in self.calls('GET', fakes.POOL)])
        self.assertEqual(3, len(self.calls('POST', fakes.LOGIN)))
        self.assertEqual([], self.sleeps)

    def test_token_refused_at_every_resend_is_authentication_failed(self):
        tokens = [fakes.TOKEN, fakes.TOKEN2, THIRD, 'FOURTHTOKENFOURTHTOKENFOUR']
        self.mock_login(tokens=tokens)
        self.http.get(fakes.URL + fakes.POOL, **EXPIRED)
        error = self.assertRaises(exceptions.AuthenticationFailed, self.make_device().get,
                                  fakes.POOL)
        self.assertEqual(401, error.status)
        self.assertEqual(1 + retry.TOKEN_RESENDS, len(self.calls('GET', fakes.POOL)))
        self.assertEqual(1 + retry.TOKEN_RESENDS, len(self.calls('POST', fakes.LOGIN)))

    def test_second_401_that_is_not_about_the_token_is_authentication_failed(self):
        self.mock_login(tokens=(fakes.TOKEN, fakes.TOKEN2, THIRD))
        self.http.get(fakes.URL + fakes.POOL, status_code=401, json=fakes.rest_error(
            401, 'Authorization failed: user=https://localhost/mgmt/shared/authz/users/op '
                 'resource=/mgmt/tm/ltm/pool verb=GET'))
        error = self.assertRaises(exceptions.AuthenticationFailed, self.make_device().get,
                                  fakes.POOL)
        self.assertIn('Authorization failed', error.message)
        self.assertEqual(2, len(self.calls('GET', fakes.POOL)))
        self.assertEqual(2, len(self.calls('POST', fakes.LOGIN)))

    def test_wrong_password_fails_the_login_without_retries(self):
        self.http.post(fakes.URL + fakes.LOGIN, status_code=401,
                       json=fakes.rest_error(401, 'Authentication failed.'))
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        error = self.assertRaises(exceptions.AuthenticationFailed, self.make_device().get,
                                  fakes.POOL)
        self.assertEqual(('POST', auth.LOGIN_PATH, 'Authentication failed.'),
                         (error.method, error.path, error.message))
        self.assertEqual(1, len(self.calls('POST', fakes.LOGIN)))
        self.assertEqual([], self.calls('GET', fakes.POOL))

    def test_login_answer_without_token_is_authentication_failed(self):
        self.http.post(fakes.URL + fakes.LOGIN, json={'username': 'admin'})
        self.assertRaises(exceptions.AuthenticationFailed, self.make_device().get, fakes.POOL)

    def test_login_answer_that_is_not_json_is_authentication_failed(self):
        self.http.post(fakes.URL + fakes.LOGIN, text='<html>captive portal</html>')
        self.assertRaises(exceptions.AuthenticationFailed, self.make_device().get, fakes.POOL)

    def test_unreachable_login_is_retried_even_for_a_post(self):
        self.http.post(fakes.URL + fakes.LOGIN, [
            {'status_code': 503, 'text': '<html><title>restarting</title></html>'},
            {'json': fakes.login_answer(fakes.TOKEN)}])
        self.http.patch(TOKENS + '/' + fakes.TOKEN, json=fakes.token_item(fakes.TOKEN, 36000))
        self.http.post(fakes.URL + fakes.POOLS, json=fakes.pool())
        self.make_device().post(fakes.POOLS, {'name': 'pool_1'})
        self.assertEqual(1, len(self.calls('POST', fakes.POOLS)))
        self.assertEqual([0.5], self.sleeps)


class TestTokenRelease(fakes.DeviceTestCase):

    def test_close_releases_the_token(self):
        self.mock_login()
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        device = self.make_device()
        device.get(fakes.POOL)
        device.close()
        release = self.calls('DELETE', '%s/%s' % (auth.TOKENS_PATH, fakes.TOKEN))
        self.assertEqual(1, len(release))
        self.assertEqual(fakes.TOKEN, release[0].headers[auth.TOKEN_HEADER])

    def test_close_without_login_sends_nothing(self):
        self.make_device().close()
        self.assertEqual([], self.http.request_history)

    def test_request_in_flight_at_close_fails_without_a_new_login(self):
        device = self.make_device()
        self.mock_login(tokens=(fakes.TOKEN, fakes.TOKEN2))

        def closed_meanwhile(request, context):
            # close() releases the token while this request is on its way: it is refused.
            device.close()
            context.status_code = 401
            return EXPIRED['json']
        self.http.get(fakes.URL + fakes.POOL, [{'json': closed_meanwhile},
                                               {'json': fakes.pool()}])
        error = self.assertRaises(exceptions.ClientClosed, device.get, fakes.POOL)
        self.assertIn('closed', str(error))
        self.assertEqual(('GET', fakes.POOL), (error.method, error.path))
        self.assertEqual(1, len(self.calls('POST', fakes.LOGIN)))
        self.assertEqual(1, len(self.calls('GET', fakes.POOL)))
        self.assertEqual(1, len(self.calls('DELETE', '%s/%s' % (auth.TOKENS_PATH, fakes.TOKEN))))
        self.assertEqual([], self.sleeps)

    def test_nothing_is_sent_after_close(self):
        self.mock_login()
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        for method in ('token', 'basic'):
            device = self.make_device(auth_method=method)
            device.close()
            error = self.assertRaises(exceptions.ClientClosed, device.get, fakes.POOL)
            self.assertNotIsInstance(error, exceptions.DeviceUnavailable)
            device.close()
        self.assertEqual([], self.http.request_history)
        self.assertEqual([], self.sleeps)

    def test_a_failed_release_does_not_raise(self):
        self.mock_login()
        self.http.delete('%s/%s' % (TOKENS, fakes.TOKEN), status_code=503, text='busy')
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        with self.make_device() as device:
            device.get(fakes.POOL)
        self.assertEqual(1, len(self.calls('DELETE', '%s/%s' % (auth.TOKENS_PATH, fakes.TOKEN))))


class TestTokenLimit(fakes.DeviceTestCase):

    def setUp(self):
        super().setUp()
        limit = fakes.error(400, 'user octavia has reached maximum active login tokens', 1)
        self.http.post(fakes.URL + fakes.LOGIN, [
            {'status_code': 400, 'json': limit}, {'json': fakes.login_answer(fakes.TOKEN)}])
        self.http.patch(TOKENS + '/' + fakes.TOKEN, json=fakes.token_item(fakes.TOKEN, 36000))
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())

    def test_limit_falls_back_to_basic_without_deleting_other_tokens(self):
        self.assertEqual(fakes.pool(), self.make_device().get(fakes.POOL))
        sent = self.calls('GET', fakes.POOL)[0].headers
        self.assertEqual(_basic(), sent['Authorization'])
        self.assertNotIn(auth.TOKEN_HEADER, sent)
        self.assertEqual([], [r for r in self.http.request_history if r.method == 'DELETE'])

    def test_login_is_tried_again_after_the_back_off(self):
        device = self.make_device()
        device.get(fakes.POOL)
        self.clock.advance(auth.TOKEN_LIMIT_BACKOFF)
        device.get(fakes.POOL)
        self.assertEqual(fakes.TOKEN, self.calls('GET', fakes.POOL)[-1].headers[auth.TOKEN_HEADER])


class TestBasicAuth(fakes.DeviceTestCase):

    def test_basic_credentials_on_every_request_and_no_login(self):
        self.http.get(fakes.URL + fakes.POOL, json=fakes.pool())
        device = self.make_device(auth_method='basic')
        device.get(fakes.POOL)
        device.close()
        self.assertEqual(_basic(), self.calls('GET', fakes.POOL)[0].headers['Authorization'])
        self.assertEqual(1, len(self.http.request_history))

    def test_basic_401_is_final(self):
        self.http.get(fakes.URL + fakes.POOL, status_code=401,
                      json=fakes.rest_error(401, 'Authentication failed.'))
        self.assertRaises(exceptions.AuthenticationFailed,
                          self.make_device(auth_method='basic').get, fakes.POOL)
        self.assertEqual(1, len(self.http.request_history))
