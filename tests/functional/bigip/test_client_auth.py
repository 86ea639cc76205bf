# SPDX-License-Identifier: Apache-2.0
"""The client's token and Basic authentication, and its TLS verification, against the simulator."""

import itertools
import random
import threading
import time

import requests

from octavia_f5.bigip import auth
from octavia_f5.common import exceptions
from tests.functional.bigip import base

TOKENS = auth.TOKENS_PATH
TOKEN_PATHS = TOKENS + '/'
# Tokens expired over and over while threads work: each thread's create, read and delete
# must go through (a 401 means "not applied": log in again, send again).
STORM_THREADS = 8
STORM_SECONDS = 4.0
STORM_MEAN_GAP = 0.1
# A request held this long by a latency fault, while the test acts on the device meanwhile.
HELD_MS = 3000


def hold_and_act(test, method, path, work, act):
    """``work``'s result (or DeviceError), with ``act()`` run while the device holds its request.

    ``work`` runs in a thread; its first ``method`` request to ``path`` is held by a latency
    fault, which applies before authentication, so ``act`` changes what the request meets.
    """
    rule = test.sim.add_fault(method=method, path=path, action='latency', latency_ms=HELD_MS)
    outcome = []

    def run():
        try:
            outcome.append(work())
        except exceptions.DeviceError as error:
            outcome.append(error)
    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 30
    while not any(f['id'] == rule['id'] and f['matched'] for f in test.sim.faults()):
        test.assertLess(time.monotonic(), deadline, 'the request never reached the device')
        time.sleep(0.01)
    act()
    thread.join()
    return outcome[0]


class TestTokenAuthentication(base.ClientTestCase):

    def token_of_the_login(self):
        """The client's token, as the device saw it in the lifetime PATCH's path."""
        patches = self.calls('PATCH', TOKEN_PATHS)
        self.assertTrue(patches, 'the client never extended a token')
        return patches[-1]['path'].rsplit('/', 1)[1]

    def test_first_request_logs_in_and_extends_the_token_to_token_timeout(self):
        device = self.make_device(token_timeout=7200)
        version, = device.get(base.VERSION)['entries'].values()
        self.assertEqual('BIG-IP', version['nestedStats']['entries']['Product']['description'])
        login, = self.calls('POST', auth.LOGIN_PATH)
        self.assertEqual(({'username': 'admin', 'password': '***', 'loginProviderName': 'tmos'},
                          200), (login['body'], login['status']))
        extend, = self.calls('PATCH', TOKEN_PATHS)
        self.assertEqual(({'timeout': 7200}, 200), (extend['body'], extend['status']))
        self.assertEqual([self.token_of_the_login()], self.live_tokens())

    def test_one_token_serves_many_requests(self):
        device = self.make_device()
        for number in range(20):
            device.create(base.POOLS, {'name': 'pool_%d' % number, 'partition': 'Common'})
            device.get(base.POOLS)
        self.assertEqual(1, self.logins())
        self.assertEqual(1, len(self.calls('PATCH', TOKEN_PATHS)))
        self.assertEqual([200] * 20, self.statuses('POST', base.POOLS + '$'))
        self.assertEqual(20, len(self.dump('ltm/pool')))

    def test_threads_share_one_token(self):
        device = self.make_device()
        threads = [threading.Thread(target=device.get, args=(base.POOLS,)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(1, self.logins())
        self.assertEqual([200] * 8, self.statuses('GET', base.POOLS + '$'))

    def test_expired_token_is_replaced_and_the_request_sent_again(self):
        device = self.make_device()
        device.create(base.POOLS, {'name': 'before', 'partition': 'Common'})
        old = self.token_of_the_login()
        self.sim.expire_tokens()
        created = device.create(base.POOLS, {'name': 'after', 'partition': 'Common'})
        self.assertEqual('/Common/after', created['fullPath'])
        self.assertEqual(2, self.logins())
        # The refused POST was processed by nobody, so sending it again made one pool.
        self.assertEqual([200, 401, 200], self.statuses('POST', base.POOLS + '$'))
        self.assertEqual(['/Common/after', '/Common/before'], sorted(self.dump('ltm/pool')))
        self.assertNotEqual(old, self.token_of_the_login())
        self.assertEqual([self.token_of_the_login()], self.live_tokens())

    def test_token_refused_again_after_the_new_login_is_replaced_again(self):
        # Tokens revoked again while the new one was on its way: the re-send is refused
        # too, and answered by one more login and re-send.
        device = self.make_device()
        device.get(base.POOLS)
        self.sim.add_fault(method='GET', path='/ltm/pool$', preset='token-expired', times=2)
        self.assertEqual([], device.items(base.POOLS))
        self.assertEqual([200, 401, 401, 200], self.statuses('GET', base.POOLS + '$'))
        self.assertEqual(3, self.logins())

    def test_token_revoked_before_its_extension_costs_no_resend(self):
        device = self.make_device()
        found = hold_and_act(self, 'PATCH', '/authz/tokens/', lambda: device.items(base.POOLS),
                             self.sim.expire_tokens)
        self.assertEqual([], found)
        self.assertEqual([401, 200], self.statuses('PATCH', TOKEN_PATHS))
        self.assertEqual(2, self.logins())
        # The request went out once, with the token that was alive.
        self.assertEqual([200], self.statuses('GET', base.POOLS + '$'))
        self.assertEqual([self.token_of_the_login()], self.live_tokens())

    def test_threads_ride_through_tokens_expiring_over_and_over(self):
        seed = random.randrange(2 ** 32)
        gaps = random.Random(seed)
        device = self.make_device()
        stop = time.monotonic() + STORM_SECONDS
        failures, done, expiries = [], [], []

        def work(number):
            for turn in itertools.count():
                if time.monotonic() >= stop:
                    return
                name = 'pool_%d_%d' % (number, turn)
                try:
                    device.create(base.POOLS, {'name': name, 'partition': 'Common'})
                    device.get(base.POOLS + '/~Common~' + name)
                    device.delete(base.POOLS + '/~Common~' + name)
                    done.append(name)
                except exceptions.DeviceError as error:
                    failures.append(str(error))

        threads = [threading.Thread(target=work, args=(n,)) for n in range(STORM_THREADS)]
        for thread in threads:
            thread.start()
        while time.monotonic() < stop:
            time.sleep(gaps.uniform(0, 2 * STORM_MEAN_GAP))
            self.sim.expire_tokens()
            expiries.append(time.monotonic())
        for thread in threads:
            thread.join()
        by_path = self.sim.counters()['by_path']
        logins = by_path.get('POST ' + auth.LOGIN_PATH, 0)
        print('tokens expired %d times in %.0f s (gaps seed %d): %d create-read-delete rounds, '
              '%d logins, %d failures' % (len(expiries), STORM_SECONDS, seed, len(done),
                                          logins, len(failures)))
        self.assertEqual([], failures[:5])
        self.assertEqual({}, self.dump('ltm/pool'))
        # One new login per revocation at most, however many threads were refused.
        self.assertLessEqual(logins, len(expiries) + 1)
        self.assertGreater(len(done), len(expiries))

    def test_token_is_renewed_before_it_expires_without_a_refusal(self):
        clock = base.FakeClock()
        self.configure(token_timeout=3600)
        device = self.make_cluster(configure=False, clock=clock).devices[0]
        device.get(base.POOLS)
        clock.advance(3600 - auth.RENEW_MARGIN + 1)
        device.get(base.POOLS)
        self.assertEqual(2, self.logins())
        self.assertEqual([200, 200], self.statuses('GET', base.POOLS + '$'))

    def test_close_releases_the_token_on_the_device(self):
        device = self.make_device()
        device.get(base.POOLS)
        token = self.token_of_the_login()
        self.assertEqual([token], self.live_tokens())
        device.close()
        self.assertEqual([], self.live_tokens())
        delete, = self.calls('DELETE', TOKEN_PATHS)
        self.assertEqual((TOKEN_PATHS + token, 200), (delete['path'], delete['status']))

    def test_request_in_flight_at_close_fails_and_leaves_no_token(self):
        device = self.make_device()
        device.get(base.POOLS)
        error = hold_and_act(self, 'GET', '/ltm/pool$', lambda: device.items(base.POOLS),
                             device.close)
        self.assertIsInstance(error, exceptions.ClientClosed)
        self.assertIn('closed', str(error))
        self.assertEqual([200, 401], self.statuses('GET', base.POOLS + '$'))
        self.assertEqual(1, self.logins())
        self.assertEqual([], self.live_tokens())
        self.assertRaises(exceptions.ClientClosed, device.get, base.POOLS)
        self.assertEqual(1, self.logins())

    def test_wrong_password_is_authentication_failed_without_the_password(self):
        device = self.make_device(password='not-the-password')
        error = self.assertRaises(exceptions.AuthenticationFailed, device.get, base.POOLS)
        self.assertEqual((401, 'POST', auth.LOGIN_PATH), (error.status, error.method, error.path))
        self.assertIn('Authentication failed', error.message)
        self.assertNotIn('not-the-password', str(error))
        # A refused login is final: nothing else was tried.
        self.assertEqual([401], self.statuses('POST', auth.LOGIN_PATH))
        self.assertEqual([], self.calls('GET'))

    def test_token_limit_falls_back_to_basic_credentials(self):
        self.sim.set_auth(max_tokens=1, limit_admin=True)
        other_worker = requests.post(
            self.simulator.urls[0] + auth.LOGIN_PATH, timeout=10,
            json={'username': 'admin', 'password': self.simulator.password})
        self.assertEqual(200, other_worker.status_code, other_worker.text)
        device = self.make_device()
        self.assertEqual([], device.items(base.POOLS))
        self.assertEqual([200, 400], self.statuses('POST', auth.LOGIN_PATH))
        self.assertEqual([200], self.statuses('GET', base.POOLS + '$'))
        # The other worker's token was left alone.
        self.assertEqual([other_worker.json()['token']['token']], self.live_tokens())


class TestBasicAuthentication(base.ClientTestCase):

    def test_basic_mode_never_logs_in(self):
        device = self.make_device(auth_method='basic')
        device.create(base.POOLS, {'name': 'pool_1', 'partition': 'Common'})
        self.assertEqual('/Common/pool_1',
                         device.get(base.POOLS + '/~Common~pool_1')['fullPath'])
        device.close()
        self.assertEqual(0, self.logins())
        self.assertEqual([], self.calls(path=TOKENS))
        self.assertEqual([200], self.statuses('POST', base.POOLS + '$'))

    def test_basic_mode_with_a_wrong_password_is_refused_once(self):
        device = self.make_device(auth_method='basic', password='not-the-password')
        error = self.assertRaises(exceptions.AuthenticationFailed, device.get, base.POOLS)
        self.assertEqual((401, 'GET'), (error.status, error.method))
        self.assertNotIn('not-the-password', str(error))
        self.assertEqual([401], self.statuses('GET', base.POOLS))


class TestVerifiedHttps(base.ClientTestCase):

    HTTPS = True

    def test_verification_against_the_device_ca_succeeds(self):
        device = self.make_device(verify=self.simulator.ca_file)
        self.assertTrue(self.simulator.urls[0].startswith('https://'))
        created = device.create(base.POOLS, {'name': 'pool_1', 'partition': 'Common'})
        self.assertEqual('/Common/pool_1', created['fullPath'])
        self.assertEqual(['/Common/pool_1'], list(self.dump('ltm/pool')))

    def test_unknown_ca_is_a_clear_error_and_nothing_reaches_the_device(self):
        device = self.make_device(verify='true')
        error = self.assertRaises(exceptions.RequestNotSent, device.get, base.POOLS)
        # A configuration error, not an outage: it is raised at once, without retries.
        self.assertIsInstance(error, exceptions.CertificateRefused)
        self.assertIn('TLS handshake failed (check [f5_bigip] verify)', error.message)
        self.assertIn('CERTIFICATE_VERIFY_FAILED', error.message)
        self.assertEqual(('POST', auth.LOGIN_PATH), (error.method, error.path))
        self.assertEqual([], self.calls())

    def test_unverified_https_still_works_when_configured(self):
        device = self.make_device(verify='false')
        self.assertEqual([], device.items(base.POOLS))
        self.assertEqual([200], self.statuses('GET', base.POOLS))

    def test_verify_naming_a_missing_file_is_refused_at_start(self):
        self.configure(verify='/nonexistent/ca.pem')
        error = self.assertRaises(ValueError, self.make_cluster, configure=False)
        self.assertIn('/nonexistent/ca.pem', str(error))
