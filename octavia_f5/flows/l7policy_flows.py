# SPDX-License-Identifier: Apache-2.0
"""Flows of L7 policy operations: the listener's LTM policy (or L7 iRule) rewritten."""

from octavia_f5.flows import shapes


def create_l7policy_flow(payload):
    """l7policy_create: the listener's L7 policy with one more rule, in position order."""
    return shapes.create('l7policy_create', 'add-l7-policy')


def update_l7policy_flow(payload):
    """l7policy_update: the listener's L7 policy with the policy changed or moved."""
    return shapes.update('l7policy_update', 'update-l7-policy')


def delete_l7policy_flow(payload):
    """l7policy_delete: the listener's L7 policy without it (gone when it was the last)."""
    return shapes.delete('l7policy_delete', 'remove-l7-policy')
