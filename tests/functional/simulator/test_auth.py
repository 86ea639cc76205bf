# SPDX-License-Identifier: Apache-2.0
"""Authentication over HTTP: login and token use, expiry, Basic auth, the token limit."""

from tests.functional.simulator import base


class TestAuthOverHttp(base.SimulatorTestCase):

    def test_login_token_authenticates_later_requests(self):
        session = self.token_session()
        response = self.call(session, 'GET', '/mgmt/tm/sys/version')
        self.assertEqual(200, response.status_code, response.text)
        self.assertEqual('application/json;charset=utf-8', response.headers['Content-Type'])

    def test_login_answer_has_the_reference_keys(self):
        body = self.login().json()
        self.assertEqual({'username', 'loginReference', 'loginProviderName', 'token',
                          'generation', 'lastUpdateMicros'}, set(body))
        self.assertEqual(1200, body['token']['timeout'])

    def test_expired_token_is_401_token_does_not_exist(self):
        session = self.token_session()
        self.sim.expire_tokens()
        response = self.call(session, 'GET', '/mgmt/tm/ltm/pool')
        self.assertEqual(401, response.status_code)
        self.assertEqual('X-F5-Auth-Token does not exist.', response.json()['message'])

    def test_lifetime_override_expires_even_an_extended_token(self):
        session = self.token_session()
        token = session.headers['X-F5-Auth-Token']
        response = self.call(session, 'PATCH', '/mgmt/shared/authz/tokens/' + token,
                             {'timeout': 36000})
        self.assertEqual((200, 36000), (response.status_code, response.json()['timeout']))
        self.sim.set_auth(token_lifetime=0)
        response = self.call(session, 'GET', '/mgmt/tm/ltm/pool')
        self.assertEqual(401, response.status_code)

    def test_basic_auth_works_on_any_request(self):
        response = self.call(self.session(), 'GET', '/mgmt/tm/cm/device')
        self.assertEqual(200, response.status_code)

    def test_wrong_basic_password_is_401_with_f5_reason(self):
        session = self.session(auth=False)
        response = self.call(session, 'GET', '/mgmt/tm/ltm/pool', auth=('admin', 'nope'))
        self.assertEqual((401, 'F5 Authorization Required', 'Authentication failed.'),
                         (response.status_code, response.reason, response.json()['message']))

    def test_request_without_credentials_is_401_no_header_detected(self):
        response = self.call(self.session(auth=False), 'GET', '/mgmt/tm/ltm/pool')
        self.assertEqual(401, response.status_code)
        self.assertIn('no user authentication header or token detected',
                      response.json()['message'])

    def test_token_limit_applies_to_admin_when_enabled(self):
        self.sim.set_auth(max_tokens=3, limit_admin=True)
        statuses = [self.login().status_code for _ in range(4)]
        self.assertEqual([200, 200, 200, 400], statuses)
        self.assertEqual('user admin has reached maximum active login tokens',
                         self.login().json()['message'])

    def test_deleting_all_tokens_frees_the_limit(self):
        self.sim.set_auth(max_tokens=1, limit_admin=True)
        self.assertEqual(200, self.login().status_code)
        response = self.call(self.session(), 'DELETE', '/mgmt/shared/authz/tokens')
        self.assertEqual(200, response.status_code)
        self.assertEqual(200, self.login().status_code)

    def test_other_users_can_be_added_for_tests(self):
        self.sim.set_auth(users={'admin': 'admin', 'operator': 'op'})
        response = self.login(username='operator', password='op')
        self.assertEqual('operator', response.json()['token']['userName'])
