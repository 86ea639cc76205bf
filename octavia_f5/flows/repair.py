# SPDX-License-Identifier: Apache-2.0
"""Reading a project's partition whole, and repairing it with the flows' own writer.

A partition is read with one GET per collection the mapping writes (drift.COLLECTIONS,
``$filter=partition eq <P>``, sub-collections expanded): the number of calls does not grow
with the number of objects, and other partitions are never read. Repairs go through
octavia_f5.flows.writer, so a restored object is written exactly as a flow writes it.
"""

from oslo_config import cfg
from oslo_log import log as logging

from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip.mapping import tenancy as tenancy_mapping
from octavia_f5.bigip import names
from octavia_f5.bigip import paths
from octavia_f5.common import config
from octavia_f5.common import exceptions
from octavia_f5.flows import drift
from octavia_f5.flows import plan as plan_mod
from octavia_f5.flows.tasks import device_tasks
from octavia_f5.flows import writer as writer_mod

LOG = logging.getLogger(__name__)

PARTITIONS = paths.collection('auth/partition')
ROUTE_DOMAINS = paths.collection('net/route-domain')


def read_partition(device, partition):
    """{(collection, full path): object} of everything in ``partition`` the driver may own."""
    shown = {}
    query = paths.query(partition=partition, expand=True)
    for collection in drift.COLLECTIONS:
        for item in device.items(paths.collection(collection), query):
            if item.get('partition') == partition and item.get('fullPath'):
                shown[drift.key(collection, item['fullPath'])] = item
    return shown


def our_partitions(device, prefix):
    """{project id: partition object} of the partitions named <prefix><project id>."""
    found = {}
    for item in device.items(PARTITIONS, paths.query(select=('name', 'defaultRouteDomain'))):
        name = item.get('name') or ''
        if prefix and name.startswith(prefix) and name != 'Common':
            found[name[len(prefix):]] = item
    return found


def our_route_domains(device, prefix):
    """{project id: route-domain id} of the route domains named <prefix><project id>."""
    found = {}
    query = paths.query(select=('name', 'partition', 'id'))
    for item in device.items(ROUTE_DOMAINS, query):
        name = item.get('name') or ''
        if item.get('partition') == 'Common' and prefix and name.startswith(prefix):
            found[name[len(prefix):]] = item.get('id')
    return found


def tenancy(device, project_id, create=False):
    """{'project_id', 'route_domain', 'exists', 'domain_exists'} of a project on ``device``.

    ``exists``: the partition is there. Without it, the route-domain id is the one
    ensure-tenancy would use: the project's existing route domain, else the hash of its id.
    ``create`` makes the partition (and route domain) as the flows do.
    """
    if create:
        route_domain, _made = device_tasks.ensure_tenancy(device, project_id)
        return {'project_id': project_id, 'route_domain': route_domain, 'exists': True,
                'domain_exists': bool(route_domain)}
    ctx = device_tasks.context({'project_id': project_id, 'route_domain': 0})
    found = device.get_or_none(paths.item('auth/partition', ctx.partition))
    if found is not None:
        route_domain = found.get('defaultRouteDomain', 0)
        return {'project_id': project_id, 'exists': True, 'route_domain': route_domain,
                'domain_exists': bool(route_domain)}
    route_domain, domain = 0, None
    net = cfg.CONF[config.NETWORK_GROUP]
    if net.route_domain_policy == 'per-partition':
        domain = device.get_or_none(paths.item('net/route-domain', ctx.partition, 'Common'))
        route_domain = domain['id'] if domain else tenancy_mapping.pick_route_domain_id(
            project_id, set(), net.route_domain_min, net.route_domain_max)
    return {'project_id': project_id, 'route_domain': route_domain, 'exists': False,
            'domain_exists': domain is not None}


def plan_for(wanted, findings, gone_nodes=()):
    """The writer's Plan that restores ``wanted`` and removes what ``findings`` call extra.

    Objects the device has right stay out of the plan; a different one is patched whole
    (every field of its mapped body); a missing one is created; extra ones are deleted in
    reverse creation order (a virtual server before the profiles it names).
    """
    state = {drift.key(f.collection, f.full_path): f.state for f in findings}
    old, new = [], []
    for item in wanted:
        found = state.get(drift.key(item.collection, item.full_path))
        new.append(item)
        if found == 'different':
            old.append(resource.Resource(item.collection, item.partition, item.name, {}))
        elif found != 'missing':
            old.append(item)
    for finding in findings:
        if finding.state in ('extra', 'orphan'):
            old.append(_bare(finding))
    plan = plan_mod.Plan(old=[(('reconcile', 'old'), old)], new=[(('reconcile', 'new'), new)])
    plan.nodes = list(gone_nodes)
    return plan


def _bare(finding):
    partition, name = finding.full_path.strip('/').split('/', 1)
    return resource.Resource(finding.collection, partition, name, {})


def apply(device, plan):
    """Write a repair plan with the flows' writer (shared files and nodes in use stay)."""
    writer_mod.Writer(device).apply(plan)


def remove(device, findings):
    """Delete orphans one by one; returns the findings that could not be removed."""
    kept = []
    for finding in sorted(findings, key=_removal_order):
        item = _bare(finding)
        try:
            device.delete(writer_mod.item_path(item), missing_ok=True)
            if item.collection == writer_mod.POLICY:
                device.delete(paths.item(writer_mod.POLICY, item.name, item.partition,
                                         writer_mod.DRAFTS), missing_ok=True)
        except (exceptions.InUse, exceptions.InvalidRequest) as error:
            # Still named by something (another object of the partition, an operator's).
            LOG.info('%s %s stays: %s', finding.collection, finding.full_path, error)
            kept.append(finding)
    return kept


def _removal_order(finding):
    position = (drift.COLLECTIONS.index(finding.collection)
                if finding.collection in drift.COLLECTIONS else -1)
    return (-position, finding.full_path)


def remove_tenancy(device, prefix, project_id, route_domain):
    """Remove an unused project's partition and route domain (BIG-IP refuses if not empty).

    True when both are gone afterwards.
    """
    device_tasks.remove_tenancy_if_unused(device, {'project_id': project_id,
                                                   'route_domain': route_domain})
    name = names.partition(prefix, project_id)
    if device.exists(paths.item('auth/partition', name)):
        return False
    return not route_domain or not device.exists(paths.item('net/route-domain', name,
                                                            'Common'))
