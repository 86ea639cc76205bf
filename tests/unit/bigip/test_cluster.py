# SPDX-License-Identifier: Apache-2.0
"""Tests of HA: finding the active device, re-discovery, config-sync and saving the config."""

import requests

from octavia_f5.bigip import cluster
from octavia_f5.common import config
from octavia_f5.common import exceptions
from tests.unit.bigip import fakes

URL1 = fakes.URL
URL2 = 'https://192.0.2.11'
STATUS = cluster.FAILOVER_STATUS_PATH
SAVE = cluster.SAVE_CONFIG_PATH


def failover_status(status):
    """GET /mgmt/tm/cm/failover-status as icontrol-rest.md 6 shows it."""
    details = 'https://localhost/mgmt/tm/cm/failoverStatus/0/details'
    return {'kind': 'tm:cm:failover-status:failover-statusstats',
            'selfLink': 'https://localhost/mgmt/tm/cm/failover-status?ver=11.6.0',
            'entries': {'https://localhost/mgmt/tm/cm/failover-status/0': {'nestedStats': {
                'entries': {
                    'color': {'description': 'green'},
                    details: {'nestedStats': {'entries': {details + '/0': {'nestedStats': {
                        'entries': {'details': {'description': 'active for '
                                                               '/Common/traffic-group-1'}}}}}}},
                    'status': {'description': status},
                    'summary': {'description': '1/1 active'}}}}}}


def sync_status(status):
    return {'entries': {'https://localhost/mgmt/tm/cm/sync-status/0': {'nestedStats': {
        'entries': {'color': {'description': 'green'}, 'status': {'description': status}}}}}}


class ClusterTestCase(fakes.DeviceTestCase):

    def setUp(self):
        super().setUp()
        for url in (URL1, URL2):
            self.mock_login(url=url)

    def make_cluster(self, **kwargs):
        devices = [self.make_device(URL1), self.make_device(URL2)]
        kwargs.setdefault('device_group', 'octavia-f5-group')
        return cluster.Cluster(devices, clock=self.clock, **kwargs)

    def states(self, first, second):
        self.http.get(URL1 + STATUS, json=failover_status(first))
        self.http.get(URL2 + STATUS, json=failover_status(second))


class TestActiveDevice(ClusterTestCase):

    def test_the_device_reporting_active_is_chosen(self):
        self.states('STANDBY', 'ACTIVE')
        self.assertEqual(URL2, self.make_cluster().active().url)

    def test_active_device_is_cached(self):
        self.states('ACTIVE', 'STANDBY')
        group = self.make_cluster()
        group.active()
        group.active()
        self.assertEqual(1, len(self.calls('GET', STATUS, url=URL1)))

    def test_cached_answer_is_checked_again_after_the_recheck_interval(self):
        self.states('ACTIVE', 'STANDBY')
        group = self.make_cluster()
        self.assertEqual(URL1, group.active().url)
        self.states('STANDBY', 'ACTIVE')
        self.clock.advance(cluster.RECHECK_INTERVAL)
        self.assertEqual(URL2, group.active().url)

    def test_failover_after_the_active_device_becomes_unavailable(self):
        self.states('ACTIVE', 'STANDBY')
        group = self.make_cluster()
        first = group.active()
        self.http.get(URL1 + fakes.POOL, exc=requests.exceptions.ConnectionError('down'))
        self.assertRaises(exceptions.DeviceUnavailable, first.get, fakes.POOL)
        self.http.get(URL1 + STATUS, exc=requests.exceptions.ConnectTimeout('down'))
        self.http.get(URL2 + STATUS, json=failover_status('ACTIVE'))
        self.assertEqual(URL2, group.active().url)

    def test_discovery_falls_back_to_cm_device(self):
        self.http.get(URL1 + STATUS, status_code=404, json=fakes.error(404, 'no such path'))
        self.http.get(URL1 + cluster.CM_DEVICE_PATH, json={'items': [
            {'name': 'bigip2', 'selfDevice': 'false', 'failoverState': 'active'},
            {'name': 'bigip1', 'selfDevice': 'true', 'failoverState': 'active'}]})
        self.assertEqual(URL1, self.make_cluster().active().url)

    def test_no_active_device_names_every_state(self):
        self.states('STANDBY', 'FORCED OFFLINE')
        error = self.assertRaises(exceptions.NoActiveDevice, self.make_cluster().active)
        self.assertIn('192.0.2.10: STANDBY', error.message)
        self.assertIn('192.0.2.11: FORCED OFFLINE', error.message)

    def test_discovery_does_not_wait_for_a_dead_device(self):
        self.http.get(URL1 + STATUS, exc=requests.exceptions.ConnectTimeout('down'))
        self.http.get(URL2 + STATUS, json=failover_status('ACTIVE'))
        self.assertEqual(URL2, self.make_cluster().active().url)
        self.assertEqual(1, len(self.calls('GET', STATUS, url=URL1)))
        self.assertEqual([], self.sleeps)

    def test_forget_active_discovers_again(self):
        self.states('ACTIVE', 'STANDBY')
        group = self.make_cluster()
        group.active()
        group.forget_active()
        group.active()
        self.assertEqual(2, len(self.calls('GET', STATUS, url=URL1)))

    def test_a_single_device_is_used_without_asking(self):
        group = cluster.Cluster([self.make_device(URL1)])
        self.assertEqual(URL1, group.active().url)
        self.assertEqual([], self.http.request_history)


class TestSync(ClusterTestCase):

    def test_config_sync_runs_on_the_active_device(self):
        self.states('STANDBY', 'ACTIVE')
        self.http.post(URL2 + cluster.CM_PATH, json={'kind': 'tm:cm:runstate'})
        self.assertTrue(self.make_cluster().sync())
        sent = self.calls('POST', cluster.CM_PATH, url=URL2)
        self.assertEqual([{'command': 'run',
                           'utilCmdArgs': 'config-sync to-group octavia-f5-group'}],
                         [r.json() for r in sent])

    def test_no_sync_without_group_or_in_other_modes(self):
        for kwargs in ({'device_group': None}, {'sync_mode': 'none'},
                       {'sync_mode': 'write-all'}):
            self.assertFalse(self.make_cluster(**kwargs).sync())
        self.assertEqual([], self.http.request_history)

    def test_unknown_group_is_refused_by_the_device(self):
        self.states('ACTIVE', 'STANDBY')
        self.http.post(URL1 + cluster.CM_PATH, status_code=400, json=fakes.error(
            400, '01070734:3: Configuration error: Device group (octavia-f5-group) not found '
                 'in device group sync'))
        error = self.assertRaises(exceptions.InvalidRequest, self.make_cluster().sync)
        self.assertEqual('01070734', error.message_id)

    def test_sync_status(self):
        self.states('ACTIVE', 'STANDBY')
        self.http.get(URL1 + cluster.SYNC_STATUS_PATH, json=sync_status('Changes Pending'))
        self.assertEqual('Changes Pending', self.make_cluster().sync_status())

    def test_write_all_writes_every_device_and_otherwise_the_active(self):
        self.states('STANDBY', 'ACTIVE')
        self.assertEqual([URL1, URL2],
                         [d.url for d in self.make_cluster(sync_mode='write-all').writers()])
        self.assertEqual([URL2], [d.url for d in self.make_cluster().writers()])

    def test_invalid_group_name_is_refused(self):
        self.assertRaises(ValueError, self.make_cluster, device_group='g; rm -rf /')


class TestSaveConfig(ClusterTestCase):

    def setUp(self):
        super().setUp()
        for url in (URL1, URL2):
            self.http.post(url + SAVE, json={'kind': 'tm:sys:config:savestate',
                                             'command': 'save'})
            self.http.patch(url + fakes.POOL, json=fakes.pool())

    def test_save_runs_on_every_device(self):
        self.make_cluster().save_config()
        for url in (URL1, URL2):
            self.assertEqual([{'command': 'save'}],
                             [r.json() for r in self.calls('POST', SAVE, url=url)])

    def test_save_is_due_after_a_change_and_the_interval(self):
        group = self.make_cluster(save_interval=600)
        self.clock.advance(600)
        self.assertFalse(group.save_config_if_due())
        group.devices[0].patch(fakes.POOL, {'description': 'x'})
        self.assertTrue(group.save_config_if_due())
        self.assertEqual(1, len(self.calls('POST', SAVE, url=URL2)))
        group.devices[0].patch(fakes.POOL, {'description': 'y'})
        self.assertFalse(group.save_config_if_due())
        self.clock.advance(600)
        self.assertTrue(group.save_config_if_due())

    def test_interval_zero_never_saves(self):
        group = self.make_cluster(save_interval=0)
        group.devices[0].patch(fakes.POOL, {'description': 'x'})
        self.clock.advance(10 ** 6)
        self.assertFalse(group.save_config_if_due())
        self.assertEqual([], self.calls('POST', SAVE))

    def test_a_failed_save_still_saves_the_others_and_raises(self):
        self.http.post(URL1 + SAVE, status_code=503, text='<title>down</title>')
        self.assertRaises(exceptions.DeviceUnavailable, self.make_cluster().save_config)
        self.assertEqual(1, len(self.calls('POST', SAVE, url=URL2)))


class TestFromConf(fakes.DeviceTestCase):

    def test_cluster_from_configuration(self):
        self.config(group=config.BIGIP_GROUP, devices=[URL1, URL2], password='pw',
                    device_group='g1', sync_mode='write-all', save_config_interval=60,
                    connection_pool_size=2)
        with cluster.Cluster.from_conf(self.conf.conf) as group:
            self.assertEqual([URL1, URL2], [d.url for d in group.devices])
            self.assertEqual(('g1', 'write-all'), (group.device_group, group.sync_mode))
            self.assertEqual(2, group.devices[0]._options.pool_size)

    def test_no_devices_is_refused(self):
        self.config(group=config.BIGIP_GROUP, devices=[], password='pw')
        self.assertRaises(ValueError, cluster.Cluster.from_conf, self.conf.conf)
