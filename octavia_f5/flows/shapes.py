# SPDX-License-Identifier: Apache-2.0
"""The three shapes every object operation's flow takes: create, update, delete.

    <object>-to-error-on-revert   revert: the object ERROR, its parents ACTIVE
    wait-for-<object>-commit      (create) Octavia commits after calling the driver
    load-loadbalancer             the load balancer as Octavia shows it, read once
    ensure-tenancy | load-tenancy partition and route domain of the project
    <device step>                 only the BIG-IP objects that change; revert removes what
                                  this step created
    sync-devices                  config-sync to the device group, save when due
    report-statuses               the object ACTIVE / DELETED, parents ACTIVE
"""

from taskflow.patterns import linear_flow

from octavia_f5.flows.tasks import device_tasks
from octavia_f5.flows.tasks import octavia_tasks
from octavia_f5.flows.tasks import status_tasks


def create(op, device_step, wait=None):
    """A create: wait for Octavia's commit, then write the new objects."""
    return linear_flow.Flow('octavia-f5-' + op).add(
        status_tasks.ToErrorOnRevert(op),
        wait or octavia_tasks.WaitForObject(op),
        octavia_tasks.LoadGraph(op),
        device_tasks.EnsureTenancy(op),
        device_tasks.ApplyChanges(op, name=device_step),
        device_tasks.SyncDevices(),
        status_tasks.ReportStatuses(op))


def update(op, device_step):
    """An update: write what the changed fields change."""
    return linear_flow.Flow('octavia-f5-' + op).add(
        status_tasks.ToErrorOnRevert(op),
        octavia_tasks.LoadGraph(op),
        device_tasks.EnsureTenancy(op),
        device_tasks.ApplyChanges(op, name=device_step),
        device_tasks.SyncDevices(),
        status_tasks.ReportStatuses(op))


def delete(op, device_step):
    """A delete: remove the object's BIG-IP objects, and update those that used it."""
    return linear_flow.Flow('octavia-f5-' + op).add(
        status_tasks.ToErrorOnRevert(op),
        octavia_tasks.LoadGraph(op),
        device_tasks.LoadTenancy(op),
        device_tasks.ApplyChanges(op, name=device_step),
        device_tasks.SyncDevices(),
        status_tasks.ReportStatuses(op))
