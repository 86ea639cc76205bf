# SPDX-License-Identifier: Apache-2.0
"""Tenancy: the partition of a project and its route domain, and how the domain id is chosen."""

import hashlib

from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip import names
from octavia_f5.common import exceptions


def pick_route_domain_id(project_id, taken, low, high):
    """The route-domain id of a project: a hash of its id into [low, high], probing past ``taken``.

    Pure and deterministic, so every device and every worker computes the same id from the
    same taken set (the F5 agent's per-device "next free id" drifted between the devices of a
    pair: f5-openstack-agent#1387, #1788). Linear probing past taken ids means a hash
    collision never makes two projects share a domain. Callers look the project's route
    domain up by name first and keep its id when it exists: the hash decides only once.
    """
    names.check_id('project_id', project_id)
    if not 1 <= low <= high <= 65534:
        raise ValueError('route-domain range %r-%r is not within 1-65534' % (low, high))
    size = high - low + 1
    digest = hashlib.sha256(project_id.encode('ascii')).digest()
    start = int.from_bytes(digest[:8], 'big') % size
    for step in range(size):
        candidate = low + (start + step) % size
        if candidate not in taken:
            return candidate
    raise exceptions.RouteDomainsExhausted(low, high)


def resources(ctx):
    """[route domain (unless route domain 0), partition] of the context's project.

    The route domain goes first and lives in /Common: a partition's defaultRouteDomain must
    exist when the partition is created, and BIG-IP refuses to delete a route domain that is a
    partition's default (0107097c), which the reverse order respects.
    """
    partition = ctx.partition
    text = 'Octavia project %s' % ctx.project_id
    items = []
    if ctx.route_domain:
        name = names.route_domain(ctx.partition_prefix, ctx.project_id)
        items.append(resource.make('net/route-domain', 'Common', name, id=ctx.route_domain,
                                   strict='enabled', description=text))
    items.append(resource.make('auth/partition', None, partition,
                               defaultRouteDomain=ctx.route_domain, description=text))
    return items
