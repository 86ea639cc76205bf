# SPDX-License-Identifier: Apache-2.0
"""Realistic octavia-lib objects, as Octavia's API hands them to a provider, for benchmarks.

Ids are UUIDs, TLS containers carry a real certificate and key (bytes, as Octavia's cert
parser gives them), and the fully populated load balancer has the shape of a typical web
service: HTTP and TERMINATED_HTTPS listeners, two pools with members and health monitors,
and L7 policies with rules.
"""

import datetime
import uuid

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography import x509
from cryptography.x509.oid import NameOID
from octavia_lib.api.drivers import data_models as dm

PROJECT = 'b5bc1ba4a46d4a5b9a4e8e1bd7b1f2c3'
SUBNET = str(uuid.uuid4())
NETWORK = str(uuid.uuid4())


def _id():
    return str(uuid.uuid4())


def tls_container(common_name):
    """A TLS container dict as octavia.common.tls_utils.cert_parser builds it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    return {'id': uuid.uuid4().hex + '00000000', 'primary_cn': common_name,
            'certificate': cert.public_bytes(serialization.Encoding.PEM),
            'private_key': key.private_bytes(serialization.Encoding.PEM,
                                             serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()),
            'passphrase': None, 'intermediates': []}


def member(pool_id, host, port=8080):
    return dm.Member(member_id=_id(), pool_id=pool_id, project_id=PROJECT,
                     address='10.0.%d.%d' % (host // 256, host % 256), protocol_port=port,
                     weight=1, backup=False, admin_state_up=True, subnet_id=SUBNET,
                     name='web-%d' % host, monitor_address=None, monitor_port=None)


def healthmonitor(pool_id):
    return dm.HealthMonitor(healthmonitor_id=_id(), pool_id=pool_id, project_id=PROJECT,
                            type='HTTP', delay=5, timeout=3, max_retries=3,
                            max_retries_down=3, http_method='GET', url_path='/health',
                            expected_codes='200', http_version=1.1,
                            domain_name='www.example.org', admin_state_up=True, name='hm')


def pool(lb_id, listener_id, members=10):
    pool_id = _id()
    return dm.Pool(pool_id=pool_id, loadbalancer_id=lb_id, listener_id=listener_id,
                   project_id=PROJECT, protocol='HTTP', lb_algorithm='ROUND_ROBIN',
                   admin_state_up=True, name='web', description='web servers',
                   session_persistence={'type': 'HTTP_COOKIE', 'cookie_name': None,
                                        'persistence_timeout': None,
                                        'persistence_granularity': None},
                   members=[member(pool_id, i) for i in range(members)],
                   healthmonitor=healthmonitor(pool_id), tls_enabled=False)


def l7rule(policy_id, value='/api'):
    return dm.L7Rule(l7rule_id=_id(), l7policy_id=policy_id, project_id=PROJECT,
                     type='PATH', compare_type='STARTS_WITH', value=value, key=None,
                     invert=False, admin_state_up=True)


def l7policy(listener_id, redirect_pool_id):
    policy_id = _id()
    return dm.L7Policy(l7policy_id=policy_id, listener_id=listener_id, project_id=PROJECT,
                       action='REDIRECT_TO_POOL', redirect_pool_id=redirect_pool_id,
                       position=1, admin_state_up=True, name='api',
                       rules=[l7rule(policy_id), l7rule(policy_id, '/v2')])


def listener(lb_id, protocol='HTTP', port=80, default_pool=None, tls=None):
    fields = dict(listener_id=_id(), loadbalancer_id=lb_id, project_id=PROJECT,
                  protocol=protocol, protocol_port=port, connection_limit=-1,
                  admin_state_up=True, name='%s-%d' % (protocol.lower(), port),
                  timeout_client_data=50000, timeout_member_connect=5000,
                  timeout_member_data=50000, timeout_tcp_inspect=0,
                  insert_headers={'X-Forwarded-For': 'true'}, allowed_cidrs=['0.0.0.0/0'],
                  default_pool_id=default_pool.pool_id if default_pool else None,
                  l7policies=[])
    if tls:
        fields.update(default_tls_container_ref=tls['id'], default_tls_container_data=tls,
                      sni_container_refs=[], sni_container_data=[],
                      tls_versions=['TLSv1.2', 'TLSv1.3'], alpn_protocols=['http/1.1'],
                      client_authentication='NONE')
    return dm.Listener(**fields)


def realistic():
    """Every object the benchmark passes to the driver, by name."""
    lb_id = _id()
    http = listener(lb_id)
    web, api = pool(lb_id, http.listener_id), pool(lb_id, http.listener_id, members=4)
    http.default_pool_id = web.pool_id
    http.l7policies = [l7policy(http.listener_id, api.pool_id)]
    tls_listener = listener(lb_id, 'TERMINATED_HTTPS', 443, web,
                            tls_container('www.example.org'))
    vip = dict(vip_address='192.0.2.10', vip_network_id=NETWORK, vip_subnet_id=SUBNET,
               vip_port_id=_id())
    base = dict(project_id=PROJECT, name='web', description='bench', admin_state_up=True,
                flavor={}, availability_zone=None, **vip)
    return {
        'loadbalancer': dm.LoadBalancer(loadbalancer_id=lb_id, **base),
        'populated': dm.LoadBalancer(loadbalancer_id=lb_id, listeners=[http, tls_listener],
                                     pools=[web, api], **base),
        'listener': http, 'tls_listener': tls_listener, 'pool': web,
        'member': member(web.pool_id, 300), 'members': list(web.members),
        'healthmonitor': healthmonitor(api.pool_id),
        'l7policy': l7policy(http.listener_id, api.pool_id),
        'l7rule': l7rule(http.l7policies[0].l7policy_id, '/v3'),
    }
