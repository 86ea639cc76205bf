# SPDX-License-Identifier: Apache-2.0
"""F5ProviderDriver: the octavia-lib provider driver Octavia's API loads as provider ``f5``.

Every lifecycle call validates synchronously (the mapping's rules are the one source of truth),
serialises the objects and posts one job to the jobboard, then returns; a worker carries the job
out and reports the statuses. Octavia builds a driver object for every API request and calls it
inside its database transaction, so nothing here may block: construction is free, no device and
no driver-agent socket is touched, and a job is only a Redis write.
"""

from octavia_lib.api.drivers import exceptions as lib_exceptions
from octavia_lib.api.drivers import provider_base
from oslo_log import log as logging

from octavia_f5.api import flavor
from octavia_f5.api import protocols
from octavia_f5.api import serialize
from octavia_f5.api import validate
from octavia_f5.common import exceptions
from octavia_f5.controller import poster

LOG = logging.getLogger(__name__)


def _refuse(error):
    """octavia-lib's UnsupportedOptionError (HTTP 501 with this text) for a mapping error."""
    msg = 'The F5 provider cannot do this: %s' % error
    return lib_exceptions.UnsupportedOptionError(user_fault_string=msg,
                                                 operator_fault_string=msg)


def _merged(before, changes):
    """The object as it will be after an update: the old one with the changed fields."""
    merged = dict(before or {})
    merged.update(changes)
    return merged


class F5ProviderDriver(provider_base.ProviderDriver):
    """Octavia provider driver for F5 BIG-IP devices."""

    def _submit(self, operation, payload, object_id, check=None, *check_args):
        """Validate with ``check`` (raising UnsupportedOptionError), then post the job."""
        if check is not None:
            try:
                check(*check_args)
            except (exceptions.UnsupportedOption, exceptions.InvalidValue) as e:
                LOG.info('Refused %s of %s: %s', operation, object_id, e)
                raise _refuse(e)
        try:
            poster.post(operation, payload, object_id=object_id)
        except exceptions.F5Error as e:
            # The API rolls its transaction back on DriverError: nothing changes in Octavia.
            LOG.error('Could not post %s of %s: %s', operation, object_id, e)
            raise lib_exceptions.DriverError(
                user_fault_string='The F5 provider could not accept the request now; '
                                  'try again later.',
                operator_fault_string='Posting job %s for %s failed: %s'
                                      % (operation, object_id, e))

    def _create(self, kind, obj, check):
        payload = serialize.to_payload(obj)
        self._submit('%s_create' % _operation_kind(kind), {kind: payload},
                     payload.get('%s_id' % kind), check, payload)
        return payload

    def _update(self, kind, old, new, check):
        changes = serialize.to_payload(new) or {}
        before = serialize.to_payload(old)
        object_id = before.get('%s_id' % kind)
        merged = _merged(before, changes)
        # The object id is not a change, and ids never change in an update.
        changes.pop('%s_id' % kind, None)
        self._submit('%s_update' % _operation_kind(kind),
                     {kind: before, '%s_updates' % kind: changes},
                     object_id, check, merged)

    def _delete(self, kind, obj):
        payload = serialize.to_payload(obj)
        self._submit('%s_delete' % _operation_kind(kind), {kind: payload},
                     payload.get('%s_id' % kind))
        return payload

    # --- load balancer ------------------------------------------------------------------------

    def loadbalancer_create(self, loadbalancer):
        payload = self._create('loadbalancer', loadbalancer, validate.loadbalancer)
        listeners = payload.get('listeners') or []
        protocols.remember(listeners, [p for lst in listeners
                                       for p in lst.get('l7policies') or ()])

    def loadbalancer_update(self, old_loadbalancer, new_loadbalancer):
        self._update('loadbalancer', old_loadbalancer, new_loadbalancer,
                     validate.loadbalancer_update)

    def loadbalancer_delete(self, loadbalancer, cascade=False):
        payload = serialize.to_payload(loadbalancer)
        self._submit('loadbalancer_delete', {'loadbalancer': payload, 'cascade': bool(cascade)},
                     payload.get('loadbalancer_id'))
        protocols.forget([lst.get('listener_id') for lst in payload.get('listeners') or ()
                          if lst.get('listener_id')])

    def loadbalancer_failover(self, loadbalancer_id):
        self._submit('loadbalancer_failover', {'loadbalancer_id': loadbalancer_id},
                     loadbalancer_id)

    # --- listener, pool, member, health monitor, L7 ---------------------------------------------

    def listener_create(self, listener):
        payload = self._create('listener', listener, validate.listener)
        protocols.remember([payload], payload.get('l7policies') or ())

    def listener_update(self, old_listener, new_listener):
        self._update('listener', old_listener, new_listener, validate.listener)

    def listener_delete(self, listener):
        protocols.forget([self._delete('listener', listener).get('listener_id')])

    def pool_create(self, pool):
        self._create('pool', pool, validate.pool)

    def pool_update(self, old_pool, new_pool):
        self._update('pool', old_pool, new_pool, validate.pool)

    def pool_delete(self, pool):
        self._delete('pool', pool)

    def member_create(self, member):
        self._create('member', member, validate.member)

    def member_update(self, old_member, new_member):
        self._update('member', old_member, new_member, validate.member)

    def member_delete(self, member):
        self._delete('member', member)

    def member_batch_update(self, pool_id, members):
        payload = [serialize.to_payload(m) for m in members]
        self._submit('member_batch_update', {'pool_id': pool_id, 'members': payload},
                     pool_id, validate.members, payload)

    def health_monitor_create(self, healthmonitor):
        self._create('healthmonitor', healthmonitor, validate.healthmonitor)

    def health_monitor_update(self, old_healthmonitor, new_healthmonitor):
        self._update('healthmonitor', old_healthmonitor, new_healthmonitor,
                     validate.healthmonitor)

    def health_monitor_delete(self, healthmonitor):
        self._delete('healthmonitor', healthmonitor)

    # Octavia gives an L7 policy without its listener and a rule without its policy; the
    # listener's protocol, noted when it was created (api/protocols.py), decides whether
    # BIG-IP can carry them.

    @staticmethod
    def _check_l7policy(policy):
        validate.l7policy(policy)
        validate.l7policy_on_listener(policy, protocols.of_listener(policy.get('listener_id')))

    @staticmethod
    def _check_l7rule(rule):
        validate.l7rule(rule)
        validate.l7rule_on_listener(rule, protocols.of_policy(rule.get('l7policy_id')))

    def l7policy_create(self, l7policy):
        payload = self._create('l7policy', l7policy, self._check_l7policy)
        protocols.remember(policies=[payload])

    def l7policy_update(self, old_l7policy, new_l7policy):
        self._update('l7policy', old_l7policy, new_l7policy, self._check_l7policy)

    def l7policy_delete(self, l7policy):
        protocols.forget(policy_ids=[self._delete('l7policy', l7policy).get('l7policy_id')])

    def l7rule_create(self, l7rule):
        self._create('l7rule', l7rule, self._check_l7rule)

    def l7rule_update(self, old_l7rule, new_l7rule):
        self._update('l7rule', old_l7rule, new_l7rule, self._check_l7rule)

    def l7rule_delete(self, l7rule):
        self._delete('l7rule', l7rule)

    # --- flavors and availability zones (synchronous) ------------------------------------------

    def get_supported_flavor_metadata(self):
        return dict(flavor.FLAVOR_METADATA)

    def validate_flavor(self, flavor_metadata):
        flavor.validate_flavor(flavor_metadata)

    def get_supported_availability_zone_metadata(self):
        return dict(flavor.AVAILABILITY_ZONE_METADATA)

    def validate_availability_zone(self, availability_zone_metadata):
        flavor.validate_availability_zone(availability_zone_metadata)

    def create_vip_port(self, loadbalancer_id, project_id, vip_dictionary,
                        additional_vip_dicts=None):
        """Leave the VIP to Octavia's network driver; first refuse what the VIP cannot carry.

        Octavia calls this before it allocates the VIP port and before loadbalancer_create;
        a refusal in loadbalancer_create would leave that port behind in Neutron (Octavia 19
        does not free it), so what the VIP dictionary shows we cannot do (additional VIPs, QoS
        policy, security groups) is refused here, where nothing exists yet.
        NotImplementedError makes Octavia allocate the port itself and free it with the LB.
        """
        try:
            validate.vip_port(vip_dictionary or {})
        except exceptions.UnsupportedOption as error:
            raise _refuse(error)
        if additional_vip_dicts:
            raise _refuse(exceptions.UnsupportedOption(
                'additional_vips', 'a BIG-IP virtual server listens on a single destination '
                                   'address; load balancers with additional VIPs are not '
                                   'supported by this provider'))
        raise lib_exceptions.NotImplementedError(
            user_fault_string='The F5 provider lets Octavia allocate the VIP port.',
            operator_fault_string='The F5 provider lets Octavia allocate the VIP port.')


def _operation_kind(kind):
    """The ProviderDriver method prefix of an object kind ('healthmonitor' -> 'health_monitor')."""
    return 'health_monitor' if kind == 'healthmonitor' else kind
