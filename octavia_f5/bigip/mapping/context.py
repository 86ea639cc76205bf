# SPDX-License-Identifier: Apache-2.0
"""Context: what the mapping needs beyond the Octavia object (tenancy, SNAT, flavor)."""

import dataclasses
import re
import types
import typing

from octavia_f5.bigip import names
from octavia_f5.common import exceptions

SNAT_MODES = ('automap', 'snatpool', 'none')
# A SNAT pool is named by the operator, not by Octavia: it must be a plain full path.
_FULL_PATH = re.compile(r'\A/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+\Z')

# Flavor metadata keys the mapping honours ({key: description}, for the API driver's
# get_supported_flavor_metadata). A flavor value overrides the [f5_network] option.
FLAVOR_KEYS = {
    'snat_mode': 'Source address translation of the listeners: automap, snatpool or none.',
    'snat_pool': 'Full path of an existing SNAT pool (with snat_mode snatpool).',
}


def validate_flavor(metadata):
    """Raise UnsupportedOption / InvalidValue for flavor metadata the mapping cannot honour."""
    for key in metadata or {}:
        if key not in FLAVOR_KEYS:
            raise exceptions.UnsupportedOption(
                'flavor.%s' % key, 'unknown flavor key; supported: %s'
                % ', '.join(sorted(FLAVOR_KEYS)))
    metadata = metadata or {}
    _check_snat(metadata.get('snat_mode', 'automap'), metadata.get('snat_pool'),
                'flavor.')


def _check_snat(mode, pool, field_prefix=''):
    if mode not in SNAT_MODES:
        raise exceptions.InvalidValue(field_prefix + 'snat_mode',
                                      'one of %s is required' % ', '.join(SNAT_MODES))
    if mode == 'snatpool' and not (isinstance(pool, str) and _FULL_PATH.match(pool)):
        raise exceptions.InvalidValue(
            field_prefix + 'snat_pool',
            'snat_mode snatpool needs the full path of a SNAT pool, e.g. /Common/snat1')


@dataclasses.dataclass(frozen=True)
class Context:
    """Per-project facts for the mapping; immutable so that one context can serve a whole flow.

    ``route_domain`` 0 means the objects live in route domain 0 (no ``%id`` suffix):
    route_domain_policy = common, or a project whose domain is not known yet. ``flavor`` is
    the load balancer's flavor metadata; keys the mapping does not read are ignored here
    (the API driver validates flavors with validate_flavor, possibly plus keys of its own).
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
        # A frozen dataclass can still hold a mutable dict; copy it behind a read-only view.
        object.__setattr__(self, 'flavor', types.MappingProxyType(dict(self.flavor)))
        _check_snat(*self.snat())

    @property
    def partition(self):
        return names.partition(self.partition_prefix, self.project_id)

    def snat(self):
        """(mode, pool) after flavor overrides."""
        mode = self.flavor.get('snat_mode', self.snat_mode)
        pool = self.flavor.get('snat_pool', self.snat_pool)
        return mode, pool

    @classmethod
    def from_conf(cls, conf, project_id, route_domain, flavor=None):
        """A context from the [f5_network] options (``conf`` is an oslo.config ConfigOpts)."""
        net = conf.f5_network
        if net.route_domain_policy == 'common':
            route_domain = 0
        return cls(project_id=project_id, route_domain=route_domain,
                   partition_prefix=net.partition_prefix, snat_mode=net.snat_mode,
                   snat_pool=net.snat_pool, flavor=flavor or {})
