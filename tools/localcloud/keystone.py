# SPDX-License-Identifier: Apache-2.0
"""Keystone in the local cloud (`up --with-keystone`): venvs, files, database, auth mode."""

import grp
import os
import pwd
import subprocess

from tools.localcloud import configs
from tools.localcloud import identity
from tools.localcloud import install
from tools.localcloud import services as services_mod

HERE = os.path.dirname(__file__)
REQUIREMENTS = os.path.join(HERE, 'requirements-keystone.txt')
TEMPEST_REQUIREMENTS = os.path.join(HERE, 'requirements-tempest.txt')
# Read after the services' own files (--config-dir): present only in keystone mode, so the
# noauth templates stay as they are.
OVERLAYS = (
    ('neutron-keystone.conf', 'neutron.conf.d'),
    ('octavia-keystone.conf', 'octavia.conf.d'),
)
OVERLAY_NAME = 'keystone.conf'
# template -> (file under <cloud>/etc, mode); keystone mode only.
FILES = (
    ('keystone.conf', 'keystone.conf', 0o600),
    ('keystone_wsgi.py.tmpl', 'keystone_wsgi.py', 0o644),
)
# The services that read the overlays: a change of auth mode restarts them.
AUTH_READERS = ('neutron', 'driver-agent', 'octavia-api')
MODE_FILE = 'auth-mode'
STAMP = 'localcloud-migrated-keystone'


def mode(layout):
    return 'keystone' if layout.keystone else 'noauth'


def manage(layout):
    return os.path.join(layout.keystone_venv, 'bin', 'keystone-manage')


def values(layout):
    """The ${name}s of the keystone templates."""
    return {
        'keystone_url': layout.url('keystone'), 'region': identity.REGION,
        'admin_password': identity.ADMIN_PASSWORD, 'demo_password': identity.DEMO_PASSWORD,
        'service_password_neutron': identity.service_password('neutron'),
        'service_password_octavia': identity.service_password('octavia'),
    }


def ensure_venvs(layout, say):
    """Keystone's and tempest's virtualenvs (their pips run side by side)."""
    install.ensure_side_venvs(layout, [
        (layout.keystone_venv, REQUIREMENTS, 'keystone'),
        (layout.tempest_venv, TEMPEST_REQUIREMENTS, 'tempest'),
    ], say)


def render(layout, vals):
    """Write (keystone mode) or remove (noauth) the auth overlays, and Keystone's own files."""
    for template, directory in OVERLAYS:
        os.makedirs(os.path.join(layout.etc, directory), exist_ok=True)
        target = os.path.join(directory, OVERLAY_NAME)
        if layout.keystone:
            # 0600: they hold the service users' passwords
            configs.render(layout, template, target, 0o600, vals)
        elif os.path.exists(os.path.join(layout.etc, target)):
            os.unlink(os.path.join(layout.etc, target))
    if not layout.keystone:
        return
    for template, target, file_mode in FILES:
        configs.render(layout, template, target, file_mode, vals)
    # replaces the noauth clouds.yaml that configs.render_all wrote
    configs.render_file('clouds-keystone.yaml', layout.clouds_yaml, 0o600, vals)


def switch_mode(layout, registry, say):
    """Stop what runs under the other auth mode, so that `up` restarts it under this one."""
    services = {s.name: s for s in services_mod.all_services(layout)}
    path = layout.path('state', MODE_FILE)
    try:
        with open(path) as f:
            previous = f.read().strip()
    except OSError:
        previous = 'noauth'     # clouds from before --with-keystone existed
    if previous != mode(layout):
        names = list(AUTH_READERS) + ([] if layout.keystone else ['keystone'])
        for service in (services[n] for n in reversed(names) if n in services):
            if registry.read(service.name):
                say('stopping %s: the cloud switches from %s to %s'
                    % (service.name, previous, mode(layout)))
                registry.stop(service.name, service.leader_first, service.stop_timeout)
    with open(path, 'w') as f:
        f.write(mode(layout) + '\n')


def _stamp_digest(layout):
    try:
        with open(os.path.join(layout.keystone_venv, install.STAMP)) as f:
            return f.read().strip()
    except OSError:
        return ''


def migrate(layout, say):
    """Schema, key repositories and bootstrap, unless this datadir did them for this venv."""
    stamp = os.path.join(layout.path('mysql'), STAMP)
    digest = _stamp_digest(layout)
    try:
        with open(stamp) as f:
            if f.read().strip() == digest:
                return
    except OSError:
        pass
    log = os.path.join(layout.log, 'migrations.log')
    say('migrating and bootstrapping the keystone database (log: %s)' % log)
    conf = ['--config-file', os.path.join(layout.etc, 'keystone.conf')]
    url = layout.url('keystone') + '/v3/'
    for name in ('fernet-keys', 'credential-keys'):
        os.makedirs(layout.path('state', 'keystone', name), mode=0o700, exist_ok=True)
    steps = [
        ['db_sync'],
        ['fernet_setup', '--keystone-user', _user(), '--keystone-group', _group()],
        ['credential_setup', '--keystone-user', _user(), '--keystone-group', _group()],
        # creates admin (project admin, role admin), the roles member and reader, and the
        # identity endpoints; the password comes from the environment, never from argv
        ['bootstrap', '--bootstrap-username', 'admin', '--bootstrap-project-name', 'admin',
         '--bootstrap-role-name', 'admin', '--bootstrap-service-name', 'keystone',
         '--bootstrap-region-id', identity.REGION, '--bootstrap-admin-url', url,
         '--bootstrap-internal-url', url, '--bootstrap-public-url', url],
    ]
    env = dict(os.environ, OS_BOOTSTRAP_PASSWORD=identity.ADMIN_PASSWORD,
               PYTHONWARNINGS='ignore')
    for step in steps:
        _run([manage(layout)] + conf + step, log, env)
    with open(stamp, 'w') as f:
        f.write(digest + '\n')


def register(layout):
    """Service users, roles, demo project, and the network and load-balancer endpoints."""
    identity.register(layout.url('keystone'), {
        'identity': ('keystone', layout.url('keystone') + '/v3/'),
        'network': ('neutron', layout.url('neutron')),
        'load-balancer': ('octavia', layout.url('octavia')),
    })


def admin_token(layout):
    return identity.token(layout.url('keystone'), 'admin', identity.ADMIN_PASSWORD, 'admin')


def _user():
    return pwd.getpwuid(os.getuid()).pw_name


def _group():
    return grp.getgrgid(os.getgid()).gr_name


def _run(args, log_path, env):
    with open(log_path, 'ab') as log:
        result = subprocess.run(args, stdout=log, stderr=subprocess.STDOUT, env=env)
    if result.returncode:
        raise RuntimeError('keystone-manage %s failed (exit %d); see %s'
                           % (args[3], result.returncode, log_path))
