# SPDX-License-Identifier: Apache-2.0
"""Load balancers end to end: lifecycle, fully populated create, cascade delete, failover."""

from tests.e2e import base
from tests.e2e import lbtest

SECOND_CIDR = '198.51.100.0/24'


def _member(host, port=8080):
    return {'address': '192.0.2.%d' % host, 'protocol_port': port}


def populated_graph():
    """listeners + pools + members + health monitor + L7 of a fully populated create."""
    pools = [
        {'name': 'web', 'protocol': 'HTTP', 'lb_algorithm': 'ROUND_ROBIN',
         'members': [_member(21), _member(22)],
         'healthmonitor': {'type': 'HTTP', 'delay': 5, 'timeout': 3, 'max_retries': 3,
                           'url_path': '/health', 'expected_codes': '200'}},
        {'name': 'api', 'protocol': 'HTTP', 'lb_algorithm': 'LEAST_CONNECTIONS',
         'members': [_member(23, 9000)]},
        {'name': 'raw', 'protocol': 'TCP', 'lb_algorithm': 'ROUND_ROBIN',
         'members': [_member(24, 5432)]},
    ]
    listeners = [
        {'name': 'http', 'protocol': 'HTTP', 'protocol_port': 80,
         'default_pool': {'name': 'web'},
         'l7policies': [{'name': 'to-api', 'action': 'REDIRECT_TO_POOL',
                         'redirect_pool': {'name': 'api'},
                         'rules': [{'type': 'PATH', 'compare_type': 'STARTS_WITH',
                                    'value': '/api'}]}]},
        {'name': 'tcp', 'protocol': 'TCP', 'protocol_port': 5432,
         'default_pool': {'name': 'raw'}},
    ]
    return listeners, pools


class TestLoadBalancer(lbtest.LoadBalancerTestCase):

    def test_create_update_delete_follow_on_device_and_in_neutron(self):
        lb = self.create_lb(name='plain', description='first')
        port = self.vip_port(lb)
        self.assertEqual('Octavia', port.device_owner)
        va = self.partition().get('ltm/virtual-address', 'lb_%s' % lb['id'])
        self.assertIn('first', va['description'])

        self.call('PUT', 'loadbalancers/%s' % lb['id'],
                  {'loadbalancer': {'description': 'second', 'admin_state_up': False}})
        self.settle(lb['id'])
        va = self.partition().get('ltm/virtual-address', 'lb_%s' % lb['id'])
        self.assertIn('second', va['description'])
        self.assertEqual('no', va['enabled'])

        self.call('PUT', 'loadbalancers/%s' % lb['id'],
                  {'loadbalancer': {'admin_state_up': True}})
        self.settle(lb['id'])

        self.call('DELETE', 'loadbalancers/%s' % lb['id'])
        self.wait_for_status(lambda: self.lb_or_deleted(lb['id']), base.DELETED)
        self.assert_lb_gone(lb)
        # The project's last load balancer took its partition and route domain with it.
        partition = self.partition()
        self.assertFalse(partition.exists, partition.rows())
        self.assertIsNone(partition.route_domain)

    def test_fully_populated_create_through_the_sdk_builds_everything_in_one_call(self):
        listeners, pools = populated_graph()
        created = self.conn.load_balancer.create_load_balancer(
            name='full', vip_subnet_id=self.subnet.id, project_id=self.project_id,
            provider='f5', listeners=listeners, pools=pools)
        self.addCleanup(self.delete_lb_quietly, created.id)
        state = self.settle(created.id)
        self.assertEqual(['http', 'tcp'], sorted(li['name'] for li in state['listeners']))
        self.assertEqual(['api', 'raw', 'web'], sorted(p['name'] for p in state['pools']))
        self.assertEqual(4, sum(len(m) for m in state['members'].values()))
        self.assertEqual(['HTTP'], [hm['type'] for hm in state['healthmonitors']])
        self.assertEqual(['REDIRECT_TO_POOL'], [p['action'] for p in state['l7policies']])
        self.assertEqual(1, sum(len(r) for r in state['l7rules'].values()))
        lb = self.get('loadbalancers/%s' % created.id)['loadbalancer']
        self.assertEqual(('ACTIVE', 'ONLINE'), (lb['provisioning_status'],
                                                lb['operating_status']))

    def test_cascade_delete_through_the_cli_removes_every_object_and_the_vip_port(self):
        listeners, pools = populated_graph()
        lb = self.create_lb(name='cascade', listeners=listeners, pools=pools)
        self.assertEqual(4, len(self.partition().names('ltm/node')))
        self.openstack('loadbalancer', 'delete', '--cascade', lb['id'], parse=False)
        self.wait_for_status(lambda: self.lb_or_deleted(lb['id']), base.DELETED)
        self.assert_lb_gone(lb)
        partition = self.partition()
        self.assertEqual([], partition.rows())
        for kind in lbtest.DEFAULT_STATUS_LIST:
            self.assertEqual([], self.get(kind, project_id=self.project_id)[kind], kind)

    def test_failover_through_the_cli_rewrites_the_objects_on_the_new_active_device(self):
        listeners, pools = populated_graph()
        lb = self.create_lb(name='failover', listeners=listeners, pools=pools)
        state = self.project_state()
        http = [li for li in state['listeners'] if li['name'] == 'http'][0]
        # Switching devices under another project's running job would be that job's failover.
        self.wait_quiet()
        old_active = self.devices.cluster()['active']
        standby = [d['name'] for d in self.devices.cluster()['devices']
                   if d['name'] != old_active][0]
        self.devices.failover(standby)
        self.addCleanup(self.devices.failover, old_active)
        # The new active device lost a virtual server: failover must put it back.
        self.devices.rest('DELETE', standby, '/ltm/virtual/~%s~listener_%s'
                          % (self.devices.partition_name(self.project_id), http['id']))
        self.assertIsNone(self.partition(standby).get('ltm/virtual', 'listener_%s'
                                                      % http['id']))

        self.openstack('loadbalancer', 'failover', lb['id'], parse=False)
        self.settle(lb['id'])
        self.assertEqual(standby, self.devices.cluster()['active'])
        self.assertIsNotNone(self.partition(standby).get('ltm/virtual', 'listener_%s'
                                                         % http['id']))

    def delete_ports_on(self, subnet_id):
        for port in self.conn.network.ports(fixed_ips='subnet_id=%s' % subnet_id):
            self.conn.network.delete_port(port.id, ignore_missing=True)

    def test_additional_vips_are_refused_and_leave_no_vip_port(self):
        network = self.demo_network()
        # A run that died before its cleanups left its second subnet (and maybe a port).
        for stale in self.conn.network.subnets(network_id=network.id, cidr=SECOND_CIDR):
            self.delete_ports_on(stale.id)
            self.conn.network.delete_subnet(stale.id)
        second = self.conn.network.create_subnet(
            network_id=network.id, cidr=SECOND_CIDR, ip_version=4,
            name='e2e-second-%s' % self.project_id)
        self.addCleanup(self.conn.network.delete_subnet, second.id, ignore_missing=True)
        # Runs first: a VIP port leaked into the subnet would keep it (and fail other tests).
        self.addCleanup(self.delete_ports_on, second.id)
        ports_before = {p.id for p in self.conn.network.ports(network_id=network.id)}
        response = self.api('POST', 'loadbalancers', {'loadbalancer': {
            'name': 'two-vips', 'vip_subnet_id': self.subnet.id, 'provider': 'f5',
            'project_id': self.project_id,
            'additional_vips': [{'subnet_id': second.id}]}})
        self.assert_refused(response, 'additional_vips')
        self.assertEqual([], self.get('loadbalancers',
                                      project_id=self.project_id)['loadbalancers'])
        ports_after = {p.id for p in self.conn.network.ports(network_id=network.id)}
        self.assertEqual(set(), ports_after - ports_before)
        self.assertFalse(self.partition().exists)
