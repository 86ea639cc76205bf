# SPDX-License-Identifier: Apache-2.0
"""The PENDING rule: finishing what a lost job should have done to a load balancer.

Octavia leaves a load balancer PENDING_* (immutable) until the provider reports. If the job
is lost (Redis lost its data, the job was trashed after too many failures, a status report
never arrived), nothing would ever end it. A load balancer PENDING for longer than
[f5_reconciler] pending_timeout (by Octavia's updated_at) with no job naming it on the
jobboard (read again just before acting) is finished:

* PENDING_DELETE: its objects are removed as loadbalancer_delete removes them (cascade),
  the project's partition too if unused, and it and its children are reported DELETED;
* PENDING_CREATE / PENDING_UPDATE: the operation is not known any more, but Octavia stored
  its outcome before calling the driver: the device is made to match Octavia's objects
  minus those Octavia marked PENDING_DELETE (a lost delete of a listener, member...); the
  load balancer and its objects are reported ACTIVE (operating statuses as after a create,
  until the poller reads them) and the PENDING_DELETE ones DELETED.

A device that refuses the writes ends it in ERROR (load balancer ERROR); an unreachable
device leaves it PENDING for the next pass.
"""

import datetime

from oslo_config import cfg
from oslo_log import log as logging

from octavia_f5.common import config
from octavia_f5.common import exceptions
from octavia_f5.controller import reconcile_report as rr
from octavia_f5.flows import constants as c
from octavia_f5.flows import graph as graph_mod
from octavia_f5.flows import plan as plan_mod
from octavia_f5.flows import repair
from octavia_f5.flows import statuses
from octavia_f5.flows.tasks import device_tasks
from octavia_f5.flows import views as views_mod

LOG = logging.getLogger(__name__)

PENDING_DELETE = 'PENDING_DELETE'
DELETE_TEXT = 'finish the delete: remove its objects, report it and its children DELETED'
UPDATE_TEXT = 'finish the operation: write it as Octavia has it, report it ACTIVE'


def age(updated_at, now):
    """Seconds since Octavia's ``updated_at`` (UTC, ISO 8601); None when unknown."""
    if not updated_at:
        return None
    try:
        stamp = datetime.datetime.fromisoformat(str(updated_at).replace('Z', '+00:00'))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=datetime.timezone.utc)
    return (now - stamp).total_seconds()


class PendingRule(object):
    """Applies the rule above to one load balancer of a reconciler pass."""

    def __init__(self, reporter, octavia, jobs, conf=cfg.CONF, now=None):
        self._reporter = reporter
        self._octavia = octavia
        self._jobs = jobs
        self._timeout = conf[config.RECONCILER_GROUP].pending_timeout
        self._now = now or (lambda: datetime.datetime.now(datetime.timezone.utc))
        self._deleting = {}

    def lost(self, lb):
        """Whether the load balancer has been PENDING long enough to look for its job."""
        seconds = age(lb.updated_at, self._now())
        return seconds is None or seconds >= self._timeout

    def kept(self, project, lb, graph):
        """The graph without the objects Octavia is deleting (asked only of lost jobs)."""
        self._deleting[lb.id] = set()
        if not self.lost(lb) or lb.provisioning_status == PENDING_DELETE:
            return graph
        deleting = self._octavia.pending_deletes(lb, graph)
        self._deleting[lb.id] = deleting
        for kind, object_id in sorted(deleting):
            graph = graph.remove(kind, object_id)
        return graph

    def handle(self, project, lb, wanted, lb_report, mode):
        """Finish (mode 'sync') or describe a PENDING load balancer; True if it wrote."""
        if not self.lost(lb):
            lb_report.state = rr.WAITING
            lb_report.action = ('waits for its job ([f5_reconciler] pending_timeout %d s)'
                                % self._timeout)
            return False
        graph = project.graphs[lb.id]
        if self._jobs().concern({lb.id} | {o[c.id_key(k)] for k in c.KINDS
                                           for o in graph.objects(k)}):
            lb_report.state, lb_report.action = rr.BUSY, 'a job is working on it'
            return False
        deleting = lb.provisioning_status == PENDING_DELETE
        text = DELETE_TEXT if deleting else UPDATE_TEXT
        removed = self._deleting.get(lb.id) or set()
        if removed:
            text += ', and %d object(s) Octavia is deleting DELETED' % len(removed)
        lb_report.state = rr.LOST_JOB
        if mode != 'sync':
            lb_report.action = ('sync would ' if mode == 'diff' else 'would ') + text
            return False
        ctx = device_tasks.context(project.tenancy, (graph.loadbalancer or {}).get('flavor'))
        try:
            if deleting:
                update = self._finish_delete(project, graph, ctx)
            else:
                update = self._finish_update(project, graph, wanted, lb_report.findings,
                                             removed, ctx)
        except exceptions.DeviceUnavailable as error:
            lb_report.state, lb_report.error = rr.FAILED, '%s (tried again next pass)' % error
            return True
        except exceptions.DeviceError as error:
            LOG.error('Finishing load balancer %s failed, reporting it ERROR: %s', lb.id,
                      error)
            failed = statuses.Update()
            failed.set(c.LOADBALANCER, lb.id, 'ERROR')
            self._reporter.update_status(failed.as_dict())
            lb_report.state, lb_report.error = rr.FAILED, '%s (reported ERROR)' % error
            return True
        self._reporter.update_status(update)
        LOG.warning('Load balancer %s was %s with no job for it: %s', lb.id,
                    lb.provisioning_status, text)
        lb_report.state, lb_report.action = rr.FINISHED, text
        return True

    @staticmethod
    def _finish_delete(project, graph, ctx):
        repair.apply(project.device, plan_mod.make(graph, graph_mod.Graph(), ctx,
                                                   everything=True))
        if len(project.loadbalancers) == 1:
            # BIG-IP refuses while anything lives there (another load balancer being made).
            device_tasks.remove_tenancy_if_unused(project.device, project.tenancy)
        return statuses.on_success(c.OPERATIONS['loadbalancer_delete'],
                                   views_mod.Views(graph, graph_mod.Graph()), {})

    @staticmethod
    def _finish_update(project, graph, wanted, findings, removed, ctx):
        kept = graph
        for kind, object_id in sorted(removed):
            kept = kept.remove(kind, object_id)
        gone_nodes = plan_mod.make(graph, kept, ctx).nodes
        repair.apply(project.device, repair.plan_for(wanted, findings, gone_nodes))
        update = statuses.on_success(c.OPERATIONS['loadbalancer_create'],
                                     views_mod.Views(graph_mod.Graph(), kept), {})
        for kind, object_id in sorted(removed):
            update.setdefault(statuses.PLURAL[kind], []).append(
                {'id': object_id, 'provisioning_status': 'DELETED'})
        return update
