# SPDX-License-Identifier: Apache-2.0
"""Rules every object follows: URLs, errors, generation, PATCH/PUT, references, queries."""

import threading

from octavia_f5.simulator import backend
from tests.unit.simulator.backend import base

NOT_REGISTERED = 'Public URI path not registered: /tm/ltm/nothing'


class TestUrlsAndErrors(base.BackendTestCase):

    def test_unknown_collection_is_404_rest_error(self):
        status, body = self.get('ltm/nothing')
        self.assertEqual(404, status)
        self.assertEqual({'code', 'message', 'referer', 'restOperationId', 'kind'}, set(body))
        self.assertEqual((404, NOT_REGISTERED, ':resterrorresponse'),
                         (body['code'], body['message'], body['kind']))

    def test_empty_collection_has_no_items(self):
        self.assertEqual((200, {'kind': 'tm:ltm:pool:poolcollectionstate',
                                'selfLink': 'https://localhost/mgmt/tm/ltm/pool?ver=17.1.1'}),
                         self.get('ltm/pool'))

    def test_create_answers_200_with_the_full_object(self):
        out = self.create('ltm/pool', {'name': 'p1'})
        self.assertEqual('tm:ltm:pool:poolstate', out['kind'])
        self.assertEqual(('p1', 'Common', '/Common/p1'),
                         (out['name'], out['partition'], out['fullPath']))
        self.assertEqual('https://localhost/mgmt/tm/ltm/pool/~Common~p1?ver=17.1.1',
                         out['selfLink'])
        self.assertEqual({'link': 'https://localhost/mgmt/tm/ltm/pool/~Common~p1/members'
                                  '?ver=17.1.1', 'isSubcollection': True},
                         out['membersReference'])
        self.assertIsInstance(out['generation'], int)
        self.assertNotIn('monitor', out)

    def test_duplicate_pool_create_is_409(self):
        self.create('ltm/pool', {'name': 'p1'})
        self.assertRefused(self.post('ltm/pool', {'name': 'p1'}), 409,
                           '01020066:3: The requested Pool (/Common/p1) already exists in '
                           'partition Common.')

    def test_missing_pool_is_404_for_every_verb(self):
        message = '01020036:3: The requested Pool (/Common/nope) was not found.'
        for method in ('GET', 'PUT', 'PATCH', 'DELETE'):
            self.assertRefused(self.call(method, 'ltm/pool/~Common~nope', {}), 404, message)

    def test_delete_answers_200_with_empty_body(self):
        self.create('ltm/pool', {'name': 'p1'})
        self.assertEqual((200, None), self.delete('ltm/pool/~Common~p1'))
        self.assertEqual(404, self.get('ltm/pool/~Common~p1')[0])

    def test_create_without_name_is_refused(self):
        self.assertRefused(self.post('ltm/pool', {'description': 'x'}), 400,
                           'one or more configuration identifiers must be provided', 26214401)

    def test_unknown_property_is_refused(self):
        self.assertRefused(self.post('ltm/pool', {'name': 'p1', 'loadbalancingMode': 'x'}), 400,
                           'Found unexpected json pair at configuration item /ltm/pool. The '
                           'json pair is "loadbalancingMode":"x".', 26214401)

    def test_invalid_enum_value_is_refused(self):
        self.assertRefused(self.post('ltm/pool', {'name': 'p1', 'loadBalancingMode': 'fast'}),
                           400, 'invalid property value "loadBalancingMode":"fast"', 26214401)

    def test_html_tag_like_content_is_refused(self):
        message = 'HTML Tag-like Content in the Request URL/Body'
        self.assertRefused(self.post('ltm/pool', {'name': 'p1', 'description': 'a <b>c</b>'}),
                           400, message, 26214401)
        self.assertRefused(self.post('ltm/rule', {'name': 'r', 'apiAnonymous':
                                                  'when HTTP_REQUEST { HTTP::respond 200 '
                                                  'content "<html></html>" }'}),
                           400, message, 26214401)
        self.assertRefused(self.get('ltm/pool/<script>'), 400, message, 26214401)
        self.assertEqual(200, self.post('ltm/pool', {'name': 'p1', 'description': 'a < b'})[0])

    def test_put_on_a_collection_is_not_allowed(self):
        self.assertEqual(405, self.put('ltm/pool', {'name': 'p1'})[0])

    def test_builtin_profile_cannot_be_deleted(self):
        self.assertEqual('/Common/http', self.ok('GET', 'ltm/profile/http/~Common~http')
                         ['fullPath'])
        self.assertRefused(self.delete('ltm/profile/http/~Common~http'), 400,
                           '01070712:3: Cannot delete the system default HTTP Profile '
                           '(/Common/http).')

    def test_bare_name_in_url_means_common(self):
        self.create('ltm/pool', {'name': 'p1'})
        self.assertEqual(self.get('ltm/pool/~Common~p1'), self.get('ltm/pool/p1'))

    def test_percent_encoded_name_is_decoded(self):
        self.tenant()
        self.create('ltm/node', {'name': '10.0.0.1%2', 'partition': 'P'})
        out = self.ok('GET', 'ltm/node/~P~10.0.0.1%252')
        self.assertEqual('/P/10.0.0.1%2', out['fullPath'])
        self.assertEqual('https://localhost/mgmt/tm/ltm/node/~P~10.0.0.1%252?ver=17.1.1',
                         out['selfLink'])


class TestChanges(base.BackendTestCase):

    def test_generation_is_bumped_on_every_change(self):
        before = self.backend.config_generation
        first = self.create('ltm/pool', {'name': 'p1'})['generation']
        second = self.ok('PATCH', 'ltm/pool/~Common~p1', {'description': 'x'})['generation']
        self.assertLess(before, first)
        self.assertLess(first, second)
        self.assertEqual(second, self.backend.config_generation)

    def test_patch_merges_and_replaces_lists(self):
        self.create('ltm/snat-translation', {'name': '10.0.0.9'})
        self.create('ltm/pool', {'name': 'p1', 'loadBalancingMode': 'least-sessions'})
        self.create('ltm/snatpool', {'name': 'sp', 'members': ['10.0.0.8', '10.0.0.9']})
        out = self.ok('PATCH', 'ltm/pool/~Common~p1', {'description': 'd'})
        self.assertEqual(('least-sessions', 'd'), (out['loadBalancingMode'], out['description']))
        out = self.ok('PATCH', 'ltm/snatpool/~Common~sp', {'members': ['10.0.0.9']})
        self.assertEqual(['/Common/10.0.0.9'], out['members'])

    def test_put_replaces_the_whole_object(self):
        self.create('ltm/pool', {'name': 'p1', 'loadBalancingMode': 'least-sessions'})
        out = self.ok('PUT', 'ltm/pool/~Common~p1', {'description': 'd'})
        self.assertEqual(('round-robin', 'd'), (out['loadBalancingMode'], out['description']))

    def test_failed_request_changes_nothing(self):
        before = self.backend.config_generation
        status, _ = self.post('ltm/virtual', {'name': 'vs', 'destination': '10.0.0.5:80',
                                              'profiles': ['/Common/udp']})
        self.assertEqual(400, status)
        self.assertEqual(before, self.backend.config_generation)
        self.assertNotIn('items', self.ok('GET', 'ltm/virtual-address'))

    def test_snapshot_and_restore_copy_the_configuration(self):
        self.create('ltm/pool', {'name': 'p1'})
        snap = self.backend.snapshot()
        self.ok('DELETE', 'ltm/pool/~Common~p1')
        generation = self.backend.config_generation
        self.backend.restore(snap)
        self.assertEqual('/Common/p1', self.ok('GET', 'ltm/pool/~Common~p1')['fullPath'])
        self.assertGreater(self.backend.config_generation, generation)

    def test_snapshot_is_not_changed_by_later_writes(self):
        self.create('ltm/pool', {'name': 'p1'})
        snap = self.backend.snapshot()
        self.ok('PATCH', 'ltm/pool/~Common~p1', {'description': 'later'})
        peer = backend.Backend(clock=self.clock)
        peer.restore(snap)
        status, out = peer.handle('GET', base.TM + 'ltm/pool/~Common~p1', {}, None)
        self.assertEqual((200, None), (status, out.get('description')))

    def test_restored_configuration_keeps_its_rules(self):
        self.create('ltm/pool', {'name': 'p1'})
        self.create('ltm/virtual', {'name': 'vs', 'destination': '10.0.0.5:80', 'pool': 'p1'})
        peer = backend.Backend(clock=self.clock)
        peer.restore(self.backend.snapshot())
        self.assertEqual(400, peer.handle('DELETE', base.TM + 'ltm/pool/~Common~p1', {},
                                          None)[0])
        self.assertEqual(400, peer.handle('POST', base.TM + 'ltm/virtual', {}, {
            'name': 'vs2', 'destination': '10.0.0.5:80'})[0])

    def test_dump_lists_objects_by_collection(self):
        self.create('ltm/pool', {'name': 'p1', 'members': ['10.0.0.1:80']})
        dump = self.backend.dump()
        self.assertEqual('/Common/10.0.0.1:80', dump['ltm/pool']['/Common/p1']
                         ['membersReference']['items'][0]['fullPath'])
        self.assertIn('/Common/10.0.0.1', dump['ltm/node'])

    def test_reset_returns_to_factory_defaults(self):
        self.create('ltm/pool', {'name': 'p1'})
        self.backend.reset()
        self.assertNotIn('items', self.ok('GET', 'ltm/pool'))
        self.assertEqual('/Common/0', self.ok('GET', 'net/route-domain/0')['fullPath'])

    def test_concurrent_requests_are_serialised(self):
        def work(i):
            for j in range(20):
                self.backend.handle('POST', base.TM + 'ltm/pool', {},
                                    {'name': 'p%d_%d' % (i, j)})
        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(80, len(self.ok('GET', 'ltm/pool')['items']))


class TestReferences(base.BackendTestCase):

    def test_relative_reference_is_returned_as_full_path(self):
        self.create('ltm/pool', {'name': 'p1'})
        out = self.create('ltm/virtual', {'name': 'vs', 'destination': '10.0.0.5:80',
                                          'pool': 'p1'})
        self.assertEqual('/Common/p1', out['pool'])
        self.assertEqual({'link': 'https://localhost/mgmt/tm/ltm/pool/~Common~p1?ver=17.1.1'},
                         out['poolReference'])

    def test_relative_reference_prefers_the_own_partition(self):
        self.tenant()
        self.create('ltm/pool', {'name': 'p1'})
        self.create('ltm/pool', {'name': 'p1', 'partition': 'P'})
        out = self.create('ltm/virtual', {'name': 'vs', 'partition': 'P',
                                          'destination': '10.0.0.5:80', 'pool': 'p1'})
        self.assertEqual('/P/p1', out['pool'])

    def test_reference_to_missing_object_is_refused(self):
        self.assertRefused(self.post('ltm/virtual', {'name': 'vs', 'destination': '1.1.1.1:80',
                                                     'pool': 'nope'}),
                           400, '01020036:3: The requested Pool (/Common/nope) was not found.')

    def test_reference_to_another_partition_is_refused(self):
        self.tenant('P', 2)
        self.tenant('Q', 3)
        self.create('ltm/pool', {'name': 'p1', 'partition': 'P'})
        self.assertRefused(
            self.post('ltm/virtual', {'name': 'vs', 'partition': 'Q', 'pool': '/P/p1',
                                      'destination': '10.0.0.5:80'}),
            400, '01070726:3: A virtual server may only reference pools in the same partition '
                 'or the common partition (/Q/vs:/P/p1)')

    def test_create_in_missing_partition_is_refused(self):
        self.assertRefused(self.post('ltm/pool', {'name': 'p1', 'partition': 'Nope'}), 400,
                           '01020036:3: The requested folder (/Nope) was not found.')


class TestQueries(base.BackendTestCase):

    def setUp(self):
        super().setUp()
        self.tenant()
        self.create('ltm/pool', {'name': 'p1', 'members': ['10.0.0.1:80']})
        self.create('ltm/pool', {'name': 'p2', 'partition': 'P'})

    def test_select_returns_only_named_properties(self):
        out = self.ok('GET', 'ltm/pool', query={'$select': 'name,fullPath'})
        self.assertEqual([{'name': 'p1', 'fullPath': '/Common/p1'},
                          {'name': 'p2', 'fullPath': '/P/p2'}], out['items'])

    def test_select_keeps_the_reference_of_a_selected_reference(self):
        self.create('ltm/virtual', {'name': 'vs', 'destination': '10.0.0.5:80', 'pool': 'p1'})
        out = self.ok('GET', 'ltm/virtual', query={'$select': 'pool'})
        self.assertEqual([{'pool': '/Common/p1', 'poolReference': {
            'link': 'https://localhost/mgmt/tm/ltm/pool/~Common~p1?ver=17.1.1'}}], out['items'])

    def test_filter_by_partition(self):
        out = self.ok('GET', 'ltm/pool', query={'$filter': 'partition eq P'})
        self.assertEqual(['/P/p2'], [item['fullPath'] for item in out['items']])

    def test_unsupported_filter_is_refused(self):
        self.assertEqual(400, self.get('ltm/pool', **{'$filter': 'name eq p1'})[0])

    def test_expand_subcollections_adds_items(self):
        plain = self.ok('GET', 'ltm/pool/~Common~p1')
        expanded = self.ok('GET', 'ltm/pool/~Common~p1',
                           query={'expandSubcollections': 'true'})
        self.assertNotIn('items', plain['membersReference'])
        self.assertEqual([('/Common/10.0.0.1:80', 'https://localhost/mgmt/tm/ltm/pool/~Common~p1'
                           '/members/~Common~10.0.0.1:80?ver=17.1.1')],
                         [(m['fullPath'], m['selfLink'])
                          for m in expanded['membersReference']['items']])
