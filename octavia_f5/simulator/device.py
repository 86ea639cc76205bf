# SPDX-License-Identifier: Apache-2.0
"""One simulated BIG-IP: routes a request to auth, HA, uploads, the backend or /sim/."""

import threading
import time

from oslo_log import log as logging

from octavia_f5.simulator import auth
from octavia_f5.simulator import cm
from octavia_f5.simulator import control
from octavia_f5.simulator import errors
from octavia_f5.simulator import faults
from octavia_f5.simulator import http
from octavia_f5.simulator import uploads

LOG = logging.getLogger(__name__)
DEFAULT_VERSION = '17.1.1'
TM = '/mgmt/tm/'
CM_PREFIX = cm.CM + '/'
CONTROL_PREFIX = control.PREFIX + '/'
COORDINATION_HEADER = 'x-f5-rest-coordination-id'
WRITES = frozenset(('POST', 'PUT', 'PATCH', 'DELETE'))
_INVALID_JSON = errors.tm_error(400, errors.INVALID_JSON, errors.API_ERROR_PARSE)


def default_backend_factory(hostname, version):
    # Imported here so that the HTTP layer can be used (and tested) with another backend.
    from octavia_f5.simulator import backend
    return backend.Backend(hostname=hostname, version=version, clock=time.monotonic)


class Device:
    """A BIG-IP of the cluster: its configuration, tokens, faults, call log and listener."""

    def __init__(self, name, cluster, auth_settings, backend_factory=None,
                 version=DEFAULT_VERSION, latency_ms=0, management_ip='127.0.0.1'):
        self.name = self.hostname = name
        self.version = version
        self.management_ip = management_ip
        self.cluster = cluster
        self.backend = (backend_factory or default_backend_factory)(name, version)
        self.auth = auth.AuthStore(auth_settings)
        self.uploads = uploads.Uploads(self.backend)
        self.faults = faults.Faults()
        self.calls = faults.CallLog()
        self.initial_latency_ms = latency_ms
        self.latency = latency_ms / 1000.0
        self.listener = None
        self.up = True
        self._down_timer = None
        self._routes = (
            (auth.TOKENS_PATH, self._tokens),
            (uploads.UPLOADS_PATH, self._upload),
        )
        cluster.add(self)

    @property
    def url(self):
        if self.listener is None:
            return None
        scheme = 'https' if self.listener.ssl_context is not None else 'http'
        host = self.listener.host
        return '%s://%s:%d' % (scheme, '[%s]' % host if ':' in host else host,
                               self.listener.port)

    def serve(self, host='127.0.0.1', port=0, ssl_context=None):
        """Start answering on host:port."""
        self.listener = http.Listener(self, host, port, ssl_context)
        self.listener.start()

    def go_down(self, seconds=None):
        """Refuse connections and reset open ones; come back after ``seconds`` if given."""
        if self.listener is not None:
            self.listener.stop()
        if seconds:
            self._down_timer = threading.Timer(seconds, self.cluster.up, (self.name,))
            self._down_timer.daemon = True
            self._down_timer.start()

    def go_up(self):
        timer, self._down_timer = self._down_timer, None
        if timer is not None:
            timer.cancel()
        if self.listener is not None and not self.listener.serving:
            self.listener.start()

    def stop(self):
        """Stop serving for good (the simulator is shutting down)."""
        timer, self._down_timer = self._down_timer, None
        if timer is not None:
            timer.cancel()
        if self.listener is not None:
            self.listener.stop()

    def reset(self):
        """Back to a fresh device (the cluster's reset brings it up and in sync)."""
        self.backend.reset()
        self.auth.clear()
        self.uploads.clear()
        self.faults.clear()
        self.calls.clear()
        self.latency = self.initial_latency_ms / 1000.0

    def describe(self):
        return {'name': self.name, 'hostname': self.hostname, 'url': self.url,
                'up': self.up, 'failoverState': self.cluster.failover_state(self),
                'config_generation': self.backend.config_generation,
                'latency_ms': int(self.latency * 1000)}

    def __call__(self, request):
        """Answer one HTTP request (the Listener's application)."""
        path = request.path
        if path.startswith(CONTROL_PREFIX) or path == control.PREFIX:
            return control.handle(self, request)
        delay, rule = self.faults.match(request.method, path) if self.faults else (0.0, None)
        delay += self.latency
        if delay:
            time.sleep(delay)
        if rule is not None and rule.when == 'before':
            response = rule.response(path)
        else:
            response = self._answer(request)
            if rule is not None:
                response = rule.response(path)
        self.calls.record(request, response.status or None, rule and rule.id)
        return response

    def _answer(self, request):
        try:
            return self.route(request)
        except Exception:  # a bug must cost one request a 500, not the connection thread
            LOG.exception('Simulator %s failed on %s %s', self.name, request.method,
                          request.path)
            return http.Response(500, errors.tm_error(500, 'Internal simulator error.'))

    def route(self, request):
        """The device's answer to an iControl REST request (after faults and latency)."""
        path = request.path
        if path == auth.LOGIN_PATH and request.method == 'POST':
            return self.auth.login(request)
        user, refusal = self.auth.authenticate(request)
        if refusal is not None:
            return refusal
        if path.startswith(TM):
            if path.startswith(CM_PREFIX) or path == cm.CM:
                return cm.handle(self.cluster, self, request)
            return self._tm(request)
        for prefix, handler in self._routes:
            if path.startswith(prefix):
                return handler(request, user)
        return http.Response(404, errors.unregistered_path(path))

    def _tm(self, request):
        try:
            body = request.json()
        except ValueError:
            return http.Response(400, _INVALID_JSON)
        method = request.method
        transaction = request.headers.get(COORDINATION_HEADER)
        status, out = self.backend.handle(method, request.path, request.query, body,
                                          transaction_id=transaction)
        if method in WRITES and status < 300 and self.cluster.auto_sync:
            self.cluster.after_write(self)
        return http.Response(status, out)

    def _tokens(self, request, user):
        return self.auth.tokens_api(request, user)

    def _upload(self, request, user):
        return self.uploads.handle(request)
