# SPDX-License-Identifier: Apache-2.0
"""Octavia's API as the reconciler reads it (openstacksdk): load balancers and their statuses.

The driver agent's get socket gives a load balancer's objects but no provisioning statuses
and no listing, so the reconciler asks Octavia's API which load balancers of this provider
exist and which are PENDING. openstacksdk is imported on first use: the API driver, which
runs inside octavia-api, imports octavia_f5 modules but never this one.
"""

import dataclasses
import typing

from oslo_log import log as logging

from octavia_f5.common import config
from octavia_f5.common import exceptions

LOG = logging.getLogger(__name__)

PENDING_DELETE = 'PENDING_DELETE'


@dataclasses.dataclass(frozen=True)
class LoadBalancer:
    """What the reconciler needs to know of a load balancer from Octavia's API."""

    id: str
    project_id: str
    provisioning_status: str
    updated_at: typing.Optional[str] = None

    @property
    def pending(self):
        return self.provisioning_status.startswith('PENDING_')


def connect(conf):
    """An openstacksdk Connection to Octavia from [f5_reconciler] (raises if unconfigured)."""
    import openstack   # noqa: H306 - lazy: only the reconciler needs openstacksdk

    opts = conf[config.RECONCILER_GROUP]
    extra = {}
    if opts.endpoint_override:
        extra['load_balancer_endpoint_override'] = opts.endpoint_override
    if opts.cafile:
        extra['cacert'] = opts.cafile
    if opts.cloud:
        return openstack.connect(cloud=opts.cloud, **extra)
    if opts.auth_type == 'none':
        if not opts.endpoint_override:
            raise exceptions.ReconcilerNotConfigured(
                '[f5_reconciler] auth_type = none needs endpoint_override (the URL of '
                'Octavia\'s API)')
        return openstack.connection.Connection(
            auth_type='none', auth={'endpoint': opts.endpoint_override}, **extra)
    if not (opts.auth_url and opts.username and opts.password):
        raise exceptions.ReconcilerNotConfigured(
            'set [f5_reconciler] cloud, or auth_url, username and password (or auth_type = '
            'none with endpoint_override for an Octavia without Keystone)')
    auth = {'auth_url': opts.auth_url, 'username': opts.username, 'password': opts.password,
            'project_name': opts.project_name, 'user_domain_name': opts.user_domain_name,
            'project_domain_name': opts.project_domain_name}
    return openstack.connection.Connection(
        auth_type=opts.auth_type, auth=auth, region_name=opts.region_name,
        interface=opts.interface, **extra)


def configured(conf):
    """Whether [f5_reconciler] says how to reach Octavia's API at all."""
    opts = conf[config.RECONCILER_GROUP]
    return bool(opts.cloud or opts.auth_url or (opts.auth_type == 'none' and
                                                opts.endpoint_override))


class OctaviaApi(object):
    """Reads Octavia's API; every failure becomes OctaviaApiError (nothing is half-read)."""

    def __init__(self, conf, connection=None):
        self._conf = conf
        self._provider = conf[config.RECONCILER_GROUP].provider
        self._connection = connection

    @property
    def _lb(self):
        if self._connection is None:
            self._connection = connect(self._conf)
        return self._connection.load_balancer

    def _read(self, what, function):
        try:
            return function()
        except exceptions.F5Error:
            raise
        except Exception as error:
            raise exceptions.OctaviaApiError('Reading %s from Octavia\'s API failed: %s'
                                             % (what, error)) from error

    def loadbalancers(self, project_id=None):
        """This provider's load balancers (of one project, if given)."""
        query = {'provider': self._provider}
        if project_id:
            query['project_id'] = project_id
        found = self._read('the load balancers',
                           lambda: list(self._lb.load_balancers(**query)))
        return [_record(lb) for lb in found]

    def loadbalancer(self, loadbalancer_id):
        """One load balancer, or None if Octavia does not know it (or it is not ours)."""
        found = self._read('load balancer %s' % loadbalancer_id,
                           lambda: self._lb.find_load_balancer(loadbalancer_id,
                                                               ignore_missing=True))
        if found is None or (found.provider and found.provider != self._provider):
            return None
        return _record(found)

    def pending_deletes(self, loadbalancer, graph):
        """{(kind, id)} of the load balancer's objects Octavia marked PENDING_DELETE.

        Asked only for a load balancer whose job was lost: a few calls per kind, one per
        pool (members) and per L7 policy (rules), because those are sub-resources.
        """
        def read():
            found = set()
            query = {'project_id': loadbalancer.project_id,
                     'provisioning_status': PENDING_DELETE}
            for kind, listing in (('listener', self._lb.listeners),
                                  ('pool', self._lb.pools),
                                  ('healthmonitor', self._lb.health_monitors),
                                  ('l7policy', self._lb.l7_policies)):
                found.update((kind, obj.id) for obj in listing(**query))
            for pool_id in graph.pools:
                found.update(('member', m.id) for m in self._lb.members(
                    pool_id, provisioning_status=PENDING_DELETE))
            for policy in graph.objects('l7policy'):
                found.update(('l7rule', r.id) for r in self._lb.l7_rules(
                    policy['l7policy_id'], provisioning_status=PENDING_DELETE))
            return found
        return {(kind, object_id) for kind, object_id in self._read(
            'the objects being deleted of load balancer %s' % loadbalancer.id, read)
            if graph.find(kind, object_id) is not None}


def _record(lb):
    return LoadBalancer(lb.id, lb.project_id, lb.provisioning_status, lb.updated_at)
