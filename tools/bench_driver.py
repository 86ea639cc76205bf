# SPDX-License-Identifier: Apache-2.0
"""Latency of the f5 provider driver in Octavia's API request path, and of the API itself.

Part 1 times what Octavia's API process does per request: construct F5ProviderDriver and call
one method with realistic octavia-lib objects (validation, serialisation, encryption of TLS
material, one job posted to a real Redis jobboard: a redis-server of our own on a free port).
Part 2, when the local cloud is up (tools/local-cloud up), times ``POST /v2/lbaas/...``
requests to its Octavia API and the time until the object is ACTIVE.

    python -m tools.bench_driver [--calls N] [--api-calls N] [--no-api]

Prints p50/p99/max per method; the target for part 1 is p99 <= 5 ms. Asserts nothing.
"""

import argparse
import base64
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid

from octavia_lib.api.drivers import data_models as dm
from oslo_config import cfg
import redis
import requests

from octavia_f5.api import driver as driver_mod
from octavia_f5.common import config
from octavia_f5.controller import poster
from tools import bench_objects as objects
from tools.localcloud import layout as layout_mod

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET_P99_MS = 5.0
BOARD = 'octavia_f5_bench'


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Redis:
    """A private redis-server (no persistence) on a free loopback port; stop() by pid."""

    def __init__(self):
        binary = shutil.which('redis-server')
        if binary is None:
            sys.exit('bench_driver: redis-server is not on PATH (Debian package redis-server)')
        self.dir = tempfile.mkdtemp(prefix='bench-redis-')
        self.port = free_port()
        self.process = subprocess.Popen(
            [binary, '--port', str(self.port), '--bind', '127.0.0.1', '--save', '',
             '--appendonly', 'no', '--dir', self.dir, '--logfile', 'redis.log'],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(host='127.0.0.1', port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    sys.exit('bench_driver: redis-server did not start (%s)' % self.dir)
                time.sleep(0.05)
        client.close()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def configure(port):
    config.register_opts(cfg.CONF)
    cfg.CONF([], project='octavia', default_config_files=[])
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    for name, value in (('redis_host', '127.0.0.1'), ('redis_port', port),
                        ('board_name', BOARD), ('secret_key', key)):
        cfg.CONF.set_override(name, value, group=config.JOBBOARD_GROUP)


def percentiles(samples):
    """(p50, p99, max) of ``samples`` (seconds) in milliseconds."""
    ordered = sorted(samples)

    def at(fraction):
        return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
    return at(0.50) * 1000, at(0.99) * 1000, ordered[-1] * 1000


def time_calls(call, count, warmup=20, cpu=None):
    """Seconds per ``call()`` over ``count`` calls, after ``warmup`` untimed ones.

    ``cpu``: a list that receives the CPU seconds of this thread per call, which a loaded
    machine does not inflate (wall time also counts the waits for a CPU).
    """
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(count):
        began, cpu_began = time.perf_counter(), time.thread_time()
        call()
        samples.append(time.perf_counter() - began)
        if cpu is not None:
            cpu.append(time.thread_time() - cpu_began)
    return samples


def driver_cases(objs):
    """(label, call) with a fresh driver per call, as Octavia's API builds one per request."""
    new = driver_mod.F5ProviderDriver

    def case(label, *args):
        method = label.split()[0]
        return label, lambda: getattr(new(), method)(*args)
    return [
        case('loadbalancer_create', objs['loadbalancer']),
        case('loadbalancer_create (fully populated)', objs['populated']),
        case('listener_create', objs['listener']),
        case('listener_create (TERMINATED_HTTPS)', objs['tls_listener']),
        case('listener_update', objs['listener'], dm.Listener(connection_limit=100)),
        case('pool_create', objs['pool']),
        case('pool_update', objs['pool'], dm.Pool(lb_algorithm='LEAST_CONNECTIONS')),
        case('member_create', objs['member']),
        case('member_batch_update (10 members)', objs['pool'].pool_id, objs['members']),
        case('health_monitor_create', objs['healthmonitor']),
        case('l7policy_create', objs['l7policy']),
        case('l7rule_create', objs['l7rule']),
        case('loadbalancer_delete (cascade)', objs['populated'], True),
    ]


def measure(count, progress=None):
    """[(method, p50 ms, p99 ms, max ms, CPU p99 ms)] of ``count`` calls per method."""
    server = Redis()
    rows = []
    try:
        configure(server.port)
        objs = objects.realistic()
        for method, call in driver_cases(objs):
            cpu = []
            rows.append((method,) + percentiles(time_calls(call, count, cpu=cpu))
                        + (percentiles(cpu)[1],))
            if progress:
                progress('%-40s %9.3f %9.3f %9.3f %9.3f' % rows[-1])
    finally:
        poster.reset()
        server.stop()
    return rows


def bench_driver(count):
    print('driver calls against a redis-server of our own, %d calls each '
          '(construct F5ProviderDriver + call)' % count)
    print('%-40s %9s %9s %9s %9s' % ('method', 'p50 ms', 'p99 ms', 'max ms', 'CPU p99'))
    worst = max(row[2] for row in measure(count, print))
    print('worst p99 %.3f ms: %s the %.0f ms target'
          % (worst, 'within' if worst <= TARGET_P99_MS else 'ABOVE', TARGET_P99_MS))


# --- part 2: the local cloud's API -------------------------------------------------------------

class Cloud:
    """Plain REST to the local cloud's Octavia (noauth: the body names the project)."""

    def __init__(self, layout):
        self.url = layout.url('octavia') + '/v2/lbaas/'
        self.neutron = layout.url('neutron')
        self.session = requests.Session()
        self.session.trust_env = False

    def up(self):
        try:
            return self.session.get(self.url + 'loadbalancers', timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    def call(self, method, path, body=None, **params):
        response = self.session.request(method, self.url + path, json=body, params=params,
                                        timeout=60)
        if response.status_code >= 400:
            raise RuntimeError('%s %s: %s %s' % (method, path, response.status_code,
                                                 response.text))
        return response.json() if response.content else None

    def wait_active(self, lb_id, timeout=120):
        deadline = time.monotonic() + timeout
        while True:
            status = self.call('GET', 'loadbalancers/' + lb_id)['loadbalancer'][
                'provisioning_status']
            if status == 'ACTIVE':
                return
            if status == 'ERROR' or time.monotonic() > deadline:
                raise RuntimeError('load balancer %s is %s' % (lb_id, status))
            time.sleep(0.05)

    def subnet_id(self):
        found = self.session.get(self.neutron + '/v2.0/subnets',
                                 params={'name': 'demo-subnet'}, timeout=10).json()
        return found['subnets'][0]['id']


def api_operations(lb_id, pool_id):
    """(label, method, path, body factory) of the API calls to time; i is the call's index."""
    return [
        ('POST members', 'POST', 'pools/%s/members' % pool_id,
         lambda i: {'member': {'address': '10.1.%d.%d' % (i // 256 % 256, i % 256),
                               'protocol_port': 80}}),
        ('POST listeners', 'POST', 'listeners',
         lambda i: {'listener': {'loadbalancer_id': lb_id, 'protocol': 'TCP',
                                 'protocol_port': 10000 + i}}),
        ('PUT pools', 'PUT', 'pools/%s' % pool_id,
         lambda i: {'pool': {'description': 'bench %d' % i}}),
    ]


def bench_api(count):
    cloud = Cloud(layout_mod.from_env(REPO))
    if not cloud.up():
        print('\nthe local cloud is not up: API latency skipped (tools/local-cloud up)')
        return
    project = 'bench-%s' % uuid.uuid4().hex[:8]
    lb = cloud.call('POST', 'loadbalancers', {'loadbalancer': {
        'name': 'bench', 'vip_subnet_id': cloud.subnet_id(), 'provider': 'f5',
        'project_id': project}})['loadbalancer']
    try:
        cloud.wait_active(lb['id'])
        pool = cloud.call('POST', 'pools', {'pool': {
            'loadbalancer_id': lb['id'], 'protocol': 'TCP',
            'lb_algorithm': 'ROUND_ROBIN'}})['pool']
        cloud.wait_active(lb['id'])
        print('\nlocal cloud API %s, %d calls each (one at a time: the load balancer is '
              'immutable until the previous call is ACTIVE)' % (cloud.url, count))
        print('%-16s %9s %9s %9s   %s' % ('request', 'p50 ms', 'p99 ms', 'max ms',
                                          'until ACTIVE p50/p99 ms'))
        for label, method, path, body in api_operations(lb['id'], pool['id']):
            requests_s, active_s = [], []
            for i in range(count):
                began = time.perf_counter()
                cloud.call(method, path, body(i))
                answered = time.perf_counter()
                cloud.wait_active(lb['id'])
                requests_s.append(answered - began)
                active_s.append(time.perf_counter() - began)
            p50, p99, top = percentiles(requests_s)
            a50, a99, _top = percentiles(active_s)
            print('%-16s %9.1f %9.1f %9.1f   %.0f / %.0f' % (label, p50, p99, top, a50, a99))
    finally:
        cloud.call('DELETE', 'loadbalancers/' + lb['id'], cascade='true')


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m tools.bench_driver',
                                     description=__doc__.split('\n\n')[0])
    parser.add_argument('--calls', type=int, default=2000,
                        help='driver calls per method (default 2000)')
    parser.add_argument('--api-calls', type=int, default=20,
                        help='local cloud API calls per request kind (default 20)')
    parser.add_argument('--no-api', action='store_true', help='skip the local cloud part')
    args = parser.parse_args(argv)
    bench_driver(args.calls)
    if not args.no_api:
        bench_api(args.api_calls)
    return 0


if __name__ == '__main__':
    sys.exit(main())
