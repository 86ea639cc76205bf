# SPDX-License-Identifier: Apache-2.0
"""Tests of F5ProviderDriver: validation, payloads and the jobs it posts."""

import fixtures
from octavia_lib.api.drivers import data_models
from octavia_lib.api.drivers import exceptions as lib_exceptions

from octavia_f5.api import driver
from octavia_f5.common import exceptions
from tests import base

LB_ID = '11111111-1111-4111-8111-111111111111'
LISTENER_ID = '22222222-2222-4222-8222-222222222222'
LISTENER2_ID = '22222222-2222-4222-8222-222222222223'
POOL_ID = '33333333-3333-4333-8333-333333333333'
MEMBER_ID = '44444444-4444-4444-8444-444444444444'
PROJECT = 'f00dbabe0000400080000000000000aa'
PEM = b'-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
KEY = b'-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n'


def listener(**kw):
    fields = dict(listener_id=LISTENER_ID, loadbalancer_id=LB_ID, project_id=PROJECT,
                  protocol='HTTP', protocol_port=80, admin_state_up=True,
                  connection_limit=-1)
    fields.update(kw)
    return data_models.Listener(**fields)


def pool(**kw):
    fields = dict(pool_id=POOL_ID, loadbalancer_id=LB_ID, project_id=PROJECT,
                  protocol='HTTP', lb_algorithm='ROUND_ROBIN', admin_state_up=True)
    fields.update(kw)
    return data_models.Pool(**fields)


def member(**kw):
    fields = dict(member_id=MEMBER_ID, pool_id=POOL_ID, project_id=PROJECT,
                  address='192.0.2.10', protocol_port=8080, weight=1, admin_state_up=True)
    fields.update(kw)
    return data_models.Member(**fields)


class TestDriver(base.TestCase):

    def setUp(self):
        super().setUp()
        self.jobs = []

        def record(operation, payload, object_id=None):
            self.jobs.append((operation, payload, object_id))
            return 'job-uuid'

        self.useFixture(fixtures.MockPatch('octavia_f5.controller.poster.post',
                                           side_effect=record))
        # The listener protocols the driver notes in Redis (api/protocols.py), in a dict.
        self.known = {}
        self.owners = {}

        def remember(listeners=(), policies=()):
            self.known.update((lst['listener_id'], lst['protocol']) for lst in listeners)
            self.owners.update((p['l7policy_id'], p['listener_id']) for p in policies)

        def forget(listener_ids=(), policy_ids=()):
            for key in listener_ids:
                self.known.pop(key, None)
            for key in policy_ids:
                self.owners.pop(key, None)
        for name, function in (
                ('remember', remember), ('forget', forget),
                ('of_listener', self.known.get),
                ('of_policy', lambda pid: self.known.get(self.owners.get(pid)))):
            self.useFixture(fixtures.MockPatch('octavia_f5.api.protocols.' + name,
                                               side_effect=function))
        self.driver = driver.F5ProviderDriver()

    def assertRefused(self, call, *args, fragments=()):
        e = self.assertRaises(lib_exceptions.UnsupportedOptionError, call, *args)
        for fragment in fragments:
            self.assertIn(fragment, e.user_fault_string)
        self.assertEqual([], self.jobs, 'a refused request must post nothing')

    def test_listener_create_posts_one_job_with_every_field(self):
        self.driver.listener_create(listener(allowed_cidrs=['10.0.0.0/8']))
        [(operation, payload, object_id)] = self.jobs
        self.assertEqual('listener_create', operation)
        self.assertEqual(LISTENER_ID, object_id)
        self.assertEqual(['10.0.0.0/8'], payload['listener']['allowed_cidrs'])
        self.assertEqual(80, payload['listener']['protocol_port'])

    def test_update_posts_old_object_and_only_the_changed_fields(self):
        self.driver.pool_update(pool(), data_models.Pool(pool_id=POOL_ID, name='new'))
        [(operation, payload, object_id)] = self.jobs
        self.assertEqual('pool_update', operation)
        self.assertEqual(POOL_ID, object_id)
        self.assertEqual({'name': 'new'}, payload['pool_updates'])
        self.assertEqual('ROUND_ROBIN', payload['pool']['lb_algorithm'])

    def test_update_is_validated_as_the_object_will_be(self):
        self.assertRefused(self.driver.pool_update, pool(),
                           data_models.Pool(lb_algorithm='SOURCE_IP_PORT'),
                           fragments=('lb_algorithm', 'SOURCE_IP_PORT'))

    def test_update_to_a_name_octavia_cannot_store_is_refused_before_it_writes(self):
        # Octavia writes an update after the driver accepted it; its utf8 (3-byte) schema
        # then fails with HTTP 500 while the job is already posted.
        self.assertRefused(self.driver.pool_update, pool(),
                           data_models.Pool(pool_id=POOL_ID, description='\U0001F600'),
                           fragments=('description', 'Basic Multilingual Plane'))
        self.driver.pool_update(pool(), data_models.Pool(pool_id=POOL_ID, name='Zürich'))
        self.assertEqual(1, len(self.jobs))

    def test_update_to_text_longer_than_octavia_stores_is_refused_before_it_writes(self):
        monitor = data_models.HealthMonitor(
            healthmonitor_id='66666666-6666-4666-8666-666666666666', pool_id=POOL_ID,
            type='HTTP', delay=5, timeout=3, max_retries=3, url_path='/')
        self.assertRefused(self.driver.health_monitor_update, monitor,
                           data_models.HealthMonitor(url_path='/' + 'a' * 255),
                           fragments=('url_path', 'at most 255'))

    def test_unsupported_listener_protocol_is_refused_by_name(self):
        self.assertRefused(self.driver.listener_create, listener(protocol='PROMETHEUS'),
                           fragments=('protocol', 'PROMETHEUS'))

    def test_l7_policy_on_a_tcp_listener_is_refused_even_without_rules(self):
        policy = data_models.L7Policy(
            l7policy_id='55555555-5555-4555-8555-555555555555', listener_id=LISTENER_ID,
            action='REJECT', position=1, admin_state_up=True, rules=[])
        tcp = listener(protocol='TCP', l7policies=[policy])
        self.assertRefused(self.driver.listener_create, tcp,
                           fragments=('l7policies', 'TCP listener has no HTTP'))
        lb = data_models.LoadBalancer(loadbalancer_id=LB_ID, project_id=PROJECT,
                                      vip_address='192.0.2.1', listeners=[tcp], pools=[])
        self.assertRefused(self.driver.loadbalancer_create, lb, fragments=('l7policies',))

    def test_l7_requests_are_checked_against_the_protocol_noted_at_listener_create(self):
        self.driver.listener_create(listener(protocol='TCP'))
        self.driver.listener_create(listener(listener_id=LISTENER2_ID, protocol='HTTP'))
        self.jobs.clear()
        policy = dict(l7policy_id='55555555-5555-4555-8555-555555555555', action='REJECT',
                      position=1, admin_state_up=True)
        self.assertRefused(self.driver.l7policy_create,
                           data_models.L7Policy(listener_id=LISTENER_ID, **policy),
                           fragments=('l7policies', 'TCP listener has no HTTP'))
        self.driver.l7policy_create(data_models.L7Policy(listener_id=LISTENER2_ID, **policy))
        self.assertEqual(['l7policy_create'], [job[0] for job in self.jobs])
        self.jobs.clear()
        rule = dict(l7rule_id='77777777-7777-4777-8777-777777777777', admin_state_up=True,
                    type='SSL_CONN_HAS_CERT', compare_type='EQUAL_TO', value='True',
                    l7policy_id=policy['l7policy_id'])
        self.assertRefused(self.driver.l7rule_create, data_models.L7Rule(**rule),
                           fragments=('SSL_CONN_HAS_CERT', 'TERMINATED_HTTPS'))
        # Unknown listeners (created before the driver noted protocols): the worker decides.
        self.driver.listener_delete(listener(protocol='TCP'))
        self.driver.l7policy_create(data_models.L7Policy(listener_id=LISTENER_ID, **policy))

    def test_invalid_member_address_is_refused_by_name(self):
        self.assertRefused(self.driver.member_create, member(address='not-an-ip'),
                           fragments=('address',))

    def test_fully_populated_create_validates_children(self):
        lb = data_models.LoadBalancer(
            loadbalancer_id=LB_ID, project_id=PROJECT, vip_address='192.0.2.1',
            listeners=[listener()],
            pools=[pool(members=[member(address='bad')])])
        self.assertRefused(self.driver.loadbalancer_create, lb, fragments=('address',))

    def test_fully_populated_create_refuses_a_bad_health_monitor_of_a_pool(self):
        monitor = data_models.HealthMonitor(
            healthmonitor_id='66666666-6666-4666-8666-666666666666', pool_id=POOL_ID,
            type='HTTP', delay=0, timeout=3, max_retries=3, admin_state_up=True)
        lb = data_models.LoadBalancer(
            loadbalancer_id=LB_ID, project_id=PROJECT, vip_address='192.0.2.1',
            pools=[pool(healthmonitor=monitor)])
        self.assertRefused(self.driver.loadbalancer_create, lb, fragments=('delay',))

    def test_fully_populated_create_refuses_a_bad_rule_of_a_disabled_l7_policy(self):
        # Disabled policies write nothing, but enabling one later must not meet a rule the
        # device cannot evaluate.
        policy = data_models.L7Policy(
            l7policy_id='55555555-5555-4555-8555-555555555555', listener_id=LISTENER_ID,
            action='REJECT', position=1, admin_state_up=False, rules=[data_models.L7Rule(
                l7rule_id='77777777-7777-4777-8777-777777777777', type='PATH',
                compare_type='SOUNDS_LIKE', value='/api', admin_state_up=True)])
        lb = data_models.LoadBalancer(
            loadbalancer_id=LB_ID, project_id=PROJECT, vip_address='192.0.2.1',
            listeners=[listener(l7policies=[policy])])
        self.assertRefused(self.driver.loadbalancer_create, lb,
                           fragments=('compare_type', 'SOUNDS_LIKE'))

    def test_fully_populated_create_posts_the_whole_graph(self):
        lb = data_models.LoadBalancer(
            loadbalancer_id=LB_ID, project_id=PROJECT, vip_address='192.0.2.1',
            listeners=[listener()], pools=[pool(members=[member()])])
        self.driver.loadbalancer_create(lb)
        [(operation, payload, _id)] = self.jobs
        self.assertEqual('loadbalancer_create', operation)
        self.assertEqual(MEMBER_ID,
                         payload['loadbalancer']['pools'][0]['members'][0]['member_id'])

    def test_fully_populated_create_runs_the_whole_mapping(self):
        # Only the mapping of the listener with its load balancer sees the VIP's family.
        lb = data_models.LoadBalancer(
            loadbalancer_id=LB_ID, project_id=PROJECT, vip_address='192.0.2.1',
            listeners=[listener(allowed_cidrs=['2001:db8::/64'])], pools=[])
        self.assertRefused(self.driver.loadbalancer_create, lb, fragments=('allowed_cidrs',))

    def test_additional_vips_are_refused(self):
        lb = data_models.LoadBalancer(
            loadbalancer_id=LB_ID, project_id=PROJECT, vip_address='192.0.2.1',
            additional_vips=[{'ip_address': '192.0.2.2', 'subnet_id': 'x'}])
        self.assertRefused(self.driver.loadbalancer_create, lb,
                           fragments=('additional_vips',))

    def test_cascade_delete_carries_the_flag(self):
        lb = data_models.LoadBalancer(loadbalancer_id=LB_ID, project_id=PROJECT)
        self.driver.loadbalancer_delete(lb, cascade=True)
        self.assertEqual([('loadbalancer_delete',
                           {'loadbalancer': {'loadbalancer_id': LB_ID, 'project_id': PROJECT},
                            'cascade': True}, LB_ID)], self.jobs)

    def test_failover_posts_the_id(self):
        self.driver.loadbalancer_failover(LB_ID)
        self.assertEqual([('loadbalancer_failover', {'loadbalancer_id': LB_ID}, LB_ID)],
                         self.jobs)

    def test_health_monitor_operations_use_the_provider_method_names(self):
        hm = data_models.HealthMonitor(healthmonitor_id=MEMBER_ID, pool_id=POOL_ID)
        self.driver.health_monitor_delete(hm)
        self.assertEqual('health_monitor_delete', self.jobs[0][0])
        self.assertEqual({'healthmonitor': {'healthmonitor_id': MEMBER_ID,
                                            'pool_id': POOL_ID}}, self.jobs[0][1])

    def test_member_batch_update_posts_the_desired_list(self):
        # Octavia gives new members their ids before it calls the driver.
        self.driver.member_batch_update(POOL_ID, [member(), member(
            member_id='55555555-5555-4555-8555-555555555555', address='192.0.2.11')])
        [(operation, payload, object_id)] = self.jobs
        self.assertEqual('member_batch_update', operation)
        self.assertEqual(POOL_ID, object_id)
        self.assertEqual(['192.0.2.10', '192.0.2.11'],
                         [m['address'] for m in payload['members']])

    def test_member_batch_with_an_invalid_member_posts_nothing(self):
        self.assertRefused(self.driver.member_batch_update, POOL_ID,
                           [member(), member(protocol_port=0)], fragments=('protocol_port',))

    def test_certificates_are_posted_as_text(self):
        self.driver.listener_create(listener(
            protocol='TERMINATED_HTTPS', protocol_port=443,
            default_tls_container_ref='ref',
            default_tls_container_data={'id': 'c1', 'certificate': PEM, 'primary_cn': 'x',
                                        'private_key': KEY, 'intermediates': []}))
        payload = self.jobs[0][1]['listener']
        self.assertEqual(PEM.decode(), payload['default_tls_container_data']['certificate'])

    def test_a_jobboard_failure_is_a_driver_error(self):
        self.useFixture(fixtures.MockPatch(
            'octavia_f5.controller.poster.post',
            side_effect=exceptions.JobPostFailed('Cannot post job: redis down')))
        e = self.assertRaises(lib_exceptions.DriverError, self.driver.pool_delete, pool())
        self.assertIn('try again later', e.user_fault_string)
        self.assertIn('redis down', e.operator_fault_string)

    def test_vip_port_is_left_to_octavia(self):
        self.assertRaises(lib_exceptions.NotImplementedError, self.driver.create_vip_port,
                          LB_ID, PROJECT, {}, [])

    def test_additional_vips_are_refused_before_any_port_exists(self):
        self.assertRefused(self.driver.create_vip_port, LB_ID, PROJECT,
                           {'vip_subnet_id': 's1'}, [{'subnet_id': 's2'}],
                           fragments=('additional_vips',))

    def test_vip_qos_policy_and_security_groups_are_refused_before_any_port_exists(self):
        self.assertRefused(self.driver.create_vip_port, LB_ID, PROJECT,
                           {'vip_subnet_id': 's1', 'vip_qos_policy_id': 'q1'}, [],
                           fragments=('vip_qos_policy_id',))
        self.assertRefused(self.driver.create_vip_port, LB_ID, PROJECT,
                           {'vip_subnet_id': 's1', 'vip_sg_ids': ['sg1']}, [],
                           fragments=('vip_sg_ids',))

    def test_vip_qos_policy_update_is_refused(self):
        old = data_models.LoadBalancer(loadbalancer_id=LB_ID, project_id=PROJECT,
                                       vip_address='192.0.2.1')
        new = data_models.LoadBalancer(loadbalancer_id=LB_ID, vip_qos_policy_id='q1')
        self.assertRefused(self.driver.loadbalancer_update, old, new,
                           fragments=('vip_qos_policy_id',))
        self.assertEqual([], self.jobs)

    def test_flavor_capabilities_are_listed(self):
        self.assertIn('loadbalancer_topology', self.driver.get_supported_flavor_metadata())
        self.assertIn('device_group',
                      self.driver.get_supported_availability_zone_metadata())
