# SPDX-License-Identifier: Apache-2.0
"""Tests of the simulated HA group: failover, device down/up, sync status, config-sync."""

from octavia_f5.simulator import cluster as cluster_mod
from tests import base
from tests.unit.simulator import fakes

SYNC = {'command': 'run', 'utilCmdArgs': 'config-sync to-group octavia-f5-group'}


def nested(body):
    """The entries of a failover-status / sync-status answer, as {key: description}."""
    (outer,) = body['entries'].values()
    entries = outer['nestedStats']['entries']
    flat = {k: v['description'] for k, v in entries.items() if 'description' in v}
    details = next(v for k, v in entries.items() if k.endswith('/0/details'))
    flat['details'] = [d['nestedStats']['entries']['details']['description']
                       for d in details['nestedStats']['entries'].values()]
    return flat


class HaTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.devices = fakes.make_devices(2)
        self.bigip1, self.bigip2 = self.devices
        self.cluster = self.bigip1.cluster

    def get(self, device, path):
        response = device(fakes.admin('GET', path))
        self.assertEqual(200, response.status, response.body)
        return response.body

    def sync_status(self, device):
        return nested(self.get(device, '/mgmt/tm/cm/sync-status'))['status']

    def create_pool(self, device, name='p1'):
        response = device(fakes.admin('POST', '/mgmt/tm/ltm/pool', {'name': name}))
        self.assertEqual(200, response.status)


class TestDevicesAndFailover(HaTestCase):

    def test_device_list_names_each_device_and_its_state(self):
        items = self.get(self.bigip2, '/mgmt/tm/cm/device')['items']
        self.assertEqual([('bigip1', 'active', 'false'), ('bigip2', 'standby', 'true')],
                         [(d['name'], d['failoverState'], d['selfDevice']) for d in items])
        self.assertEqual('tm:cm:device:devicestate', items[0]['kind'])
        self.assertEqual('https://localhost/mgmt/tm/cm/device/~Common~bigip1?ver=17.1.1',
                         items[0]['selfLink'])
        self.assertEqual('BIG-IP Virtual Edition', items[0]['marketingName'])

    def test_single_device_is_found_by_name(self):
        body = self.get(self.bigip1, '/mgmt/tm/cm/device/~Common~bigip2')
        self.assertEqual('standby', body['failoverState'])

    def test_unknown_device_is_404(self):
        response = self.bigip1(fakes.admin('GET', '/mgmt/tm/cm/device/~Common~bigip9'))
        self.assertEqual(404, response.status)
        self.assertEqual('01020036:3: The requested device (/Common/bigip9) was not found.',
                         response.body['message'])

    def test_failover_status_of_active_and_standby(self):
        active = nested(self.get(self.bigip1, '/mgmt/tm/cm/failover-status'))
        standby = nested(self.get(self.bigip2, '/mgmt/tm/cm/failover-status'))
        self.assertEqual(('ACTIVE', 'green', ['active for /Common/traffic-group-1']),
                         (active['status'], active['color'], active['details']))
        self.assertEqual('STANDBY', standby['status'])

    def test_failover_makes_the_standby_active(self):
        self.assertEqual('bigip2', self.cluster.failover())
        self.assertEqual('active', self.cluster.failover_state(self.bigip2))
        self.assertEqual('standby', self.cluster.failover_state(self.bigip1))

    def test_failover_to_a_down_device_is_refused(self):
        self.cluster.down('bigip2')
        self.assertRaises(cluster_mod.ClusterError, self.cluster.failover, 'bigip2')

    def test_active_going_down_hands_over_to_the_standby(self):
        self.cluster.down('bigip1')
        self.assertEqual('bigip2', self.cluster.active)
        self.assertEqual('offline', self.cluster.failover_state(self.bigip1))

    def test_device_back_up_rejoins_as_standby(self):
        self.cluster.down('bigip1')
        self.cluster.up('bigip1')
        self.assertEqual(('standby', 'active'), (self.cluster.failover_state(self.bigip1),
                                                 self.cluster.failover_state(self.bigip2)))

    def test_unknown_device_name_is_refused(self):
        self.assertRaises(cluster_mod.UnknownDevice, self.cluster.down, 'bigip7')


class TestSyncStatus(HaTestCase):

    def test_fresh_group_is_in_sync(self):
        body = nested(self.get(self.bigip1, '/mgmt/tm/cm/sync-status'))
        self.assertEqual(('In Sync', 'green', 'high-availability'),
                         (body['status'], body['color'], body['mode']))

    def test_single_device_is_standalone(self):
        device, = fakes.make_devices(1)
        body = nested(self.get(device, '/mgmt/tm/cm/sync-status'))
        self.assertEqual(('Standalone', 'standalone'), (body['status'], body['mode']))

    def test_write_to_the_standby_is_accepted_and_shows_changes_pending(self):
        self.create_pool(self.bigip2)
        self.assertEqual('Changes Pending', self.sync_status(self.bigip1))
        details = nested(self.get(self.bigip1, '/mgmt/tm/cm/sync-status'))['details']
        self.assertIn(' - Recommended action: Synchronize bigip2 to group octavia-f5-group',
                      details)

    def test_changes_on_both_devices_are_a_conflict(self):
        self.create_pool(self.bigip1)
        self.create_pool(self.bigip2, 'p2')
        body = nested(self.get(self.bigip1, '/mgmt/tm/cm/sync-status'))
        self.assertEqual('There is a possible change conflict between bigip1 and bigip2.',
                         body['summary'])

    def test_config_sync_copies_the_configuration_and_restores_in_sync(self):
        self.create_pool(self.bigip1)
        response = self.bigip1(fakes.admin('POST', '/mgmt/tm/cm', SYNC))
        self.assertEqual((200, {'kind': 'tm:cm:runstate', 'command': 'run',
                                'utilCmdArgs': 'config-sync to-group octavia-f5-group'}),
                         (response.status, response.body))
        self.assertEqual(self.bigip1.backend.dump(), self.bigip2.backend.dump())
        self.assertEqual('In Sync', self.sync_status(self.bigip2))

    def test_config_sync_to_unknown_group_is_400_01070734(self):
        response = self.bigip1(fakes.admin('POST', '/mgmt/tm/cm', dict(
            SYNC, utilCmdArgs='config-sync to-group nosuch')))
        self.assertEqual(400, response.status)
        self.assertEqual('01070734:3: Configuration error: Device group (nosuch) not found '
                         'in device group sync', response.body['message'])

    def test_standalone_device_has_no_group_to_sync_to(self):
        device, = fakes.make_devices(1)
        response = device(fakes.admin('POST', '/mgmt/tm/cm', SYNC))
        self.assertEqual(400, response.status)

    def test_config_sync_from_group_pulls_the_peers_changes(self):
        self.create_pool(self.bigip2)
        response = self.bigip1(fakes.admin('POST', '/mgmt/tm/cm', dict(
            SYNC, utilCmdArgs='config-sync from-group octavia-f5-group')))
        self.assertEqual(200, response.status)
        self.assertIn('/mgmt/tm/ltm/pool', self.bigip1.backend.dump())
        self.assertEqual('In Sync', self.sync_status(self.bigip1))

    def test_peer_down_shows_disconnected(self):
        self.cluster.down('bigip2')
        body = nested(self.get(self.bigip1, '/mgmt/tm/cm/sync-status'))
        self.assertEqual('Disconnected', body['status'])
        self.assertIn('bigip2: disconnected', body['details'])

    def test_device_back_after_down_needs_a_manual_sync(self):
        self.cluster.down('bigip1')
        self.cluster.up('bigip1')
        self.assertEqual('Changes Pending', self.sync_status(self.bigip1))
        self.bigip2(fakes.admin('POST', '/mgmt/tm/cm', SYNC))
        self.assertEqual('In Sync', self.sync_status(self.bigip1))

    def test_auto_sync_pushes_each_write(self):
        response = self.bigip1(fakes.admin(
            'PATCH', '/mgmt/tm/cm/device-group/~Common~octavia-f5-group',
            {'autoSync': 'enabled'}))
        self.assertEqual('enabled', response.body['autoSync'])
        self.create_pool(self.bigip1)
        self.assertEqual(self.bigip1.backend.dump(), self.bigip2.backend.dump())
        self.assertEqual('In Sync', self.sync_status(self.bigip1))

    def test_auto_sync_does_not_settle_a_conflict(self):
        self.cluster.auto_sync = True
        self.cluster.down('bigip1')
        self.cluster.up('bigip1')
        self.create_pool(self.bigip2)
        self.assertEqual('Changes Pending', self.sync_status(self.bigip1))
        self.assertNotIn('/mgmt/tm/ltm/pool', self.bigip1.backend.dump())


class TestDeviceGroups(HaTestCase):

    def test_group_list_has_the_sync_failover_group(self):
        items = self.get(self.bigip1, '/mgmt/tm/cm/device-group')['items']
        group = next(i for i in items if i['name'] == 'octavia-f5-group')
        self.assertEqual(('sync-failover', 'disabled'), (group['type'], group['autoSync']))
        self.assertEqual(['device_trust_group', 'octavia-f5-group'],
                         [i['name'] for i in items])

    def test_invalid_auto_sync_value_is_400(self):
        response = self.bigip1(fakes.admin(
            'PATCH', '/mgmt/tm/cm/device-group/octavia-f5-group', {'autoSync': 'yes'}))
        self.assertEqual(400, response.status)
        self.assertEqual('invalid property value "autoSync":"yes"', response.body['message'])

    def test_unknown_group_is_404(self):
        response = self.bigip1(fakes.admin('GET', '/mgmt/tm/cm/device-group/~Common~x'))
        self.assertEqual(404, response.status)
        self.assertEqual('01020036:3: The requested device group (/Common/x) was not found.',
                         response.body['message'])


class TestTrafficGroups(HaTestCase):

    def test_traffic_groups_are_the_floating_one_and_local_only(self):
        items = self.get(self.bigip1, '/mgmt/tm/cm/traffic-group')['items']
        self.assertEqual([('traffic-group-1', 'true'), ('traffic-group-local-only', 'false')],
                         [(i['name'], i['isFloating']) for i in items])

    def test_one_traffic_group_by_name(self):
        body = self.get(self.bigip1, '/mgmt/tm/cm/traffic-group/~Common~traffic-group-1')
        self.assertEqual('tm:cm:traffic-group:traffic-groupstate', body['kind'])
