# SPDX-License-Identifier: Apache-2.0
"""Octavia provider dicts for mapping tests, built through octavia-lib's own data models."""

from octavia_lib.api.drivers import data_models

from octavia_f5.bigip.mapping import context

PROJECT = 'c0ffee00c0ffee00c0ffee00c0ffee00'
LB_ID = '11111111-1111-4111-8111-111111111111'
LISTENER_ID = '22222222-2222-4222-8222-222222222222'
POOL_ID = '33333333-3333-4333-8333-333333333333'
POOL2_ID = '33333333-3333-4333-8333-333333333334'
HM_ID = '44444444-4444-4444-8444-444444444444'
MEMBER_IDS = ['55555555-5555-4555-8555-55555555555%d' % i for i in range(1, 5)]
POLICY_IDS = ['66666666-6666-4666-8666-66666666666%d' % i for i in range(1, 6)]
RULE_IDS = ['77777777-7777-4777-8777-77777777777%d' % i for i in range(1, 10)]
CERT_ID = 'a1' * 20
SNI_ID = 'b2' * 20
POOL_CERT_ID = 'c3' * 20

# Not real PEM: the mapping only ships the text. Recognisable so tests can find leaks.
CERT_PEM = '-----BEGIN CERTIFICATE-----\nMIIBCERTDEFAULT\n-----END CERTIFICATE-----\n'
SNI_PEM = '-----BEGIN CERTIFICATE-----\nMIIBCERTSNI\n-----END CERTIFICATE-----\n'
INTERMEDIATE_PEM = '-----BEGIN CERTIFICATE-----\nMIIBINTERMEDIATE\n-----END CERTIFICATE-----\n'
KEY_PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n'
CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBCLIENTCA\n-----END CERTIFICATE-----\n'
CRL_PEM = '-----BEGIN X509 CRL-----\nMIIBCRL\n-----END X509 CRL-----\n'


def ctx(**kw):
    kw.setdefault('project_id', PROJECT)
    kw.setdefault('route_domain', 12)
    return context.Context(**kw)


def tls_container(cid=CERT_ID, pem=CERT_PEM, primary_cn='www.example.com',
                  intermediates=()):
    return {'id': cid, 'primary_cn': primary_cn, 'certificate': pem, 'private_key': KEY_PEM,
            'intermediates': list(intermediates), 'passphrase': None}


def loadbalancer(**kw):
    fields = dict(loadbalancer_id=LB_ID, project_id=PROJECT, vip_address='192.0.2.10',
                  admin_state_up=True, name='web', description='front end')
    fields.update(kw)
    return data_models.LoadBalancer(**fields).to_dict(recurse=True)


def member(index=0, **kw):
    fields = dict(member_id=MEMBER_IDS[index], pool_id=POOL_ID, project_id=PROJECT,
                  address='10.0.0.%d' % (index + 1), protocol_port=8080, weight=1,
                  admin_state_up=True, backup=False)
    fields.update(kw)
    return data_models.Member(**fields)


def healthmonitor(**kw):
    fields = dict(healthmonitor_id=HM_ID, pool_id=POOL_ID, project_id=PROJECT, type='HTTP',
                  delay=5, timeout=3, max_retries=2, max_retries_down=3, http_method='GET',
                  url_path='/healthz', expected_codes='200', admin_state_up=True, name='hm')
    fields.update(kw)
    return data_models.HealthMonitor(**fields)


def pool(members=None, hm=None, **kw):
    fields = dict(pool_id=POOL_ID, loadbalancer_id=LB_ID, project_id=PROJECT, protocol='HTTP',
                  lb_algorithm='ROUND_ROBIN', admin_state_up=True, name='app',
                  description='', members=members if members is not None else
                  [member(0), member(1)], healthmonitor=hm)
    fields.update(kw)
    return data_models.Pool(**fields).to_dict(recurse=True)


def l7rule(index=0, **kw):
    fields = dict(l7rule_id=RULE_IDS[index], type='PATH', compare_type='STARTS_WITH',
                  value='/api', invert=False, admin_state_up=True, project_id=PROJECT)
    fields.update(kw)
    return data_models.L7Rule(**fields)


def l7policy(index=0, rules=None, **kw):
    fields = dict(l7policy_id=POLICY_IDS[index], listener_id=LISTENER_ID, project_id=PROJECT,
                  action='REDIRECT_TO_POOL', redirect_pool_id=POOL2_ID, position=index + 1,
                  admin_state_up=True, name='policy%d' % index,
                  rules=rules if rules is not None else [l7rule(index)])
    fields.update(kw)
    return data_models.L7Policy(**fields)


def listener(**kw):
    fields = dict(listener_id=LISTENER_ID, loadbalancer_id=LB_ID, project_id=PROJECT,
                  protocol='HTTP', protocol_port=80, admin_state_up=True, name='www',
                  description='', connection_limit=-1, default_pool_id=POOL_ID,
                  timeout_client_data=50000, timeout_member_connect=5000,
                  timeout_member_data=50000, timeout_tcp_inspect=0)
    if kw.get('protocol') == 'TERMINATED_HTTPS':
        fields.update(protocol_port=443, default_tls_container_data=tls_container(),
                      client_authentication='NONE', tls_versions=['TLSv1.2', 'TLSv1.3'],
                      tls_ciphers=None, alpn_protocols=['http/1.1', 'http/1.0'])
    fields.update(kw)
    return data_models.Listener(**fields).to_dict(recurse=True)
