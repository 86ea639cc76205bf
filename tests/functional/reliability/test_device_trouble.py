# SPDX-License-Identifier: Apache-2.0
"""Expiring login tokens and a restarting device mid-stream: the operations ride through."""

from tests.functional.reliability import base
from tests.functional.reliability import streams

LOADBALANCERS = 3
MEMBERS = 5
# A restart answers every request for this long (the client's retries span about 3 s).
RESTART_SECONDS = 1.0


class TroubleTestCase(base.ReliabilityTestCase):
    """One device, a worker with the client's retries on (4, from 0.2 s up to 1.6 s)."""

    CONDUCTOR_THREADS = 4
    MAX_RETRIES = 4
    RETRY_BACKOFF = 0.2
    RETRY_MAX_BACKOFF = 1.6

    def setUp(self):
        super().setUp()
        self.start_worker()
        self.reference = streams.Story(self, 0, MEMBERS)
        streams.run(self, [self.reference])
        self.sim.sim.clear_calls()

    def run_stream(self, schedule):
        stories = [streams.Story(self, i, MEMBERS) for i in range(1, LOADBALANCERS + 1)]
        self.schedule = schedule
        streams.run(self, stories, tick=schedule.start().tick)
        return stories

    def assert_ridden_through(self, stories, what):
        statuses = self.statuses()
        not_active = {k: s for k, s in statuses.items() if s != 'ACTIVE'}
        wanted, found, problems = streams.judge(self.configuration(), stories, self.reference)
        calls = self.sim.sim.calls()
        self.figure('%s: operations: %d of %d, final ACTIVE: %d of %d objects, device objects '
                    'expected: %d, found: %d; calls: %d, logins: %d, answered 401: %d, '
                    'faulted: %d' % (
                        what, sum(len(s.outcomes) for s in stories), LOADBALANCERS * (3 + MEMBERS),
                        len(statuses) - len(not_active), len(statuses), wanted, found,
                        len(calls), sum(1 for c in calls if c['path'].endswith('/login')),
                        sum(1 for c in calls if c['status'] == 401),
                        sum(1 for c in calls if c['fault'])))
        self.assertEqual({}, not_active, base.logs_of(self))
        self.assertEqual([], problems)
        # Last: an operation that failed stops its load balancer's stream early.
        self.assertTrue(self.schedule.finished, 'the stream ended before the schedule did')


class TestTokenExpiry(TroubleTestCase):

    def test_tokens_expired_mid_flow_are_replaced(self):
        expire = self.sim.sim.expire_tokens
        schedule = streams.Schedule(*((at, expire) for at in (2, 6, 10, 14, 18)),
                                    by_operations=True)
        stories = self.run_stream(schedule)
        self.assert_ridden_through(stories, 'tokens expired after %s operations' % schedule.done)


class TestDeviceRestart(TroubleTestCase):

    def restart(self, preset):
        """Every request answered as by a restarting device, for RESTART_SECONDS."""
        def begin():
            self.rule = self.sim.sim.add_fault(preset=preset, times=0)['id']

        def end():
            self.sim.sim.call('DELETE', 'faults/%d' % self.rule)
        return begin, end

    def test_mcpd_restart_mid_flow_is_ridden_through(self):
        self.ride_through('mcpd-lost')

    def test_rest_api_restart_mid_flow_is_ridden_through(self):
        self.ride_through('not-registered')

    def ride_through(self, preset):
        # Every call is refused while the device restarts, so the client sends it again;
        # the restart also answers two creates in a row, whenever they come.
        self.sim.sim.add_fault(method='POST', path='^/mgmt/tm/ltm/', preset=preset, nth=3,
                               times=2)
        events = []
        for at in (1.0, 3.5):
            begin, end = self.restart(preset)
            events += [(at, begin), (at + RESTART_SECONDS, end)]
        schedule = streams.Schedule(*events)
        stories = self.run_stream(schedule)
        self.assert_ridden_through(stories, '%s for %s s at %s s' % (
            preset, RESTART_SECONDS, schedule.done[::2]))
