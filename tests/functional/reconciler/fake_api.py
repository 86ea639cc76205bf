# SPDX-License-Identifier: Apache-2.0
"""FakeOctaviaApi: the part of Octavia's v2 API the reconciler reads, over real HTTP.

Served from the test's FakeOctavia (the objects) and the driver-agent stand-in (their
provisioning statuses, as the flows and the reconciler report them), so that openstacksdk
talks to it exactly as to Octavia running with ``auth_strategy = noauth``: version
discovery on ``/``, then list and show calls under ``/v2/lbaas/`` with query filters.
Objects whose status is DELETED are not listed (Octavia's API hides them too).
"""

import http.server
import json
import threading
import urllib.parse

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture

from octavia_f5.common import config
from octavia_f5.flows import constants as c

OLD = '2000-01-01T00:00:00'
# URL collection -> object kind.
COLLECTIONS = {'loadbalancers': c.LOADBALANCER, 'listeners': c.LISTENER, 'pools': c.POOL,
               'healthmonitors': c.HEALTHMONITOR, 'l7policies': c.L7POLICY}
SUB_COLLECTIONS = {('pools', 'members'): (c.MEMBER, 'pool_id'),
                   ('l7policies', 'rules'): (c.L7RULE, 'l7policy_id')}
SINGULAR = {'loadbalancers': 'loadbalancer', 'listeners': 'listener', 'pools': 'pool',
            'healthmonitors': 'healthmonitor', 'l7policies': 'l7policy', 'members': 'member',
            'rules': 'rule'}


class _Handler(http.server.BaseHTTPRequestHandler):

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        self.server.api.requests.append(self.path)
        status, body = self.server.api.answer(url.path.strip('/').split('/'), query)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FakeOctaviaApi(fixtures.Fixture):
    """Serves ``octavia`` (a FakeOctavia) with ``agent``'s statuses; sets [f5_reconciler].

    ``updated_at[lb id]`` overrides a load balancer's updated_at (default: long ago).
    ``requests`` lists the paths asked.
    """

    def __init__(self, octavia, agent, set_options=True):
        super().__init__()
        self.octavia = octavia
        self.agent = agent
        self.updated_at = {}
        self.requests = []
        self._set_options = set_options

    def _setUp(self):
        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
        server.daemon_threads = True
        server.api = self
        self.url = 'http://127.0.0.1:%d' % server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05},
                                  daemon=True)
        thread.start()
        self.addCleanup(server.server_close)
        self.addCleanup(thread.join)
        self.addCleanup(server.shutdown)
        if self._set_options:
            conf = self.useFixture(config_fixture.Config(cfg.CONF))
            conf.config(group=config.RECONCILER_GROUP, auth_type='none',
                        endpoint_override=self.url)

    # --- answers ----------------------------------------------------------------------------

    def answer(self, segments, query):
        if segments == ['']:
            return 200, {'versions': [{'id': 'v2.0', 'status': 'CURRENT',
                                       'links': [{'href': self.url + '/v2', 'rel': 'self'}]}]}
        if segments[:2] != ['v2', 'lbaas'] or len(segments) < 3:
            return 404, {'faultstring': 'no such path'}
        rest = segments[2:]
        if len(rest) == 1 and rest[0] in COLLECTIONS:
            return 200, self._list(rest[0], COLLECTIONS[rest[0]], query)
        if len(rest) == 2 and rest[0] in COLLECTIONS:
            found = self._record(COLLECTIONS[rest[0]], rest[1])
            if found is None:
                return 404, {'faultstring': '%s %s not found' % (rest[0], rest[1])}
            return 200, {SINGULAR[rest[0]]: found}
        if len(rest) == 3 and (rest[0], rest[2]) in SUB_COLLECTIONS:
            kind, field = SUB_COLLECTIONS[(rest[0], rest[2])]
            return 200, self._list(rest[2], kind, dict(query, **{field: rest[1]}))
        return 404, {'faultstring': 'no such path'}

    def _list(self, name, kind, query):
        records = [r for r in (self._record(kind, i) for i in list(self.octavia.objects[kind]))
                   if r is not None and all(str(r.get(k)) == v for k, v in query.items()
                                            if k not in ('limit', 'marker'))]
        return {name: records, name + '_links': []}

    def _record(self, kind, object_id):
        obj = self.octavia.objects[kind].get(object_id)
        status = self.agent.status(kind, object_id)
        if obj is None or status is None or status['provisioning_status'] == 'DELETED':
            return None
        record = dict(obj, id=object_id, provisioning_status=status['provisioning_status'],
                      operating_status=status['operating_status'],
                      updated_at=self.updated_at.get(object_id, OLD))
        if kind == c.LOADBALANCER:
            record['provider'] = 'f5'
        return record
