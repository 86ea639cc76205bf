# SPDX-License-Identifier: Apache-2.0
"""`tools/local-cloud demo`: a load balancer built through the real openstack CLI, then shown.

Runs with the cloud's virtualenv (the CLI, ``requests`` and ``cryptography`` live there):
``tools/local-cloud demo`` starts ``.local/venv/bin/python -m tools.localcloud.demo``. A second
run deletes the previous demo load balancer (cascade) and builds it again.
"""

import configparser
import json
import os
import subprocess
import sys
import time

import requests

from tools.localcloud import certs
from tools.localcloud import layout as layout_mod
from tools.localcloud import seed

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LB_NAME = 'demo-lb'
TLS_REF = 'demo-lb-tls'
TLS_NAME = 'demo.example.org'
# Without Keystone the CLI can only name this project (docs/local-cloud.md, Using it).
PROJECT = 'non-uuid'
MEMBERS = ('192.0.2.11', '192.0.2.12')
WAIT_TIMEOUT = 300
# CLI object kind (`openstack loadbalancer [<kind>] create ... <parent>`) -> its collection in
# the v2 API; members and L7 rules live under their parent (the CLI's last argument).
COLLECTIONS = {'create': 'loadbalancers', 'listener': 'listeners', 'pool': 'pools',
               'healthmonitor': 'healthmonitors', 'l7policy': 'l7policies',
               'member': 'pools/%(parent)s/members', 'l7rule': 'l7policies/%(parent)s/rules'}


class DemoError(Exception):
    """A demo step failed; the message says which and what Octavia or the CLI answered."""


def _say(message):
    print('local-cloud: %s' % message, flush=True)


class Demo:
    """The demo against one local cloud."""

    def __init__(self, layout, say=_say):
        self.layout = layout
        self.say = say
        self.conf = configparser.ConfigParser(interpolation=None)
        self.conf.read(os.path.join(layout.etc, 'octavia.conf'))
        self.session = requests.Session()
        self.session.trust_env = False
        self.lb_id = None

    def cli(self, *args, parse=True):
        """``openstack --os-cloud octavia-f5-local ARGS`` (JSON output parsed)."""
        argv = [self.layout.bin('openstack'), '--os-cloud', layout_mod.CLOUD_NAME]
        argv += [str(a) for a in args] + (['-f', 'json'] if parse else [])
        env = dict(os.environ, OS_CLIENT_CONFIG_FILE=self.layout.clouds_yaml)
        for name in ('OS_CLOUD', 'OS_AUTH_URL', 'OS_AUTH_TYPE', 'OS_TOKEN'):
            env.pop(name, None)
        result = subprocess.run(argv, capture_output=True, text=True, env=env,
                                timeout=WAIT_TIMEOUT + 60)
        if result.returncode:
            raise DemoError('openstack %s failed:\n%s' % (' '.join(argv[3:]),
                                                          result.stderr.strip()))
        return json.loads(result.stdout) if parse and result.stdout.strip() else result.stdout

    def step(self, what, *args, parse=True):
        """Run one create (``parse``: it prints the object) or set, wait until it is ACTIVE.

        Polls Octavia's REST API (and the object itself, members and rules included) rather
        than relying on the CLI's --wait, which looks only every few seconds.
        """
        began = time.monotonic()
        result = self.cli(*args, parse=parse)
        lb_id = self.lb_id or result['id']
        path = None
        if parse:
            collection = COLLECTIONS[args[1]] % {'parent': args[-1]}
            path = '%s/%s' % (collection, result['id'])
        self.wait_active(path, 'loadbalancers/%s' % lb_id)
        self.say('%-44s %.1f s' % (what, time.monotonic() - began))
        return result

    def wait_active(self, *paths):
        """Poll GET /v2/lbaas/<path> for each path until ACTIVE; ERROR or a timeout fails."""
        deadline = time.monotonic() + WAIT_TIMEOUT
        for path in filter(None, paths):
            while True:
                answer = self.session.get(self.layout.url('octavia') + '/v2/lbaas/' + path,
                                          timeout=30).json()
                status = list(answer.values())[0]['provisioning_status']
                if status == 'ACTIVE':
                    break
                if status == 'ERROR' or time.monotonic() > deadline:
                    raise DemoError('%s is %s: see %s/driver-agent.log'
                                    % (path, status, self.layout.log))
                time.sleep(0.2)

    # --- checks ------------------------------------------------------------------------------

    def check_cloud(self):
        if not os.path.exists(self.layout.clouds_yaml):
            raise DemoError('the local cloud is not set up: run `tools/local-cloud up` first')
        providers = self.conf.get('api_settings', 'enabled_provider_drivers', fallback='')
        if not providers.startswith('f5:'):
            raise DemoError('the f5 provider is off in %s/octavia.conf; see '
                            'docs/local-cloud.md ("The f5 provider")' % self.layout.etc)
        if self.conf.get('certificates', 'cert_manager', fallback='') != 'local_cert_manager':
            raise DemoError('Octavia runs without local_cert_manager (an older `up`): run '
                            '`tools/local-cloud down && tools/local-cloud up`')
        try:
            requests.get(self.layout.url('octavia'), timeout=10)
        except requests.ConnectionError as e:
            raise DemoError('Octavia does not answer at %s (%s): run `tools/local-cloud up`'
                            % (self.layout.url('octavia'), e))

    def remove_previous(self):
        found = [lb for lb in self.cli('loadbalancer', 'list', '--name', LB_NAME)]
        for lb in found:
            self.say('deleting the previous %s %s (cascade)' % (LB_NAME, lb['id']))
            self.cli('loadbalancer', 'delete', '--cascade', '--wait', lb['id'], parse=False)

    # --- the load balancer -------------------------------------------------------------------

    def build(self):
        """Create every object; returns the load balancer's id."""
        certs.store(self.conf.get('certificates', 'storage_path'), TLS_REF, TLS_NAME)
        self.say('self-signed certificate for %s stored as container %s'
                 % (TLS_NAME, TLS_REF))
        lb = self.step('load balancer %s on %s' % (LB_NAME, seed.DEMO_SUBNET),
                       'loadbalancer', 'create', '--name', LB_NAME, '--vip-subnet-id',
                       seed.DEMO_SUBNET, '--provider', 'f5', '--project', PROJECT)
        self.lb_id = lb['id']
        http = self.step('listener HTTP :80', 'loadbalancer', 'listener', 'create',
                         '--name', 'demo-http', '--protocol', 'HTTP', '--protocol-port', '80',
                         lb['id'])
        https = self.step('listener TERMINATED_HTTPS :443', 'loadbalancer', 'listener',
                          'create', '--name', 'demo-https', '--protocol', 'TERMINATED_HTTPS',
                          '--protocol-port', '443', '--default-tls-container-ref', TLS_REF,
                          lb['id'])
        pool = self.step('pool ROUND_ROBIN (default of HTTP)', 'loadbalancer', 'pool',
                         'create', '--name', 'demo-pool', '--protocol', 'HTTP',
                         '--lb-algorithm', 'ROUND_ROBIN', '--listener', http['id'])
        self.step('pool as default of TERMINATED_HTTPS', 'loadbalancer', 'listener', 'set',
                  '--default-pool', pool['id'], https['id'], parse=False)
        for index, address in enumerate(MEMBERS, 1):
            self.step('member %s:8080' % address, 'loadbalancer', 'member', 'create',
                      '--name', 'demo-member-%d' % index, '--address', address,
                      '--protocol-port', '8080', '--subnet-id', seed.DEMO_SUBNET, pool['id'])
        self.step('health monitor HTTP GET /health', 'loadbalancer', 'healthmonitor',
                  'create', '--name', 'demo-hm', '--type', 'HTTP', '--delay', '5',
                  '--timeout', '3', '--max-retries', '3', '--url-path', '/health',
                  '--expected-codes', '200', pool['id'])
        policy = self.step('L7 policy REDIRECT_TO_URL https', 'loadbalancer', 'l7policy',
                           'create', '--name', 'demo-to-https', '--action',
                           'REDIRECT_TO_URL', '--redirect-url',
                           'https://%s/' % TLS_NAME, http['id'])
        self.step('L7 rule PATH STARTS_WITH /secure', 'loadbalancer', 'l7rule', 'create',
                  '--type', 'PATH', '--compare-type', 'STARTS_WITH', '--value', '/secure',
                  policy['id'])
        return lb['id']

    def status(self, lb_id):
        """Print Octavia's status tree; fails when anything in it is not ACTIVE."""
        text = self.cli('loadbalancer', 'status', 'show', lb_id, parse=False)
        print(text.rstrip())
        left = sorted(set(_statuses(json.loads(text))) - {'ACTIVE'})
        if left:
            raise DemoError('objects are %s instead of ACTIVE: see %s/driver-agent.log'
                            % (', '.join(left), self.layout.log))

    # --- the device ----------------------------------------------------------------------------

    def device_rows(self, partition):
        """(active device name, [(collection, fullPath)]) of the partition on the active device."""
        verify = self.conf.get('f5_bigip', 'verify', fallback='true')
        verify = {'true': True, 'false': False}.get(verify.lower(), verify)
        urls = [u.strip() for u in self.conf.get('f5_bigip', 'devices').split(',')]
        session = requests.Session()
        session.trust_env = False
        cluster = session.get(urls[0] + '/sim/cluster', verify=verify, timeout=30).json()
        active = [d for d in cluster['devices'] if d['name'] == cluster['active']][0]
        dump = session.get(active['url'] + '/sim/dump', verify=verify, timeout=30).json()
        rows = [(collection, path) for collection, items in dump.items() for path in items
                if path.startswith('/%s/' % partition) or path == '/Common/' + partition
                or (collection == 'auth/partition' and path == partition)]
        return active['name'], sorted(rows)

    def show_device(self):
        prefix = self.conf.get('f5_network', 'partition_prefix', fallback='octavia_')
        partition = prefix + PROJECT
        device, rows = self.device_rows(partition)
        self.say('BIG-IP objects on the active device %s, partition %s:' % (device, partition))
        width = max(len(collection) for collection, _path in rows)
        print('  %-*s  %s' % (width, 'collection', 'fullPath'))
        for collection, path in rows:
            print('  %-*s  %s' % (width, collection, path))

    def run(self):
        began = time.monotonic()
        self.check_cloud()
        self.remove_previous()
        lb_id = self.build()
        self.say('status of %s (openstack loadbalancer status show):' % LB_NAME)
        self.status(lb_id)
        self.show_device()
        self.say('demo done in %.1f s; again: tools/local-cloud demo (rebuilds %s)'
                 % (time.monotonic() - began, LB_NAME))


def _statuses(node):
    """Every provisioning_status in a status tree."""
    if isinstance(node, dict):
        if 'provisioning_status' in node:
            yield node['provisioning_status']
        for value in node.values():
            yield from _statuses(value)
    elif isinstance(node, list):
        for value in node:
            yield from _statuses(value)


def main():
    try:
        Demo(layout_mod.from_env(REPO)).run()
    except (DemoError, requests.RequestException, OSError) as e:
        _say('ERROR: %s' % e)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
