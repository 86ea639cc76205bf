# SPDX-License-Identifier: Apache-2.0
"""octavia-tempest-plugin against the local cloud: the workspace, its tempest.conf, the run."""

import fcntl
import json
import os
import re
import subprocess
import sys

from tools.localcloud import configs
from tools.localcloud import leftovers

HERE = os.path.dirname(__file__)
TOOLS = os.path.dirname(HERE)
EXCLUDE_LIST = os.path.join(TOOLS, 'tempest-exclude.txt')
SUBSET_LIST = os.path.join(TOOLS, 'tempest-subset.txt')
API_TESTS = r'^octavia_tempest_plugin\.tests\.api\.v2\.'
# The capabilities as the provider reports them to Octavia's API (flavorcapabilities and
# availabilityzonecapabilities): computed, never copied, so a changed description cannot drift.
CAPABILITIES_CODE = (
    'import json\n'
    'from octavia_f5.api import driver\n'
    'd = driver.F5ProviderDriver()\n'
    'print(json.dumps({"flavor": d.get_supported_flavor_metadata(),'
    ' "az": d.get_supported_availability_zone_metadata()}))\n')
TOTAL = re.compile(r'^ - (Passed|Failed|Skipped|Unexpected Success): (\d+)\s*$', re.MULTILINE)
# Neither an F5 device group nor a Nova zone exists here; the name only makes the plugin run
# its availability-zone (profile) tests instead of skipping them.
AVAILABILITY_ZONE = 'f5-local-az'


class TempestError(RuntimeError):
    """The tempest workspace cannot be written or run; the message says why."""


def conf_path(layout):
    return os.path.join(layout.tempest, 'etc', 'tempest.conf')


def capabilities(layout):
    """{'flavor': {name: description}, 'az': {...}} from our driver in the cloud's venv."""
    result = subprocess.run([layout.bin('python'), '-c', CAPABILITIES_CODE], cwd='/',
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode:
        raise TempestError('cannot read the f5 provider\'s capabilities: %s'
                           % result.stderr.strip().splitlines()[-1:])
    return json.loads(result.stdout)


def _fits(name, description):
    """Whether one entry survives an oslo.config DictOpt: it splits on ',' and cannot quote."""
    return ',' not in name + description and ':' not in name and '\n' not in name + description


def dict_opt(items):
    """``items`` as the value of a DictOpt, '$' escaped against oslo.config interpolation."""
    return ','.join('%s:%s' % (k, v) for k, v in items).replace('$', '$$')


def first_capability(metadata, what):
    """The first capability (the driver's order) a DictOpt can hold: the plugin checks one."""
    for name, description in metadata.items():
        if _fits(name, description):
            return dict_opt([(name, description)])
    raise TempestError('the f5 provider reports no %s that a tempest DictOpt can hold (each '
                       'holds a comma): %s' % (what, ', '.join(metadata) or 'none'))


def providers(provider_drivers):
    """octavia.conf's enabled_provider_drivers, as the tempest DictOpt (the same syntax)."""
    items = [tuple(entry.split(':', 1)) for entry in provider_drivers.split(',')]
    if not all(len(item) == 2 and _fits(*item) for item in items):
        raise TempestError('cannot pass enabled_provider_drivers to tempest: %s'
                           % provider_drivers)
    return dict_opt(items)


def write_workspace(layout, vals):
    """<cloud>/tempest/etc/tempest.conf for provider f5; tempest run adds .stestr.conf."""
    for name in ('etc', 'logs', 'results'):
        os.makedirs(os.path.join(layout.tempest, name), exist_ok=True)
    found = capabilities(layout)
    tempest_vals = dict(
        vals, tempest_dir=layout.tempest,
        tempest_provider_drivers=providers(vals['provider_drivers']),
        flavor_capability=first_capability(found['flavor'], 'flavor capability'),
        az_capability=first_capability(found['az'], 'availability zone capability'),
        availability_zone_line='availability_zone = %s' % AVAILABILITY_ZONE)
    configs.render_file('tempest.conf', conf_path(layout), 0o600, tempest_vals)
    return conf_path(layout)


def _command(layout, subset, concurrency, extra):
    args = [os.path.join(layout.tempest_venv, 'bin', 'tempest'), 'run',
            '--config-file', conf_path(layout), '--concurrency', str(concurrency),
            '--exclude-list', EXCLUDE_LIST]
    if subset:
        args += ['--include-list', SUBSET_LIST]
    elif not any(a.startswith(('--regex', '--include-list')) for a in extra):
        args += ['--regex', API_TESTS]
    return args + list(extra)


def totals(output):
    """{'Passed': n, 'Failed': n, 'Skipped': n, ...} from tempest run's closing block."""
    return {name: int(count) for name, count in TOTAL.findall(output)}


def _save_results(layout, stestr):
    results = os.path.join(layout.tempest, 'results')
    with open(os.path.join(results, 'last.subunit'), 'wb') as f:
        subprocess.run([stestr, 'last', '--subunit'], cwd=layout.tempest, stdout=f,
                       stderr=subprocess.DEVNULL)
    with open(os.path.join(results, 'failing.txt'), 'wb') as f:
        subprocess.run([stestr, 'failing', '--list'], cwd=layout.tempest, stdout=f,
                       stderr=subprocess.DEVNULL)
    return results


def run(layout, say, subset=False, concurrency=3, extra=()):
    """Run the plugin's API tests (or the CI subset); returns tempest's exit status."""
    if not os.path.exists(conf_path(layout)):
        raise TempestError('%s is missing: run tools/local-cloud up --with-keystone first'
                           % conf_path(layout))
    # Held until this process ends, however it ends: the leftover cleanup below would delete
    # the projects of a run still going on against the same cloud.
    lock = open(os.path.join(layout.tempest, 'run.lock'), 'w')
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise TempestError('another tempest run uses %s; wait for it or stop it first'
                           % layout.tempest) from None
    leftovers.clean(layout, say)
    args = _command(layout, subset, concurrency, extra)
    say('running %s' % ' '.join(args))
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    proc = subprocess.Popen(args, cwd=layout.tempest, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, bufsize=1)
    output = []
    for line in proc.stdout:
        sys.stdout.write(line)
        output.append(line)
    proc.wait()
    counts = totals(''.join(output))
    results = _save_results(layout, os.path.join(layout.tempest_venv, 'bin', 'stestr'))
    say('results: %s/last.subunit, failing tests: %s/failing.txt' % (results, results))
    # The plain closing line that CI reads, whatever the runner printed before it.
    print('tempest: %d passed, %d failed, %d skipped' % (
        counts.get('Passed', 0), counts.get('Failed', 0) + counts.get('Unexpected Success', 0),
        counts.get('Skipped', 0)), flush=True)
    return proc.returncode
