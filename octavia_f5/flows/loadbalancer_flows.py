# SPDX-License-Identifier: Apache-2.0
"""Flows of load balancer operations: create (also fully populated), update, delete, failover."""

from taskflow.patterns import linear_flow

from octavia_f5.flows import shapes
from octavia_f5.flows.tasks import device_tasks
from octavia_f5.flows.tasks import octavia_tasks
from octavia_f5.flows.tasks import status_tasks


def create_loadbalancer_flow(payload):
    """loadbalancer_create: tenancy, the VIP, and the listeners and pools given with it."""
    return shapes.create('loadbalancer_create', 'create-loadbalancer-objects')


def update_loadbalancer_flow(payload):
    """loadbalancer_update: name, description and admin state of the virtual address."""
    return shapes.update('loadbalancer_update', 'update-virtual-address')


def delete_loadbalancer_flow(payload):
    """loadbalancer_delete (cascade or not): all its objects, then the tenancy if unused."""
    op = 'loadbalancer_delete'
    return linear_flow.Flow('octavia-f5-' + op).add(
        status_tasks.ToErrorOnRevert(op),
        octavia_tasks.LoadGraph(op),
        device_tasks.LoadTenancy(op),
        device_tasks.ApplyChanges(op, name='delete-loadbalancer-objects'),
        device_tasks.RemoveTenancyIfUnused(op),
        device_tasks.SyncDevices(),
        status_tasks.ReportStatuses(op))


def failover_loadbalancer_flow(payload):
    """loadbalancer_failover: write every object of the load balancer to the active device."""
    op = 'loadbalancer_failover'
    return linear_flow.Flow('octavia-f5-' + op).add(
        status_tasks.ToErrorOnRevert(op),
        device_tasks.FindActiveDevice(),
        octavia_tasks.LoadGraph(op),
        device_tasks.EnsureTenancy(op),
        device_tasks.ApplyChanges(op, name='reassert-loadbalancer-objects', reassert=True),
        device_tasks.SyncDevices(),
        status_tasks.ReportStatuses(op))
