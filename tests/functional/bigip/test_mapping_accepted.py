# SPDX-License-Identifier: Apache-2.0
"""The mapping's objects, posted to the BIG-IP simulator over HTTP, are accepted as they are.

Every family is created in dependency order (files uploaded first, LTM policies as draft then
published, as docs/mapping.md prescribes), read back, updated by PATCH where the flows rely
on inline lists being replaced, and deleted in reverse order.
"""

import datetime

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography import x509
from cryptography.x509 import oid
import requests

from octavia_f5.bigip.mapping import listener
from octavia_f5.bigip.mapping import loadbalancer
from octavia_f5.bigip.mapping import member
from octavia_f5.bigip.mapping import pool
from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip.mapping import tenancy
from octavia_f5.simulator import fixture
from tests import base
from tests.unit.bigip.mapping import fixtures as F

UPLOADS = '/mgmt/shared/file-transfer/uploads/'
# Objects several owners may list (certificates by container id, nodes by address): the
# flows treat "exists" on create and "in use" or "gone" on delete as success for them.
SHARED = ('ltm/node', 'sys/file/ssl-cert', 'sys/file/ssl-key')


def _key_and_cert(common_name):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(oid.NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=2))
            .sign(key, hashes.SHA256()))
    crl = (x509.CertificateRevocationListBuilder().issuer_name(name).last_update(now)
           .next_update(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return (key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()).decode(),
            cert.public_bytes(pem).decode(), crl.public_bytes(pem).decode())


def _container(cid, common_name):
    key, cert, _crl = _key_and_cert(common_name)
    return dict(F.tls_container(cid, primary_cn=common_name), certificate=cert,
                private_key=key)


class TestMappingAccepted(base.TestCase):

    def setUp(self):
        super().setUp()
        self.sim = self.useFixture(fixture.SimulatorFixture())
        self.http = requests.Session()
        self.http.auth = (self.sim.username, self.sim.password)
        self.addCleanup(self.http.close)
        self.url = self.sim.urls[0]

    def _check(self, response, what, shared_statuses=()):
        if response.status_code not in shared_statuses:
            self.assertEqual(200, response.status_code, '%s: %s' % (what, response.text))
        return response

    def _item_url(self, item, sub_path=None):
        path = item.full_path if sub_path is None else '/%s/%s/%s' % (
            item.partition, sub_path, item.name)
        return '%s/mgmt/tm/%s/%s' % (self.url, item.collection,
                                     path.replace('/', '~').replace('%', '%25'))

    def create(self, items):
        for item in items:
            if item.content is not None:
                data = item.content.encode('ascii')
                self._check(self.http.post(self.url + UPLOADS + item.upload_name, data=data,
                                           headers={'Content-Type': 'application/octet-stream',
                                                    'Content-Range': '0-%d/%d' % (
                                                        len(data) - 1, len(data))}),
                            'upload ' + item.name)
            body = dict(item.body)
            if item.collection == 'ltm/policy':
                body['subPath'] = 'Drafts'
            self._check(self.http.post('%s/mgmt/tm/%s' % (self.url, item.collection),
                                       json=body), 'create %s' % item.full_path,
                        (409,) if item.collection in SHARED else ())
            if item.collection == 'ltm/policy':
                self._check(self.http.post(self.url + '/mgmt/tm/ltm/policy', json={
                    'command': 'publish',
                    'name': '/%s/Drafts/%s' % (item.partition, item.name)}), 'publish')
        return items

    def get(self, item):
        return self._check(self.http.get(self._item_url(item)), 'read ' + item.full_path).json()

    def delete(self, items):
        for item in reversed(items):
            self._check(self.http.delete(self._item_url(item)), 'delete ' + item.full_path,
                        (400, 404) if item.collection in SHARED else ())

    def _scenario(self):
        ctx = F.ctx()
        lb = F.loadbalancer()
        lb6 = F.loadbalancer(loadbalancer_id=F.LB_ID[:-1] + '6', vip_address='2001:db8::10')
        tenant = self.create(tenancy.resources(ctx))
        items = self.create(loadbalancer.resources(lb, ctx) + loadbalancer.resources(lb6, ctx))
        ca_key, ca_cert, ca_crl = _key_and_cert('ca.example')
        del ca_key
        web = F.pool(hm=F.healthmonitor(), lb_algorithm='SOURCE_IP',
                     session_persistence={'type': 'HTTP_COOKIE'},
                     members=[F.member(0, weight=3),
                              F.member(1, backup=True, monitor_address='10.9.0.1',
                                       monitor_port=9000),
                              F.member(2, address='10.0.0.3', weight=0)])
        api = F.pool(pool_id=F.POOL2_ID, lb_algorithm='SOURCE_IP',
                     session_persistence={'type': 'HTTP_COOKIE'},
                     members=[F.member(3, address='2001:db8::33')])
        tls_pool = F.pool(pool_id=F.POOL_ID[:-1] + '5', protocol='HTTPS', tls_enabled=True,
                          tls_container_data=_container(F.POOL_CERT_ID, 'client.example'),
                          ca_tls_container_data=ca_cert, crl_container_data=ca_crl,
                          tls_versions=['TLSv1.2'],
                          hm=F.healthmonitor(healthmonitor_id=F.HM_ID[:-1] + '5',
                                             type='HTTPS', expected_codes='200-204'))
        pools = {
            'udp': F.pool(pool_id=F.POOL_ID[:-1] + '6', protocol='UDP',
                          hm=F.healthmonitor(healthmonitor_id=F.HM_ID[:-1] + '6',
                                             type='UDP-CONNECT'),
                          session_persistence={'type': 'SOURCE_IP',
                                               'persistence_timeout': 60,
                                               'persistence_granularity': '255.255.255.0'}),
            'sctp': F.pool(pool_id=F.POOL_ID[:-1] + '7', protocol='SCTP',
                           hm=F.healthmonitor(healthmonitor_id=F.HM_ID[:-1] + '7',
                                              type='SCTP')),
            'proxy': F.pool(pool_id=F.POOL_ID[:-1] + '8', protocol='PROXYV2',
                            lb_algorithm='LEAST_CONNECTIONS',
                            hm=F.healthmonitor(healthmonitor_id=F.HM_ID[:-1] + '8',
                                               type='TCP')),
            'app_cookie': F.pool(pool_id=F.POOL_ID[:-1] + '9', session_persistence={
                'type': 'APP_COOKIE', 'cookie_name': 'JSESSIONID'},
                hm=F.healthmonitor(healthmonitor_id=F.HM_ID[:-1] + '9', type='PING')),
        }
        nodes = []
        for each in [web, api, tls_pool] + list(pools.values()):
            items += self.create(pool.resources(each, ctx))
            nodes += member.nodes(each, ctx)
        listeners = self._listeners(ca_cert, ca_crl, web, api, tls_pool, pools)
        for index, (lis, used, balancer) in enumerate(listeners):
            items += self.create(listener.resources(
                dict(lis, listener_id=F.LISTENER_ID[:-2] + '%02d' % index), balancer,
                used, ctx))
        # Deleted in reverse: the tenancy last, after the nodes BIG-IP made for the members.
        return ctx, web, tenant + nodes + items

    def _listeners(self, ca_cert, ca_crl, web, api, tls_pool, pools):
        lb = F.loadbalancer()
        lb6 = F.loadbalancer(loadbalancer_id=F.LB_ID[:-1] + '6', vip_address='2001:db8::10')
        https = F.listener(
            protocol='TERMINATED_HTTPS', default_pool_id=web['pool_id'],
            default_tls_container_data=_container(F.CERT_ID, 'www.example.com'),
            sni_container_data=[_container(F.SNI_ID, 'shop.example.com')],
            client_authentication='MANDATORY', client_ca_tls_container_data=ca_cert,
            client_crl_container_data=ca_crl, alpn_protocols=['h2', 'http/1.1'],
            hsts_max_age=3600, allowed_cidrs=['10.0.0.0/8', '192.168.0.0/16'],
            insert_headers={'X-Forwarded-For': 'true', 'X-Forwarded-Proto': 'true',
                            'X-SSL-Client-CN': 'true'},
            l7policies=[F.l7policy(0, redirect_pool_id=api['pool_id']),
                        F.l7policy(1, action='REJECT', redirect_pool_id=None, rules=[
                            F.l7rule(1, type='SSL_DN_FIELD', key='OU', compare_type='REGEX',
                                     value='^(eng|ops)$')])])
        http = F.listener(protocol_port=8080, default_pool_id=web['pool_id'],
                          allowed_cidrs=['198.51.100.0/24'], l7policies=[
                              F.l7policy(0, redirect_pool_id=api['pool_id'], rules=[
                                  F.l7rule(0, type='HOST_NAME', compare_type='EQUAL_TO',
                                           value='api.example.com'),
                                  F.l7rule(1, type='HEADER', key='X-Env',
                                           compare_type='CONTAINS', value='beta')])])
        return [
            (https, [web, api], lb),
            (http, [web, api], lb),
            (F.listener(protocol='HTTP', protocol_port=8443, default_pool_id=tls_pool['pool_id']),
             [tls_pool], lb),
            (F.listener(protocol='UDP', protocol_port=53,
                        default_pool_id=pools['udp']['pool_id']), [pools['udp']], lb),
            (F.listener(protocol='SCTP', protocol_port=3868,
                        default_pool_id=pools['sctp']['pool_id']), [pools['sctp']], lb),
            (F.listener(protocol='TCP', protocol_port=5000, connection_limit=100,
                        default_pool_id=pools['proxy']['pool_id']), [pools['proxy']], lb),
            (F.listener(protocol='HTTPS', protocol_port=443, admin_state_up=False,
                        default_pool_id=None), [], lb6),
            (F.listener(protocol='HTTP', protocol_port=80,
                        default_pool_id=pools['app_cookie']['pool_id']),
             [pools['app_cookie']], lb6),
        ]

    def test_every_family_is_created_read_and_deleted_in_order(self):
        _ctx, _web, items = self._scenario()
        for item in items:
            self.assertEqual(item.name, self.get(item)['name'])
        self.delete(items)
        for tenancy_item in items[:2]:  # the route domain and the partition are gone too
            self.assertEqual(404, self.http.get(self._item_url(tenancy_item)).status_code)

    def test_a_pool_patch_replaces_its_member_list(self):
        ctx, web, items = self._scenario()
        smaller = dict(web, members=[web['members'][2]])
        patched = pool.resources(smaller, ctx)[-1]
        self._check(self.http.patch(self._item_url(patched), json=patched.body), 'patch')
        members = self.http.get(self._item_url(patched) + '/members').json()
        self.assertEqual(['10.0.0.3%12:8080'], [m['name'] for m in members['items']])
        self.delete(items)

    def test_flavor_profiles_irules_and_tls_hello_monitor_are_accepted(self):
        flavor = {'tcp_profile': '/Common/tcp-lan-optimized', 'fastl4_profile': '/Common/fastL4',
                  'udp_profile': '/Common/udp', 'http_profile': '/Common/http',
                  'oneconnect_profile': '/Common/oneconnect',
                  'client_ssl_profile': '/Common/clientssl',
                  'server_ssl_profile': '/Common/serverssl-insecure-compatible',
                  'irules': ['/Common/op_log'], 'loadbalancer_topology': 'SINGLE'}
        ctx = F.ctx(flavor=flavor)
        # The operator's iRule: only an event every listener protocol has.
        op_rule = self.create([resource.make('ltm/rule', 'Common', 'op_log',
                                             apiAnonymous='when CLIENT_ACCEPTED {\n}\n')])
        lb = F.loadbalancer()
        tenant = self.create(tenancy.resources(ctx))
        items = self.create(loadbalancer.resources(lb, ctx))
        tcp_pool = F.pool(protocol='TCP', hm=F.healthmonitor(
            type='TLS-HELLO', http_method=None, url_path=None, expected_codes=None),
            members=[F.member(0), F.member(1, monitor_address='10.9.0.1', monitor_port=9443)])
        tls_pool = F.pool(pool_id=F.POOL2_ID, protocol='HTTPS', tls_enabled=True)
        udp_pool = F.pool(pool_id=F.POOL_ID[:-1] + '6', protocol='UDP')
        nodes = []
        for each in (tcp_pool, tls_pool, udp_pool):
            items += self.create(pool.resources(each, ctx))
            nodes += member.nodes(each, ctx)
        tempest = {'timeout_client_data': 1000, 'timeout_member_connect': 1000,
                   'timeout_member_data': 1000, 'timeout_tcp_inspect': 50}
        listeners = [
            (dict(tempest, protocol='TCP', protocol_port=8002), tcp_pool),
            (dict(tempest, protocol_port=8000, insert_headers={'X-Forwarded-For': 'true'}),
             tcp_pool),
            (dict(protocol='TERMINATED_HTTPS', default_tls_container_data=_container(
                F.CERT_ID, 'www.example.com')), tcp_pool),
            (dict(tempest, protocol='UDP', protocol_port=8003), udp_pool),
            (dict(protocol_port=8443), tls_pool),
        ]
        for index, (fields, used) in enumerate(listeners):
            lis = F.listener(listener_id=F.LISTENER_ID[:-2] + '%02d' % index,
                             default_pool_id=used['pool_id'], **fields)
            items += self.create(listener.resources(lis, lb, [used], ctx))
        virtuals = [i for i in items if i.collection == 'ltm/virtual']
        self.assertEqual(['/Common/op_log'] * 5, [self.get(v)['rules'][0] for v in virtuals])
        fastl4 = [i for i in items if i.collection == 'ltm/profile/fastl4']
        self.assertEqual('/Common/fastL4', self.get(fastl4[0])['defaultsFrom'])
        self.delete(tenant + nodes + items)
        self.delete(op_rule)
