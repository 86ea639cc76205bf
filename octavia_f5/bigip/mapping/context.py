# SPDX-License-Identifier: Apache-2.0
"""Context: what the mapping needs beyond the Octavia object (tenancy, SNAT, flavor keys)."""

import collections
import collections.abc
import dataclasses
import re
import types
import typing

from octavia_f5.bigip import names
from octavia_f5.common import exceptions

SNAT_MODES = ('automap', 'snatpool', 'none')
TOPOLOGIES = ('SINGLE', 'ACTIVE_STANDBY')
# A SNAT pool is named by the operator, not by Octavia: it must be a plain full path.
_FULL_PATH = re.compile(r'\A/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+\Z')
# Objects a flavor names are shared by every tenant, so they live in /Common; the name goes
# into JSON bodies and bigip.conf as it is, hence the plain character set.
_COMMON_PATH = re.compile(r'\A/Common/[A-Za-z0-9_.-]{1,200}\Z')
MAX_FLAVOR_IRULES = 20

# kind: 'choice' (one of ``choices``), 'path' (a /Common full path), 'paths' (a list of them).
FlavorKey = collections.namedtuple('FlavorKey', 'kind choices description')
_PARENT = 'Full path of an existing /Common %s profile that %s inherit from (defaultsFrom) ' \
          'instead of BIG-IP\'s built-in %s; the settings Octavia gives still override it.'

# The flavor keys of the F5 provider: the API driver's flavor schema and capabilities are built
# from this table, and every key changes what the mapping writes (tests/unit/bigip/mapping/
# test_flavor.py) except loadbalancer_topology, which the device group decides.
FLAVOR_KEYS = {
    'loadbalancer_topology': FlavorKey('choice', TOPOLOGIES, (
        'SINGLE or ACTIVE_STANDBY. Writes nothing different: every load balancer of this '
        'provider lives on the whole BIG-IP device group, which is highly available when it '
        'has two or more devices (ACTIVE_STANDBY is refused when it has one).')),
    'snat_mode': FlavorKey('choice', SNAT_MODES, (
        'Source address translation of the virtual servers: automap, snatpool or none '
        '(overrides [f5_network] snat_mode).')),
    'snat_pool': FlavorKey('path', None, (
        'Full path of an existing SNAT pool (/Common/<name>), with snat_mode snatpool.')),
    'tcp_profile': FlavorKey('path', None, _PARENT % (
        'tcp', 'the client- and server-side TCP profiles of full-proxy listeners (HTTP, '
        'TERMINATED_HTTPS, and TCP or HTTPS without fastl4_profile)', '/Common/tcp')),
    'fastl4_profile': FlavorKey('path', None, (
        'Full path of an existing /Common fastL4 profile. TCP and HTTPS (pass-through) '
        'listeners become fastL4 virtual servers with a profile inheriting from it: their '
        'timeout_client_data and timeout_member_data must be equal and timeout_member_connect '
        'whole seconds, and PROXY or re-encrypting (tls_enabled) pools are refused on them.')),
    'udp_profile': FlavorKey('path', None, _PARENT % (
        'udp', 'the client- and server-side UDP profiles of UDP listeners', '/Common/udp')),
    'http_profile': FlavorKey('path', None, _PARENT % (
        'http', 'the HTTP profiles of HTTP and TERMINATED_HTTPS listeners', '/Common/http')),
    'oneconnect_profile': FlavorKey('path', None, (
        'Full path of an existing /Common OneConnect profile attached as it is to HTTP and '
        'TERMINATED_HTTPS listeners (member connections reused across clients); PROXY '
        'protocol pools are refused on them.')),
    'client_ssl_profile': FlavorKey('path', None, _PARENT % (
        'client-ssl', 'the client-ssl profiles of TERMINATED_HTTPS listeners',
        '/Common/clientssl')),
    'server_ssl_profile': FlavorKey('path', None, _PARENT % (
        'server-ssl', 'the server-ssl profiles of re-encrypting (tls_enabled) pools',
        '/Common/serverssl')),
    'irules': FlavorKey('paths', None, (
        'List of full paths of existing /Common iRules (at most %d) attached to every virtual '
        'server in this order, after the allowed_cidrs iRule and before the listener\'s own '
        'iRules (inserted headers, L7 policies, PROXY protocol). They must only use events '
        'that every listener protocol of the load balancer supports (BIG-IP refuses an '
        'HTTP_REQUEST iRule on a TCP or UDP virtual server).' % MAX_FLAVOR_IRULES)),
}

# Profile type -> (flavor key naming its parent, BIG-IP's built-in parent). A type without a
# built-in parent (fastl4, one-connect) is only used when its flavor key is set.
PROFILE_PARENTS = {
    'tcp': ('tcp_profile', '/Common/tcp'),
    'udp': ('udp_profile', '/Common/udp'),
    'sctp': (None, '/Common/sctp'),
    'http': ('http_profile', '/Common/http'),
    'client-ssl': ('client_ssl_profile', '/Common/clientssl'),
    'server-ssl': ('server_ssl_profile', '/Common/serverssl'),
    'fastl4': ('fastl4_profile', None),
    'one-connect': ('oneconnect_profile', None),
}


def _check_choice(field, spec, value):
    if value not in spec.choices:
        raise exceptions.InvalidValue(field, 'one of %s is required, got %r'
                                      % (', '.join(spec.choices), value))


def _check_path(field, spec, value):
    if not isinstance(value, str) or not _COMMON_PATH.match(value):
        raise exceptions.InvalidValue(field, 'the full path of an existing /Common object '
                                             '(/Common/<letters, digits, _ . ->) is required')


def _check_paths(field, spec, value):
    # A tuple is the list as a Context keeps it (dataclasses.replace passes it back in).
    if not isinstance(value, (list, tuple)) or len(value) > MAX_FLAVOR_IRULES:
        raise exceptions.InvalidValue(field, 'a list of at most %d full paths is required'
                                      % MAX_FLAVOR_IRULES)
    for item in value:
        _check_path(field, spec, item)
    if len(set(value)) != len(value):
        raise exceptions.InvalidValue(field, 'each iRule may be listed once')


_CHECKS = {'choice': _check_choice, 'path': _check_path, 'paths': _check_paths}


def validate_flavor(metadata):
    """Raise UnsupportedOption / InvalidValue for flavor metadata the mapping cannot honour.

    The one check of flavor keys and values: the API driver's validate_flavor calls it (and adds
    what depends on the deployment), and every Context runs it on its flavor.
    """
    metadata = {} if metadata is None else metadata
    if not isinstance(metadata, collections.abc.Mapping):
        raise exceptions.InvalidValue('flavor', 'an object of flavor keys is required')
    for key, value in metadata.items():
        spec = FLAVOR_KEYS.get(key)
        if spec is None:
            raise exceptions.UnsupportedOption(
                'flavor.%s' % key, 'unknown flavor key; supported: %s'
                % ', '.join(sorted(FLAVOR_KEYS)))
        _CHECKS[spec.kind]('flavor.' + key, spec, value)
    # A SNAT pool without snatpool mode (or the reverse) is a mistake, not a preference.
    mode = metadata.get('snat_mode')
    if mode == 'snatpool' and 'snat_pool' not in metadata:
        raise exceptions.InvalidValue('flavor.snat_pool', 'required when snat_mode is snatpool')
    if 'snat_pool' in metadata and mode != 'snatpool':
        raise exceptions.InvalidValue('flavor.snat_pool', 'only allowed with snat_mode snatpool')


def _check_snat(mode, pool):
    if mode not in SNAT_MODES:
        raise exceptions.InvalidValue('snat_mode',
                                      'one of %s is required' % ', '.join(SNAT_MODES))
    if mode == 'snatpool' and not (isinstance(pool, str) and _FULL_PATH.match(pool)):
        raise exceptions.InvalidValue(
            'snat_pool', 'snat_mode snatpool needs the full path of a SNAT pool, e.g. '
                         '/Common/snat1')


@dataclasses.dataclass(frozen=True)
class Context:
    """Per-project facts for the mapping; immutable so that one context can serve a whole flow.

    ``route_domain`` 0 means the objects live in route domain 0 (no ``%id`` suffix):
    route_domain_policy = common, or a project whose domain is not known yet. ``flavor`` is
    the load balancer's flavor metadata, checked by validate_flavor.
    """

    project_id: str
    route_domain: int = 0
    partition_prefix: str = 'octavia_'
    snat_mode: str = 'automap'
    snat_pool: typing.Optional[str] = None
    flavor: typing.Mapping = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        names.partition(self.partition_prefix, self.project_id)
        if (not isinstance(self.route_domain, int) or isinstance(self.route_domain, bool)
                or not 0 <= self.route_domain <= 65534):
            raise exceptions.InvalidValue('route_domain', 'an integer 0-65534 is required')
        validate_flavor(self.flavor)
        # A frozen dataclass can still hold a mutable dict; copy it behind a read-only view
        # (the irules list becomes a tuple for the same reason).
        flavor = {k: tuple(v) if isinstance(v, list) else v for k, v in self.flavor.items()}
        object.__setattr__(self, 'flavor', types.MappingProxyType(flavor))
        _check_snat(*self.snat())

    @property
    def partition(self):
        return names.partition(self.partition_prefix, self.project_id)

    def snat(self):
        """(mode, pool) after flavor overrides."""
        mode = self.flavor.get('snat_mode', self.snat_mode)
        pool = self.flavor.get('snat_pool', self.snat_pool)
        return mode, pool

    def parent(self, profile_type):
        """The profile a listener's ``profile_type`` profile inherits from, or None (unused)."""
        key, builtin = PROFILE_PARENTS[profile_type]
        return self.flavor.get(key, builtin) if key else builtin

    def irules(self):
        """The flavor's operator iRules, in the order the virtual servers run them."""
        return list(self.flavor.get('irules', ()))

    @classmethod
    def from_conf(cls, conf, project_id, route_domain, flavor=None):
        """A context from the [f5_network] options (``conf`` is an oslo.config ConfigOpts)."""
        net = conf.f5_network
        if net.route_domain_policy == 'common':
            route_domain = 0
        return cls(project_id=project_id, route_domain=route_domain,
                   partition_prefix=net.partition_prefix, snat_mode=net.snat_mode,
                   snat_pool=net.snat_pool, flavor=flavor or {})
