# SPDX-License-Identifier: Apache-2.0
"""Part 2: time from the Octavia API call to ACTIVE, through the local cloud's real Octavia.

Plain REST to the Octavia API of the local cloud (tools/local-cloud; noauth, the body names
the project), with the simulated BIG-IP pair answering every request ``latency_ms`` late
(set through its /sim/latency control API on both devices for the run, then put back). Per
operation, ``runs`` times: the request's own latency and the time until the load balancer
is ACTIVE again (polled every 50 ms), as p50 and p95:

* load balancer create;
* listener create (HTTP) on a load balancer that has 55 listeners already (each run's
  listener is deleted again, untimed);
* pool with 10 members: the pool create, then one member batch update of 10 members;
* member batch update of 1,000 members: changing the weight of all 1,000 (the first batch,
  adding them to an empty pool, is shown on its own line);
* cascade delete of a load balancer with 10 listeners, until the API answers 404.

Load balancers that already have listeners are made with one fully populated create each
(untimed), which costs one operation instead of one per listener.
"""

import configparser
import contextlib
import os
import statistics
import subprocess
import time
import uuid

import requests

from tools import bench_driver
from tools.localcloud import layout as layout_mod

LISTENERS_PRESENT = 55
CASCADE_LISTENERS = 10
POOL_MEMBERS = 10
BATCH_MEMBERS = 1000


class Cloud(bench_driver.Cloud):
    """The local cloud's Octavia API, and its simulated devices' control API."""

    def __init__(self, layout):
        super().__init__(layout)
        self.layout = layout
        self.project = 'bench-%s' % uuid.uuid4().hex[:8]

    def post(self, path, kind, body, lb_id, timeout=300):
        """(request seconds, seconds until the load balancer is ACTIVE, the new object)."""
        body = dict(body, project_id=self.project) if kind == 'loadbalancer' else body
        began = time.perf_counter()
        made = self.call('POST', path, {kind: body})[kind]
        answered = time.perf_counter()
        self.wait_active(lb_id or made['id'], timeout)
        return answered - began, time.perf_counter() - began, made

    def put_members(self, pool_id, members, lb_id, timeout=600):
        began = time.perf_counter()
        self.call('PUT', 'pools/%s/members' % pool_id, {'members': members})
        answered = time.perf_counter()
        self.wait_active(lb_id, timeout)
        return answered - began, time.perf_counter() - began

    def delete(self, path, lb_id=None, timeout=300, **params):
        """Delete; wait for the load balancer to be ACTIVE (or gone when it is the subject)."""
        began = time.perf_counter()
        self.call('DELETE', path, **params)
        answered = time.perf_counter()
        if lb_id:
            self.wait_active(lb_id, timeout)
        else:
            self.wait_gone(path, timeout)
        return answered - began, time.perf_counter() - began

    def wait_gone(self, path, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.session.get(self.url + path, timeout=30)
            if response.status_code == 404:
                return
            if response.json()['loadbalancer']['provisioning_status'] == 'ERROR':
                raise RuntimeError('%s went to ERROR' % path)
            time.sleep(0.05)
        raise RuntimeError('%s still there after %s s' % (path, timeout))

    # --- the simulated devices -------------------------------------------------------------

    def devices(self):
        conf = configparser.ConfigParser(interpolation=None)
        conf.read(os.path.join(self.layout.etc, 'octavia.conf'))
        urls = [u.strip() for u in conf.get('f5_bigip', 'devices').split(',') if u.strip()]
        verify = conf.get('f5_bigip', 'verify', fallback='true').strip()
        if verify.lower() in ('true', 'false'):
            verify = verify.lower() == 'true'
        return urls, verify

    @contextlib.contextmanager
    def latency(self, latency_ms):
        """Every device answers ``latency_ms`` late inside the block; then as before."""
        urls, verify = self.devices()
        before = {}
        try:
            for url in urls:
                before[url] = self.session.get(url + '/sim/latency', verify=verify,
                                               timeout=10).json()['latency_ms']
                self.session.put(url + '/sim/latency', json={'latency_ms': latency_ms},
                                 verify=verify, timeout=10).raise_for_status()
            yield
        finally:
            for url, value in before.items():
                self.session.put(url + '/sim/latency', json={'latency_ms': value},
                                 verify=verify, timeout=10)


class Result(object):
    """Request and until-ACTIVE seconds of one operation over its runs."""

    def __init__(self, label):
        self.label = label
        self.request = []
        self.active = []

    def add(self, request, active):
        self.request.append(request)
        self.active.append(active)

    @staticmethod
    def _at(samples, fraction):
        ordered = sorted(samples)
        return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]

    def p(self, fraction, samples=None):
        return self._at(self.active if samples is None else samples, fraction)

    @property
    def runs(self):
        return len(self.active)

    @property
    def mean(self):
        return statistics.mean(self.active)


def _member(i, weight=1):
    # 100 ports on each of 10 hosts: 1,000 members, but only 10 nodes to delete afterwards.
    return {'address': '10.50.0.%d' % (i // 100 % 250 + 1), 'protocol_port': 8000 + i % 100,
            'weight': weight}


class Runner(object):
    def __init__(self, cloud, runs, progress):
        self.cloud = cloud
        self.runs = runs
        self.progress = progress
        self.results = []
        self.subnet = cloud.subnet_id()

    def result(self, label):
        self.results.append(Result(label))
        return self.results[-1]

    def loadbalancer(self, name, listeners=0, port=10000):
        """A load balancer, with ``listeners`` HTTP listeners made in the same request."""
        body = {'name': name, 'vip_subnet_id': self.subnet, 'provider': 'f5'}
        if listeners:
            body['listeners'] = [{'protocol': 'HTTP', 'protocol_port': port + n}
                                 for n in range(listeners)]
        return self.cloud.post('loadbalancers', 'loadbalancer', body, None, timeout=900)

    def listener(self, lb_id, port):
        return self.cloud.post('listeners', 'listener', {
            'loadbalancer_id': lb_id, 'protocol': 'HTTP', 'protocol_port': port}, lb_id)

    def run(self):
        created = self.result('load balancer create')
        lbs = []
        for i in range(self.runs):
            request, active, lb = self.loadbalancer('bench-%d' % i)
            created.add(request, active)
            lbs.append(lb['id'])
        self.progress('part 2: load balancer create: %s' % _line(created))
        for lb_id in lbs:
            self.cloud.delete('loadbalancers/' + lb_id)
        for name, listeners, measure in (('listeners', LISTENERS_PRESENT, self.listeners),
                                         ('pools', 0, self.pools)):
            lb_id = self.loadbalancer('bench-' + name, listeners)[2]['id']
            try:
                measure(lb_id)
            finally:
                self.clean_up(lb_id)
        self.cascade()
        return self.results

    def clean_up(self, lb_id):
        """Cascade delete, untimed; a failure is reported and left for the figures' sake."""
        try:
            self.cloud.delete('loadbalancers/' + lb_id, cascade='true', timeout=900)
        except (requests.RequestException, RuntimeError) as error:
            self.progress('part 2: cleaning up load balancer %s failed (left as it is): %s'
                          % (lb_id, error))

    def listeners(self, lb_id):
        result = self.result('listener create, %d listeners present' % LISTENERS_PRESENT)
        for i in range(self.runs):
            request, active, listener = self.listener(lb_id, 20000 + i)
            result.add(request, active)
            self.cloud.delete('listeners/' + listener['id'], lb_id)
        self.progress('part 2: %s: %s' % (result.label, _line(result)))

    def pools(self, lb_id):
        self.small_pools(lb_id)
        self.batch(lb_id)

    def small_pools(self, lb_id):
        result = self.result('pool create + batch of %d members' % POOL_MEMBERS)
        for i in range(self.runs):
            request, active, pool = self.cloud.post('pools', 'pool', {
                'loadbalancer_id': lb_id, 'protocol': 'HTTP', 'lb_algorithm': 'ROUND_ROBIN'},
                lb_id)
            batch_request, batch_active = self.cloud.put_members(
                pool['id'], [_member(n) for n in range(POOL_MEMBERS)], lb_id)
            result.add(request + batch_request, active + batch_active)
            self.cloud.delete('pools/' + pool['id'], lb_id)
        self.progress('part 2: %s: %s' % (result.label, _line(result)))

    def batch(self, lb_id):
        _request, _active, pool = self.cloud.post('pools', 'pool', {
            'loadbalancer_id': lb_id, 'protocol': 'HTTP', 'lb_algorithm': 'ROUND_ROBIN'}, lb_id)
        first = self.result('member batch: %d members added to an empty pool' % BATCH_MEMBERS)
        first.add(*self.cloud.put_members(pool['id'], [_member(n)
                                                       for n in range(BATCH_MEMBERS)], lb_id))
        result = self.result('member batch update of %d members (new weights)'
                             % BATCH_MEMBERS)
        for i in range(self.runs):
            result.add(*self.cloud.put_members(
                pool['id'], [_member(n, weight=2 + i % 2) for n in range(BATCH_MEMBERS)],
                lb_id))
        self.progress('part 2: %s: %s (adding them: %.2f s)'
                      % (result.label, _line(result), first.active[0]))

    def cascade(self):
        result = self.result('cascade delete, %d listeners' % CASCADE_LISTENERS)
        for i in range(self.runs):
            _request, _active, lb = self.loadbalancer('bench-cascade-%d' % i,
                                                      CASCADE_LISTENERS)
            result.add(*self.cloud.delete('loadbalancers/' + lb['id'], cascade='true'))
        self.progress('part 2: %s: %s' % (result.label, _line(result)))


def _line(result):
    return ('p50 %.2f s, p95 %.2f s until ACTIVE (request p50 %.0f ms), %d runs'
            % (result.p(0.5), result.p(0.95), result.p(0.5, result.request) * 1000,
               result.runs))


def local_cloud(*args):
    return subprocess.call([os.path.join(bench_driver.REPO, 'tools', 'local-cloud')]
                           + list(args))


def run(latency_ms, runs, bring_up=False, progress=print):
    """[Result], or None (with the reason printed) when the local cloud is not there."""
    layout = layout_mod.from_env(bench_driver.REPO)
    cloud = Cloud(layout)
    started = False
    if not cloud.up():
        if not bring_up:
            progress('part 2 skipped: the local cloud (%s) is not up; start it with '
                     'tools/local-cloud up, or run tox -e bench, which brings one up and '
                     'down' % layout.cloud)
            return None
        progress('part 2: bringing the local cloud up (%s)' % layout.cloud)
        if local_cloud('up') != 0 or not cloud.up():
            progress('part 2 skipped: tools/local-cloud up failed')
            return None
        started = True
    try:
        with cloud.latency(latency_ms):
            return Runner(cloud, runs, progress).run()
    except (requests.RequestException, RuntimeError) as error:
        progress('part 2 failed: %s' % error)
        return None
    finally:
        if started:
            progress('part 2: stopping the local cloud it started')
            local_cloud('down')
