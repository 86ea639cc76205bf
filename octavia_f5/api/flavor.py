# SPDX-License-Identifier: Apache-2.0
"""Flavor and availability-zone metadata the F5 provider accepts, as JSON schemas."""

import jsonschema
from octavia_lib.api.drivers import exceptions as lib_exceptions
from oslo_config import cfg

_PROFILE_PATH = {'type': 'string', 'pattern': r'^/Common/[A-Za-z0-9_.-]{1,200}$'}

_PROFILE_KEYS = {
    'tcp_profile': 'TCP profile that listeners\' TCP profiles inherit from.',
    'fastl4_profile': 'FastL4 profile used by TCP and HTTPS pass-through listeners.',
    'udp_profile': 'UDP profile that UDP listeners\' profiles inherit from.',
    'http_profile': 'HTTP profile that HTTP listeners\' profiles inherit from.',
    'oneconnect_profile': 'OneConnect profile attached to HTTP listeners.',
    'client_ssl_profile': 'Client-SSL profile that TERMINATED_HTTPS profiles inherit from.',
    'server_ssl_profile': 'Server-SSL profile that re-encrypting pools\' profiles inherit from.',
}

FLAVOR_METADATA = {
    'loadbalancer_topology': 'SINGLE or ACTIVE_STANDBY. ACTIVE_STANDBY needs a device group '
                             'of at least two BIG-IPs; every load balancer of this provider '
                             'lives on the whole device group.',
    'snat_mode': 'Source address translation of the virtual servers: automap, snatpool or '
                 'none (overrides [f5_network] snat_mode).',
    'snat_pool': 'Full path of an existing SNAT pool (/Common/<name>), for snat_mode snatpool.',
    'irules': 'List of full paths (/Common/<name>) of operator iRules attached to every '
              'virtual server, in order.',
}
FLAVOR_METADATA.update({k: 'Full path of an existing /Common profile. ' + v
                        for k, v in _PROFILE_KEYS.items()})

FLAVOR_SCHEMA = {
    '$schema': 'http://json-schema.org/draft-07/schema#',
    'type': 'object',
    'additionalProperties': False,
    'properties': dict({
        'loadbalancer_topology': {'type': 'string', 'enum': ['SINGLE', 'ACTIVE_STANDBY']},
        'snat_mode': {'type': 'string', 'enum': ['automap', 'snatpool', 'none']},
        'snat_pool': _PROFILE_PATH,
        'irules': {'type': 'array', 'items': _PROFILE_PATH, 'maxItems': 20,
                   'uniqueItems': True},
    }, **{k: _PROFILE_PATH for k in _PROFILE_KEYS}),
}

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


def _check(schema, metadata, what):
    try:
        jsonschema.validate(metadata, schema)
    except jsonschema.ValidationError as e:
        field = '.'.join(str(p) for p in e.absolute_path) or what
        _refuse(what, field, e.message)


def validate_flavor(metadata, conf=cfg.CONF):
    """Refuse flavor metadata the F5 provider cannot honour, naming the key."""
    _check(FLAVOR_SCHEMA, metadata, 'flavor')
    mode = metadata.get('snat_mode')
    # A SNAT pool without snatpool mode (or the reverse) is a mistake, not a preference.
    if mode == 'snatpool' and 'snat_pool' not in metadata:
        _refuse('flavor', 'snat_pool', 'required when snat_mode is snatpool')
    if 'snat_pool' in metadata and mode != 'snatpool':
        _refuse('flavor', 'snat_pool', 'only allowed with snat_mode snatpool')
    # Only a configuration that names exactly one device is known to lack HA; an API node
    # without [f5_bigip] devices cannot tell, and the worker's device group decides.
    if (metadata.get('loadbalancer_topology') == 'ACTIVE_STANDBY'
            and len(conf.f5_bigip.devices) == 1):
        _refuse('flavor', 'loadbalancer_topology',
                'ACTIVE_STANDBY needs a BIG-IP device group of two or more devices; this '
                'provider has one device')


def validate_availability_zone(metadata, conf=cfg.CONF):
    """Refuse availability-zone metadata that names no configured device group."""
    _check(AVAILABILITY_ZONE_SCHEMA, metadata, 'availability zone')
    group = metadata.get('device_group')
    if group is not None and group != conf.f5_bigip.device_group:
        _refuse('availability zone', 'device_group',
                '%r is not a configured device group (configured: %r)'
                % (group, conf.f5_bigip.device_group))
