# SPDX-License-Identifier: Apache-2.0
"""Renders the local cloud's configuration files from templates/ and finds the f5 settings."""

import base64
import getpass
import os
import re
import shutil
import string

from tools.localcloud import layout as layout_mod

TEMPLATES = os.path.join(os.path.dirname(__file__), 'templates')
NOOP_PROVIDER = 'noop_driver:The No-Op driver'
F5_PROVIDER = 'f5:F5 BIG-IP through octavia_f5'
# The simulator prints the CA of its self-signed certificate at start; clients verify with it.
CA_LINE = re.compile(r'^ca-certificate (\S+)$', re.MULTILINE)

# template -> (file under <cloud>/etc, mode): octavia.conf holds the Fernet key.
FILES = (
    ('my.cnf', 'my.cnf', 0o644),
    ('redis.conf', 'redis.conf', 0o644),
    ('neutron.conf', 'neutron.conf', 0o600),
    ('ml2_conf.ini', 'ml2_conf.ini', 0o644),
    ('octavia.conf', 'octavia.conf', 0o600),
    ('neutron_wsgi.py.tmpl', 'neutron_wsgi.py', 0o644),
    ('octavia_wsgi.py.tmpl', 'octavia_wsgi.py', 0o644),
)


def secret_key(layout):
    """The cloud's Fernet key for [f5_jobboard] secret_key, generated once and kept."""
    path = layout.path('state', 'secret_key')
    if not os.path.exists(path):
        key = base64.urlsafe_b64encode(os.urandom(32)).decode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'w') as f:
            f.write(key + '\n')
    with open(path) as f:
        return f.read().strip()


def simulator_ca(log_path):
    """The CA file the simulator announced last in its log ("ca-certificate PATH"), or None."""
    try:
        with open(log_path, errors='replace') as f:
            found = CA_LINE.findall(f.read())
    except OSError:
        return None
    return found[-1] if found and os.path.isfile(found[-1]) else None


def values(layout, f5_enabled, sim):
    """Every ${name} the templates use; ``sim`` holds what the running simulator told."""
    providers = [F5_PROVIDER, NOOP_PROVIDER] if f5_enabled else [NOOP_PROVIDER]
    return {
        'cloud': layout.cloud, 'etc': layout.etc, 'run': layout.run, 'log': layout.log,
        'state': layout.path('state'), 'mysql_data': layout.path('mysql'),
        'redis_data': layout.path('redis'), 'user': getpass.getuser(),
        'debug': str(layout.debug), 'clouds_yaml': layout.clouds_yaml,
        'cloud_name': layout_mod.CLOUD_NAME,
        'mariadb_port': layout.ports['mariadb'], 'redis_port': layout.ports['redis'],
        'octavia_port': layout.ports['octavia'],
        'neutron_url': layout.url('neutron'), 'octavia_url': layout.url('octavia'),
        'provider_drivers': ','.join(providers),
        'default_provider': 'f5' if f5_enabled else 'noop_driver',
        'provider_agents': 'f5' if f5_enabled else '',
        'sim_urls': ','.join(layout.sim_urls),
        'sim_username': layout_mod.SIM_USERNAME, 'sim_password': layout_mod.SIM_PASSWORD,
        'sim_verify': sim.get('verify', 'false'), 'device_group': layout_mod.SIM_DEVICE_GROUP,
        'secret_key': secret_key(layout),
    }


def _write(path, text, mode):
    fd = os.open(path + '.new', os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    os.chmod(path + '.new', mode)
    os.replace(path + '.new', path)


def render(layout, template, target, mode, vals):
    with open(os.path.join(TEMPLATES, template)) as f:
        text = string.Template(f.read()).substitute(vals)
    _write(os.path.join(layout.etc, target), text, mode)


def render_file(template, path, mode, vals):
    """Render ``template`` to ``path``, which may lie outside <cloud>/etc."""
    with open(os.path.join(TEMPLATES, template)) as f:
        _write(path, string.Template(f.read()).substitute(vals), mode)


def render_all(layout, vals):
    """Write every configuration file, the Neutron paste file and clouds.yaml."""
    for template, target, mode in FILES:
        render(layout, template, target, mode, vals)
    # Neutron reads its paste pipeline from a file the wheel installs under <venv>/etc.
    shutil.copyfile(os.path.join(layout.venv, 'etc', 'neutron', 'api-paste.ini'),
                    os.path.join(layout.etc, 'api-paste.ini'))
    with open(os.path.join(TEMPLATES, 'clouds.yaml')) as f:
        _write(layout.clouds_yaml, string.Template(f.read()).substitute(vals), 0o644)
