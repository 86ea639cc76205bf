# SPDX-License-Identifier: Apache-2.0
"""Flavor and availability-zone metadata the F5 provider accepts, and their checks."""

import jsonschema
from octavia_lib.api.drivers import exceptions as lib_exceptions
from oslo_config import cfg

from octavia_f5.bigip.mapping import context
from octavia_f5.common import exceptions

# The flavor keys live with the mapping that honours them (context.FLAVOR_KEYS): the
# capabilities shown to users and the checks below come from that one table.
FLAVOR_METADATA = {key: spec.description for key, spec in context.FLAVOR_KEYS.items()}

AVAILABILITY_ZONE_METADATA = {
    'device_group': 'Name of the BIG-IP device group ([f5_bigip] device_group) that serves '
                    'the load balancers of this availability zone.',
}

AVAILABILITY_ZONE_SCHEMA = {
    '$schema': 'http://json-schema.org/draft-07/schema#',
    'type': 'object',
    'additionalProperties': False,
    'properties': {
        'device_group': {'type': 'string', 'pattern': r'^[A-Za-z0-9_.-]{1,255}$'},
    },
}


def _refuse(what, field, reason):
    msg = 'Invalid %s metadata: %s: %s' % (what, field, reason)
    raise lib_exceptions.UnsupportedOptionError(user_fault_string=msg,
                                                operator_fault_string=msg)


def validate_flavor(metadata, conf=cfg.CONF):
    """Refuse flavor metadata the F5 provider cannot honour, naming the key."""
    try:
        context.validate_flavor(metadata)
    except (exceptions.UnsupportedOption, exceptions.InvalidValue) as e:
        _refuse('flavor', e.field, e.reason)
    # Only a configuration that names exactly one device is known to lack HA; an API node
    # without [f5_bigip] devices cannot tell, and the worker's device group decides.
    if ((metadata or {}).get('loadbalancer_topology') == 'ACTIVE_STANDBY'
            and len(conf.f5_bigip.devices) == 1):
        _refuse('flavor', 'flavor.loadbalancer_topology',
                'ACTIVE_STANDBY needs a BIG-IP device group of two or more devices; this '
                'provider has one device')


def validate_availability_zone(metadata, conf=cfg.CONF):
    """Refuse availability-zone metadata that names no configured device group."""
    try:
        jsonschema.validate(metadata, AVAILABILITY_ZONE_SCHEMA)
    except jsonschema.ValidationError as e:
        field = '.'.join(str(p) for p in e.absolute_path) or 'availability zone'
        _refuse('availability zone', field, e.message)
    group = metadata.get('device_group')
    if group is not None and group != conf.f5_bigip.device_group:
        _refuse('availability zone', 'device_group',
                '%r is not a configured device group (configured: %r)'
                % (group, conf.f5_bigip.device_group))
