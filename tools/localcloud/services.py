# SPDX-License-Identifier: Apache-2.0
"""The services of the local cloud: how each starts, how to tell it answers, how it stops."""

import dataclasses
import os
import typing

from tools.localcloud import install
from tools.localcloud import layout as layout_mod
from tools.localcloud import procs

DRIVER_AGENT_SOCKETS = ('status.sock', 'stats.sock', 'get.sock')


@dataclasses.dataclass(frozen=True)
class Service:
    """One process (and its session) of the local cloud."""

    name: str
    argv: typing.List[str]
    ready: typing.Callable[[], bool]
    endpoint: str
    # Files a previous, killed instance may have left and that would fake readiness.
    stale: typing.Tuple[str, ...] = ()
    # TCP ports it binds: taken by someone else before the start means a clash, not readiness.
    ports: typing.Tuple[int, ...] = ()
    leader_first: bool = False
    stop_timeout: float = 15.0
    start_timeout: float = 120.0

    def log(self, layout):
        return os.path.join(layout.log, self.name + '.log')


def _gunicorn(layout, port, module, workers, threads):
    # --no-control-socket: gunicorn 27 would otherwise create ~/.gunicorn/gunicorn.ctl
    return [layout.bin('gunicorn'), '--bind', '127.0.0.1:%d' % port,
            '--workers', str(workers), '--threads', str(threads), '--timeout', '120',
            '--no-control-socket', '--pythonpath', layout.etc, module + ':application']


def _mariadb(layout):
    sock = os.path.join(layout.run, 'mysqld.sock')
    port = layout.ports['mariadb']
    return Service(
        name='mariadb',
        # --defaults-file must come first, and keeps the machine's /etc/mysql out of it
        argv=[install.which('mariadbd', 'mysqld'),
              '--defaults-file=' + os.path.join(layout.etc, 'my.cnf')],
        ready=lambda: procs.is_socket(sock) and procs.tcp_open(port),
        endpoint='127.0.0.1:%d, socket %s' % (port, sock),
        stale=(sock,), ports=(port,), stop_timeout=60.0)


def _redis(layout):
    port = layout.ports['redis']
    return Service(
        name='redis',
        argv=[install.which('redis-server'), os.path.join(layout.etc, 'redis.conf')],
        ready=lambda: procs.redis_ping(port),
        endpoint='redis://127.0.0.1:%d' % port, ports=(port,))


def _simulator(layout):
    argv = [layout.bin('octavia-f5-bigip-simulator'),
            '--listen', '127.0.0.1:%d' % layout.ports['simulator'],
            '--devices', str(len(layout.sim_ports)),
            '--username', layout_mod.SIM_USERNAME, '--password', layout_mod.SIM_PASSWORD,
            '--device-group', layout_mod.SIM_DEVICE_GROUP]
    if layout.sim_https:
        # a kept directory, so the CA path in octavia.conf stays valid across restarts
        argv += ['--https', '--cert-dir', layout.path('state', 'simulator')]
    return Service(
        name='simulator', argv=argv,
        ready=lambda: all(procs.tcp_open(port) for port in layout.sim_ports),
        endpoint=' '.join(layout.sim_urls), ports=tuple(layout.sim_ports))


def _keystone(layout):
    """Keystone, started by `up --with-keystone` only; from its own virtualenv."""
    url = layout.url('keystone')
    argv = _gunicorn(layout, layout.ports['keystone'], 'keystone_wsgi', 2, 4)
    argv[0] = os.path.join(layout.keystone_venv, 'bin', 'gunicorn')
    return Service(
        name='keystone', argv=argv,
        ready=lambda: procs.http_status(url + '/v3') == 200,
        endpoint=url + '/v3', ports=(layout.ports['keystone'],))


def _neutron(layout):
    url = layout.url('neutron')
    return Service(
        name='neutron',
        argv=_gunicorn(layout, layout.ports['neutron'], 'neutron_wsgi', 1, 8),
        # 401: it answers, with keystone auth (`up --with-keystone`)
        ready=lambda: procs.http_status(url + '/v2.0/networks') in (200, 401),
        endpoint=url, ports=(layout.ports['neutron'],))


def _driver_agent(layout):
    sockets = tuple(os.path.join(layout.run, name) for name in DRIVER_AGENT_SOCKETS)
    return Service(
        name='driver-agent',
        argv=[layout.bin('octavia-driver-agent'),
              '--config-file', os.path.join(layout.etc, 'octavia.conf'),
              # keystone mode adds its overlay there (tools/localcloud/keystone.py)
              '--config-dir', os.path.join(layout.etc, 'octavia.conf.d')],
        ready=lambda: all(procs.is_socket(path) for path in sockets),
        endpoint='sockets %s/{%s}' % (layout.run, ','.join(DRIVER_AGENT_SOCKETS)),
        stale=sockets, leader_first=True,
        # its own provider_agent_shutdown_timeout (octavia.conf) is 10 s per provider agent
        stop_timeout=25.0)


def _octavia_api(layout):
    url = layout.url('octavia')
    return Service(
        name='octavia-api',
        argv=_gunicorn(layout, layout.ports['octavia'], 'octavia_wsgi', 2, 4),
        ready=lambda: procs.http_status(url + '/') == 200,
        endpoint=url, ports=(layout.ports['octavia'],))


def all_services(layout):
    """Every service in start order (they stop in reverse)."""
    builders = (_mariadb, _redis, _simulator, _keystone, _neutron, _driver_agent, _octavia_api)
    return [build(layout) for build in builders]
