# SPDX-License-Identifier: Apache-2.0
"""What `up` creates inside the running cloud: the demo network and subnet in Neutron."""

import json
import urllib.parse
import urllib.request

DEMO_NETWORK = 'demo-net'
DEMO_SUBNET = 'demo-subnet'
# TEST-NET-1 (RFC 5737): these addresses only exist as Neutron records and simulator objects.
DEMO_CIDR = '192.0.2.0/24'


def _call(base_url, method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base_url + path, data=data, method=method)
    if token:
        request.add_header('X-Auth-Token', token)
    request.add_header('Content-Type', 'application/json')
    request.add_header('Accept', 'application/json')
    with urllib.request.urlopen(request, timeout=30) as resp:
        return json.load(resp)


def _find(base_url, collection, token=None, **query):
    found = _call(base_url, 'GET', '/v2.0/%s?%s' % (collection, urllib.parse.urlencode(query)),
                  token=token)
    items = found[collection]
    return items[0] if items else None


def ensure_demo_network(base_url, token=None):
    """Create demo-net and demo-subnet unless they exist; returns (network, subnet).

    ``token``: a Keystone token, when Neutron runs with keystone auth (`up --with-keystone`).
    """
    network = _find(base_url, 'networks', token, name=DEMO_NETWORK)
    if network is None:
        network = _call(base_url, 'POST', '/v2.0/networks',
                        {'network': {'name': DEMO_NETWORK}}, token)['network']
    subnet = _find(base_url, 'subnets', token, name=DEMO_SUBNET, network_id=network['id'])
    if subnet is None:
        subnet = _call(base_url, 'POST', '/v2.0/subnets', {'subnet': {
            'name': DEMO_SUBNET, 'network_id': network['id'], 'ip_version': 4,
            'cidr': DEMO_CIDR}}, token)['subnet']
    return network, subnet
