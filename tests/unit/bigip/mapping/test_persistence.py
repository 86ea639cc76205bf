# SPDX-License-Identifier: Apache-2.0
"""Golden tests of session persistence and the SOURCE_IP algorithm -> persistence profiles."""

from octavia_f5.bigip.mapping import listener
from octavia_f5.bigip.mapping import persistence
from tests.unit.bigip.mapping import base
from tests.unit.bigip.mapping import fixtures


def _map(pool):
    return persistence.resources(fixtures.LISTENER_ID, pool, fixtures.ctx())


class TestPersistenceGolden(base.MappingTestCase):

    family = 'persistence'

    CASES = {
        'source_ip': {'session_persistence': {'type': 'SOURCE_IP',
                                              'persistence_timeout': 360,
                                              'persistence_granularity': '255.255.255.0'},
                      'protocol': 'UDP'},
        'http_cookie': {'session_persistence': {'type': 'HTTP_COOKIE'}},
        'http_cookie_named': {'session_persistence': {'type': 'HTTP_COOKIE',
                                                      'cookie_name': 'LB'}},
        'app_cookie': {'session_persistence': {'type': 'APP_COOKIE',
                                               'cookie_name': 'JSESSIONID',
                                               'persistence_timeout': 600}},
        'algorithm_source_ip': {'lb_algorithm': 'SOURCE_IP'},
        'algorithm_source_ip_with_source_ip_persistence': {
            'lb_algorithm': 'SOURCE_IP', 'session_persistence': {'type': 'SOURCE_IP'}},
        'algorithm_source_ip_with_cookie': {
            'lb_algorithm': 'SOURCE_IP', 'session_persistence': {'type': 'HTTP_COOKIE'}},
    }

    def test_golden(self):
        for case, fields in self.CASES.items():
            with self.subTest(case=case):
                items, virtual_fields = _map(fixtures.pool(**fields))
                self.assertGolden(case, items)
                self.assertGolden(case + '.virtual', [_Fields(virtual_fields)])

    def test_no_pool_or_no_persistence_clears_the_virtual_fields(self):
        for pool in (None, fixtures.pool()):
            self.assertEqual(([], {'persist': [], 'fallbackPersistence': ''}), _map(pool))

    def test_virtual_server_carries_the_persistence_of_its_default_pool(self):
        pool = fixtures.pool(session_persistence={'type': 'HTTP_COOKIE'})
        items = listener.resources(fixtures.listener(), fixtures.loadbalancer(), [pool],
                                   fixtures.ctx())
        virtual = self.body(items, 'ltm/virtual')
        self.assertEqual([{'name': 'listener_%s_persist_cookie' % fixtures.LISTENER_ID,
                           'partition': 'octavia_%s' % fixtures.PROJECT, 'tmDefault': 'yes'}],
                         virtual['persist'])


class TestPersistenceRefusals(base.MappingTestCase):

    def _check(self, **persistence_fields):
        persistence.validate(fixtures.pool(session_persistence=persistence_fields))

    def test_unknown_type_is_refused(self):
        self.assertUnsupported('session_persistence.type', "'RDP' is not supported",
                               self._check, type='RDP')

    def test_timeout_of_an_inserted_cookie_is_refused(self):
        self.assertUnsupported('session_persistence.persistence_timeout', 'no record',
                               self._check, type='HTTP_COOKIE', persistence_timeout=60)

    def test_granularity_for_cookies_is_refused(self):
        self.assertUnsupported('session_persistence.persistence_granularity', 'SOURCE_IP',
                               self._check, type='APP_COOKIE', cookie_name='a',
                               persistence_granularity='255.255.0.0')

    def test_timeout_out_of_range_is_refused(self):
        self.assertInvalid('session_persistence.persistence_timeout', '1-31536000',
                           self._check, type='SOURCE_IP', persistence_timeout=0)

    def test_bad_netmask_is_refused(self):
        self.assertInvalid('session_persistence.persistence_granularity', 'netmask',
                           self._check, type='SOURCE_IP', persistence_granularity='255.0.255.0')

    def test_app_cookie_needs_a_token_cookie_name(self):
        self.assertInvalid('session_persistence.cookie_name', 'is required', self._check,
                           type='APP_COOKIE')
        self.assertInvalid('session_persistence.cookie_name', 'RFC 7230 token', self._check,
                           type='APP_COOKIE', cookie_name='a"]; exec x; ["')

    def test_cookie_name_for_source_ip_is_refused(self):
        self.assertUnsupported('session_persistence.cookie_name', 'no cookie', self._check,
                               type='SOURCE_IP', cookie_name='x')


class _Fields(object):
    """Stores a virtual server's persistence fields through the golden-file format."""

    collection = 'ltm/virtual (fields)'
    partition = None
    name = 'persistence fields'
    content = None

    def __init__(self, body):
        self.body = body
