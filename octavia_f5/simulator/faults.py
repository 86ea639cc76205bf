# SPDX-License-Identifier: Apache-2.0
"""Fault injection rules and the call log of one simulated device."""

import collections
import itertools
import json
import re
import threading
import time

from octavia_f5.simulator import errors
from octavia_f5.simulator import http

ACTIONS = ('error', 'reset', 'close', 'latency')
WHEN = ('before', 'after')
SECRET_KEYS = frozenset(('password', 'passphrase', 'token'))
CALL_LOG_SIZE = 10000
UPLOADS = '/file-transfer/'

_HTML_503 = ('<html><head><title>Configuration Utility restarting...</title></head>'
             '<body>Configuration Utility restarting...</body></html>')
_HTML_ASYNC = ('<html><head><title>Error 500 AsyncContext timeout</title></head><body>'
               '<h2>HTTP ERROR 500</h2><p>Reason:<pre>    AsyncContext timeout</pre></p>'
               '</body></html>')

# Answers of a troubled device that clients must survive (reference 0.2 and 8); a rule names
# one with "preset" instead of giving status and body.
PRESETS = {
    'mcpd-lost': lambda path: (500, errors.tm_error(500, errors.MCPD_LOST,
                                                    errors.API_ERROR_MCPD_LOST), None),
    'restjavad-restarting': lambda path: (503, _HTML_503, 'text/html; charset=iso-8859-1'),
    'not-registered': lambda path: (404, errors.unregistered_path(path), None),
    'token-expired': lambda path: (401, errors.rest_error(401, errors.TOKEN_UNKNOWN), None),
    'async-timeout': lambda path: (500, _HTML_ASYNC, 'text/html; charset=iso-8859-1'),
}


class InvalidRule(ValueError):
    """A fault rule that cannot be applied; the message says which field is wrong."""


class FaultRule:
    """Fault the ``nth`` matching request and the ``times - 1`` after it (0: all of them)."""

    _ids = itertools.count(1)

    def __init__(self, spec):
        self.spec = dict(spec)
        self.id = next(self._ids)
        self.method = (spec.get('method') or '*').upper()
        try:
            self.path = re.compile(spec.get('path') or '.*')
        except re.error as exc:
            raise InvalidRule('path is not a regular expression: %s' % exc)
        self.nth = _int(spec, 'nth', 1, minimum=1)
        self.times = _int(spec, 'times', 1, minimum=0)
        self.action = spec.get('action', 'error')
        self.when = spec.get('when', 'before')
        self.latency = _int(spec, 'latency_ms', 0, minimum=0) / 1000.0
        self.status = _int(spec, 'status', 500, minimum=100)
        self.body = spec.get('body')
        self.content_type = spec.get('content_type')
        self.preset = spec.get('preset')
        self.matched = 0
        self.applied = 0
        if self.action not in ACTIONS:
            raise InvalidRule('action must be one of %s' % ', '.join(ACTIONS))
        if self.when not in WHEN:
            raise InvalidRule('when must be one of %s' % ', '.join(WHEN))
        if self.preset is not None and self.preset not in PRESETS:
            raise InvalidRule('preset must be one of %s' % ', '.join(sorted(PRESETS)))

    def fires(self, method, path):
        """Count a request; whether this one is faulted. Called under the rules' lock."""
        if self.method not in ('*', method) or not self.path.search(path):
            return False
        self.matched += 1
        if self.matched < self.nth or (self.times and self.matched >= self.nth + self.times):
            return False
        self.applied += 1
        return True

    def response(self, path):
        """The Response that replaces the device's answer (error, reset or close)."""
        if self.action in ('reset', 'close'):
            return http.Response(0, drop=self.action)
        if self.preset:
            status, body, content_type = PRESETS[self.preset](path)
        else:
            status, content_type = self.status, self.content_type
            body = self.body if self.body is not None else errors.tm_error(
                status, 'Simulated fault (rule %d).' % self.id)
        return http.Response(status, body, content_type or http.JSON_TYPE)

    def describe(self):
        return dict(self.spec, id=self.id, matched=self.matched, applied=self.applied)


def _int(spec, key, default, minimum):
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidRule('%s must be an integer >= %d' % (key, minimum))
    return value


class Faults:
    """The fault rules of one device, checked in the order they were added."""

    def __init__(self):
        self._rules = []
        self._lock = threading.Lock()

    def __bool__(self):
        return bool(self._rules)

    def add(self, spec):
        rule = FaultRule(spec)
        with self._lock:
            self._rules.append(rule)
        return rule.describe()

    def remove(self, rule_id):
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self):
        with self._lock:
            self._rules = []

    def describe(self):
        with self._lock:
            return [r.describe() for r in self._rules]

    def match(self, method, path):
        """(seconds of added latency, the rule that faults this request or None)."""
        delay, hit = 0.0, None
        with self._lock:
            for rule in self._rules:
                if rule.fires(method, path):
                    if rule.action == 'latency':
                        delay += rule.latency
                    elif hit is None:
                        hit = rule
        return delay, hit


class CallLog:
    """Every iControl REST request a device received, and counters by method and path."""

    def __init__(self, size=CALL_LOG_SIZE):
        self._calls = collections.deque(maxlen=size)
        self._by_method = collections.Counter()
        self._by_path = collections.Counter()
        self._seq = itertools.count(1)
        self._lock = threading.Lock()

    def record(self, request, status, fault=None):
        # The raw body is kept and decoded (and masked) only when someone reads the log;
        # uploads (certificates, keys) are never kept.
        body = request.body
        raw = body if body[:1] == b'{' and UPLOADS not in request.path else None
        entry = (next(self._seq), time.time(), request.method, request.path,
                 request.query_string, status, request.headers.get('x-f5-rest-coordination-id'),
                 raw, len(request.body), fault)
        with self._lock:
            self._calls.append(entry)
            self._by_method[request.method] += 1
            self._by_path[request.method + ' ' + request.path] += 1

    def clear(self):
        with self._lock:
            self._calls.clear()
            self._by_method.clear()
            self._by_path.clear()

    def counters(self):
        with self._lock:
            return {'total': sum(self._by_method.values()),
                    'by_method': dict(self._by_method), 'by_path': dict(self._by_path)}

    def calls(self, method=None, path=None):
        """The logged calls, oldest first, optionally filtered by method and path regex."""
        pattern = re.compile(path) if path else None
        with self._lock:
            entries = list(self._calls)
        return [_describe_call(e) for e in entries
                if (not method or e[2] == method.upper()) and
                (pattern is None or pattern.search(e[3]))]


def _describe_call(entry):
    seq, when, method, path, query, status, transaction, raw, size, fault = entry
    body = None
    if raw:
        try:
            body = mask(json.loads(raw))
        except ValueError:
            body = '<%d bytes, not JSON>' % size
    return {'seq': seq, 'time': when, 'method': method, 'path': path, 'query': query,
            'status': status, 'transaction': transaction, 'body': body, 'bytes': size,
            'fault': fault}


def mask(value):
    """A copy of a JSON value with passwords, passphrases and tokens replaced by ***."""
    if isinstance(value, dict):
        return {k: '***' if k in SECRET_KEYS else mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    return value
