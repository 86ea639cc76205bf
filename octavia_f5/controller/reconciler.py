# SPDX-License-Identifier: Apache-2.0
"""The reconciler: Octavia's load balancers against the devices; diff, repair, finish, clean.

For each project in scope, on each device written to (the active one; every one in
write-all mode), in this order, so that no object a job is creating looks like an orphan:

1. read the project's partition whole (octavia_f5.flows.repair.read_partition);
2. read the jobboard: the ids every live job names (a job is posted before Octavia commits
   its objects, and its objects are committed before the job is consumed);
3. read Octavia: the provider's load balancers of the project (API) and each one's objects
   (the driver agent's get socket, as the flows read them).

Then per load balancer: one a live job names is left alone (busy); an ACTIVE one is compared
with what the mapping makes of it and, by ``sync``, repaired through the flows' writer; a
PENDING one whose job is lost is finished (octavia_f5.controller.pending); an ERROR one is
only shown. Objects named after ids Octavia does not know are orphans of the partition, and
the partition and route domain of a project without load balancers are removed when empty.
Nothing outside the partitions named <[f5_network] partition_prefix><project id> (and their
route domains) is read or written. docs/reconciler.md has the rules.
"""

import dataclasses

from oslo_config import cfg
from oslo_log import log as logging
import redis

from octavia_f5.bigip import names
from octavia_f5.common import config
from octavia_f5.common import exceptions
from octavia_f5.controller import jobboard
from octavia_f5.controller import jobs as jobs_lib
from octavia_f5.controller import octavia_api
from octavia_f5.controller import pending as pending_lib
from octavia_f5.controller import periodic
from octavia_f5.controller import reconcile_report as rr
from octavia_f5.flows import constants as c
from octavia_f5.flows import drift
from octavia_f5.flows import graph as graph_mod
from octavia_f5.flows import repair
from octavia_f5.flows.tasks import device_tasks

LOG = logging.getLogger(__name__)

DIFF = 'diff'
DRY_RUN = 'dry-run'
SYNC = 'sync'
OWNER_KINDS = (c.LOADBALANCER, c.LISTENER, c.POOL, c.HEALTHMONITOR)
UNMAPPABLE = 'unmappable'


@dataclasses.dataclass(frozen=True)
class Scope(object):
    """One load balancer, one project, or everything (exactly one is set)."""

    loadbalancer_id: str = None
    project_id: str = None
    everything: bool = False


@dataclasses.dataclass
class Project(object):
    """What one pass knows of one project on one device."""

    id: str
    device: object
    tenancy: dict
    shown: dict
    jobs: jobs_lib.LiveJobs
    loadbalancers: list
    graphs: dict = dataclasses.field(default_factory=dict)
    wanted: dict = dataclasses.field(default_factory=dict)
    unmappable: dict = dataclasses.field(default_factory=dict)

    def owners(self):
        """{object id: (kind, load balancer id)} of every object of the known graphs."""
        found = {}
        for lb_id, graph in self.graphs.items():
            for kind in c.KINDS:
                for obj in graph.objects(kind):
                    found[obj[c.id_key(kind)]] = (kind, lb_id)
        return found


class Reconciler(object):
    """One run: ``run(scope, mode)`` -> reconcile_report.Report.

    ``octavia``: an octavia_api.OctaviaApi; ``jobs``: a callable returning the live jobs
    (jobs.LiveJobs); ``reporter``: the status reporter (driver agent).
    """

    def __init__(self, cluster, reporter, octavia, jobs, conf=cfg.CONF):
        self._cluster = cluster
        self._reporter = reporter
        self._octavia = octavia
        self._jobs = jobs
        self._conf = conf
        self._prefix = conf[config.NETWORK_GROUP].partition_prefix
        self._remove_orphans = conf[config.RECONCILER_GROUP].remove_orphans
        self._pending = pending_lib.PendingRule(reporter, octavia, jobs, conf)

    def run(self, scope, mode=DIFF):
        report = rr.Report(mode)
        try:
            projects = self._projects(scope)
            devices = self._cluster.writers()
        except (exceptions.OctaviaApiError, exceptions.DeviceError) as error:
            report.errors.append(str(error))
            return report
        wrote = False
        for device in devices:
            for project_id in projects:
                try:
                    wrote |= self._project(device, project_id, scope, mode, report)
                except Exception as error:
                    # One project's trouble must not stop the others (nor the worker's loop).
                    log = LOG.warning if isinstance(error, exceptions.F5Error) else \
                        LOG.exception
                    log('Reconciling project %s on %s failed: %s', project_id, device.name,
                        error)
                    report.errors.append('project %s on %s: %s' % (project_id, device.name,
                                                                   error))
        if wrote:
            self._sync(report)
        return report

    def _sync(self, report):
        try:
            self._cluster.sync(only_if_changed=True)
        except exceptions.DeviceError as error:
            # The next pass repairs again on whatever device is active then.
            report.errors.append('config-sync after the repairs failed: %s' % error)

    # --- scope -----------------------------------------------------------------------------

    def _projects(self, scope):
        if scope.loadbalancer_id:
            lb = self._octavia.loadbalancer(scope.loadbalancer_id)
            if lb is None:
                raise exceptions.OctaviaApiError(
                    'load balancer %s is not a load balancer of provider %s in Octavia; its '
                    'leftovers are orphans of its project: use --project'
                    % (scope.loadbalancer_id, self._conf[config.RECONCILER_GROUP].provider))
            return [lb.project_id]
        if scope.project_id:
            return [names.check_id('project_id', scope.project_id)]
        projects = {lb.project_id for lb in self._octavia.loadbalancers()}
        for device in self._cluster.writers():
            projects.update(repair.our_partitions(device, self._prefix))
            projects.update(repair.our_route_domains(device, self._prefix))
        return sorted(projects)

    # --- one project -------------------------------------------------------------------------

    def _read(self, device, project_id, scope):
        partition = names.partition(self._prefix, project_id)
        tenancy = repair.tenancy(device, project_id)
        shown = repair.read_partition(device, partition) if tenancy['exists'] else {}
        live = self._jobs()
        lbs = self._octavia.loadbalancers(project_id)
        if scope.loadbalancer_id:
            lbs = [lb for lb in lbs if lb.id == scope.loadbalancer_id]
        project = Project(project_id, device, tenancy, shown, live, lbs)
        for lb in lbs:
            found = self._reporter.get(c.LOADBALANCER, lb.id)
            if found is not None:
                project.graphs[lb.id] = graph_mod.Graph.from_loadbalancer(found)
        return project

    def _project(self, device, project_id, scope, mode, report):
        """Reconcile one project on one device; True if anything was written."""
        project = self._read(device, project_id, scope)
        states = {}
        for lb in project.loadbalancers:
            states[lb.id] = self._classify(project, lb)
        if mode == SYNC and self._needs_tenancy(project, states):
            project.tenancy = repair.tenancy(device, project_id, create=True)
        for lb in project.loadbalancers:
            if states[lb.id] not in (rr.BUSY, None):
                try:
                    project.wanted[lb.id] = self._wanted(project, lb, states[lb.id])
                except (exceptions.UnsupportedOption, exceptions.InvalidValue) as error:
                    # What Octavia holds cannot be written (a failed operation left it
                    # so): its objects are neither repaired nor orphans.
                    states[lb.id] = UNMAPPABLE
                    project.unmappable[lb.id] = str(error)
        unaccounted = self._unaccounted(project, states)
        wrote = False
        for lb in project.loadbalancers:
            lb_report = rr.LoadBalancerReport(lb.id, project_id, lb.provisioning_status,
                                              device.name)
            report.loadbalancers.append(lb_report)
            wrote |= self._loadbalancer(project, lb, states[lb.id], unaccounted, mode,
                                        lb_report)
        if not scope.loadbalancer_id:
            wrote |= self._leftovers(project, unaccounted, mode, report)
        return wrote

    def _classify(self, project, lb):
        """BUSY, None (gone from Octavia meanwhile), or the load balancer's status."""
        graph = project.graphs.get(lb.id)
        if graph is None:
            return None
        if project.jobs.concern(_ids(graph) | {lb.id}):
            return rr.BUSY
        return lb.provisioning_status

    def _needs_tenancy(self, project, states):
        return not project.tenancy['exists'] and any(
            s not in (rr.BUSY, None, UNMAPPABLE, 'ERROR', pending_lib.PENDING_DELETE)
            for s in states.values())

    def _context(self, project, lb_id):
        flavor = (project.graphs[lb_id].loadbalancer or {}).get('flavor')
        return device_tasks.context(project.tenancy, flavor)

    def _wanted(self, project, lb, state):
        """The objects the load balancer must have; none for one Octavia is deleting."""
        if state == pending_lib.PENDING_DELETE:
            return []
        graph = project.graphs[lb.id]
        if lb.pending:
            graph = self._pending.kept(project, lb, graph)
        return drift.desired(graph, self._context(project, lb.id))

    def _unaccounted(self, project, states):
        wanted = set()
        for lb_id, items in project.wanted.items():
            wanted.update(drift.key(i.collection, i.full_path) for i in items)
            wanted |= drift.desired_nodes(project.graphs[lb_id],
                                          self._context(project, lb_id))
        owners = project.owners()
        known = {object_id: kind for object_id, (kind, _lb) in owners.items()
                 if kind in OWNER_KINDS}
        protected = set(project.jobs.ids)
        for lb_id, state in states.items():
            if state in (rr.BUSY, UNMAPPABLE):
                protected |= _ids(project.graphs[lb_id]) | {lb_id}
        return drift.unaccounted(project.shown, wanted, known, protected)

    # --- one load balancer -------------------------------------------------------------------

    def _loadbalancer(self, project, lb, state, unaccounted, mode, lb_report):
        if state in (rr.BUSY, None):
            lb_report.state = rr.BUSY
            lb_report.action = ('a job is working on it' if state else
                                'gone from Octavia while reading')
            return False
        if state == UNMAPPABLE:
            lb_report.state = rr.FAILED
            lb_report.error = 'its objects in Octavia cannot be mapped: %s' % (
                project.unmappable[lb.id])
            return False
        owners = project.owners()
        extra = [f for f in unaccounted if f.state == 'extra'
                 and owners.get(f.owner[1], (None, None))[1] == lb.id]
        wanted = project.wanted[lb.id]
        lb_report.findings = drift.compare(wanted, project.shown) + extra
        if lb.pending:
            return self._pending.handle(project, lb, wanted, lb_report, mode)
        if not lb_report.findings:
            return False
        if state == 'ERROR':
            lb_report.state = rr.NOT_REPAIRED
            lb_report.action = ('ERROR in Octavia: repair it with "openstack loadbalancer '
                                'failover" or delete it')
            return False
        lb_report.state = rr.DRIFT
        if mode == DRY_RUN:
            lb_report.action = 'would write %d object(s)' % len(lb_report.findings)
        if mode != SYNC:
            return False
        try:
            repair.apply(project.device, repair.plan_for(wanted, lb_report.findings))
        except exceptions.DeviceError as error:
            LOG.warning('Repairing load balancer %s on %s failed: %s', lb.id,
                        project.device.name, error)
            lb_report.state, lb_report.error = rr.FAILED, str(error)
            return True
        LOG.info('Load balancer %s repaired on %s: %s', lb.id, project.device.name,
                 ', '.join('%s %s' % (f.state, f.full_path) for f in lb_report.findings))
        lb_report.state = rr.REPAIRED
        lb_report.action = 'wrote %d object(s)' % len(lb_report.findings)
        return True

    # --- the project's leftovers ---------------------------------------------------------------

    def _leftovers(self, project, unaccounted, mode, report):
        partition = names.partition(self._prefix, project.id)
        result = rr.ProjectReport(project.id, partition, project.device.name)
        report.projects.append(result)
        result.orphans = [f for f in unaccounted if f.state == 'orphan']
        unused = not project.loadbalancers and project.id not in project.jobs.ids
        if unused and (project.tenancy['exists'] or project.tenancy['domain_exists']):
            result.tenancy = 'no load balancer in Octavia: partition and route domain unused'
        if not (result.orphans or result.tenancy):
            return False
        if not self._remove_orphans:
            result.action = 'left alone ([f5_reconciler] remove_orphans = false)'
            return False
        if mode != SYNC:
            result.action = 'would remove them' if mode == DRY_RUN else None
            return False
        result.kept = repair.remove(project.device, result.orphans)
        if result.tenancy and not result.kept:
            if repair.remove_tenancy(project.device, self._prefix, project.id,
                                     project.tenancy['route_domain']):
                result.tenancy += ': removed'
            else:
                result.kept.append(drift.Finding('orphan', 'auth/partition', partition))
        result.repaired = True
        result.action = 'removed %d orphan(s)' % (len(result.orphans) - len(result.kept))
        LOG.info('Project %s on %s: %s%s', project.id, project.device.name, result.action,
                 '; %s' % result.tenancy if result.tenancy else '')
        return True


def _ids(graph):
    """Every Octavia id in a load balancer graph."""
    return {obj[c.id_key(kind)] for kind in c.KINDS for obj in graph.objects(kind)}


class Periodic(object):
    """Runs ``sync --all`` every [f5_reconciler] interval in a daemon thread of the worker.

    With several worker processes only one reconciles per interval: a pass starts only after
    taking a Redis key (SET NX) that expires after the interval, on the jobboard's Redis.
    """

    def __init__(self, reconciler, conf=cfg.CONF, name='reconciler'):
        self._reconciler = reconciler
        self._interval = conf[config.RECONCILER_GROUP].interval
        settings = jobboard.board_conf(conf)
        self._key = '%s:reconciler' % settings.pop('namespace')
        self._redis = redis.Redis(**settings)
        self._name = name
        self._periodic = None

    def run_once(self):
        """One pass if no other worker ran one within the interval; the Report or None."""
        if not self._redis.set(self._key, self._name, nx=True, ex=self._interval):
            return None
        report = self._reconciler.run(Scope(everything=True), SYNC)
        changed = [lb for lb in report.loadbalancers if lb.state != rr.IN_SYNC]
        LOG.info('Reconciler pass: %d load balancer(s), %d not in sync before, %d error(s)',
                 len(report.loadbalancers), len(changed), len(report.errors))
        return report

    def start(self):
        self._periodic = periodic.Periodic('Reconciler', self._interval, self.run_once).start()
        return self

    def stop(self, timeout=None):
        if self._periodic is not None:
            self._periodic.stop(timeout)


def start_from_conf(conf, reporter, cluster, name='reconciler'):
    """A started Periodic reconciler, or None when disabled or Octavia's API is not set."""
    if not conf[config.RECONCILER_GROUP].enabled:
        LOG.info('Reconciler disabled ([f5_reconciler] enabled = false)')
        return None
    if not octavia_api.configured(conf):
        LOG.info('Reconciler not started: [f5_reconciler] names no way to Octavia\'s API '
                 '(cloud, auth_url, or auth_type = none with endpoint_override)')
        return None
    reconciler = Reconciler(cluster, reporter, octavia_api.OctaviaApi(conf),
                            jobs_lib.reader(conf), conf)
    return Periodic(reconciler, conf, name).start()
