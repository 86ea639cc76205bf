# SPDX-License-Identifier: Apache-2.0
"""The provider agent: runs the worker inside octavia-driver-agent.

Enabled in octavia.conf with ``[driver_agent] enabled_provider_agents = f5``. The driver agent
forks one process per provider agent, with Octavia's configuration (ours included, same file)
and logging already set up, and sets ``exit_event`` on shutdown; it SIGKILLs agents that do not
return within ``[driver_agent] provider_agent_shutdown_timeout``.
"""

import signal
import threading

from oslo_log import log as logging

from octavia_f5.controller import service

LOG = logging.getLogger(__name__)


def provider_agent(exit_event):
    """Run the worker until ``exit_event`` is set; then stop gracefully and return."""
    worker = service.Worker()
    if threading.current_thread() is threading.main_thread():
        # systemd's default KillMode sends SIGTERM to every process of the service, agents
        # included; Python's default action would kill the agent at once and leave its jobs
        # claimed until the claims expire.
        signal.signal(signal.SIGTERM, lambda signum, frame: worker.stop())
    watcher = threading.Thread(target=_stop_on_exit_event, args=(exit_event, worker),
                               daemon=True, name='f5-agent-exit-watcher')
    watcher.start()
    LOG.info('octavia_f5 provider agent starting worker %s', worker.name)
    worker.run()
    LOG.info('octavia_f5 provider agent exiting')


def _stop_on_exit_event(exit_event, worker):
    exit_event.wait()
    LOG.info('Driver agent is shutting down; stopping worker %s', worker.name)
    worker.stop()
