# SPDX-License-Identifier: Apache-2.0
"""Flows of L7 rule operations: a condition of the listener's L7 policy rewritten."""

from octavia_f5.flows import shapes


def create_l7rule_flow(payload):
    """l7rule_create: the L7 policy's rule with one more condition."""
    return shapes.create('l7rule_create', 'add-l7-rule')


def update_l7rule_flow(payload):
    """l7rule_update: the L7 policy's rule with the condition changed."""
    return shapes.update('l7rule_update', 'update-l7-rule')


def delete_l7rule_flow(payload):
    """l7rule_delete: the L7 policy's rule without the condition."""
    return shapes.delete('l7rule_delete', 'remove-l7-rule')
