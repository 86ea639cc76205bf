# SPDX-License-Identifier: Apache-2.0
"""What Octavia holds from us, shared through a real Redis by the reporters of two workers."""

from oslo_utils import uuidutils

from octavia_f5.controller import jobboard
from octavia_f5.controller import reported
from octavia_f5.controller import status
from tests import base
from tests.functional.fixtures import driver_agent
from tests.functional.fixtures import redis_server


class TestRedisReported(base.TestCase):

    def setUp(self):
        super().setUp()
        self.redis = self.useFixture(redis_server.RedisServer())
        self.agent = self.useFixture(driver_agent.DriverAgent())
        self.config(group='f5_worker', status_update_retries=4, status_update_max_backoff=0.2)
        self.member_id = uuidutils.generate_uuid()
        self.agent.add('members', {'member_id': self.member_id, 'address': '192.0.2.7',
                                   'protocol_port': 80}, provisioning_status='PENDING_CREATE')

    def reporter(self):
        return status.StatusReporter(
            reported=reported.RedisReported(jobboard.board_conf()))

    def test_a_flow_of_one_worker_is_known_to_the_poller_of_another(self):
        flows, poller = self.reporter(), self.reporter()
        flows.update_status({'members': [status.status_record(
            self.member_id, 'ACTIVE', 'NO_MONITOR')]})
        self.assertEqual({('members', self.member_id): 'NO_MONITOR'},
                         poller.reported.statuses())
        flows.update_status({'members': [status.status_record(self.member_id, 'DELETED')]})
        self.assertEqual({}, poller.reported.statuses())

    def test_a_redis_outage_loses_the_record_not_the_status(self):
        flows = self.reporter()
        self.redis.process.kill()   # Redis gone; the driver agent still answers
        self.redis.process.wait()
        flows.update_status({'members': [status.status_record(
            self.member_id, 'ACTIVE', 'ONLINE')]})
        self.assertEqual('ACTIVE', self.agent.status('members', self.member_id)[
            'provisioning_status'])
        self.assertEqual({}, flows.reported.statuses())
