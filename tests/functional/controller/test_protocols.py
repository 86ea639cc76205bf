# SPDX-License-Identifier: Apache-2.0
"""The API driver's listener protocols in a real Redis: L7 refused in the call, not later."""

from octavia_lib.api.drivers import data_models
from octavia_lib.api.drivers import exceptions as lib_exceptions
from oslo_utils import uuidutils

from octavia_f5.api import driver
from octavia_f5.api import protocols
from octavia_f5.controller import poster
from tests import base
from tests.functional.fixtures import redis_server


class TestListenerProtocols(base.TestCase):

    def setUp(self):
        super().setUp()
        self.redis = self.useFixture(redis_server.RedisServer())
        self.addCleanup(protocols.reset)
        self.addCleanup(poster.reset)
        protocols.reset()
        poster.reset()
        self.driver = driver.F5ProviderDriver()
        self.listener_id = uuidutils.generate_uuid()
        self.driver.listener_create(data_models.Listener(
            listener_id=self.listener_id, loadbalancer_id=uuidutils.generate_uuid(),
            project_id='f00dbabe0000400080000000000000aa', protocol='UDP',
            protocol_port=53, admin_state_up=True, connection_limit=-1))

    def policy(self):
        return data_models.L7Policy(l7policy_id=uuidutils.generate_uuid(),
                                    listener_id=self.listener_id, action='REJECT',
                                    position=1, admin_state_up=True)

    def test_a_policy_on_a_udp_listener_is_refused_in_the_call(self):
        self.assertEqual('UDP', protocols.of_listener(self.listener_id))
        error = self.assertRaises(lib_exceptions.UnsupportedOptionError,
                                  self.driver.l7policy_create, self.policy())
        self.assertIn('UDP listener has no HTTP', error.user_fault_string)

    def test_without_redis_the_worker_decides(self):
        self.redis.process.kill()
        self.redis.process.wait()
        protocols.reset()
        self.assertIsNone(protocols.of_listener(self.listener_id))
