# SPDX-License-Identifier: Apache-2.0
"""Members end to end: create, update, delete, batch update (replace and additive_only)."""

from tests.e2e import lbtest


def _member(host, port=80, **fields):
    return dict({'address': '192.0.2.%d' % host, 'protocol_port': port}, **fields)


class TestMember(lbtest.LoadBalancerTestCase):

    def setUp(self):
        super().setUp()
        self.lb = self.create_lb()
        self.pool = self.call('POST', 'pools', {'pool': {
            'loadbalancer_id': self.lb['id'], 'protocol': 'HTTP',
            'lb_algorithm': 'ROUND_ROBIN'}})['pool']
        self.settle(self.lb['id'])

    def members_path(self):
        return 'pools/%s/members' % self.pool['id']

    def device_members(self):
        body = self.partition().get('ltm/pool', 'pool_%s' % self.pool['id'])
        return {m['name'].split('%')[0] + ':' + m['name'].rpartition(':')[2]: m
                for m in body['membersReference'].get('items', [])}

    def test_member_create_update_delete_and_its_node(self):
        member = self.openstack('loadbalancer', 'member', 'create', '--address', '192.0.2.41',
                                '--protocol-port', '80', '--weight', '5', '--name', 'm1',
                                self.pool['id'])
        self.settle(self.lb['id'])
        device = self.device_members()['192.0.2.41:80']
        self.assertEqual((5, member['id']), (device['ratio'], device['description']))
        self.assertEqual(1, len(self.partition().names('ltm/node')))

        self.openstack('loadbalancer', 'member', 'set', '--weight', '0', '--disable',
                       self.pool['id'], member['id'], parse=False)
        self.settle(self.lb['id'])
        device = self.device_members()['192.0.2.41:80']
        # weight 0 drains (docs/mapping.md, Member); disabled is down.
        self.assertEqual(('user-disabled', 'user-down'), (device['session'], device['state']))

        self.openstack('loadbalancer', 'member', 'delete', self.pool['id'], member['id'],
                       parse=False)
        self.settle(self.lb['id'])
        self.assertEqual({}, self.device_members())
        # Nothing uses the member's address any more: its node is gone too.
        self.assertEqual(set(), self.partition().names('ltm/node'))

    def test_backup_members_form_a_lower_priority_group(self):
        for host, backup in ((42, False), (43, True)):
            self.call('POST', self.members_path(), {'member': _member(host, backup=backup)})
            self.settle(self.lb['id'])
        body = self.partition().get('ltm/pool', 'pool_%s' % self.pool['id'])
        self.assertEqual(1, body['minActiveMembers'])
        groups = {k: m['priorityGroup'] for k, m in self.device_members().items()}
        self.assertGreater(groups['192.0.2.42:80'], groups['192.0.2.43:80'])

    def test_member_with_a_monitor_address_gets_its_own_monitor(self):
        self.call('POST', 'healthmonitors', {'healthmonitor': {
            'pool_id': self.pool['id'], 'type': 'HTTP', 'delay': 5, 'timeout': 3,
            'max_retries': 2}})
        self.settle(self.lb['id'])
        member = self.call('POST', self.members_path(), {'member': _member(
            44, monitor_address='192.0.2.144', monitor_port=8081)})['member']
        self.settle(self.lb['id'])
        device = self.device_members()['192.0.2.44:80']
        self.assertIn(member['id'], device['monitor'])

    def test_batch_update_replaces_the_member_list_in_one_call(self):
        for host in (51, 52):
            self.call('POST', self.members_path(), {'member': _member(host)})
            self.settle(self.lb['id'])
        self.call('PUT', self.members_path(), {'members': [
            _member(52, weight=7), _member(53), _member(54, 8080)]}, expect=(202,))
        state = self.settle(self.lb['id'])
        self.assertEqual(['192.0.2.52:80', '192.0.2.53:80', '192.0.2.54:8080'],
                         sorted(self.device_members()))
        self.assertEqual(7, self.device_members()['192.0.2.52:80']['ratio'])
        self.assertEqual(3, len(state['members'][self.pool['id']]))
        self.assertNotIn('192.0.2.51',
                         {n.split('%')[0] for n in self.partition().names('ltm/node')})

    def test_batch_update_additive_only_keeps_the_members_not_listed(self):
        for host in (61, 62):
            self.call('POST', self.members_path(), {'member': _member(host)})
            self.settle(self.lb['id'])
        self.call('PUT', self.members_path(), {'members': [_member(62, weight=3),
                                                           _member(63)]},
                  expect=(202,), additive_only='true')
        self.settle(self.lb['id'])
        members = self.device_members()
        self.assertEqual(['192.0.2.61:80', '192.0.2.62:80', '192.0.2.63:80'], sorted(members))
        self.assertEqual(3, members['192.0.2.62:80']['ratio'])

    def test_batch_update_to_an_empty_list_removes_every_member(self):
        for host in (71, 72):
            self.call('POST', self.members_path(), {'member': _member(host)})
            self.settle(self.lb['id'])
        self.call('PUT', self.members_path(), {'members': []}, expect=(202,))
        state = self.settle(self.lb['id'])
        self.assertEqual([], state['members'][self.pool['id']])
        self.assertEqual({}, self.device_members())
        self.assertEqual(set(), self.partition().names('ltm/node'))
