# SPDX-License-Identifier: Apache-2.0
"""Command line of tools/local-cloud: up, down, status, tempest."""

import argparse
import dataclasses
import os
import sys

from tools.localcloud import layout as layout_mod
from tools.localcloud import stack
from tools.localcloud import tempest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _say(message):
    print('local-cloud: %s' % message, flush=True)


def _tempest_parser(commands):
    env = layout_mod.ENV_PREFIX
    run = commands.add_parser(
        'tempest', help='run octavia-tempest-plugin\'s API tests with provider f5 against a '
                        'cloud started with up --with-keystone; other options go to tempest run')
    run.add_argument('--subset', action='store_true',
                     default=os.environ.get(env + 'TEMPEST_SUBSET', '0') in ('1', 'true', 'yes'),
                     help='only tools/tempest-subset.txt (CI); also %sTEMPEST_SUBSET=1' % env)
    run.add_argument('--concurrency', type=int,
                     default=int(os.environ.get(env + 'TEMPEST_CONCURRENCY', '3')),
                     help='tempest workers (default 3; also %sTEMPEST_CONCURRENCY)' % env)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='tools/local-cloud',
        description='A real Octavia 19 + Neutron 29 + MariaDB + Redis + BIG-IP simulator on '
                    '127.0.0.1, under .local/ (see docs/local-cloud.md).')
    commands = parser.add_subparsers(dest='command', required=True)
    up = commands.add_parser('up', help='install what is missing, configure, start and wait')
    up.add_argument('--with-keystone', action='store_true',
                    help='add Keystone, switch Neutron and Octavia to keystone auth and write '
                         'the tempest workspace (docs/conformance.md); also '
                         '%sKEYSTONE=1' % layout_mod.ENV_PREFIX)
    commands.add_parser('down', help='stop exactly what up started, by pid')
    commands.add_parser('status', help='which services run and answer')
    commands.add_parser('demo', help='build a demo load balancer through the openstack CLI '
                                     'and show it on the BIG-IP (needs `up`)')
    _tempest_parser(commands)
    # the tempest command hands options it does not know to `tempest run`
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != 'tempest':
        parser.error('unrecognized arguments: %s' % ' '.join(extra))
    layout = layout_mod.from_env(REPO)
    if getattr(args, 'with_keystone', False):
        layout = dataclasses.replace(layout, keystone=True)
    try:
        if args.command == 'up':
            stack.up(layout, _say)
            return 0
        if args.command == 'tempest':
            return tempest.run(layout, _say, args.subset, args.concurrency, extra)
        if args.command == 'demo':
            return stack.demo(layout, _say)
        if args.command == 'down':
            return 1 if stack.down(layout, _say) else 0
        return 0 if stack.status(layout, _say) else 3
    except (stack.CloudError, RuntimeError, OSError) as exc:
        # TempestError is a RuntimeError
        _say('ERROR: %s' % exc)
        return 1


if __name__ == '__main__':
    sys.exit(main())
