# SPDX-License-Identifier: Apache-2.0
"""Where the local cloud lives: directories, ports and switches, read from the environment."""

import dataclasses
import os

ENV_PREFIX = 'OCTAVIA_F5_LOCAL_'
CLOUD_NAME = 'octavia-f5-local'
SIM_DEVICES = 2
SIM_USERNAME = 'admin'
SIM_PASSWORD = 'admin'
SIM_DEVICE_GROUP = 'octavia-f5-group'
# A block far below Linux's ephemeral range (32768+) and away from the machine's own services
# (MariaDB 3306, Redis 6379); every port can also be moved alone: OCTAVIA_F5_LOCAL_<NAME>_PORT.
DEFAULT_PORT_BASE = 19800
PORT_OFFSETS = {'mariadb': 6, 'simulator': 43, 'keystone': 50, 'octavia': 76, 'redis': 79,
                'neutron': 96}


@dataclasses.dataclass(frozen=True)
class Layout:
    """Paths, ports and switches of one local cloud."""

    repo: str
    cloud: str
    venv: str
    ports: dict
    debug: bool
    f5: str
    sim_https: bool
    # `up --with-keystone`: Keystone, keystone auth in Neutron and Octavia, a tempest workspace
    keystone: bool = False
    keystone_venv: str = ''
    tempest_venv: str = ''

    def path(self, *parts):
        return os.path.join(self.cloud, *parts)

    @property
    def etc(self):
        return self.path('etc')

    @property
    def run(self):
        return self.path('run')

    @property
    def log(self):
        return self.path('log')

    def bin(self, name):
        """A console script of the cloud's virtualenv."""
        return os.path.join(self.venv, 'bin', name)

    def url(self, service):
        return 'http://127.0.0.1:%d' % self.ports[service]

    @property
    def sim_ports(self):
        # The simulator serves device i (0-based) on its --listen port + i.
        return [self.ports['simulator'] + i for i in range(SIM_DEVICES)]

    @property
    def sim_urls(self):
        scheme = 'https' if self.sim_https else 'http'
        return ['%s://127.0.0.1:%d' % (scheme, port) for port in self.sim_ports]

    @property
    def clouds_yaml(self):
        return self.path('clouds.yaml')

    @property
    def tempest(self):
        """The tempest workspace: etc/tempest.conf, .stestr.conf, results."""
        return self.path('tempest')


def _env(environ, name, default):
    return environ.get(ENV_PREFIX + name, default)


def _flag(environ, name, default):
    return _env(environ, name, default).strip().lower() in ('1', 'true', 'yes', 'on')


def _ports(environ):
    base = int(_env(environ, 'PORT_BASE', DEFAULT_PORT_BASE))
    return {name: int(_env(environ, name.upper() + '_PORT', base + offset))
            for name, offset in PORT_OFFSETS.items()}


def from_env(repo, environ=None):
    """The layout for the checkout at ``repo``, with OCTAVIA_F5_LOCAL_* overrides."""
    environ = os.environ if environ is None else environ
    local = os.path.join(repo, '.local')
    f5 = _env(environ, 'F5', 'auto').strip().lower()
    if f5 not in ('auto', 'on', 'off'):
        raise ValueError('%sF5 must be auto, on or off, not %r' % (ENV_PREFIX, f5))
    return Layout(
        repo=repo,
        cloud=os.path.abspath(_env(environ, 'DIR', os.path.join(local, 'cloud'))),
        venv=os.path.abspath(_env(environ, 'VENV', os.path.join(local, 'venv'))),
        ports=_ports(environ),
        debug=_flag(environ, 'DEBUG', '0'),
        f5=f5,
        sim_https=_flag(environ, 'SIM_HTTPS', '1'),
        keystone=_flag(environ, 'KEYSTONE', '0'),
        keystone_venv=os.path.abspath(_env(environ, 'KEYSTONE_VENV',
                                           os.path.join(local, 'keystone-venv'))),
        tempest_venv=os.path.abspath(_env(environ, 'TEMPEST_VENV',
                                          os.path.join(local, 'tempest-venv'))),
    )
