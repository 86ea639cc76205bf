# SPDX-License-Identifier: Apache-2.0
"""The octavia-f5-worker console script: the worker as a service of its own."""

import signal
import sys

from oslo_config import cfg
from oslo_log import log as logging

from octavia_f5.common import config
from octavia_f5.controller import jobboard
from octavia_f5.controller import service

LOG = logging.getLogger(__name__)

cli_opts = [
    cfg.BoolOpt('db-upgrade-only', default=False,
                help='Create or migrate the persistence database schema, then exit. Run it '
                     'once at deploy time when several hosts share one database.'),
]


def _parse(argv):
    config.register_opts(cfg.CONF)
    cfg.CONF.register_cli_opts(cli_opts)
    logging.register_options(cfg.CONF)
    # alembic announces each of its plugins at INFO on every start.
    logging.set_defaults(default_log_levels=logging.get_default_log_levels() + ['alembic=WARN'])
    # project='octavia': with no --config-file the worker reads /etc/octavia/octavia.conf,
    # the file that already configures the driver in octavia-api.
    cfg.CONF(argv, project='octavia', prog='octavia-f5-worker')
    logging.setup(cfg.CONF, 'octavia-f5-worker')


def _upgrade_only():
    persistence = jobboard.make_persistence(cfg.CONF)
    try:
        jobboard.upgrade_persistence(persistence, cfg.CONF)
    finally:
        persistence.close()


def _install_signal_handlers(worker):
    def _graceful(signum, frame):
        if worker.stopping:
            LOG.warning('Signal %d again: exiting now; claimed jobs resume elsewhere once '
                        'their claims expire', signum)
            sys.exit(1)
        LOG.info('Signal %d: finishing the current tasks, then releasing the jobs', signum)
        worker.stop()

    signal.signal(signal.SIGTERM, _graceful)
    signal.signal(signal.SIGINT, _graceful)


def main(argv=None):
    _parse(sys.argv[1:] if argv is None else argv)
    if cfg.CONF.db_upgrade_only:
        _upgrade_only()
        return 0
    worker = service.Worker(cfg.CONF)
    _install_signal_handlers(worker)
    worker.run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
