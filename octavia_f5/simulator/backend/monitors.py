# SPDX-License-Identifier: Apache-2.0
"""LTM health monitors: one table row per type, the interval/timeout rule, the in-use rule."""

from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import model

PREFIX = 'ltm/monitor/'
ED = model.ENABLED
_BASE = {'destination': '*:*', 'interval': 5, 'manualResume': 'disabled', 'timeUntilUp': 0,
         'timeout': 16, 'transparent': 'disabled', 'upInterval': 0}
_ADAPTIVE = {'adaptive': 'disabled', 'adaptiveDivergenceType': 'relative',
             'adaptiveDivergenceValue': 25, 'adaptiveLimit': 200, 'adaptiveSamplingTimespan': 300}
_PROBE = dict(_ADAPTIVE, ipDscp=0, reverse='disabled')
_HTTP = dict(_PROBE, send='GET /\\r\\n')
# Properties a type accepts beyond its defaults.
_TEXT = ('send', 'recv', 'recvDisable')
_AUTH = ('username', 'password')

# type: (built-ins, defaults, further fields)
TABLE = {
    'http': (('http', 'http_head_f5'), _HTTP, _TEXT + _AUTH),
    'https': (('https', 'https_443', 'https_head_f5'),
              dict(_HTTP, cipherlist='DEFAULT:+SHA:+3DES:+kEDH', compatibility='enabled'),
              _TEXT + _AUTH + ('sslProfile', 'cert', 'key')),
    'tcp': (('tcp',), _PROBE, _TEXT),
    'udp': (('udp',), dict(_PROBE, send='default send string', debug='no'), _TEXT),
    'gateway-icmp': (('gateway_icmp',), _ADAPTIVE, ()),
    'icmp': (('icmp',), _ADAPTIVE, ()),
    'tcp-half-open': (('tcp_half_open',), {}, ()),
    'sctp': (('sctp',), {}, ('send', 'recv')),
    'external': (('external',), {}, ('run', 'args', 'apiRawValues', 'userDefined')),
}
MONITORS = tuple(PREFIX + t for t in TABLE)
INTS = frozenset(('interval', 'timeout', 'timeUntilUp', 'upInterval', 'ipDscp',
                  'adaptiveDivergenceValue', 'adaptiveLimit', 'adaptiveSamplingTimespan'))
ENUMS = {'manualResume': ED, 'transparent': ED, 'reverse': ED, 'adaptive': ED,
         'compatibility': ED, 'debug': model.YES_NO,
         'adaptiveDivergenceType': frozenset(('relative', 'absolute'))}


class Monitor(model.Model):
    """One monitor type, built from its TABLE row."""

    label = 'Monitor'
    noun = 'monitor'
    plural = 'monitors'
    secrets = frozenset(('password',))

    def __init__(self, mtype, builtins, defaults, fields):
        self.path = PREFIX + mtype
        self.kind = 'tm:ltm:monitor:%s:%sstate' % (mtype, mtype)
        base = builtins[0]
        self.defaults = dict(_BASE, defaultsFrom='/Common/' + base, **defaults)
        self.fields = frozenset(fields + ('description', 'appService'))
        self.ints = INTS
        self.enums = ENUMS
        self.refs = {'defaultsFrom': model.Ref(self.path)}
        self.builtins = tuple((name, {'defaultsFrom': None}) for name in builtins)
        super().__init__()

    def prepare(self, op):
        obj = op.obj
        if obj['interval'] < 1:
            raise errors.invalid_value('interval', obj['interval'])
        if obj['timeout'] and obj['timeout'] <= obj['interval']:
            # BIG-IP needs interval < timeout (reference 3.11). [U text]
            raise errors.bad_request('01071213:3: The monitor (%s) timeout (%d) must be greater '
                                     'than its interval (%d).' % (obj['fullPath'],
                                                                  obj['timeout'],
                                                                  obj['interval']),
                                     errors.MCPD)
        check_destination(obj.get('destination'))

    def check_delete(self, cfg, obj):
        if obj.get('_builtin'):
            super().check_delete(cfg, obj)
        path = obj['fullPath']
        users = list(self.users(cfg, path))
        if not users and cfg.in_transaction and cfg.runtime.backend.monitor_transaction_bug:
            # mcpd checks the pools as they were before the transaction (BIG-IP bug; SAP quirk
            # AUTOTOOL-1469): a monitor detached and deleted in one transaction is "in use".
            users = [p for p in cfg.touched('ltm/pool') if path in p.get('_monitors', ())]
        if users:
            raise errors.bad_request('01070083:3: Monitor %s is in use.' % path, errors.MCPD)


def check_destination(value):
    """'*:*', '*:80', '10.0.0.1:80', '10.0.0.1%2:80' or an IPv6 alias with '.'."""
    if value is None:
        return
    if not isinstance(value, str):
        raise errors.invalid_value('destination', value)
    sep = '.' if value.count(':') > 1 else ':'
    addr, found, port = value.rpartition(sep)
    if not found or not (port == '*' or (port.isdigit() and int(port) <= 65535)):
        raise errors.invalid_value('destination', value)
    if addr != '*':
        from octavia_f5.simulator.backend import names
        try:
            names.parse_ip(addr)
        except ValueError:
            raise errors.invalid_value('destination', value)


def parse_rule(text):
    """(minimum or None, [names]) of a pool monitor rule; both min forms are accepted."""
    text = text.strip()
    if not text or text == 'none':
        return None, []
    if text.startswith('min '):
        parts = text.replace('{', ' ').replace('}', ' ').split()
        if len(parts) < 4 or parts[2] != 'of' or not parts[1].isdigit():
            raise errors.invalid_value('monitor', text)
        return int(parts[1]), parts[3:]
    monitor_names = [part.strip() for part in text.split(' and ')]
    if any(not name or ' ' in name for name in monitor_names):
        raise errors.invalid_value('monitor', text)
    return None, monitor_names


def format_rule(minimum, paths):
    """As BIG-IP answers: a trailing space after an and-list, braces for min N of."""
    if minimum is None:
        return ' and '.join(paths) + ' '
    return 'min %d of { %s }' % (minimum, ' '.join(paths))


def assign_rule(mdl, op, key, value):
    """Resolve a monitor rule (pool, member or node) into op.obj[key] and op.obj['_monitors']."""
    if value is None or value in ('', 'none') or (value == 'default' and key == 'monitor'
                                                  and mdl.path != 'ltm/pool'):
        if mdl.path == 'ltm/pool':
            op.obj.pop(key, None)
        else:
            op.obj[key] = 'default'
        op.obj.pop('_monitors', None)
        return
    if not isinstance(value, str):
        raise errors.invalid_value(key, value)
    minimum, monitor_names = parse_rule(value)
    paths = [mdl.resolve(op, MONITORS, name) for name in monitor_names]
    if len(set(paths)) != len(paths) or (minimum is not None and
                                         not 1 <= minimum <= len(paths)):
        raise errors.invalid_value(key, value)
    op.obj[key] = format_rule(minimum, paths)
    op.obj['_monitors'] = paths


MODELS = tuple(Monitor(mtype, *row) for mtype, row in TABLE.items())
