# SPDX-License-Identifier: Apache-2.0
"""/stats of virtuals, pools and members; sys version, config save and module listings."""

from tests.unit.simulator.backend import base

LINK = 'https://localhost/mgmt/tm/'


class StatsTestCase(base.BackendTestCase):

    def setUp(self):
        super().setUp()
        self.create('ltm/pool', {'name': 'p1', 'members': ['10.0.0.1:80', '10.0.0.2:80']})
        self.create('ltm/virtual', {'name': 'vs', 'destination': '10.0.0.5:80', 'pool': 'p1'})

    def nested(self, path):
        """The entries of the only object of a stats answer."""
        (entry,) = self.ok('GET', path)['entries'].values()
        return entry['nestedStats']['entries']

    def member(self, name='~Common~10.0.0.1:80'):
        return self.nested('ltm/pool/~Common~p1/members/%s/stats' % name)


class TestVirtualAndPoolStats(StatsTestCase):

    def test_collection_virtual_stats_are_nested(self):
        out = self.ok('GET', 'ltm/virtual/stats')
        self.assertEqual(('tm:ltm:virtual:virtualcollectionstats',
                          LINK + 'ltm/virtual/stats?ver=17.1.1'), (out['kind'], out['selfLink']))
        nested = out['entries'][LINK + 'ltm/virtual/~Common~vs/stats']['nestedStats']
        self.assertEqual(('tm:ltm:virtual:virtualstats',
                          LINK + 'ltm/virtual/~Common~vs/stats?ver=17.1.1'),
                         (nested['kind'], nested['selfLink']))
        entries = nested['entries']
        self.assertEqual(({'description': '/Common/vs'}, {'description': '10.0.0.5:80'},
                          {'value': 0}), (entries['tmName'], entries['destination'],
                                          entries['clientside.bitsIn']))

    def test_single_virtual_stats_repeat_the_name_segment(self):
        out = self.ok('GET', 'ltm/virtual/~Common~vs/stats')
        self.assertEqual([LINK + 'ltm/virtual/~Common~vs/~Common~vs/stats'],
                         list(out['entries']))
        self.assertEqual('tm:ltm:virtual:virtualstats', out['kind'])

    def test_empty_stats_have_no_entries(self):
        self.ok('DELETE', 'ltm/virtual/~Common~vs')
        self.assertEqual({'kind': 'tm:ltm:virtual:virtualcollectionstats',
                          'selfLink': LINK + 'ltm/virtual/stats?ver=17.1.1'},
                         self.ok('GET', 'ltm/virtual/stats'))

    def test_set_stats_drives_the_counters(self):
        self.backend.set_stats('virtual', '/Common/vs', {'clientside.bitsIn': 800,
                                                         'clientside.curConns': 3})
        entries = self.nested('ltm/virtual/~Common~vs/stats')
        self.assertEqual(({'value': 800}, {'value': 3}, {'value': 0}),
                         (entries['clientside.bitsIn'], entries['clientside.curConns'],
                          entries['clientside.bitsOut']))

    def test_counters_are_forgotten_with_their_object(self):
        self.backend.set_stats('virtual', '/Common/vs', {'clientside.totConns': 5})
        self.ok('DELETE', 'ltm/virtual/~Common~vs')
        self.create('ltm/virtual', {'name': 'vs', 'destination': '10.0.0.5:80'})
        self.assertEqual({'value': 0}, self.nested('ltm/virtual/~Common~vs/stats')
                         ['clientside.totConns'])

    def test_set_stats_refuses_unknown_objects_and_counters(self):
        self.assertRaises(LookupError, self.backend.set_stats, 'virtual', '/Common/nope', {})
        self.assertRaises(ValueError, self.backend.set_stats, 'virtual', '/Common/vs',
                          {'clientside.bogus': 1})
        self.assertRaises(ValueError, self.backend.set_stats, 'monitor', '/Common/vs', {})

    def test_unmonitored_pool_is_unknown_and_counts_active_members(self):
        entries = self.nested('ltm/pool/~Common~p1/stats')
        self.assertEqual(('unknown', 2, '/Common/p1', 'none'),
                         (entries['status.availabilityState']['description'],
                          entries['activeMemberCnt']['value'],
                          entries['tmName']['description'],
                          entries['monitorRule']['description']))

    def test_pool_and_virtual_follow_the_monitor_results(self):
        self.ok('PATCH', 'ltm/pool/~Common~p1', {'monitor': 'http'})
        self.assertEqual('available', self.nested('ltm/pool/~Common~p1/stats')
                         ['status.availabilityState']['description'])
        for member in ('10.0.0.1:80', '10.0.0.2:80'):
            self.backend.set_member_availability('/Common/p1', member, 'down')
        pool = self.nested('ltm/pool/~Common~p1/stats')
        self.assertEqual(('offline', 0), (pool['status.availabilityState']['description'],
                                          pool['activeMemberCnt']['value']))
        self.assertEqual('offline', self.nested('ltm/virtual/~Common~vs/stats')
                         ['status.availabilityState']['description'])

    def test_stats_of_other_collections_are_not_registered(self):
        self.assertEqual(404, self.get('ltm/monitor/http/stats')[0])


class TestMemberStats(StatsTestCase):

    def test_member_stats_have_no_tmname(self):
        entries = self.member()
        self.assertNotIn('tmName', entries)
        self.assertEqual({'addr': '10.0.0.1', 'nodeName': '/Common/10.0.0.1',
                          'poolName': '/Common/p1', 'monitorStatus': 'unchecked',
                          'sessionStatus': 'enabled', 'status.availabilityState': 'unknown',
                          'status.enabledState': 'enabled',
                          'status.statusReason': 'Pool member does not have service checking '
                                                 'enabled'},
                         {k: entries[k]['description'] for k in (
                             'addr', 'nodeName', 'poolName', 'monitorStatus', 'sessionStatus',
                             'status.availabilityState', 'status.enabledState',
                             'status.statusReason')})
        self.assertEqual({'value': 80}, entries['port'])

    def test_member_stats_keys_encode_the_route_domain(self):
        self.tenant()
        self.create('ltm/pool', {'name': 'p2', 'partition': 'P', 'members': [
            {'name': '10.0.0.1%2:80', 'partition': 'P'}]})
        out = self.ok('GET', 'ltm/pool/~P~p2/members/stats')
        self.assertEqual('tm:ltm:pool:members:memberscollectionstats', out['kind'])
        self.assertEqual([LINK + 'ltm/pool/~P~p2/members/~P~10.0.0.1%252:80/stats'],
                         list(out['entries']))

    def test_single_member_stats_are_not_duplicated(self):
        out = self.ok('GET', 'ltm/pool/~Common~p1/members/~Common~10.0.0.1:80/stats')
        self.assertEqual(('tm:ltm:pool:members:membersstats',
                          [LINK + 'ltm/pool/~Common~p1/members/~Common~10.0.0.1:80/stats']),
                         (out['kind'], list(out['entries'])))
        self.assertIsInstance(out['generation'], int)

    def test_member_counters_and_monitor_status(self):
        self.ok('PATCH', 'ltm/pool/~Common~p1', {'monitor': 'http'})
        self.backend.set_stats('member', '/Common/p1', {'serverside.curConns': 2},
                               member='10.0.0.1:80')
        self.backend.set_member_availability('/Common/p1', '/Common/10.0.0.1:80', 'down')
        entries = self.member()
        self.assertEqual(({'value': 2}, 'down', 'offline', '/Common/http (pool monitor)'),
                         (entries['serverside.curConns'],
                          entries['monitorStatus']['description'],
                          entries['status.availabilityState']['description'],
                          entries['monitorRule']['description']))

    def test_disabled_member_reads_disabled(self):
        self.ok('PATCH', 'ltm/pool/~Common~p1/members/~Common~10.0.0.1:80',
                {'session': 'user-disabled'})
        entries = self.member()
        self.assertEqual(('disabled', 'user-disabled'),
                         (entries['status.enabledState']['description'],
                          entries['sessionStatus']['description']))


class TestSystem(base.BackendTestCase):

    def test_sys_version_shape(self):
        out = self.ok('GET', 'sys/version')
        self.assertEqual(('tm:sys:version:versionstats', LINK + 'sys/version?ver=17.1.1'),
                         (out['kind'], out['selfLink']))
        entries = out['entries'][LINK + 'sys/version/0']['nestedStats']['entries']
        self.assertEqual(('17.1.1', 'BIG-IP', 'Point Release 1'),
                         (entries['Version']['description'], entries['Product']['description'],
                          entries['Edition']['description']))

    def test_save_config(self):
        self.assertEqual({'kind': 'tm:sys:config:savestate', 'command': 'save'},
                         self.create('sys/config', {'command': 'save'}))
        self.assertEqual(1, self.backend.runtime.saves)
        self.assertEqual(400, self.post('sys/config', {'command': 'load'})[0])

    def test_module_listing_carries_the_version(self):
        out = self.ok('GET', 'sys')
        self.assertEqual(LINK + 'sys?ver=17.1.1', out['selfLink'])
        self.assertIn({'reference': {'link': LINK + 'sys/version?ver=17.1.1'}}, out['items'])
