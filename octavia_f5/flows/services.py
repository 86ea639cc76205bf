# SPDX-License-Identifier: Apache-2.0
"""The live collaborators of the tasks (device cluster, status reporter), one set per process.

Tasks are rebuilt from their class whenever a worker resumes a flow, so they cannot hold
connections themselves; they ask here. The worker calls ``configure(reporter=...)`` once at
start (the reporter lives in octavia_f5.controller, above this package); the cluster is
built from the [f5_bigip] options on first use unless one was configured.
"""

import threading

from oslo_config import cfg

from octavia_f5.bigip import cluster as cluster_mod

_LOCK = threading.Lock()
_SERVICES = {}


def configure(cluster=None, reporter=None):
    """Set the cluster and/or the status reporter the tasks of this process use."""
    with _LOCK:
        if cluster is not None:
            _SERVICES['cluster'] = cluster
        if reporter is not None:
            _SERVICES['reporter'] = reporter


def cluster():
    """The device cluster; built from [f5_bigip] on first use."""
    with _LOCK:
        if 'cluster' not in _SERVICES:
            _SERVICES['cluster'] = cluster_mod.Cluster.from_conf(cfg.CONF)
        return _SERVICES['cluster']


def reporter():
    """The status reporter (octavia_f5.controller.status.StatusReporter or alike)."""
    with _LOCK:
        found = _SERVICES.get('reporter')
    if found is None:
        raise RuntimeError('no status reporter: the worker must call '
                           'octavia_f5.flows.services.configure(reporter=...) at start')
    return found


def reset():
    """Forget everything (tests); closes a cluster built here."""
    with _LOCK:
        built = _SERVICES.pop('cluster', None)
        _SERVICES.clear()
    if built is not None:
        built.close()
