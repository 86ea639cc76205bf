# SPDX-License-Identifier: Apache-2.0
"""The local cloud's simulated BIG-IP pair, read for assertions through its /sim/ control API.

The devices and the CA to verify them come from the generated octavia.conf (``[f5_bigip]``),
so the tests look at exactly the devices the worker writes to. ``/sim/dump`` returns every
configuration object of one device by collection and fullPath; ``/sim/cluster`` says which
device is active and whether the pair is in sync.
"""

import requests

from tests.e2e import base

DEFAULT_PREFIX = 'octavia_'
# Configuration objects Octavia objects own, by the name prefix octavia_f5.bigip.names gives.
OWNER_PREFIXES = ('lb_', 'listener_', 'pool_', 'hm_')


def _verify(value):
    """[f5_bigip] verify as requests takes it: a bool or a CA bundle path."""
    lowered = value.strip().lower()
    if lowered in ('true', 'yes', '1'):
        return True
    if lowered in ('false', 'no', '0', ''):
        return False
    return value.strip()


class Partition:
    """What one device holds for one project: {collection: {name: object}}, route domain too."""

    def __init__(self, name, dump):
        self.name = name
        self.objects = {}
        folder = '/%s/' % name
        for collection, items in dump.items():
            for full_path, body in items.items():
                if full_path.startswith(folder):
                    self.objects.setdefault(collection, {})[body.get('name')] = body
        self.route_domain = dump.get('net/route-domain', {}).get('/Common/%s' % name)
        self.exists = name in dump.get('auth/partition', {})

    def get(self, collection, name):
        return self.objects.get(collection, {}).get(name)

    def names(self, collection):
        return set(self.objects.get(collection, {}))

    def owned(self):
        """(collection, name) of every object whose name says an Octavia object owns it."""
        return {(collection, name) for collection, items in self.objects.items()
                for name in items if name and name.startswith(OWNER_PREFIXES)}

    def naming(self, object_id):
        """(collection, name) of every object whose name carries ``object_id``."""
        return {(collection, name) for collection, items in self.objects.items()
                for name in items if name and object_id in name}

    def rows(self):
        """(collection, fullPath) of everything, sorted: for failure messages and the demo."""
        found = [(collection, body.get('fullPath', name))
                 for collection, items in self.objects.items() for name, body in items.items()]
        if self.route_domain:
            found.append(('net/route-domain', self.route_domain['fullPath']))
        return sorted(found)


class Devices:
    """The simulator pair named in the local cloud's octavia.conf."""

    def __init__(self, conf=None):
        conf = conf or base.octavia_conf()
        self.urls = [u.strip() for u in conf.get('f5_bigip', 'devices').split(',') if u.strip()]
        self.verify = _verify(conf.get('f5_bigip', 'verify', fallback='true'))
        self.prefix = conf.get('f5_network', 'partition_prefix', fallback=DEFAULT_PREFIX)
        self.auth = (conf.get('f5_bigip', 'username'), conf.get('f5_bigip', 'password'))
        self.session = requests.Session()
        # REQUESTS_CA_BUNDLE would override a session's verify setting (docs/simulator.md).
        self.session.trust_env = False

    def close(self):
        self.session.close()

    def _call(self, method, url, path, body=None):
        response = self.session.request(method, url + path, json=body, verify=self.verify,
                                        timeout=30)
        response.raise_for_status()
        return response.json() if response.content else None

    def sim(self, method, path, body=None):
        """A /sim/ call on the first device that answers (the control API is on every port)."""
        error = None
        for url in self.urls:
            try:
                return self._call(method, url, path, body)
            except requests.ConnectionError as e:
                error = e
        raise error

    def cluster(self):
        return self.sim('GET', '/sim/cluster')

    def url_of(self, device_name):
        for device in self.cluster()['devices']:
            if device['name'] == device_name:
                return device['url']
        raise LookupError('the simulator has no device %s' % device_name)

    def active(self):
        """(name, url) of the active device."""
        name = self.cluster()['active']
        return name, self.url_of(name)

    def partition_name(self, project_id):
        return self.prefix + project_id

    def partition(self, project_id, device=None):
        """The project's partition on ``device`` (a name; default the active device)."""
        url = self.url_of(device) if device else self.active()[1]
        return Partition(self.partition_name(project_id), self._call('GET', url, '/sim/dump'))

    def rest(self, method, device, path, body=None):
        """An iControl REST call (``path`` under /mgmt/tm) on ``device``, as the admin user."""
        url = self.url_of(device) + '/mgmt/tm' + path
        response = self.session.request(method, url, json=body, verify=self.verify, timeout=30,
                                        auth=self.auth)
        response.raise_for_status()
        return response.json() if response.content else None

    def failover(self, to):
        return self.sim('POST', '/sim/failover', {'to': to})

    def on_active(self, path, body):
        """A /sim/ POST on the active device.

        The poller reads only that one, and monitor results and traffic counters are each
        device's own (config-sync copies neither).
        """
        return self._call('POST', self.active()[1], path, body)

    def set_member_availability(self, pool_path, member_name, state):
        """What the pool's monitor finds on the member: 'up', 'down' or 'checking'."""
        return self.on_active('/sim/member-availability',
                              {'pool': pool_path, 'member': member_name, 'state': state})

    def set_virtual_counters(self, virtual_path, counters):
        """Traffic counters of a virtual server (``clientside.bitsIn``, ...)."""
        return self.on_active('/sim/stats', {'kind': 'virtual', 'fullPath': virtual_path,
                                             'counters': counters})
