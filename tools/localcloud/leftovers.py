# SPDX-License-Identifier: Apache-2.0
"""Leftovers of killed tempest runs in the local cloud: their load balancers, networks, projects.

A tempest run that is killed (timeout, Ctrl-C) skips its class cleanups: its load balancers,
VIP and member networks, users and projects stay. Networks hold VLANs from a range of 101, so
a few killed runs starve the next one. Everything tempest's dynamic credentials make is named
``tempest-<TestClass>-<number>``; only projects named so are touched.
"""

import json
import time
import urllib.error
import urllib.request

from tools.localcloud import identity

PREFIX = 'tempest-'
PENDING = ('PENDING_CREATE', 'PENDING_UPDATE', 'PENDING_DELETE')


def _rest(method, url, token):
    """JSON of ``method url`` (None for 404 and empty bodies); other errors raise."""
    request = urllib.request.Request(url, method=method)
    request.add_header('X-Auth-Token', token)
    request.add_header('Accept', 'application/json')
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            text = resp.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise RuntimeError('%s %s: HTTP %d %s' % (method, url, exc.code, exc.read()[:300]))
    return json.loads(text) if text else None


def _delete_loadbalancers(octavia, token, projects, say, timeout):
    """Cascade-delete the projects' load balancers; returns the projects still holding one."""
    def remaining():
        found = _rest('GET', octavia + '/v2/lbaas/loadbalancers', token)['loadbalancers']
        return [lb for lb in found if lb['project_id'] in projects]

    for lb in remaining():
        if lb['provisioning_status'] not in PENDING:
            _rest('DELETE', '%s/v2/lbaas/loadbalancers/%s?cascade=true' % (octavia, lb['id']),
                  token)
    deadline = time.monotonic() + timeout
    left = remaining()
    while left and time.monotonic() < deadline:
        time.sleep(2)
        left = remaining()
    for lb in left:
        say('WARNING: load balancer %s of %s is still %s: its project is kept'
            % (lb['id'], lb['project_id'], lb['provisioning_status']))
    return {lb['project_id'] for lb in left}


def _delete_networks(neutron, token, projects):
    # Ports first: a network with ports cannot go. Security groups hold no VLAN: kept.
    for kind in ('ports', 'networks'):
        for item in _rest('GET', '%s/v2.0/%s' % (neutron, kind), token)[kind]:
            if item.get('project_id') in projects:
                _rest('DELETE', '%s/v2.0/%s/%s' % (neutron, kind, item['id']), token)


def clean(layout, say, timeout=120):
    """Remove what killed tempest runs left; returns the number of projects removed.

    Never run it while a tempest run is going on against the same cloud.
    """
    keystone = identity.admin_client(layout.url('keystone'))
    projects = {p['id']: p['name'] for p in keystone.call('GET', '/projects')['projects']
                if p['name'].startswith(PREFIX)}
    if not projects:
        return 0
    say('removing the leftovers of killed tempest runs: %d projects' % len(projects))
    stuck = _delete_loadbalancers(layout.url('octavia'), keystone.token, set(projects), say,
                                  timeout)
    done = set(projects) - stuck
    _delete_networks(layout.url('neutron'), keystone.token, done)
    for user in keystone.call('GET', '/users')['users']:
        if user['name'].startswith(PREFIX) and user.get('default_project_id') not in stuck:
            keystone.call('DELETE', '/users/' + user['id'])
    for project_id in done:
        keystone.call('DELETE', '/projects/' + project_id)
    return len(done)
