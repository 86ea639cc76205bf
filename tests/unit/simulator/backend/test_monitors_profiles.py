# SPDX-License-Identifier: Apache-2.0
"""Health monitors, LTM profiles and persistence profiles."""

from octavia_f5.simulator.backend import monitors
from octavia_f5.simulator.backend import profiles
from tests.unit.simulator.backend import base


class TestMonitors(base.BackendTestCase):

    def test_every_monitor_type_has_its_kind_and_builtin(self):
        for mtype, row in monitors.TABLE.items():
            out = self.create('ltm/monitor/' + mtype, {'name': 'm_' + mtype})
            self.assertEqual('tm:ltm:monitor:%s:%sstate' % (mtype, mtype), out['kind'])
            self.assertEqual('/Common/' + row[0][0], out['defaultsFrom'])

    def test_http_monitor_has_reference_defaults(self):
        out = self.create('ltm/monitor/http', {'name': 'm'})
        expected = {'adaptive': 'disabled', 'adaptiveDivergenceType': 'relative',
                    'adaptiveDivergenceValue': 25, 'adaptiveLimit': 200,
                    'adaptiveSamplingTimespan': 300, 'defaultsFrom': '/Common/http',
                    'destination': '*:*', 'interval': 5, 'ipDscp': 0,
                    'manualResume': 'disabled', 'reverse': 'disabled', 'send': 'GET /\\r\\n',
                    'timeUntilUp': 0, 'timeout': 16, 'transparent': 'disabled',
                    'upInterval': 0}
        self.assertEqual(expected, {k: out[k] for k in expected})

    def test_https_and_udp_monitor_defaults(self):
        https = self.create('ltm/monitor/https', {'name': 'm'})
        udp = self.create('ltm/monitor/udp', {'name': 'm'})
        self.assertEqual(('DEFAULT:+SHA:+3DES:+kEDH', 'enabled'),
                         (https['cipherlist'], https['compatibility']))
        self.assertEqual(('default send string', 'no'), (udp['send'], udp['debug']))

    def test_tcp_half_open_has_only_timing_properties(self):
        out = self.create('ltm/monitor/tcp-half-open', {'name': 'm'})
        self.assertNotIn('send', out)
        self.assertNotIn('adaptive', out)
        self.assertEqual(400, self.post('ltm/monitor/tcp-half-open',
                                        {'name': 'm2', 'send': 'x'})[0])

    def test_monitor_interval_must_be_below_timeout(self):
        self.assertRefused(self.post('ltm/monitor/http', {'name': 'm', 'interval': 10,
                                                          'timeout': 10}), 400,
                           '01071213:3: The monitor (/Common/m) timeout (10) must be greater '
                           'than its interval (10).')

    def test_monitor_fields_as_the_driver_sends_them(self):
        out = self.create('ltm/monitor/http', {
            'name': 'm', 'send': 'GET /health HTTP/1.0\\r\\n\\r\\n',
            'recv': 'HTTP/1.(0|1) (200|202)', 'interval': '10', 'timeout': 31})
        self.assertEqual(('HTTP/1.(0|1) (200|202)', 10, 31),
                         (out['recv'], out['interval'], out['timeout']))

    def test_monitor_parent_must_be_of_the_same_type(self):
        self.assertRefused(self.post('ltm/monitor/http', {'name': 'm', 'defaultsFrom': 'tcp'}),
                           400, '01020036:3: The requested Monitor (/Common/tcp) was not found.')

    def test_monitor_password_is_never_echoed(self):
        out = self.create('ltm/monitor/http', {'name': 'm', 'username': 'u',
                                               'password': 'secret-pw'})
        self.assertNotIn('secret-pw', str(out))
        self.assertNotIn('secret-pw', str(self.backend.dump()))

    def test_monitor_destination_alias(self):
        self.assertEqual('10.0.0.1:8080', self.create('ltm/monitor/tcp', {
            'name': 'm', 'destination': '10.0.0.1:8080'})['destination'])
        self.assertRefused(self.post('ltm/monitor/tcp', {'name': 'm2', 'destination': 'x'}),
                           400, 'invalid property value "destination":"x"', 26214401)

    def test_delete_monitor_used_as_parent_is_refused(self):
        self.create('ltm/monitor/http', {'name': 'base'})
        self.create('ltm/monitor/http', {'name': 'child', 'defaultsFrom': 'base'})
        self.assertRefused(self.delete('ltm/monitor/http/~Common~base'), 400,
                           '01070083:3: Monitor /Common/base is in use.')


class TestProfiles(base.BackendTestCase):

    def test_every_profile_type_has_its_kind_and_builtin(self):
        for path in profiles.PROFILES:
            ptype = path.rsplit('/', 1)[1]
            out = self.create(path, {'name': 'x_' + ptype})
            self.assertEqual('tm:ltm:profile:%s:%sstate' % (ptype, ptype), out['kind'])
            self.assertEqual(200, self.get('%s/%s' % (path, out['defaultsFrom']
                                                      .replace('/', '~')))[0])

    def test_http_profile_has_reference_defaults(self):
        out = self.create('ltm/profile/http', {'name': 'h', 'insertXforwardedFor': 'enabled',
                                               'serverAgentName': 'Lab_1.7'})
        self.assertEqual(('enabled', 'Lab_1.7', 'enabled', 'reverse', '/Common/http'),
                         (out['insertXforwardedFor'], out['serverAgentName'],
                          out['oneconnectTransformations'], out['proxyType'],
                          out['defaultsFrom']))
        self.assertEqual(('disabled', 16070400), (out['hsts']['mode'],
                                                  out['hsts']['maximumAge']))

    def test_tcp_profile_numbers_sent_as_strings_read_back_as_numbers(self):
        out = self.create('ltm/profile/tcp', {'name': 't', 'nagle': 'disabled',
                                              'sendBufferSize': '16000', 'idleTimeout': 60})
        self.assertEqual(('disabled', 16000, 60), (out['nagle'], out['sendBufferSize'],
                                                   out['idleTimeout']))

    def test_udp_and_fastl4_idle_timeouts_are_strings(self):
        udp = self.create('ltm/profile/udp', {'name': 'u', 'idleTimeout': 30})
        fastl4 = self.create('ltm/profile/fastl4', {'name': 'f'})
        self.assertEqual(('30', '300'), (udp['idleTimeout'], fastl4['idleTimeout']))

    def test_one_connect_defaults(self):
        out = self.create('ltm/profile/one-connect', {'name': 'o'})
        self.assertEqual((86400, 1000, 10000, 'any'), (out['maxAge'], out['maxReuse'],
                                                       out['maxSize'], out['sourceMask']))

    def test_profile_parent_is_resolved_in_common(self):
        self.assertEqual('/Common/tcp-lan-optimized', self.create('ltm/profile/tcp', {
            'name': 't', 'defaultsFrom': 'tcp-lan-optimized'})['defaultsFrom'])

    def test_unknown_profile_property_is_refused(self):
        self.assertEqual(400, self.post('ltm/profile/tcp', {'name': 't', 'nagel': 'x'})[0])

    def test_delete_profile_used_as_parent_is_refused(self):
        self.create('ltm/profile/tcp', {'name': 'base'})
        self.create('ltm/profile/tcp', {'name': 'child', 'defaultsFrom': 'base'})
        self.assertRefused(self.delete('ltm/profile/tcp/~Common~base'), 400,
                           '01070265:3: The TCP Profile (/Common/base) cannot be deleted because '
                           'it is in use by a TCP Profile (/Common/child).')


class TestPersistence(base.BackendTestCase):

    def test_persistence_profiles_have_reference_defaults(self):
        cookie = self.create('ltm/persistence/cookie', {'name': 'c'})
        source = self.create('ltm/persistence/source-addr', {'name': 's', 'timeout': 600})
        self.assertEqual(('insert', 'none', '0', 'enabled', 'enabled', '180', 'disabled'),
                         (cookie['method'], cookie['cookieName'], cookie['expiration'],
                          cookie['httponly'], cookie['secure'], cookie['timeout'],
                          cookie['matchAcrossServices']))
        self.assertEqual(('none', 'default', '600', '/Common/source_addr'),
                         (source['mask'], source['hashAlgorithm'], source['timeout'],
                          source['defaultsFrom']))

    def test_universal_persistence_runs_an_irule(self):
        self.create('ltm/rule', {'name': 'app_cookie', 'apiAnonymous':
                                 'when HTTP_RESPONSE { persist add uie [HTTP::cookie x] }'})
        out = self.create('ltm/persistence/universal', {'name': 'u', 'rule': 'app_cookie'})
        self.assertEqual('/Common/app_cookie', out['rule'])
        self.assertRefused(self.delete('ltm/rule/~Common~app_cookie'), 400,
                           '01070265:3: The iRule (/Common/app_cookie) cannot be deleted because '
                           'it is in use by a Persistence Profile (/Common/u).')

    def test_delete_persistence_used_by_virtual_is_refused(self):
        self.create('ltm/persistence/source-addr', {'name': 's'})
        self.create('ltm/virtual', {'name': 'vs', 'destination': '10.0.0.5:80',
                                    'persist': [{'name': 's'}]})
        self.assertRefused(self.delete('ltm/persistence/source-addr/~Common~s'), 400,
                           '01070265:3: The Persistence Profile (/Common/s) cannot be deleted '
                           'because it is in use by a Virtual Server (/Common/vs).')
