# SPDX-License-Identifier: Apache-2.0
"""OperationTask: a task that belongs to one operation and reads that operation's payload."""

from taskflow import task

from octavia_f5.common import secrets
from octavia_f5.flows import constants as c
from octavia_f5.flows import graph as graph_mod
from octavia_f5.flows import views as views_mod


class OperationTask(task.Task):
    """Receives the operation's payload keys (and ``requires``) as keyword arguments.

    Stored values stay as the job brought them, secrets encrypted; ``payload`` and ``views``
    decrypt at the point of use and their results must never be returned (task results are
    persisted).
    """

    def __init__(self, operation, name, requires=(), provides=None):
        self.operation = c.OPERATIONS[operation]
        super().__init__(name=name, requires=list(requires) + self.operation.payload_keys,
                         provides=provides)

    def payload(self, arguments):
        """The operation's payload, decrypted."""
        return secrets.decrypt_payload({k: arguments[k] for k in self.operation.payload_keys})

    def views(self, stored_graph, arguments):
        """The load balancer before and after the operation (views.Views), decrypted."""
        graph = graph_mod.Graph.from_loadbalancer(secrets.decrypt_payload(stored_graph))
        return views_mod.views(self.operation, graph, self.payload(arguments))
