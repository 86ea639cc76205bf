# SPDX-License-Identifier: Apache-2.0
"""What a reconciler run found and did, per load balancer and per project, as text or JSON."""

import dataclasses
import typing

# States of a load balancer in a report.
IN_SYNC = 'in sync'
DRIFT = 'drift'
REPAIRED = 'repaired'
BUSY = 'busy'            # a job on the jobboard is working on it: left alone
WAITING = 'waiting'      # PENDING, but younger than [f5_reconciler] pending_timeout
LOST_JOB = 'lost job'    # PENDING with no job: diff shows what sync would finish
FINISHED = 'finished'    # PENDING with no job: finished by sync
NOT_REPAIRED = 'not repaired'   # ERROR in Octavia: shown, left to a failover or a delete
FAILED = 'failed'


@dataclasses.dataclass
class LoadBalancerReport(object):
    id: str
    project_id: str
    provisioning_status: str
    device: str
    state: str = IN_SYNC
    findings: list = dataclasses.field(default_factory=list)
    action: typing.Optional[str] = None
    error: typing.Optional[str] = None

    def as_dict(self):
        found = {'loadbalancer': self.id, 'project': self.project_id, 'device': self.device,
                 'provisioning_status': self.provisioning_status, 'state': self.state,
                 'findings': [f.as_dict() for f in self.findings]}
        for name in ('action', 'error'):
            if getattr(self, name):
                found[name] = getattr(self, name)
        return found

    def lines(self):
        head = 'load balancer %s (project %s, %s) on %s: %s' % (
            self.id, self.project_id, self.provisioning_status, self.device, self.state)
        return [head] + _details(self.findings, self.action, self.error)


@dataclasses.dataclass
class ProjectReport(object):
    project_id: str
    partition: str
    device: str
    orphans: list = dataclasses.field(default_factory=list)
    kept: list = dataclasses.field(default_factory=list)
    tenancy: typing.Optional[str] = None
    action: typing.Optional[str] = None
    error: typing.Optional[str] = None
    repaired: bool = False

    @property
    def clean(self):
        if self.error:
            return False
        return not (self.orphans or self.tenancy) or (self.repaired and not self.kept)

    def as_dict(self):
        found = {'project': self.project_id, 'partition': self.partition,
                 'device': self.device, 'orphans': [f.as_dict() for f in self.orphans]}
        for name in ('tenancy', 'action', 'error'):
            if getattr(self, name):
                found[name] = getattr(self, name)
        if self.kept:
            found['kept'] = [f.as_dict() for f in self.kept]
        return found

    def lines(self):
        if not (self.orphans or self.tenancy or self.error):
            return []
        head = 'project %s (partition %s on %s): %d orphan(s)%s' % (
            self.project_id, self.partition, self.device, len(self.orphans),
            '; %s' % self.tenancy if self.tenancy else '')
        lines = [head] + _details(self.orphans, self.action, self.error)
        lines.extend('  kept (in use) %s %s' % (f.collection, f.full_path) for f in self.kept)
        return lines


@dataclasses.dataclass
class Report(object):
    """The outcome of one run; ``clean`` when nothing is left to do."""

    mode: str
    loadbalancers: list = dataclasses.field(default_factory=list)
    projects: list = dataclasses.field(default_factory=list)
    errors: list = dataclasses.field(default_factory=list)

    @property
    def clean(self):
        done = (IN_SYNC, REPAIRED, FINISHED, BUSY, WAITING)
        return (not self.errors and all(lb.state in done for lb in self.loadbalancers)
                and all(p.clean for p in self.projects))

    def loadbalancer(self, loadbalancer_id):
        """The report of one load balancer (the first device's, in write-all mode), or None."""
        return next((lb for lb in self.loadbalancers if lb.id == loadbalancer_id), None)

    def project(self, project_id):
        return next((p for p in self.projects if p.project_id == project_id), None)

    def as_dict(self):
        return {'mode': self.mode, 'clean': self.clean,
                'loadbalancers': [lb.as_dict() for lb in self.loadbalancers],
                'projects': [p.as_dict() for p in self.projects if p.lines()],
                'errors': list(self.errors)}

    def lines(self):
        lines = []
        for lb in self.loadbalancers:
            lines.extend(lb.lines())
        for project in self.projects:
            lines.extend(project.lines())
        lines.extend('error: %s' % error for error in self.errors)
        if not self.loadbalancers and not self.projects and not self.errors:
            lines.append('nothing to reconcile')
        return lines


def _details(findings, action, error):
    lines = []
    for finding in findings:
        line = '  %-9s %s %s' % (finding.state, finding.collection, finding.full_path)
        if finding.fields:
            line += ' (%s)' % ', '.join(finding.fields)
        lines.append(line)
    if action:
        lines.append('  -> %s' % action)
    if error:
        lines.append('  error: %s' % error)
    return lines
