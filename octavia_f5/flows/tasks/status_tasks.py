# SPDX-License-Identifier: Apache-2.0
"""Tasks that report to Octavia: the final statuses, and ERROR when a flow reverts."""

from oslo_log import log as logging

from octavia_f5.flows import constants as c
from octavia_f5.flows import graph as graph_mod
from octavia_f5.flows import services
from octavia_f5.flows import statuses
from octavia_f5.flows.tasks import base
from octavia_f5.flows.tasks import octavia_tasks

LOG = logging.getLogger(__name__)


class ToErrorOnRevert(base.OperationTask):
    """First task of every flow: does nothing, but its revert reports the failure.

    The object goes to ERROR and its parents back to ACTIVE, so that the load balancer is
    mutable again (a failed load balancer operation leaves the load balancer in ERROR). The
    parents are looked up in Octavia at that moment: the flow may have failed before it
    loaded them. Errors here are logged, never raised: a revert must run to its end.
    """

    def __init__(self, operation):
        kind = c.OPERATIONS[operation].kind
        super().__init__(operation, name='%s-to-error-on-revert' % kind)

    def execute(self, **arguments):
        pass

    def revert(self, *args, **arguments):
        report_failure(self.operation.name,
                       {k: arguments[k] for k in self.operation.payload_keys})


def report_failure(operation_name, payload):
    """Report an operation failed: its object ERROR, its parents ACTIVE; True if reported.

    Also used by the conductor for a job whose flow cannot even be loaded. ``payload`` is
    the job's, secrets still encrypted (only ids are read). Never raises.
    """
    operation = c.OPERATIONS[operation_name]
    try:
        reporter = services.reporter()
    except RuntimeError as error:
        LOG.error('%s failed and cannot be reported: %s', operation_name, error)
        return False
    try:
        view = graph_mod.Graph.from_loadbalancer(
            octavia_tasks.load_graph(reporter, operation, payload))
    except Exception as error:
        LOG.warning('%s failed; its load balancer could not be read (%s), reporting what '
                    'the job names', operation_name, error)
        view = graph_mod.Graph()
    try:
        update = statuses.on_failure(operation, view, payload)
        LOG.error('%s failed; reporting %s', operation_name, _summary(update))
        reporter.update_status(update)
    except Exception:
        LOG.exception('Could not report the failure of %s to Octavia', operation_name)
        return False
    return True


class ReportStatuses(base.OperationTask):
    """Last task: the object ACTIVE (or DELETED) with its operating status, parents ACTIVE."""

    def __init__(self, operation):
        super().__init__(operation, name='report-statuses', requires=[c.GRAPH])

    def execute(self, graph, **arguments):
        views = self.views(graph, arguments)
        update = statuses.on_success(self.operation, views, self.payload(arguments))
        services.reporter().update_status(update)
        LOG.info('%s done; reported %s', self.operation.name, _summary(update))


def _summary(update):
    return ', '.join('%s %s %s' % (kind, record['id'], record.get('provisioning_status', ''))
                     for kind, records in sorted(update.items()) for record in records[:20])
