# SPDX-License-Identifier: Apache-2.0
"""Flows of member operations: one PATCH of the pool's whole member list each."""

from octavia_f5.flows import shapes
from octavia_f5.flows.tasks import octavia_tasks


def create_member_flow(payload):
    """member_create: the pool's member list with the new member."""
    return shapes.create('member_create', 'add-pool-member')


def update_member_flow(payload):
    """member_update: the pool's member list with the member changed."""
    return shapes.update('member_update', 'update-pool-member')


def delete_member_flow(payload):
    """member_delete: the pool's member list without it, then its node if unused."""
    return shapes.delete('member_delete', 'remove-pool-member')


def batch_update_members_flow(payload):
    """member_batch_update: the pool's member list replaced by the batch, in one PATCH.

    The payload lists every member the pool keeps; those it leaves out are deleted.
    """
    op = 'member_batch_update'
    return shapes.create(op, 'replace-pool-members', wait=octavia_tasks.WaitForMembers(op))
