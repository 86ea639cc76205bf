# SPDX-License-Identifier: Apache-2.0
"""Flows of listener operations: the virtual server and everything attached to it."""

from octavia_f5.flows import shapes


def create_listener_flow(payload):
    """listener_create: profiles, certificates, iRules, L7 policy, then the virtual server."""
    return shapes.create('listener_create', 'create-virtual-server')


def update_listener_flow(payload):
    """listener_update: what changed; certificates it stops using go when unused."""
    return shapes.update('listener_update', 'update-virtual-server')


def delete_listener_flow(payload):
    """listener_delete: the virtual server, then the objects only it used."""
    return shapes.delete('listener_delete', 'delete-virtual-server')
