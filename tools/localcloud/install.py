# SPDX-License-Identifier: Apache-2.0
"""Installs what the local cloud needs: Debian packages, then the virtualenv under .local/venv."""

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys

# Debian package -> the commands it provides (any one present means installed). The *-core
# packages ship the binaries without an init script, so installing them never starts a
# system-wide MariaDB next to ours.
DEBIAN_PACKAGES = (
    ('mariadb-server-core', ('mariadbd', 'mysqld')),
    ('mariadb-client-core', ('mariadb', 'mysql')),
    ('redis-server', ('redis-server',)),
    ('git', ('git',)),
)
SBIN_DIRS = ('/usr/sbin', '/sbin', '/usr/local/sbin')
REQUIREMENTS = os.path.join(os.path.dirname(__file__), 'requirements.txt')
STAMP = '.localcloud-stamp'


def which(*names):
    """The first of ``names`` found on PATH or in the sbin directories, else None."""
    path = os.pathsep.join([os.environ.get('PATH', '')] + list(SBIN_DIRS))
    for name in names:
        found = shutil.which(name, path=path)
        if found:
            return found
    return None


def missing_debian_packages():
    missing = [pkg for pkg, commands in DEBIAN_PACKAGES if not which(*commands)]
    if importlib.util.find_spec('ensurepip') is None:
        missing.append('python3-venv')
    return missing


def ensure_debian_packages(say):
    missing = missing_debian_packages()
    if not missing:
        return
    say('installing Debian packages: %s' % ' '.join(missing))
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    subprocess.run(['apt-get', 'update', '-qq'], check=True, env=env)
    subprocess.run(['apt-get', 'install', '-y', '-qq'] + missing, check=True, env=env,
                   stdout=subprocess.DEVNULL)


def _requirements_digest(layout):
    """Hash of everything that decides the venv's content: a change re-runs pip."""
    digest = hashlib.sha256(sys.version.encode())
    for name in (REQUIREMENTS, 'requirements.txt', 'test-requirements.txt', 'setup.cfg'):
        with open(os.path.join(layout.repo, name), 'rb') as f:
            digest.update(name.encode() + b'\0' + f.read())
    return digest.hexdigest()


def _pip_install(layout, log_path):
    args = [layout.bin('python'), '-m', 'pip', 'install', '--disable-pip-version-check',
            '-r', REQUIREMENTS,
            '-r', os.path.join(layout.repo, 'test-requirements.txt'),
            '-e', layout.repo]
    with open(log_path, 'ab') as log:
        result = subprocess.run(args, stdout=log, stderr=subprocess.STDOUT, cwd=layout.repo)
    if result.returncode:
        raise RuntimeError('pip install failed (exit %d); see %s'
                           % (result.returncode, log_path))


def ensure_venv(layout, say):
    """Create .local/venv and install into it unless its stamp is current; returns the stamp."""
    stamp = os.path.join(layout.venv, STAMP)
    digest = _requirements_digest(layout)
    if os.path.exists(stamp):
        with open(stamp) as f:
            if f.read().strip() == digest:
                return digest
    if not os.path.exists(layout.bin('python')):
        say('creating virtualenv %s' % layout.venv)
        subprocess.run([sys.executable, '-m', 'venv', layout.venv], check=True)
    log_path = os.path.join(layout.log, 'pip.log')
    say('installing Octavia, Neutron, clients and this checkout into the virtualenv '
        '(log: %s)' % log_path)
    _pip_install(layout, log_path)
    with open(stamp, 'w') as f:
        f.write(digest + '\n')
    return digest


def importable(layout, modules):
    """Whether the cloud's virtualenv can import all of ``modules``."""
    code = 'import ' + ', '.join(modules)
    result = subprocess.run([layout.bin('python'), '-c', code], cwd='/',
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return result.returncode == 0


def _side_digest(requirements):
    with open(requirements, 'rb') as f:
        return hashlib.sha256(sys.version.encode() + b'\0' + f.read()).hexdigest()


def _stamp_matches(stamp, digest):
    try:
        with open(stamp) as f:
            return f.read().strip() == digest
    except OSError:
        return False


def ensure_side_venvs(layout, venvs, say):
    """Create and fill each (venv, requirements file, label) whose stamp is not current.

    These venvs hold servers or clients whose dependencies must not mix with Octavia's and
    Neutron's (Keystone, tempest). Their pips run side by side: each mostly waits on downloads.
    """
    jobs = []
    for venv, requirements, label in venvs:
        stamp = os.path.join(venv, STAMP)
        digest = _side_digest(requirements)
        if _stamp_matches(stamp, digest):
            continue
        if not os.path.exists(os.path.join(venv, 'bin', 'python')):
            subprocess.run([sys.executable, '-m', 'venv', venv], check=True)
        log_path = os.path.join(layout.log, 'pip-%s.log' % label)
        say('installing %s into %s (log: %s)' % (label, venv, log_path))
        log = open(log_path, 'ab')
        args = [os.path.join(venv, 'bin', 'python'), '-m', 'pip', 'install',
                '--disable-pip-version-check', '-r', requirements]
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=layout.repo)
        jobs.append((proc, log, stamp, digest, log_path))
    failed = []
    for proc, log, stamp, digest, log_path in jobs:
        proc.wait()
        log.close()
        if proc.returncode:
            failed.append('pip install failed (exit %d); see %s' % (proc.returncode, log_path))
            continue
        with open(stamp, 'w') as f:
            f.write(digest + '\n')
    if failed:
        raise RuntimeError('; '.join(failed))
