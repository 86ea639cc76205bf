# SPDX-License-Identifier: Apache-2.0
"""The octavia-f5-manage console script: the reconciler on demand (diff, sync).

    octavia-f5-manage [--config-file octavia.conf] diff --loadbalancer ID | --project ID | --all
    octavia-f5-manage [--config-file octavia.conf] sync ... [--dry-run]

``diff`` shows per load balancer what the device lacks, has extra or has different, and the
orphans of each project's partition; ``sync`` repairs them (``--dry-run``: says what it
would do). Exit status: 0 nothing left to do, 1 differences found (diff) or not repaired
(sync), 2 a usage or configuration error. Run it where the worker runs: it reads Octavia's
objects through the driver agent's get socket and Octavia's API with [f5_reconciler].
"""

import collections
import json
import os
import sys

from oslo_config import cfg
from oslo_log import log as logging

from octavia_f5.bigip import cluster as cluster_lib
from octavia_f5.common import config
from octavia_f5.common import exceptions
from octavia_f5.controller import jobs as jobs_lib
from octavia_f5.controller import octavia_api
from octavia_f5.controller import reconciler
from octavia_f5.controller import status

PROG = 'octavia-f5-manage'
Command = collections.namedtuple('Command', 'mode scope json')


def _add_parsers(subparsers):
    for name, text in (('diff', 'show what the devices lack, have extra or have different'),
                       ('sync', 'repair it, remove orphans, finish lost PENDING jobs')):
        parser = subparsers.add_parser(name, help=text, description=text)
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument('--loadbalancer', metavar='ID', help='one load balancer')
        scope.add_argument('--project', metavar='ID',
                           help='every load balancer of a project, and its orphans')
        scope.add_argument('--all', action='store_true',
                           help='every project with load balancers or a partition')
        if name == 'sync':
            parser.add_argument('--dry-run', action='store_true',
                                help='say what would be done, change nothing')
        parser.add_argument('--json', action='store_true', help='print the report as JSON')


COMMAND_OPT = cfg.SubCommandOpt('command', title='Commands', handler=_add_parsers,
                                help='diff or sync; "%s <command> --help" for more' % PROG)


def parse(argv, conf=cfg.CONF, default_config_files=None):
    """Parse the command line into a Command (SystemExit 2 on a usage error)."""
    config.register_opts(conf)
    if 'command' not in conf:
        conf.register_cli_opt(COMMAND_OPT)
    logging.register_options(conf)
    # project='octavia': without --config-file, /etc/octavia/octavia.conf as for the worker.
    conf(argv, project='octavia', prog=PROG, default_config_files=default_config_files)
    chosen = conf.command
    scope = reconciler.Scope(loadbalancer_id=chosen.loadbalancer,
                             project_id=chosen.project, everything=bool(chosen.all))
    if chosen.name == 'diff':
        mode = reconciler.DIFF
    else:
        mode = reconciler.DRY_RUN if chosen.dry_run else reconciler.SYNC
    return Command(mode, scope, bool(chosen.json))


def make_reconciler(conf):
    """The Reconciler with the configured devices, driver agent, Octavia API and jobboard."""
    get_socket = conf[config.DRIVER_AGENT_GROUP].get_socket_path
    if not os.path.exists(get_socket):
        # DriverLibrary would wait minutes for it.
        raise exceptions.ReconcilerNotConfigured(
            'the driver agent\'s get socket %s does not exist: run %s where '
            'octavia-driver-agent runs, or set [f5_driver_agent] get_socket_path'
            % (get_socket, PROG))
    # Configuration errors now, not halfway through (no request is made yet).
    octavia = octavia_api.OctaviaApi(conf, connection=octavia_api.connect(conf))
    cluster = cluster_lib.Cluster.from_conf(conf)
    return cluster, reconciler.Reconciler(cluster, status.StatusReporter(conf), octavia,
                                          jobs_lib.reader(conf), conf)


def render(report, as_json):
    if as_json:
        return json.dumps(report.as_dict(), indent=2, sort_keys=True)
    return '\n'.join(report.lines())


def run(command, conf=cfg.CONF, out=sys.stdout):
    """Run a parsed command; returns the exit status."""
    try:
        cluster, worker = make_reconciler(conf)
    except (exceptions.ReconcilerNotConfigured, ValueError) as error:
        sys.stderr.write('%s: %s\n' % (PROG, error))
        return 2
    try:
        report = worker.run(command.scope, command.mode)
    finally:
        cluster.close()
    out.write(render(report, command.json) + '\n')
    return 0 if report.clean else 1


def main(argv=None):
    command = parse(sys.argv[1:] if argv is None else argv)
    logging.setup(cfg.CONF, PROG)
    return run(command)


if __name__ == '__main__':
    sys.exit(main())
