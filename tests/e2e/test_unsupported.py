# SPDX-License-Identifier: Apache-2.0
"""Options a BIG-IP cannot honour: HTTP 501 with the driver's message, and nothing changes.

Each table row is (what the message must name, request body); docs/mapping.md ("Refused, and
why") gives the reasons. One load balancer serves a whole table.
"""

from tests.e2e import lbtest

LISTENER_REFUSALS = (
    ('PROMETHEUS', {'protocol': 'PROMETHEUS', 'protocol_port': 9100}),
    ('timeout_client_data', {'protocol': 'HTTP', 'protocol_port': 80,
                             'timeout_client_data': 1500}),
    ('timeout_member_data', {'protocol': 'TCP', 'protocol_port': 81,
                             'timeout_member_data': 250}),
    ('timeout_member_connect', {'protocol': 'TCP', 'protocol_port': 82,
                                'timeout_member_connect': 6000}),
    ('timeout_member_connect', {'protocol': 'TCP', 'protocol_port': 83,
                                'timeout_member_connect': 0}),
    ('timeout_member_data', {'protocol': 'SCTP', 'protocol_port': 84,
                             'timeout_client_data': 10000, 'timeout_member_data': 20000}),
)
LISTENER_UPDATE_REFUSALS = (
    ('timeout_client_data', {'timeout_client_data': 999}),
    ('timeout_member_connect', {'timeout_member_connect': 0}),
)
POOL_REFUSALS = (
    ('SOURCE_IP_PORT', {'protocol': 'TCP', 'lb_algorithm': 'SOURCE_IP_PORT'}),
    ('alpn_protocols', {'protocol': 'HTTP', 'lb_algorithm': 'ROUND_ROBIN',
                        'tls_enabled': True, 'alpn_protocols': ['h2']}),
)


class TestUnsupported(lbtest.LoadBalancerTestCase):

    def setUp(self):
        super().setUp()
        self.lb = self.create_lb()

    def check_table(self, method, path, kind, table, extra=None):
        """Every row answered 501 naming its field; the project's objects unchanged."""
        before = self.project_state()
        wrong = []
        for field, fields in table:
            body = dict(fields, **(extra or {}))
            response = self.api(method, path, {kind: body})
            fault = response.json().get('faultstring', '') if response.content else ''
            if response.status_code < 300:
                # Accepted by mistake: let it finish so that the next row is not a 409.
                self.wait_lb_not_pending(self.lb['id'])
            if response.status_code != 501 or 'F5 provider' not in fault or field not in fault:
                wrong.append('%s %s %s -> %s %s' % (method, path, body, response.status_code,
                                                    fault or response.text))
        self.assertEqual([], wrong)
        after = self.settle(self.lb['id'])
        for name in lbtest.DEFAULT_STATUS_LIST:
            self.assertEqual([o['id'] for o in before[name]], [o['id'] for o in after[name]])

    def test_listener_options_are_refused_on_create(self):
        self.check_table('POST', 'listeners', 'listener', LISTENER_REFUSALS,
                         {'loadbalancer_id': self.lb['id']})

    def test_listener_options_are_refused_on_update_and_the_listener_keeps_its_values(self):
        listener = self.call('POST', 'listeners', {'listener': {
            'loadbalancer_id': self.lb['id'], 'protocol': 'TCP',
            'protocol_port': 80}})['listener']
        self.settle(self.lb['id'])
        self.check_table('PUT', 'listeners/%s' % listener['id'], 'listener',
                         LISTENER_UPDATE_REFUSALS)
        kept = self.get('listeners/%s' % listener['id'])['listener']
        self.assertEqual((50000, 5000), (kept['timeout_client_data'],
                                         kept['timeout_member_connect']))

    def test_pool_options_are_refused_on_create(self):
        self.check_table('POST', 'pools', 'pool', POOL_REFUSALS,
                         {'loadbalancer_id': self.lb['id']})

    def test_fully_populated_create_with_one_refused_child_creates_nothing(self):
        response = self.api('POST', 'loadbalancers', {'loadbalancer': {
            'name': 'refused', 'vip_subnet_id': self.subnet.id, 'provider': 'f5',
            'project_id': self.project_id,
            'listeners': [{'protocol': 'HTTP', 'protocol_port': 80,
                           'default_pool': {'name': 'hashed'}}],
            'pools': [{'name': 'hashed', 'protocol': 'HTTP',
                       'lb_algorithm': 'SOURCE_IP_PORT'}]}})
        self.assert_refused(response, 'SOURCE_IP_PORT')
        self.assertEqual([self.lb['id']], [lb['id'] for lb in self.get(
            'loadbalancers', project_id=self.project_id)['loadbalancers']])
