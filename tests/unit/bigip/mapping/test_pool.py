# SPDX-License-Identifier: Apache-2.0
"""Golden tests of pool -> monitors and the BIG-IP pool."""

from octavia_f5.bigip.mapping import pool
from tests.unit.bigip.mapping import base
from tests.unit.bigip.mapping import fixtures


class TestPoolGolden(base.MappingTestCase):

    family = 'pool'

    CASES = {
        'round_robin_equal_weights': {},
        'round_robin_weighted': {'members': [fixtures.member(0, weight=1),
                                             fixtures.member(1, weight=5)]},
        'least_connections': {'lb_algorithm': 'LEAST_CONNECTIONS'},
        'least_connections_weighted': {'lb_algorithm': 'LEAST_CONNECTIONS',
                                       'members': [fixtures.member(0, weight=2),
                                                   fixtures.member(1, weight=3)]},
        'source_ip': {'lb_algorithm': 'SOURCE_IP'},
        'with_monitor': {'hm': fixtures.healthmonitor()},
        'monitor_disabled': {'hm': fixtures.healthmonitor(admin_state_up=False)},
        'backup_member': {'members': [fixtures.member(0), fixtures.member(1, backup=True)]},
        'no_members': {'members': []},
        'hostile_text': {'name': '"app"<x>', 'description': '[exec id]\n'},
    }

    def test_golden(self):
        for case, fields in self.CASES.items():
            with self.subTest(case=case):
                self.assertGolden(case, pool.resources(fixtures.pool(**fields),
                                                       fixtures.ctx()))

    def test_drain_weight_does_not_make_weights_differ(self):
        item = pool.resources(fixtures.pool(members=[fixtures.member(0, weight=0),
                                                     fixtures.member(1, weight=1)]),
                              fixtures.ctx())[-1]
        self.assertEqual('round-robin', item.body['loadBalancingMode'])


class TestPoolRefusals(base.MappingTestCase):

    def test_source_ip_port_is_refused_with_reason(self):
        self.assertUnsupported('lb_algorithm', 'hashes the client address and port',
                               pool.validate, fixtures.pool(lb_algorithm='SOURCE_IP_PORT'))

    def test_unknown_algorithm_and_protocol_are_refused(self):
        self.assertUnsupported('lb_algorithm', "'FASTEST' is not supported", pool.validate,
                               fixtures.pool(lb_algorithm='FASTEST'))
        self.assertUnsupported('protocol', "'QUIC' is not supported", pool.validate,
                               fixtures.pool(protocol='QUIC'))

    def test_member_and_monitor_are_checked_with_the_pool(self):
        self.assertInvalid('weight', '0-256', pool.validate,
                           fixtures.pool(members=[fixtures.member(0, weight=300)]))
        self.assertUnsupported('delay', '1-86400', pool.validate,
                               fixtures.pool(hm=fixtures.healthmonitor(delay=86401)))
