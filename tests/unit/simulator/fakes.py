# SPDX-License-Identifier: Apache-2.0
"""A stand-in for the simulator backend: the contract of Backend, a dict of named objects."""

import base64
import copy
import json

from octavia_f5.simulator import auth
from octavia_f5.simulator import cluster as cluster_mod
from octavia_f5.simulator import device as device_mod
from octavia_f5.simulator import http

NOT_FOUND = '01020036:3: The requested Pool (%s) was not found.'
EXISTS = '01020066:3: The requested Pool (%s) already exists in partition Common.'


class FakeBackend:
    """Objects keyed by collection path and fullPath; records every handle() call."""

    def __init__(self, hostname='bigip1', version='17.1.1', clock=None):
        self.hostname = hostname
        self.version = version
        self.reset()

    def reset(self):
        self.objects = {}
        self.config_generation = 1
        self.handled = []
        self.uploads = {}
        self.stats = []
        self.availability = []

    def handle(self, method, raw_path, query, body, transaction_id=None):
        self.handled.append((method, raw_path, query, body, transaction_id))
        collection, _, item = raw_path.partition('/~Common~')
        if method == 'POST' and not item:
            full_path = '/Common/' + body['name']
            if (collection, full_path) in self.objects:
                return 409, _error(409, EXISTS % full_path)
            self.objects[(collection, full_path)] = dict(body, fullPath=full_path)
            self.config_generation += 1
            return 200, self.objects[(collection, full_path)]
        key = (collection, '/Common/' + item)
        if key not in self.objects:
            return 404, _error(404, NOT_FOUND % key[1])
        if method == 'DELETE':
            del self.objects[key]
            self.config_generation += 1
            return 200, None
        if method == 'PATCH':
            self.objects[key].update(body)
            self.config_generation += 1
        return 200, self.objects[key]

    def store_upload(self, name, data):
        self.uploads[name] = data

    def snapshot(self):
        return copy.deepcopy(self.objects)

    def restore(self, snapshot):
        self.objects = snapshot
        self.config_generation += 1

    def set_stats(self, kind, full_path, counters, member=None):
        if kind not in ('virtual', 'pool', 'member'):
            raise ValueError('unknown kind %s' % kind)
        self.stats.append((kind, full_path, counters, member))

    def set_member_availability(self, pool, member, state):
        if ('/mgmt/tm/ltm/pool', pool) not in self.objects:
            raise KeyError(pool)
        self.availability.append((pool, member, state))

    def dump(self):
        out = {}
        for (collection, full_path), obj in self.objects.items():
            out.setdefault(collection, {})[full_path] = obj
        return out


def _error(code, message):
    return {'code': code, 'message': message, 'errorStack': [], 'apiError': 3}


class FakeClock:
    """A wall clock the test moves by hand."""

    def __init__(self, now=1700000000.0):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def make_devices(count=1, **kwargs):
    """``count`` in-process devices of one cluster (no listener), with fake backends."""
    cluster = cluster_mod.Cluster()
    settings = auth.AuthSettings()
    return [device_mod.Device('bigip%d' % (i + 1), cluster, settings,
                              backend_factory=FakeBackend, **kwargs)
            for i in range(count)]


def request(method, target, body=None, headers=None, raw=None, token=None, basic=None):
    """A Request as the HTTP layer would build it; body is JSON-encoded unless raw."""
    headers = dict(headers or {})
    if token:
        headers['x-f5-auth-token'] = token
    if basic:
        headers['authorization'] = 'Basic ' + base64.b64encode(
            ('%s:%s' % basic).encode()).decode()
    data = raw if raw is not None else (b'' if body is None else json.dumps(body).encode())
    return http.Request(method, target, headers, data)


def admin(method, target, body=None, **kwargs):
    """A request with the default admin credentials (Basic)."""
    return request(method, target, body, basic=('admin', 'admin'), **kwargs)
