# SPDX-License-Identifier: Apache-2.0
"""Tests of octavia_f5.bigip.stats: the /stats shapes of icontrol-rest.md 4.1."""

from octavia_f5.bigip import stats
from tests import base

LINK = 'https://localhost/mgmt/tm'
LISTENER_ID = '22222222-2222-4222-8222-222222222222'


def virtual_entries(name='/Common/test_vs1', **counters):
    """A virtual's nested entries as v12.1.1 shows them (reference example, abridged)."""
    entries = {'tmName': {'description': name}, 'destination': {'description': '1.1.1.1:80'},
               'clientside.bitsIn': {'value': 0}, 'clientside.bitsOut': {'value': 0},
               'clientside.curConns': {'value': 0}, 'clientside.maxConns': {'value': 0},
               'clientside.totConns': {'value': 0}, 'clientside.slowKilled': {'value': 0},
               'clientside.evictedConns': {'value': 0},
               'status.availabilityState': {'description': 'unknown'},
               'status.enabledState': {'description': 'enabled'}, 'totRequests': {'value': 0}}
    entries.update({k: {'value': v} for k, v in counters.items()})
    return entries


def collection(*objects):
    """A collection answer from (key segment, entries) pairs."""
    return {'kind': 'tm:ltm:virtual:virtualcollectionstats',
            'selfLink': LINK + '/ltm/virtual/stats?ver=12.1.1',
            'entries': {'%s/ltm/virtual/%s/stats' % (LINK, segment): {'nestedStats': {
                'kind': 'tm:ltm:virtual:virtualstats',
                'selfLink': '%s/ltm/virtual/%s/stats?ver=12.1.1' % (LINK, segment),
                'entries': entries}} for segment, entries in objects}}


def member_collection(*segments):
    """Pool member stats: no tmName; keys carry the member name (reference 4.1)."""
    base_link = LINK + '/ltm/pool/~P~pool_1/members'
    return {'kind': 'tm:ltm:pool:members:memberscollectionstats',
            'selfLink': base_link + '/stats?ver=14.1.0',
            'entries': {'%s/%s/stats' % (base_link, s): {'nestedStats': {
                'kind': 'tm:ltm:pool:members:membersstats',
                'entries': {'addr': {'description': '10.0.0.1%2'},
                            'nodeName': {'description': '/P/10.0.0.1%2'},
                            'port': {'value': 80},
                            'monitorStatus': {'description': 'down'},
                            'serverside.curConns': {'value': 4}}}} for s in segments}}


class TestObjects(base.TestCase):

    def test_collection_maps_each_virtual_by_tm_name(self):
        answer = collection(('~Common~test_vs1', virtual_entries(**{'clientside.bitsIn': 80})),
                            ('~P~vs2', virtual_entries('/P/vs2')))
        found = stats.objects(answer)
        self.assertEqual({'/Common/test_vs1', '/P/vs2'}, set(found))
        self.assertEqual(80, found['/Common/test_vs1']['clientside.bitsIn'])
        self.assertEqual('enabled', found['/P/vs2']['status.enabledState'])

    def test_answer_without_entries_has_no_objects(self):
        # No virtual servers at all: BIG-IP leaves "entries" out.
        self.assertEqual({}, stats.objects({'kind': 'tm:ltm:virtual:virtualcollectionstats',
                                            'selfLink': LINK + '/ltm/virtual/stats'}))

    def test_empty_or_missing_answer_has_no_objects(self):
        self.assertEqual({}, stats.objects(None))
        self.assertEqual({}, stats.objects({'entries': {}}))

    def test_single_object_key_with_repeated_name_segment(self):
        key = '%s/ltm/virtual/~Sample_01~A1~serviceMain/~Sample_01~A1~serviceMain/stats' % LINK
        entries = virtual_entries(**{'clientside.totConns': 7})
        del entries['tmName']
        answer = {'kind': 'tm:ltm:virtual:virtualstats', 'generation': 1,
                  'entries': {key: {'nestedStats': {'entries': entries}}}}
        self.assertEqual({'/Sample_01/A1/serviceMain'}, set(stats.objects(answer)))
        self.assertEqual(7, stats.objects(answer)['/Sample_01/A1/serviceMain'][
            'clientside.totConns'])

    def test_pre_v12_flat_single_object_is_read_by_its_tm_name(self):
        answer = {'kind': 'tm:ltm:virtual:virtualstats',
                  'selfLink': LINK + '/ltm/virtual/~P~vs1/stats?ver=11.6.0',
                  'entries': virtual_entries('/P/vs1', **{'clientside.curConns': 2})}
        self.assertEqual({'/P/vs1': 2},
                         {k: v['clientside.curConns'] for k, v in stats.objects(answer).items()})

    def test_pre_v12_flat_answer_without_tm_name_uses_the_self_link(self):
        entries = virtual_entries()
        del entries['tmName']
        answer = {'selfLink': LINK + '/ltm/virtual/~P~vs1/stats?ver=11.6.0',
                  'entries': entries}
        self.assertEqual(['/P/vs1'], list(stats.objects(answer)))

    def test_member_keys_with_percent_25_route_domain_are_decoded(self):
        found = stats.objects(member_collection('~P~10.0.0.1%252:80'))
        self.assertEqual(['/P/10.0.0.1%2:80'], list(found))
        self.assertEqual(4, found['/P/10.0.0.1%2:80']['serverside.curConns'])

    def test_member_keys_with_raw_percent_are_kept(self):
        # Older firmware writes the route domain unencoded; '%12' must not become '\x12'.
        found = stats.objects(member_collection('~P~10.0.0.1%12:80'))
        self.assertEqual(['/P/10.0.0.1%12:80'], list(found))

    def test_ipv6_member_key_keeps_its_dot_port(self):
        found = stats.objects(member_collection('~P~2001:db8::1%252.80'))
        self.assertEqual(['/P/2001:db8::1%2.80'], list(found))

    def test_entries_that_name_no_object_are_skipped(self):
        answer = {'entries': {'https://localhost/mgmt/tm/ltm/virtual/stats': {
            'nestedStats': {'entries': {'clientside.bitsIn': {'value': 8}}}}}}
        self.assertEqual({}, stats.objects(answer))

    def test_nested_groups_and_odd_leaves_are_ignored(self):
        entries = virtual_entries('/P/vs1')
        entries['weird'] = 'text'
        entries['group'] = {'nestedStats': {'entries': {}}}
        found = stats.objects(collection(('~P~vs1', entries)))['/P/vs1']
        self.assertNotIn('weird', found)
        self.assertNotIn('group', found)


class TestObjectPath(base.TestCase):

    def test_paths_from_keys(self):
        cases = {
            LINK + '/ltm/virtual/~P~v/stats': '/P/v',
            LINK + '/ltm/virtual/~P~v/~P~v/stats': '/P/v',
            LINK + '/ltm/virtual/~P~v/stats?ver=12.1.1': '/P/v',
            LINK + '/ltm/pool/~P~p/members/~P~10.0.0.1%3A80/stats': '/P/10.0.0.1:80',
            LINK + '/ltm/pool/~P~p/members/~P~10.0.0.1%25253:80/stats': '/P/10.0.0.1%253:80',
            LINK + '/ltm/virtual/stats': None,
            None: None,
        }
        for key, expected in cases.items():
            self.assertEqual(expected, stats.object_path(key), key)


class TestListenerStatistics(base.TestCase):

    def test_bits_become_bytes_and_connections_are_taken_as_they_are(self):
        values = {'clientside.bitsIn': 8000, 'clientside.bitsOut': 16000,
                  'clientside.curConns': 3, 'clientside.totConns': 42}
        self.assertEqual({'id': LISTENER_ID, 'active_connections': 3, 'bytes_in': 1000,
                          'bytes_out': 2000, 'request_errors': 0, 'total_connections': 42},
                         stats.listener_statistics(LISTENER_ID, values))

    def test_request_errors_are_killed_and_evicted_client_connections(self):
        values = {'clientside.slowKilled': 2, 'clientside.evictedConns': 5}
        record = stats.listener_statistics(LISTENER_ID, values)
        self.assertEqual(7, record['request_errors'])

    def test_missing_or_malformed_counters_count_zero(self):
        record = stats.listener_statistics(LISTENER_ID, {'clientside.bitsIn': 'n/a',
                                                         'clientside.curConns': True,
                                                         'clientside.totConns': -1})
        self.assertEqual({'id': LISTENER_ID, 'active_connections': 0, 'bytes_in': 0,
                          'bytes_out': 0, 'request_errors': 0, 'total_connections': 0},
                         record)

    def test_counters_beyond_32_bits_survive(self):
        record = stats.listener_statistics(LISTENER_ID, {'clientside.bitsIn': 8 * 2 ** 40})
        self.assertEqual(2 ** 40, record['bytes_in'])

    def test_counters_from_a_real_shaped_answer(self):
        answer = collection(('~P~listener_1', virtual_entries('/P/listener_1', **{
            'clientside.bitsIn': 1600, 'clientside.bitsOut': 800,
            'clientside.curConns': 1, 'clientside.totConns': 9})))
        record = stats.listener_statistics(LISTENER_ID, stats.objects(answer)['/P/listener_1'])
        self.assertEqual((200, 100, 1, 9), (record['bytes_in'], record['bytes_out'],
                                            record['active_connections'],
                                            record['total_connections']))
