# SPDX-License-Identifier: Apache-2.0
"""IP addresses with route domains: parse, find the effective route domain, check it exists."""

from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import names

ROUTE_DOMAINS = 'net/route-domain'
PARTITIONS = 'auth/partition'


def route_domain_ids(cfg):
    return {obj['id']: path for path, obj in cfg.items(ROUTE_DOMAINS).items()}


def partition_default(cfg, partition):
    """An address without %id belongs to its partition's default route domain."""
    obj = cfg.get(PARTITIONS, partition)
    return obj['defaultRouteDomain'] if obj else 0


def route_domain_missing(rd, text):
    # [U] text: no capture of this refusal was found.
    return errors.bad_request('01070523:3: The route domain (%d) of the address (%s) does not '
                              'exist.' % (rd, text), errors.MCPD)


def address(cfg, key, text, partition, prefix=False):
    """(ip, effective route domain id, prefix length) of an address property, else 400."""
    try:
        ip, rd, length = names.parse_ip(text, prefix)
    except ValueError:
        raise errors.invalid_value(key, text)
    effective = partition_default(cfg, partition) if rd is None else rd
    if effective not in route_domain_ids(cfg):
        raise route_domain_missing(effective, text)
    return ip, effective, length


def network(cfg, key, text, partition):
    """A route's network: 'default[%id]', 'default-inet6[%id]' or '<net>[%id]/<len>'."""
    if isinstance(text, str) and text.split('%')[0] in ('default', 'default-inet6'):
        base, _, rd_text = text.partition('%')
        if rd_text and not rd_text.isdigit():
            raise errors.invalid_value(key, text)
        rd = int(rd_text) if rd_text else partition_default(cfg, partition)
        if rd not in route_domain_ids(cfg):
            raise route_domain_missing(rd, text)
        return (4 if base == 'default' else 6), rd
    ip, rd, length = address(cfg, key, text, partition, prefix=True)
    if length is None:
        raise errors.invalid_value(key, text)
    return ip.version, rd
