# SPDX-License-Identifier: Apache-2.0
"""Flows of pool operations: the pool, its monitors, and the virtual servers that use it."""

from octavia_f5.flows import shapes


def create_pool_flow(payload):
    """pool_create: the pool; its listener's virtual server gets it with its persistence."""
    return shapes.create('pool_create', 'create-pool')


def update_pool_flow(payload):
    """pool_update: the pool, and the persistence/TLS/PROXY of virtual servers using it."""
    return shapes.update('pool_update', 'update-pool')


def delete_pool_flow(payload):
    """pool_delete: virtual servers let go of it, then the pool, its monitors and nodes."""
    return shapes.delete('pool_delete', 'delete-pool')
