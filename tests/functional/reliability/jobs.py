# SPDX-License-Identifier: Apache-2.0
"""Jobs as Octavia's API posts them: the FakeOctavia edited, the payload, the outcome's objects.

Each factory takes the test (a ReliabilityTestCase), changes its FakeOctavia the way
Octavia's API stores the change, and returns a base.Job. Nothing is posted here.
"""

from octavia_f5.flows import constants as c
from tests.functional.flows import base as flows_base
from tests.functional.reliability import base
from tests.unit.flows import certs


def create(test, kind, parent_id=None, **fields):
    obj = test.octavia.add(kind, parent_id, **fields)
    object_id = obj[c.id_key(kind)]
    return base.Job(flows_base.operation_name(kind, c.CREATE),
                    test.octavia.payload(kind, object_id), object_id,
                    subjects={(kind, object_id): 'ACTIVE'},
                    pending=test._pending(kind, obj, 'PENDING_CREATE'))


def update(test, kind, object_id, **changes):
    old, updates = test.octavia.update(kind, object_id, **changes)
    return base.Job(flows_base.operation_name(kind, c.UPDATE),
                    {kind: old, c.updates_key(kind): updates}, object_id,
                    subjects={(kind, object_id): 'ACTIVE'},
                    pending=test._pending(kind, test.octavia.objects[kind][object_id],
                                          'PENDING_UPDATE'))


def delete(test, kind, object_id, **extra):
    payload = test.octavia.payload(kind, object_id, for_delete=True)
    payload.update(extra)
    return base.Job(flows_base.operation_name(kind, c.DELETE), payload, object_id,
                    subjects={(kind, object_id): 'DELETED'},
                    pending=test._pending(kind, test.octavia.objects[kind][object_id],
                                          'PENDING_DELETE'),
                    removes=[(kind, object_id)])


def cascade_delete(test, lb_id):
    """A cascade delete: Octavia marks only the load balancer; its children follow it."""
    job = delete(test, c.LOADBALANCER, lb_id, cascade=True)
    job.pending = {(c.LOADBALANCER, lb_id): 'PENDING_DELETE'}
    return job


def populated_create(test, lb_id):
    """A fully populated create of a load balancer the FakeOctavia already holds whole."""
    every = test.octavia.all_ids()
    return base.Job('loadbalancer_create', test.octavia.payload(c.LOADBALANCER, lb_id), lb_id,
                    subjects={key: 'ACTIVE' for key in every},
                    pending={key: 'PENDING_CREATE' for key in every})


def failover(test, lb_id):
    return base.Job('loadbalancer_failover', {c.LOADBALANCER_ID: lb_id}, lb_id,
                    subjects={(c.LOADBALANCER, lb_id): 'ACTIVE'},
                    pending={(c.LOADBALANCER, lb_id): 'PENDING_UPDATE'})


def batch_update(test, pool_id, keep, add, drop, **changes):
    """member_batch_update keeping ``keep`` (with ``changes``), adding ``add`` new members."""
    octavia = test.octavia
    for member_id in keep:
        octavia.objects[c.MEMBER][member_id].update(changes)
    new = [octavia.add(c.MEMBER, pool_id, address=address)['member_id'] for address in add]
    pool = octavia.objects[c.POOL][pool_id]
    pending = test._pending(c.POOL, pool, 'PENDING_UPDATE')
    subjects = {}
    for member_ids, provisioning, final in ((keep, 'PENDING_UPDATE', 'ACTIVE'),
                                            (new, 'PENDING_CREATE', 'ACTIVE'),
                                            (drop, 'PENDING_DELETE', 'DELETED')):
        for member_id in member_ids:
            pending[(c.MEMBER, member_id)] = provisioning
            subjects[(c.MEMBER, member_id)] = final
    members = [octavia.objects[c.MEMBER][m] for m in list(keep) + new]
    return base.Job('member_batch_update', {c.POOL_ID: pool_id, c.MEMBERS: members}, pool_id,
                    subjects=subjects, pending=pending,
                    removes=[(c.MEMBER, m) for m in drop])


# --- fields of TLS objects ----------------------------------------------------------------


def tls_listener(default, *sni, client_ca=True):
    """Fields of a TERMINATED_HTTPS listener: default and SNI certificates, client CA and CRL."""
    fields = {'protocol': 'TERMINATED_HTTPS', 'protocol_port': 443,
              'default_tls_container_ref': 'ref-' + default['primary_cn'],
              'default_tls_container_data': default,
              'sni_container_refs': ['ref-' + s['primary_cn'] for s in sni] or None,
              'sni_container_data': list(sni) or None}
    if client_ca:
        fields.update(client_authentication='MANDATORY', client_ca_tls_container_ref='ref-ca',
                      client_ca_tls_container_data=certs.authority()[2],
                      client_crl_container_ref='ref-crl', client_crl_container_data=certs.crl())
    return fields


def tls_pool(client=None):
    """Fields of a pool that speaks TLS to its members and verifies them.

    ``client``: a certificate container the pool presents to its members.
    """
    fields = {'tls_enabled': True, 'ca_tls_container_ref': 'ref-ca',
              'ca_tls_container_data': certs.authority()[2]}
    if client:
        fields.update(tls_container_ref='ref-' + client['primary_cn'],
                      tls_container_data=client)
    return fields
