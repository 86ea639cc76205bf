# SPDX-License-Identifier: Apache-2.0
"""The local cloud's MariaDB content: data directory, databases and users, schema migrations."""

import getpass
import os
import subprocess

from tools.localcloud import install

# database = user = password: a loopback-only test instance.
# keystone: used by `up --with-keystone` only
DATABASES = ('neutron', 'octavia', 'octavia_f5', 'keystone')
STAMP = 'localcloud-migrated-%s'


def _datadir(layout):
    return layout.path('mysql')


def ensure_datadir(layout, say):
    """Create the system tables once; a fresh datadir also drops the migration stamps."""
    datadir = _datadir(layout)
    if os.path.isdir(os.path.join(datadir, 'mysql')):
        return
    say('initialising MariaDB data directory %s' % datadir)
    user = getpass.getuser()
    args = [install.which('mariadb-install-db', 'mysql_install_db'),
            '--defaults-file=' + os.path.join(layout.etc, 'my.cnf'),
            '--datadir=' + datadir, '--user=' + user,
            # root logs in through the unix socket as the OS user running the cloud: no
            # password exists anywhere
            '--auth-root-authentication-method=socket', '--auth-root-socket-user=' + user]
    _run(args, os.path.join(layout.log, 'mariadb-install.log'))


def _sql(layout, statements):
    args = [install.which('mariadb', 'mysql'), '--no-defaults',
            '--socket=' + os.path.join(layout.run, 'mysqld.sock'), '-uroot',
            '-e', ' '.join(statements)]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def ensure_databases(layout):
    statements = []
    for name in DATABASES:
        statements += [
            'CREATE DATABASE IF NOT EXISTS `%s`;' % name,
            "CREATE USER IF NOT EXISTS '%s'@'127.0.0.1' IDENTIFIED BY '%s';" % (name, name),
            "GRANT ALL PRIVILEGES ON `%s`.* TO '%s'@'127.0.0.1';" % (name, name),
        ]
    _sql(layout, statements)


def _migrations(layout):
    neutron_conf = ['--config-file', os.path.join(layout.etc, 'neutron.conf'),
                    '--config-file', os.path.join(layout.etc, 'ml2_conf.ini')]
    octavia_conf = ['--config-file', os.path.join(layout.etc, 'octavia.conf')]
    # MariaDB, not SQLite: Octavia's alembic chain cannot ALTER constraints on SQLite.
    return (
        ('neutron', [layout.bin('neutron-db-manage')] + neutron_conf + ['upgrade', 'heads']),
        ('octavia', [layout.bin('octavia-db-manage')] + octavia_conf + ['upgrade', 'head']),
    )


def migrate(layout, venv_digest, say):
    """Run the schema migrations unless this data directory already ran them for this venv."""
    log = os.path.join(layout.log, 'migrations.log')
    for name, args in _migrations(layout):
        stamp = os.path.join(_datadir(layout), STAMP % name)
        if _read(stamp) == venv_digest:
            continue
        say('migrating the %s database (log: %s)' % (name, log))
        _run(args, log)
        with open(stamp, 'w') as f:
            f.write(venv_digest + '\n')


def _read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def _run(args, log_path):
    with open(log_path, 'ab') as log:
        result = subprocess.run(args, stdout=log, stderr=subprocess.STDOUT)
    if result.returncode:
        raise RuntimeError('%s failed (exit %d); see %s'
                           % (os.path.basename(args[0]), result.returncode, log_path))
