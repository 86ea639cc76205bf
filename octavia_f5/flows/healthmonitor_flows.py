# SPDX-License-Identifier: Apache-2.0
"""Flows of health monitor operations: the monitor(s) and the pool that uses them."""

from octavia_f5.flows import shapes


def create_healthmonitor_flow(payload):
    """health_monitor_create: the monitor (one more per member with a monitor address)."""
    return shapes.create('health_monitor_create', 'create-monitor')


def update_healthmonitor_flow(payload):
    """health_monitor_update: the monitor's settings, or the pool stops or starts using it."""
    return shapes.update('health_monitor_update', 'update-monitor')


def delete_healthmonitor_flow(payload):
    """health_monitor_delete: the pool lets go of the monitor, then it is deleted."""
    return shapes.delete('health_monitor_delete', 'delete-monitor')
