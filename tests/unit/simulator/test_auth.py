# SPDX-License-Identifier: Apache-2.0
"""Tests of the simulator's authentication: login, tokens, Basic, limits, expiry."""

from octavia_f5.simulator import auth
from tests import base
from tests.unit.simulator import fakes

LOGIN = {'username': 'admin', 'password': 'admin', 'loginProviderName': 'tmos'}


class TestLogin(base.TestCase):

    def setUp(self):
        super().setUp()
        self.clock = fakes.FakeClock()
        self.settings = auth.AuthSettings()
        self.store = auth.AuthStore(self.settings, clock=self.clock)

    def login(self, body=LOGIN, **kwargs):
        return self.store.login(fakes.request('POST', auth.LOGIN_PATH, body, **kwargs))

    def test_login_answers_the_reference_shape(self):
        response = self.login()
        self.assertEqual(200, response.status)
        body = response.body
        self.assertEqual({'username', 'loginReference', 'loginProviderName', 'token',
                          'generation', 'lastUpdateMicros'}, set(body))
        token = body['token']
        self.assertEqual('admin', body['username'])
        self.assertEqual('tmos', body['loginProviderName'])
        self.assertRegex(token['token'], r'^[A-Z2-7]{26}$')
        self.assertEqual(token['token'], token['name'])
        self.assertEqual(1200, token['timeout'])
        self.assertEqual('shared:authz:tokens:authtokenitemstate', token['kind'])
        self.assertEqual(token['lastUpdateMicros'] + 1200 * 10 ** 6,
                         token['expirationMicros'])
        self.assertEqual('https://localhost/mgmt/shared/authz/tokens/' + token['token'],
                         token['selfLink'])
        self.assertEqual('[All]', token['partition'])
        self.assertRegex(token['startTime'],
                         r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$')

    def test_login_with_wrong_password_is_401_authentication_failed(self):
        response = self.login(dict(LOGIN, password='wrong'))
        self.assertEqual(401, response.status)
        self.assertEqual('Authentication failed.', response.body['message'])
        self.assertEqual(':resterrorresponse', response.body['kind'])

    def test_login_takes_basic_credentials_when_the_body_has_none(self):
        response = self.login({'loginProviderName': 'tmos'}, basic=('admin', 'admin'))
        self.assertEqual(200, response.status)
        self.assertEqual('admin', response.body['token']['userName'])

    def test_login_with_unknown_provider_is_refused(self):
        self.assertEqual(401, self.login(dict(LOGIN, loginProviderName='ldap')).status)

    def test_login_with_malformed_json_is_400_invalid_json(self):
        response = self.login(raw=b'{"username":')
        self.assertEqual(400, response.status)
        self.assertEqual({'code': 400, 'message': 'Found invalid JSON body in the request.',
                          'errorStack': [], 'apiError': 1}, response.body)

    def test_non_admin_user_is_limited_to_100_tokens(self):
        self.settings.users['operator'] = 'pw'
        body = {'username': 'operator', 'password': 'pw'}
        statuses = [self.login(body).status for _ in range(100)]
        refused = self.login(body)
        self.assertEqual([200] * 100, statuses)
        self.assertEqual(400, refused.status)
        self.assertEqual('user operator has reached maximum active login tokens',
                         refused.body['message'])

    def test_admin_is_exempt_from_the_token_limit_by_default(self):
        self.settings.max_tokens = 2
        self.assertEqual([200, 200, 200], [self.login().status for _ in range(3)])

    def test_admin_is_limited_when_limit_admin_is_set(self):
        self.settings.max_tokens = 2
        self.settings.limit_admin = True
        self.assertEqual([200, 200, 400], [self.login().status for _ in range(3)])

    def test_expired_tokens_do_not_count_against_the_limit(self):
        self.settings.max_tokens = 1
        self.settings.limit_admin = True
        self.login()
        self.clock.advance(1201)
        self.assertEqual(200, self.login().status)


class TestAuthenticate(base.TestCase):

    def setUp(self):
        super().setUp()
        self.clock = fakes.FakeClock()
        self.settings = auth.AuthSettings(password='secret')
        self.store = auth.AuthStore(self.settings, clock=self.clock)
        login = fakes.request('POST', auth.LOGIN_PATH,
                              {'username': 'admin', 'password': 'secret'})
        self.token = self.store.login(login).body['token']['token']

    def check(self, **kwargs):
        return self.store.authenticate(fakes.request('GET', '/mgmt/tm/ltm/virtual', **kwargs))

    def test_valid_token_authenticates_its_user(self):
        self.assertEqual(('admin', None), self.check(token=self.token))

    def test_unknown_token_is_401_token_does_not_exist(self):
        user, refusal = self.check(token='NOSUCHTOKEN')
        self.assertIsNone(user)
        self.assertEqual(401, refusal.status)
        self.assertEqual('X-F5-Auth-Token does not exist.', refusal.body['message'])

    def test_token_past_its_timeout_is_401_token_does_not_exist(self):
        self.clock.advance(1200.5)
        user, refusal = self.check(token=self.token)
        self.assertEqual(401, refusal.status)
        self.assertEqual('X-F5-Auth-Token does not exist.', refusal.body['message'])

    def test_lifetime_override_shortens_every_token(self):
        self.settings.token_lifetime = 2
        self.clock.advance(1)
        self.assertEqual('admin', self.check(token=self.token)[0])
        self.clock.advance(1.5)
        self.assertEqual(401, self.check(token=self.token)[1].status)

    def test_expire_makes_a_token_unusable(self):
        self.store.expire(self.token)
        self.assertEqual(401, self.check(token=self.token)[1].status)

    def test_basic_auth_authenticates_any_request(self):
        self.assertEqual(('admin', None), self.check(basic=('admin', 'secret')))

    def test_basic_auth_with_wrong_password_is_401_authentication_failed(self):
        user, refusal = self.check(basic=('admin', 'admin'))
        self.assertEqual(401, refusal.status)
        self.assertEqual('Authentication failed.', refusal.body['message'])

    def test_no_credentials_is_401_no_authentication_header(self):
        user, refusal = self.check()
        self.assertEqual(401, refusal.status)
        self.assertEqual(
            'Authorization failed: no user authentication header or token detected. '
            'Uri:http://localhost:8100/tm/ltm/virtual Referrer:127.0.0.1 Sender:127.0.0.1',
            refusal.body['message'])
        self.assertEqual({'code', 'message', 'referer', 'restOperationId', 'kind'},
                         set(refusal.body))

    def test_token_wins_over_basic_credentials(self):
        user, refusal = self.check(token='NOSUCHTOKEN', basic=('admin', 'secret'))
        self.assertEqual('X-F5-Auth-Token does not exist.', refusal.body['message'])


class TestTokensApi(base.TestCase):

    def setUp(self):
        super().setUp()
        self.clock = fakes.FakeClock()
        self.settings = auth.AuthSettings()
        self.settings.users['operator'] = 'pw'
        self.store = auth.AuthStore(self.settings, clock=self.clock)
        self.admin_token = self.login('admin', 'admin')
        self.operator_token = self.login('operator', 'pw')

    def login(self, user, password):
        request = fakes.request('POST', auth.LOGIN_PATH,
                                {'username': user, 'password': password})
        return self.store.login(request).body['token']['token']

    def call(self, method, suffix='', body=None, user='admin'):
        request = fakes.request(method, auth.TOKENS_PATH + suffix, body)
        return self.store.tokens_api(request, user)

    def test_patch_timeout_extends_the_token(self):
        self.clock.advance(10)
        response = self.call('PATCH', '/' + self.admin_token, {'timeout': '36000'})
        self.assertEqual(200, response.status)
        self.assertEqual(36000, response.body['timeout'])
        self.assertEqual(2, response.body['generation'])
        self.assertEqual(response.body['lastUpdateMicros'] + 36000 * 10 ** 6,
                         response.body['expirationMicros'])
        self.clock.advance(30000)
        self.assertEqual('admin', self.store.authenticate(fakes.request(
            'GET', '/mgmt/tm/sys', token=self.admin_token))[0])

    def test_patch_timeout_above_36000_is_406(self):
        response = self.call('PATCH', '/' + self.admin_token, {'timeout': 36001})
        self.assertEqual(406, response.status)
        self.assertEqual('Auth-token absolute timeout (36000 seconds) exceeded',
                         response.body['message'])

    def test_patch_timeout_that_is_not_a_number_is_400(self):
        response = self.call('PATCH', '/' + self.admin_token, {'timeout': 'long'})
        self.assertEqual(400, response.status)

    def test_get_lists_only_the_callers_tokens(self):
        response = self.call('GET', user='operator')
        self.assertEqual([self.operator_token],
                         [t['token'] for t in response.body['items']])
        self.assertEqual('shared:authz:tokens:authtokencollectionstate',
                         response.body['kind'])

    def test_delete_collection_removes_all_the_callers_tokens(self):
        second = self.login('operator', 'pw')
        self.call('DELETE', user='operator')
        self.assertNotIn('items', self.call('GET', user='operator').body)
        self.assertEqual(200, self.call('GET', '/' + self.admin_token).status)
        self.assertEqual(401, self.store.authenticate(fakes.request(
            'GET', '/mgmt/tm/sys', token=second))[1].status)

    def test_delete_one_token_logs_it_out(self):
        response = self.call('DELETE', '/' + self.admin_token)
        self.assertEqual(200, response.status)
        self.assertEqual(404, self.call('GET', '/' + self.admin_token).status)

    def test_user_may_not_touch_another_users_token(self):
        response = self.call('DELETE', '/' + self.admin_token, user='operator')
        self.assertEqual(400, response.status)
        self.assertNotIn(self.admin_token, response.body['message'])
        self.assertEqual(200, self.call('GET', '/' + self.admin_token).status)

    def test_unknown_token_is_404(self):
        self.assertEqual(404, self.call('GET', '/NOSUCHTOKEN').status)
