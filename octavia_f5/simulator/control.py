# SPDX-License-Identifier: Apache-2.0
"""The /sim/ control API (not BIG-IP's): reset, dump, call log, faults, latency, HA, auth.

Served without authentication on every device port. Calls that concern one device act on
the device whose port received them, or on the one named by ``?device=<name>``.
"""

from octavia_f5.simulator import cluster as cluster_mod
from octavia_f5.simulator import faults
from octavia_f5.simulator import http

PREFIX = '/sim'
SETTABLE_AUTH = {'token_lifetime': (int, float, type(None)), 'max_tokens': int,
                 'limit_admin': bool, 'users': dict}


class ControlError(Exception):
    """A control call that cannot be done; answered with ``code`` and the message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _target(device, request):
    name = request.query.get('device')
    return device.cluster.device(name) if name else device


def _number(body, key, minimum=0):
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ControlError(400, '%s must be a number >= %s' % (key, minimum))
    return value


def index(device, request, body, arg):
    return {'device': device.name,
            'endpoints': sorted('%s %s/%s' % (m, PREFIX, p) for m, p in ROUTES)}


def reset(device, request, body, arg):
    """Everything back to the start: configuration, tokens, faults, calls, HA, auth."""
    cluster = device.cluster
    for each in cluster.devices:
        each.reset()
    cluster.reset()
    device.auth.settings.reset()
    return cluster.describe()


def dump(device, request, body, arg):
    return _target(device, request).backend.dump()


def get_calls(device, request, body, arg):
    target = _target(device, request)
    query = request.query
    return {'calls': target.calls.calls(query.get('method'), query.get('path')),
            'counters': target.calls.counters()}


def clear_calls(device, request, body, arg):
    _target(device, request).calls.clear()


def get_counters(device, request, body, arg):
    return _target(device, request).calls.counters()


def list_faults(device, request, body, arg):
    return {'faults': _target(device, request).faults.describe()}


def add_fault(device, request, body, arg):
    try:
        return _target(device, request).faults.add(body)
    except faults.InvalidRule as exc:
        raise ControlError(400, str(exc))


def clear_faults(device, request, body, arg):
    _target(device, request).faults.clear()


def remove_fault(device, request, body, arg):
    if not arg.isdigit() or not _target(device, request).faults.remove(int(arg)):
        raise ControlError(404, 'There is no fault rule %s.' % arg)


def get_latency(device, request, body, arg):
    return {'latency_ms': int(_target(device, request).latency * 1000)}


def set_latency(device, request, body, arg):
    _target(device, request).latency = _number(body, 'latency_ms') / 1000.0
    return get_latency(device, request, body, arg)


def set_stats(device, request, body, arg):
    """Traffic counters of a virtual, pool or member (backend.set_stats)."""
    target = _target(device, request)
    for key in ('kind', 'fullPath', 'counters'):
        if key not in body:
            raise ControlError(400, 'stats needs kind, fullPath and counters; %s is missing'
                               % key)
    target.backend.set_stats(body['kind'], body['fullPath'], body['counters'],
                             member=body.get('member'))


def set_member_availability(device, request, body, arg):
    target = _target(device, request)
    for key in ('pool', 'member', 'state'):
        if key not in body:
            raise ControlError(400, 'member-availability needs pool, member and state; %s '
                               'is missing' % key)
    target.backend.set_member_availability(body['pool'], body['member'], body['state'])


def get_auth(device, request, body, arg):
    return device.auth.settings.describe()


def set_auth(device, request, body, arg):
    """Token lifetime override, token limit (also for admin), users and passwords."""
    settings = device.auth.settings
    for key, value in body.items():
        if key not in SETTABLE_AUTH or not isinstance(value, SETTABLE_AUTH[key]) or (
                key != 'limit_admin' and isinstance(value, bool)):
            raise ControlError(400, 'auth settings are %s; %s is not valid'
                               % (', '.join(sorted(SETTABLE_AUTH)), key))
    for key, value in body.items():
        setattr(settings, key, dict(value) if key == 'users' else value)
    return settings.describe()


def expire_tokens(device, request, body, arg):
    """Expire one token (body {"token": ...}) or all tokens of the device."""
    _target(device, request).auth.expire(body.get('token'))


def get_cluster(device, request, body, arg):
    return device.cluster.describe()


def failover(device, request, body, arg):
    device.cluster.failover(body.get('to'))
    return device.cluster.describe()


def device_down(device, request, body, arg):
    """Take a device off the network (optionally for ``seconds``, then it comes back)."""
    cluster = device.cluster
    target = cluster.device(arg)
    seconds = _number(body, 'seconds') if 'seconds' in body else None

    def down():
        cluster.down(target.name, seconds)
    if target is device:
        # Answer first: going down resets this very connection.
        return http.Response(200, {'device': target.name, 'up': False}, after=down)
    down()
    return cluster.describe()


def device_up(device, request, body, arg):
    device.cluster.up(arg)
    return device.cluster.describe()


ROUTES = {
    ('GET', ''): index, ('POST', 'reset'): reset, ('GET', 'dump'): dump,
    ('GET', 'calls'): get_calls, ('DELETE', 'calls'): clear_calls,
    ('GET', 'counters'): get_counters,
    ('GET', 'faults'): list_faults, ('POST', 'faults'): add_fault,
    ('DELETE', 'faults'): clear_faults, ('DELETE', 'faults/*'): remove_fault,
    ('GET', 'latency'): get_latency, ('PUT', 'latency'): set_latency,
    ('POST', 'stats'): set_stats, ('POST', 'member-availability'): set_member_availability,
    ('GET', 'auth'): get_auth, ('PATCH', 'auth'): set_auth,
    ('POST', 'auth/expire'): expire_tokens,
    ('GET', 'cluster'): get_cluster, ('POST', 'failover'): failover,
    ('POST', 'devices/*/down'): device_down, ('POST', 'devices/*/up'): device_up,
}


def _find(method, path):
    segments = path.split('/') if path else []
    for (route_method, pattern), handler in ROUTES.items():
        parts = pattern.split('/') if pattern else []
        if route_method != method or len(parts) != len(segments):
            continue
        if all(p in ('*', s) for p, s in zip(parts, segments)):
            wild = [s for p, s in zip(parts, segments) if p == '*']
            return handler, wild[0] if wild else None
    return None, None


def handle(device, request):
    """Answer a /sim/ request for ``device``."""
    path = request.path[len(PREFIX):].strip('/')
    handler, arg = _find(request.method, path)
    if handler is None:
        return _error(404, 'No control endpoint %s %s; GET %s/ lists them.'
                      % (request.method, request.path, PREFIX))
    try:
        body = request.json() or {}
    except ValueError:
        return _error(400, 'The body is not a JSON object.')
    try:
        result = handler(device, request, body, arg)
    except cluster_mod.UnknownDevice as exc:
        return _error(404, str(exc))
    except ControlError as exc:
        return _error(exc.code, str(exc))
    except LookupError as exc:  # the backend knows no such object
        return _error(404, 'Not found: %s' % (exc.args[0] if exc.args else exc))
    except ValueError as exc:  # an HA operation or a backend value refused
        return _error(400, str(exc))
    if isinstance(result, http.Response):
        return result
    return http.Response(200, result)


def _error(code, message):
    return http.Response(code, {'code': code, 'message': message})
