# SPDX-License-Identifier: Apache-2.0
"""Helpers for the client's unit tests: a device on requests-mock with BIG-IP's canned answers."""

from requests_mock.contrib import fixture as rm_fixture

from octavia_f5.bigip import auth
from octavia_f5.bigip import device
from octavia_f5.bigip import retry
from tests import base

URL = 'https://192.0.2.10'
NAME = '192.0.2.10'
PASSWORD = 'Sup3r-Secret-Pa55'
TOKEN = 'FZ42XIKJMI6UGXDD7I3VU52EUY'
TOKEN2 = 'Q7B3MNZ5W2HXK4LPE6RTY8UVCA'
LOGIN = auth.LOGIN_PATH
POOL = '/mgmt/tm/ltm/pool/~P~pool_1'
POOLS = '/mgmt/tm/ltm/pool'


def token_item(token, timeout=1200, last_update=1575379510321149):
    """A token item as /mgmt/shared/authz/tokens answers it (icontrol-rest.md 1.2)."""
    return {'token': token, 'name': token, 'userName': 'admin', 'authProviderName': 'tmos',
            'timeout': timeout, 'startTime': '2019-12-03T05:25:10.321-0800',
            'address': '192.0.2.1', 'partition': '[All]', 'generation': 1,
            'lastUpdateMicros': last_update,
            'expirationMicros': last_update + timeout * 1000000,
            'kind': 'shared:authz:tokens:authtokenitemstate',
            'selfLink': 'https://localhost/mgmt/shared/authz/tokens/%s' % token}


def login_answer(token, timeout=1200):
    """The answer of POST /mgmt/shared/authn/login."""
    return {'username': 'admin', 'loginProviderName': 'tmos',
            'loginReference': {'link': 'https://localhost/mgmt/cm/system/authn/providers/'
                                       'tmos/1f44a60e/login'},
            'token': token_item(token, timeout), 'generation': 0, 'lastUpdateMicros': 0}


def error(code, message, api_error=3):
    """An mcpd error body."""
    return {'code': code, 'message': message, 'errorStack': [], 'apiError': api_error}


def rest_error(code, message):
    """A restjavad error body (kind :resterrorresponse)."""
    return {'code': code, 'message': message, 'referer': '192.0.2.1',
            'restOperationId': 39168, 'kind': ':resterrorresponse'}


def pool(name='pool_1', partition='P'):
    return {'kind': 'tm:ltm:pool:poolstate', 'name': name, 'partition': partition,
            'fullPath': '/%s/%s' % (partition, name), 'generation': 7,
            'loadBalancingMode': 'round-robin'}


class FakeClock(object):
    """A monotonic clock the test moves by hand."""

    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


class DeviceTestCase(base.TestCase):
    """A requests-mock transport, a hand-moved clock and recorded back-off sleeps."""

    def setUp(self):
        super().setUp()
        self.http = self.useFixture(rm_fixture.Fixture(case_sensitive=True))
        self.clock = FakeClock()
        self.sleeps = []

    def make_device(self, url=URL, **options):
        options.setdefault('password', PASSWORD)
        options.setdefault('retry_policy', retry.RetryPolicy(3, 0.5, 1.5))
        return device.Device(url, device.DeviceOptions(**options), clock=self.clock,
                             sleep=self.sleeps.append)

    def mock_login(self, tokens=(TOKEN,), timeout=36000, url=URL):
        """Logins answer the given tokens in turn; each token's lifetime PATCH succeeds."""
        self.http.post(url + LOGIN, [{'json': login_answer(t)} for t in tokens])
        for token in tokens:
            self.http.patch('%s%s/%s' % (url, auth.TOKENS_PATH, token),
                            json=token_item(token, timeout))
            self.http.delete('%s%s/%s' % (url, auth.TOKENS_PATH, token), text='')

    def calls(self, method, path, url=URL):
        """The requests sent with ``method`` to ``path`` (query string ignored)."""
        return [r for r in self.http.request_history
                if r.method == method and r.url.split('?')[0] == url + path]
