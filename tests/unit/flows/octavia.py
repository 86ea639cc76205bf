# SPDX-License-Identifier: Apache-2.0
"""FakeOctavia: Octavia's objects as its API keeps them and its driver agent shows them.

Objects are octavia-lib dicts (every field present, as the driver agent renders them);
``render`` nests children as ``get_<kind>`` does, ``payload`` builds the job payloads the
API driver posts. Used by the unit tests (through FakeReporter) and the functional tests
(published to the driver-agent stand-in).
"""

import copy
import itertools
import uuid

from octavia_lib.api.drivers import data_models

from octavia_f5.common import exceptions
from octavia_f5.flows import constants as c
from octavia_f5.flows import views

PROJECT = 'f0e1d2c3b4a5968778695a4b3c2d1e0f'
MODELS = {c.LOADBALANCER: data_models.LoadBalancer, c.LISTENER: data_models.Listener,
          c.POOL: data_models.Pool, c.MEMBER: data_models.Member,
          c.HEALTHMONITOR: data_models.HealthMonitor, c.L7POLICY: data_models.L7Policy,
          c.L7RULE: data_models.L7Rule}
NESTED = ('listeners', 'pools', 'l7policies', 'default_pool', 'members', 'healthmonitor',
          'rules')
DEFAULTS = {
    c.LOADBALANCER: {'vip_address': '10.1.0.10', 'admin_state_up': True, 'flavor': {},
                     'name': 'lb'},
    c.LISTENER: {'protocol': 'HTTP', 'protocol_port': 80, 'admin_state_up': True,
                 'connection_limit': -1, 'name': 'listener'},
    c.POOL: {'protocol': 'HTTP', 'lb_algorithm': 'ROUND_ROBIN', 'admin_state_up': True,
             'name': 'pool'},
    c.MEMBER: {'address': '192.168.0.10', 'protocol_port': 8080, 'weight': 1,
               'admin_state_up': True, 'backup': False},
    c.HEALTHMONITOR: {'type': 'HTTP', 'delay': 5, 'timeout': 3, 'max_retries': 2,
                      'max_retries_down': 3, 'http_method': 'GET', 'url_path': '/',
                      'expected_codes': '200', 'admin_state_up': True},
    c.L7POLICY: {'action': 'REJECT', 'position': 1, 'admin_state_up': True},
    c.L7RULE: {'type': 'PATH', 'compare_type': 'STARTS_WITH', 'value': '/api',
               'invert': False, 'admin_state_up': True},
}
# Fields Octavia 19 leaves out of an update's old object: it builds that object from the
# database row (``get_orm``) with only the columns loaded, never the rows of other tables
# (docs/flows.md, "What Octavia passes"; seen in the e2e suite's job payloads).
NOT_IN_OLD = {
    c.LOADBALANCER: ('flavor', 'listeners', 'pools', 'additional_vips'),
    c.LISTENER: ('allowed_cidrs', 'sni_container_refs', 'sni_container_data', 'l7policies',
                 'default_pool'),
    c.POOL: ('session_persistence', 'members', 'healthmonitor'),
    c.L7POLICY: ('rules',),
}
PARENT_FIELD = {c.LISTENER: c.LOADBALANCER_ID, c.POOL: c.LOADBALANCER_ID,
                c.MEMBER: 'pool_id', c.HEALTHMONITOR: 'pool_id', c.L7POLICY: 'listener_id',
                c.L7RULE: 'l7policy_id'}
_NUMBERS = itertools.count(1)


def new_id():
    return str(uuid.uuid4())


class FakeOctavia(object):
    """Flat objects by kind and id; children found through their parent id field."""

    def __init__(self, project_id=PROJECT):
        self.project_id = project_id
        self.objects = {kind: {} for kind in c.KINDS}

    # --- the API's side -------------------------------------------------------------------

    def add(self, kind, parent_id=None, **fields):
        """A new object (as the API stores it); returns its flat dict."""
        values = dict(DEFAULTS[kind], project_id=self.project_id)
        if kind == c.MEMBER and 'address' not in fields:
            values['address'] = '192.168.0.%d' % (next(_NUMBERS) % 250 + 1)
        if parent_id is not None:
            values[PARENT_FIELD[kind]] = parent_id
        values.update(fields)
        values.setdefault(c.id_key(kind), new_id())
        obj = MODELS[kind](**{k: v for k, v in values.items()
                              if k in MODELS[kind]().to_dict(render_unsets=True)})
        flat = obj.to_dict(recurse=True, render_unsets=True)
        for key in NESTED:
            flat.pop(key, None)
        self.objects[kind][flat[c.id_key(kind)]] = flat
        if kind == c.POOL and fields.get('listener_id'):
            listener = self.objects[c.LISTENER][fields['listener_id']]
            listener['default_pool_id'] = listener['default_pool_id'] or flat['pool_id']
        return flat

    def update(self, kind, object_id, **changes):
        """Apply changed fields; returns (old object, changes) as the API passes them.

        The old object lacks the fields ``NOT_IN_OLD`` names; emptying a listener's
        ``sni_container_refs`` is applied but not passed on (Octavia drops an empty list of
        SNI containers from the new object).
        """
        old = self.render(kind, object_id, for_delete=True)
        for field in NOT_IN_OLD.get(kind, ()):
            old.pop(field, None)
        self.objects[kind][object_id].update(copy.deepcopy(changes))
        passed = dict(changes)
        if kind == c.LISTENER and 'sni_container_refs' in passed and not passed[
                'sni_container_refs']:
            passed.pop('sni_container_refs')
            passed.pop('sni_container_data', None)
        return old, passed

    def remove(self, kind, object_id):
        """Drop an object and everything under it (Octavia deletes the rows)."""
        self.objects[kind].pop(object_id, None)
        for child_kind, field in PARENT_FIELD.items():
            for child_id, child in list(self.objects[child_kind].items()):
                if child.get(field) == object_id:
                    self.remove(child_kind, child_id)
        if kind == c.POOL:
            for listener in self.objects[c.LISTENER].values():
                if listener['default_pool_id'] == object_id:
                    listener['default_pool_id'] = None

    def children(self, kind, parent_id):
        return [o for o in self.objects[kind].values()
                if o.get(PARENT_FIELD[kind]) == parent_id]

    # --- the driver agent's side --------------------------------------------------------

    def render(self, kind, object_id, for_delete=False):
        """The object as get_<kind> shows it (None if unknown).

        ``for_delete`` drops TLS data as Octavia does for an update's old object and a delete.
        """
        flat = self.objects[kind].get(object_id)
        if flat is None:
            return None
        obj = copy.deepcopy(flat)
        if kind == c.LOADBALANCER:
            obj['listeners'] = [self.render(c.LISTENER, i['listener_id'], for_delete)
                                for i in self.children(c.LISTENER, object_id)]
            obj['pools'] = [self.render(c.POOL, p['pool_id'], for_delete)
                            for p in self.children(c.POOL, object_id)]
        elif kind == c.LISTENER:
            obj['l7policies'] = [self.render(c.L7POLICY, p['l7policy_id'])
                                 for p in self.children(c.L7POLICY, object_id)]
            pool = obj.get('default_pool_id')
            obj['default_pool'] = self.render(c.POOL, pool, for_delete) if pool else None
        elif kind == c.POOL:
            obj['members'] = self.children(c.MEMBER, object_id) or None
            monitors = self.children(c.HEALTHMONITOR, object_id)
            obj['healthmonitor'] = monitors[0] if monitors else None
            users = [li['listener_id'] for li in self.objects[c.LISTENER].values()
                     if li['default_pool_id'] == object_id]
            obj['listener_id'] = users[0] if users else None
        elif kind == c.L7POLICY:
            obj['rules'] = self.children(c.L7RULE, object_id) or None
        if for_delete and kind in views.TLS_FIELDS:
            for data in views.TLS_FIELDS[kind].values():
                obj[data] = None
        return copy.deepcopy(obj)

    def payload(self, kind, object_id, for_delete=False):
        """{'<kind>': object} as the API driver posts a create or a delete."""
        return {kind: self.render(kind, object_id, for_delete)}

    def all_ids(self):
        return [(kind, object_id) for kind in c.KINDS for object_id in self.objects[kind]]


class FakeReporter(object):
    """A StatusReporter answering from a FakeOctavia; records every status update."""

    def __init__(self, octavia):
        self.octavia = octavia
        self.updates = []

    def get(self, kind, object_id):
        return self.octavia.render(kind, object_id)

    def wait_for_object(self, kind, object_id, timeout=None):
        found = self.get(kind, object_id)
        if found is None:
            raise exceptions.ObjectNotCommitted(kind, object_id, timeout or 0)
        return found

    def update_status(self, update):
        self.updates.append(copy.deepcopy(update))

    def statuses(self):
        """{(plural kind, id): record} with the latest word on each object."""
        final = {}
        for update in self.updates:
            for kind, records in update.items():
                for record in records:
                    final.setdefault((kind, record['id']), {}).update(record)
        return final
