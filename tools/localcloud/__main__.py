# SPDX-License-Identifier: Apache-2.0
"""Command line of tools/local-cloud: up, down, status."""

import argparse
import os
import sys

from tools.localcloud import layout as layout_mod
from tools.localcloud import stack

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _say(message):
    print('local-cloud: %s' % message, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='tools/local-cloud',
        description='A real Octavia 19 + Neutron 29 + MariaDB + Redis + BIG-IP simulator on '
                    '127.0.0.1, under .local/ (see docs/local-cloud.md).')
    commands = parser.add_subparsers(dest='command', required=True)
    commands.add_parser('up', help='install what is missing, configure, start and wait')
    commands.add_parser('down', help='stop exactly what up started, by pid')
    commands.add_parser('status', help='which services run and answer')
    args = parser.parse_args(argv)
    layout = layout_mod.from_env(REPO)
    try:
        if args.command == 'up':
            stack.up(layout, _say)
            return 0
        if args.command == 'down':
            return 1 if stack.down(layout, _say) else 0
        return 0 if stack.status(layout, _say) else 3
    except (stack.CloudError, RuntimeError, OSError) as exc:
        _say('ERROR: %s' % exc)
        return 1


if __name__ == '__main__':
    sys.exit(main())
