# SPDX-License-Identifier: Apache-2.0
"""SimulatorFixture: BIG-IP devices on free local ports for the duration of a test."""

import json
import urllib.parse

import fixtures

from octavia_f5.simulator import control
from octavia_f5.simulator import http
from octavia_f5.simulator import server


class SimulatorError(Exception):
    """A /sim/ control call was refused; the message is the simulator's."""


class SimControl:
    """Calls the /sim/ API of the devices in-process (it works even while a device is down).

    Each method takes ``device`` (index or name, default the first device).
    """

    def __init__(self, simulator):
        self._simulator = simulator

    def _device(self, device):
        if isinstance(device, int):
            return self._simulator.devices[device]
        return self._simulator.cluster.device(device)

    def call(self, method, path, body=None, device=0, query=None):
        """One control call, e.g. call('POST', 'faults', {...}); returns the JSON answer."""
        target = '%s/%s' % (control.PREFIX, path.strip('/'))
        if query:
            target += '?' + urllib.parse.urlencode(query)
        raw = b'' if body is None else json.dumps(body).encode()
        response = control.handle(self._device(device), http.Request(method, target, {}, raw))
        if response.status >= 300:
            raise SimulatorError(response.body['message'])
        if response.after:
            response.after()
        return response.body

    def reset(self):
        return self.call('POST', 'reset')

    def dump(self, device=0):
        return self.call('GET', 'dump', device=device)

    def calls(self, device=0, method=None, path=None):
        query = {k: v for k, v in (('method', method), ('path', path)) if v}
        return self.call('GET', 'calls', device=device, query=query)['calls']

    def counters(self, device=0):
        return self.call('GET', 'counters', device=device)

    def clear_calls(self, device=0):
        self.call('DELETE', 'calls', device=device)

    def add_fault(self, device=0, **rule):
        """e.g. add_fault(method='POST', path='/ltm/pool$', nth=2, status=500)."""
        return self.call('POST', 'faults', rule, device=device)

    def faults(self, device=0):
        return self.call('GET', 'faults', device=device)['faults']

    def clear_faults(self, device=0):
        self.call('DELETE', 'faults', device=device)

    def set_latency(self, latency_ms, device=0):
        return self.call('PUT', 'latency', {'latency_ms': latency_ms}, device=device)

    def set_stats(self, kind, full_path, counters, member=None, device=0):
        return self.call('POST', 'stats', {'kind': kind, 'fullPath': full_path,
                                           'counters': counters, 'member': member},
                         device=device)

    def set_member_availability(self, pool, member, state, device=0):
        return self.call('POST', 'member-availability',
                         {'pool': pool, 'member': member, 'state': state}, device=device)

    def set_auth(self, **settings):
        """token_lifetime, max_tokens, limit_admin, users."""
        return self.call('PATCH', 'auth', settings)

    def expire_tokens(self, token=None, device=0):
        return self.call('POST', 'auth/expire', {'token': token} if token else {},
                         device=device)

    def cluster(self):
        return self.call('GET', 'cluster')

    def failover(self, to=None):
        return self.call('POST', 'failover', {'to': to} if to else {})

    def device_down(self, name, seconds=None):
        body = {'seconds': seconds} if seconds else {}
        return self.call('POST', 'devices/%s/down' % name, body)

    def device_up(self, name):
        return self.call('POST', 'devices/%s/up' % name)


class SimulatorFixture(fixtures.Fixture):
    """BIG-IP simulator devices serving on free 127.0.0.1 ports; stopped on cleanup.

    Exposes ``urls`` (one base URL per device), ``username``, ``password``,
    ``device_group`` (None with one device), ``ca_file`` (https), ``devices`` (the
    in-process Device objects), ``simulator`` and ``sim`` (a SimControl).
    """

    def __init__(self, devices=1, https=False, latency_ms=0, **kwargs):
        super().__init__()
        self._args = dict(kwargs, devices=devices, https=https, latency_ms=latency_ms)

    def _setUp(self):
        self.simulator = server.Simulator(**self._args)
        self.simulator.start()
        self.addCleanup(self.simulator.stop)
        self.sim = SimControl(self.simulator)
        self.urls = self.simulator.urls
        self.username = self.simulator.username
        self.password = self.simulator.password
        self.device_group = self.simulator.device_group
        self.ca_file = self.simulator.ca_file
        self.devices = self.simulator.devices
