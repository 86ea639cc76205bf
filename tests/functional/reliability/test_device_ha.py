# SPDX-License-Identifier: Apache-2.0
"""A device group failing over, and its active device going down and up, mid-stream."""

from octavia_f5.common import config
from tests.functional.reliability import base
from tests.functional.reliability import streams

LOADBALANCERS = 4
MEMBERS = 3
# Seconds to wait for the device group to be in sync again after the stream.
RESYNC_TIMEOUT = 30


class DeviceGroupTestCase(base.ReliabilityTestCase):
    """Two devices in config-sync mode, one worker that checks the group every second."""

    DEVICES = 2
    CONDUCTOR_THREADS = 4
    MAX_RETRIES = 2

    def setUp(self):
        super().setUp()
        self.config(group=config.BIGIP_GROUP, sync_mode='config-sync')
        self.config(group=config.HA_GROUP, check_interval=1, failover_timeout=30)
        self.start_worker()
        self.reference = streams.Story(self, 0, MEMBERS)
        streams.run(self, [self.reference])

    def run_stream(self, schedule):
        stories = [streams.Story(self, i, MEMBERS) for i in range(1, LOADBALANCERS + 1)]
        self.schedule = schedule
        streams.run(self, stories, tick=schedule.start().tick)
        return stories

    def assert_group_converged(self, stories, what):
        """Every operation ACTIVE; both devices hold the same, expected configuration."""
        statuses = self.statuses()
        not_active = {k: s for k, s in statuses.items() if s != 'ACTIVE'}
        synced = self.wait_for_sync()
        active = self.sim.sim.cluster()['active']
        verdicts = {d.name: streams.judge(self.configuration(d.name), stories, self.reference)
                    for d in self.sim.devices}
        self.figure('%s: operations: %d of %d, final ACTIVE: %d of %d objects, group %s; device '
                    'objects expected/found: %s' % (
                        what, sum(len(s.outcomes) for s in stories), LOADBALANCERS * (3 + MEMBERS),
                        len(statuses) - len(not_active), len(statuses), synced,
                        ', '.join('%s%s %d/%d' % (name, ' (active)' if name == active else '',
                                                  v[0], v[1])
                                  for name, v in sorted(verdicts.items()))))
        self.assertEqual({}, not_active, base.logs_of(self))
        self.assertEqual({name: [] for name in verdicts},
                         {name: v[2] for name, v in verdicts.items()})
        self.assertEqual('In Sync', synced)
        # Last: an operation that failed stops its load balancer's stream early.
        self.assertTrue(self.schedule.finished, 'the stream ended before the schedule did')

    def wait_for_sync(self):
        """The group's sync status once In Sync, or the last one seen after the timeout."""
        try:
            self.wait_until(lambda: self.sim.sim.cluster()['sync_status'] == 'In Sync',
                            timeout=RESYNC_TIMEOUT, what='device group in sync')
        except self.failureException:
            pass
        return self.sim.sim.cluster()['sync_status']


class TestFailover(DeviceGroupTestCase):

    def test_failover_mid_stream_loses_and_wedges_nothing(self):
        schedule = streams.Schedule((6, lambda: self.sim.sim.failover('bigip2')),
                                    by_operations=True)
        stories = self.run_stream(schedule)
        self.assert_group_converged(stories, 'failover after %s operations' % schedule.done)


class TestOutage(DeviceGroupTestCase):

    def test_active_device_down_mid_stream_is_resynced_when_back(self):
        schedule = streams.Schedule((5, lambda: self.sim.sim.device_down('bigip1')),
                                    by_operations=True)
        stories = self.run_stream(schedule)
        # Back after the stream: no flow syncs the group any more, the worker's watcher must.
        self.sim.sim.device_up('bigip1')
        self.assert_group_converged(stories, 'bigip1 down after %s operations, up after the stream'
                                    % schedule.done)
