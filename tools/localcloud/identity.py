# SPDX-License-Identifier: Apache-2.0
"""Keystone's content for the local cloud, over its REST API: roles, service users, catalog."""

import json
import urllib.error
import urllib.request

REGION = 'RegionOne'
# A loopback-only test cloud: fixed passwords, like the database users (name = password).
ADMIN_PASSWORD = 'admin'
DEMO_PASSWORD = 'demo'
SERVICE_PROJECT = 'service'
SERVICE_USERS = ('neutron', 'octavia')
# octavia-tempest-plugin's dynamic credentials ask for these roles by name and fail with
# 'No "load-balancer_admin" role found' when one is missing; "member" and "reader" come with
# keystone-manage bootstrap and are ensured all the same (Neutron's policy needs "member").
ROLES = ('admin', 'member', 'reader', 'service', 'load-balancer_admin',
         'load-balancer_member', 'load-balancer_observer', 'load-balancer_global_observer',
         'load-balancer_quota_admin')
DEMO_ROLES = ('member', 'load-balancer_member')
INTERFACES = ('public', 'internal', 'admin')


def service_password(name):
    return name


class Client:
    """A tiny Keystone v3 client: JSON in, JSON out, one token."""

    def __init__(self, url, token):
        self.url = url.rstrip('/') + '/v3'
        self.token = token

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header('Content-Type', 'application/json')
        request.add_header('X-Auth-Token', self.token)
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                text = resp.read()
        except urllib.error.HTTPError as exc:
            raise RuntimeError('Keystone refused %s %s: HTTP %d %s'
                               % (method, path, exc.code, exc.read()[:300])) from None
        return json.loads(text) if text else {}


def token(url, username, password, project):
    """A project-scoped token for a user of the Default domain."""
    body = {'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': username, 'domain': {'id': 'default'}, 'password': password}}},
        'scope': {'project': {'name': project, 'domain': {'id': 'default'}}}}}
    request = urllib.request.Request(url.rstrip('/') + '/v3/auth/tokens',
                                     data=json.dumps(body).encode(), method='POST')
    request.add_header('Content-Type', 'application/json')
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.headers['X-Subject-Token']
    except urllib.error.HTTPError as exc:
        raise RuntimeError('Keystone refused a token for %s in project %s: HTTP %d'
                           % (username, project, exc.code)) from None


def admin_client(url):
    return Client(url, token(url, 'admin', ADMIN_PASSWORD, 'admin'))


class Catalog:
    """Keystone's roles, projects, users, services and endpoints, each listed once.

    Every `up` runs the registration; one GET per collection instead of one per object keeps
    it fast while tempest keeps Keystone busy.
    """

    def __init__(self, client):
        self.client = client
        self.cache = {}

    def _all(self, collection):
        if collection not in self.cache:
            self.cache[collection] = self.client.call('GET', '/' + collection)[collection]
        return self.cache[collection]

    def ensure(self, collection, body, **match):
        """The object of ``collection`` with the fields ``match``; created from ``body``."""
        for item in self._all(collection):
            if all(item.get(k) == v for k, v in match.items()):
                return item
        singular = collection[:-1]
        item = self.client.call('POST', '/' + collection, {singular: body})[singular]
        self._all(collection).append(item)
        return item

    def grant(self, project, user, role):
        assignments = self._all('role_assignments')
        if not any(a['role']['id'] == role['id'] and a.get('user', {}).get('id') == user['id']
                   and a['scope'].get('project', {}).get('id') == project['id']
                   for a in assignments):
            self.client.call('PUT', '/projects/%s/users/%s/roles/%s'
                             % (project['id'], user['id'], role['id']))


def _project(catalog, name):
    return catalog.ensure('projects', {'name': name, 'domain_id': 'default'},
                          name=name, domain_id='default')


def _user(catalog, name, password, project):
    return catalog.ensure('users', {'name': name, 'password': password, 'domain_id': 'default',
                                    'default_project_id': project['id']},
                          name=name, domain_id='default')


def _service(catalog, service_type, name, url):
    """The catalog entry of ``service_type``, its endpoints pointing at ``url``."""
    service = catalog.ensure('services', {'type': service_type, 'name': name, 'enabled': True},
                             type=service_type)
    for interface in INTERFACES:
        endpoint = catalog.ensure('endpoints', {
            'service_id': service['id'], 'interface': interface, 'url': url,
            'region_id': REGION, 'enabled': True}, service_id=service['id'], interface=interface)
        if endpoint['url'] != url:
            # the port block moved since the last `up`
            catalog.client.call('PATCH', '/endpoints/' + endpoint['id'],
                                {'endpoint': {'url': url}})


def register(url, services):
    """Roles, the service project and users, the demo project and user, and ``services``.

    ``services`` maps a service type to (name, URL). Idempotent: run on every `up`.
    """
    catalog = Catalog(admin_client(url))
    roles = {name: catalog.ensure('roles', {'name': name}, name=name) for name in ROLES}
    service_project = _project(catalog, SERVICE_PROJECT)
    for name in SERVICE_USERS:
        user = _user(catalog, name, service_password(name), service_project)
        # "service": keystonemiddleware's service_token_roles, for tokens they pass on
        for role in ('admin', 'service'):
            catalog.grant(service_project, user, roles[role])
    demo_project = _project(catalog, 'demo')
    demo = _user(catalog, 'demo', DEMO_PASSWORD, demo_project)
    for role in DEMO_ROLES:
        catalog.grant(demo_project, demo, roles[role])
    for service_type, (name, endpoint_url) in services.items():
        _service(catalog, service_type, name, endpoint_url)
