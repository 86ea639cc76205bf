# SPDX-License-Identifier: Apache-2.0
"""The local cloud's commands: up (install, configure, start, seed), down, status, demo."""

import os
import subprocess
import time

from tools.localcloud import configs
from tools.localcloud import database
from tools.localcloud import install
from tools.localcloud import keystone
from tools.localcloud import layout as layout_mod
from tools.localcloud import procs
from tools.localcloud import seed
from tools.localcloud import services as services_mod
from tools.localcloud import tempest

F5_MODULES = ('octavia_f5.api.driver', 'octavia_f5.controller.agent')
SIMULATOR_MODULE = 'octavia_f5.simulator.server'
DIRS = ('etc', 'run', 'log', 'state', 'state/neutron', 'state/simulator', 'mysql', 'redis',
        'certs')
CORE = ('mariadb', 'redis', 'neutron', 'driver-agent', 'octavia-api')
EARLY = ('mariadb', 'redis', 'simulator')
LATE = ('neutron', 'driver-agent', 'octavia-api')


class CloudError(Exception):
    """A step of the local cloud failed; the message says what and where to look."""


def _child_env(layout):
    env = dict(os.environ)
    env['PATH'] = os.path.join(layout.venv, 'bin') + os.pathsep + env.get('PATH', '')
    env['VIRTUAL_ENV'] = layout.venv
    # Octavia, Neutron and their libraries print pages of deprecation warnings at start.
    env['PYTHONWARNINGS'] = 'ignore'
    return env


def _tail(path, lines=15):
    try:
        with open(path, errors='replace') as f:
            return ''.join(f.readlines()[-lines:])
    except OSError:
        return ''


def _start(registry, layout, service, say):
    """Start ``service`` unless it runs; returns its Popen when started now."""
    if registry.leader_alive(service.name):
        say('%s is already running' % service.name)
        return None
    if registry.read(service.name):
        registry.stop(service.name, service.leader_first, service.stop_timeout)
    taken = [port for port in service.ports if procs.tcp_open(port)]
    if taken:
        raise CloudError('cannot start %s: port %s is in use by a process the local cloud did '
                         'not start; move the cloud with %sPORT_BASE (docs/local-cloud.md)'
                         % (service.name, ','.join(map(str, taken)), layout_mod.ENV_PREFIX))
    for path in service.stale:
        if os.path.exists(path):
            os.unlink(path)
    say('starting %s' % service.name)
    return registry.start(service.name, service.argv, service.log(layout),
                          env=_child_env(layout), cwd=layout.cloud)


def _exited(service, proc, layout):
    return ('%s exited with status %s while starting; last lines of %s:\n%s'
            % (service.name, proc.returncode, service.log(layout), _tail(service.log(layout))))


def _wait(started, layout, optional, say):
    """Wait until every service answers; returns the optional ones that exited instead."""
    pending = list(started)
    failed = []
    deadline = time.monotonic() + max(s.start_timeout for s, _proc in started)
    while pending:
        for service, proc in list(pending):
            if proc is not None and proc.poll() is not None:
                if service.name not in optional:
                    raise CloudError(_exited(service, proc, layout))
                say('WARNING: ' + _exited(service, proc, layout))
                pending.remove((service, proc))
                failed.append(service.name)
            elif service.ready():
                pending.remove((service, proc))
        if pending and time.monotonic() > deadline:
            names = ', '.join(s.name for s, _proc in pending)
            raise CloudError('%s did not answer in time; see %s' % (names, layout.log))
        if pending:
            time.sleep(0.2)
    return failed


def _start_all(registry, layout, services, say, optional=()):
    started = [(service, _start(registry, layout, service, say)) for service in services]
    return _wait(started, layout, optional, say)


def _f5_enabled(layout, say):
    if layout.f5 == 'off':
        return False
    importable = install.importable(layout, F5_MODULES)
    if layout.f5 == 'on' and not importable:
        raise CloudError('%sF5=on but %s cannot be imported in %s'
                         % (layout_mod.ENV_PREFIX, ' and '.join(F5_MODULES), layout.venv))
    if not importable:
        say('f5 provider off: %s not importable yet (noop_driver is the default provider)'
            % ' / '.join(F5_MODULES))
    return importable


def _simulator_available(layout):
    return (os.path.exists(layout.bin('octavia-f5-bigip-simulator'))
            and install.importable(layout, [SIMULATOR_MODULE]))


def _simulator_settings(layout, service, say):
    """[f5_bigip] verify, learnt from the running simulator."""
    if not layout.sim_https:
        return {}
    ca = configs.simulator_ca(service.log(layout))
    if ca is None:
        say('WARNING: the simulator announced no CA file in %s: [f5_bigip] verify = false'
            % service.log(layout))
    return {'verify': ca or 'false'}


def up(layout, say):
    began = time.monotonic()
    for name in DIRS:
        os.makedirs(layout.path(name), exist_ok=True)
    install.ensure_debian_packages(say)
    digest = install.ensure_venv(layout, say)
    if layout.keystone:
        keystone.ensure_venvs(layout, say)
    f5 = _f5_enabled(layout, say)
    by_name = {s.name: s for s in services_mod.all_services(layout)}
    if not layout.keystone:
        del by_name['keystone']
    if not _simulator_available(layout):
        if f5:
            raise CloudError('the f5 provider is on but %s cannot be imported: the provider '
                             'would have no devices' % SIMULATOR_MODULE)
        say('BIG-IP simulator not started: %s is not installed yet' % SIMULATOR_MODULE)
        del by_name['simulator']
    registry = procs.Registry(layout.run)
    vals = configs.values(layout, f5, {})
    for name in ('my.cnf', 'redis.conf'):
        configs.render(layout, name, name, 0o644, vals)
    database.ensure_datadir(layout, say)
    # Without the f5 provider nothing talks to the simulator: a simulator that cannot start
    # (still being written) must not keep the rest of the cloud down.
    optional = () if f5 else ('simulator',)
    for name in _start_all(registry, layout, [by_name[n] for n in EARLY if n in by_name], say,
                           optional):
        registry.stop(name)
        del by_name[name]
    database.ensure_databases(layout)
    sim = (_simulator_settings(layout, by_name['simulator'], say) if 'simulator' in by_name
           else {})
    vals = dict(configs.values(layout, f5, sim), **keystone.values(layout))
    configs.render_all(layout, vals)
    database.migrate(layout, digest, say)
    _auth(registry, layout, by_name, vals, say)
    _start_all(registry, layout, [by_name[n] for n in LATE], say)
    network, subnet = seed.ensure_demo_network(
        layout.url('neutron'), keystone.admin_token(layout) if layout.keystone else None)
    say('demo network %s (%s), subnet %s (%s, %s)' % (
        seed.DEMO_NETWORK, network['id'], seed.DEMO_SUBNET, subnet['id'], subnet['cidr']))
    if layout.keystone:
        say('tempest workspace: %s' % tempest.write_workspace(layout, vals))
    _summary(layout, registry, by_name.values(), f5, say)
    say('up in %.1f s' % (time.monotonic() - began))


def _auth(registry, layout, by_name, vals, say):
    """Keystone mode on or off: the auth overlays, restarts on a switch, Keystone itself."""
    keystone.render(layout, vals)
    keystone.switch_mode(layout, registry, say)
    if layout.keystone:
        keystone.migrate(layout, say)
        _start_all(registry, layout, [by_name['keystone']], say)
        keystone.register(layout)


def _summary(layout, registry, services, f5, say):
    say('the local cloud runs:')
    for service in services:
        record = registry.read(service.name) or {}
        say('  %-13s pid %-7s %s' % (service.name, record.get('pid', '-'), service.endpoint))
        say('  %-13s log %s' % ('', service.log(layout)))
    say('providers: %s (default %s)' % (
        'f5, noop_driver' if f5 else 'noop_driver', 'f5' if f5 else 'noop_driver'))
    say('configuration: %s   data: %s' % (layout.etc, layout.cloud))
    say('use it:  export OS_CLIENT_CONFIG_FILE=%s' % layout.clouds_yaml)
    say('         openstack --os-cloud %s loadbalancer provider list' % layout_mod.CLOUD_NAME)


def demo(layout, say):
    """Run tools/localcloud/demo.py with the cloud's virtualenv; returns its exit status.

    The demo needs the openstack CLI, requests and cryptography, which the virtualenv has and
    a fresh machine's system Python may not.
    """
    python = layout.bin('python')
    if not os.path.exists(python):
        raise CloudError('no virtualenv at %s: run `tools/local-cloud up` first' % layout.venv)
    return subprocess.call([python, '-m', 'tools.localcloud.demo'], cwd=layout.repo,
                           env=_child_env(layout))


def down(layout, say):
    """Stop what `up` started, by recorded pid; returns the pids still alive afterwards."""
    registry = procs.Registry(layout.run)
    sessions = []
    for service in reversed(services_mod.all_services(layout)):
        record = registry.read(service.name)
        if not record:
            continue
        sessions.append(record['pid'])
        killed = registry.stop(service.name, service.leader_first, service.stop_timeout)
        if killed:
            say('%s did not stop on SIGTERM in %.0f s: killed %s'
                % (service.name, service.stop_timeout, ' '.join(map(str, killed))))
        else:
            say('stopped %s (session %d)' % (service.name, record['pid']))
    left = [pid for sid in sessions for pid in procs.session_members(sid)]
    if left:
        say('still running: %s' % ' '.join(map(str, left)))
    elif sessions:
        say('no process of the local cloud is left')
    else:
        say('nothing to stop')
    return left


def status(layout, say):
    """Print each service's state; True when every expected service runs and answers.

    Expected: the core services, and any other that `up` started (it left a pid file).
    """
    registry = procs.Registry(layout.run)
    healthy = True
    for service in services_mod.all_services(layout):
        record = registry.read(service.name)
        running = registry.leader_alive(service.name)
        answers = running and service.ready()
        if running:
            state = 'running, answers' if answers else 'running, NOT answering'
        else:
            state = 'DEAD (pid file left)' if record else 'stopped'
        if (service.name in CORE or record) and not answers:
            healthy = False
        pid = record['pid'] if running else '-'
        say('%-13s %-24s pid %-7s %s' % (service.name, state, pid, service.endpoint))
    return healthy
