# SPDX-License-Identifier: Apache-2.0
"""Reading iControl REST /stats answers, and Octavia listener statistics from virtual counters.

Shapes (icontrol-rest.md 4.1):

* collection ``GET /mgmt/tm/ltm/virtual/stats``: ``entries`` maps one key per object
  (``https://localhost/mgmt/tm/ltm/virtual/~P~v/stats``) to
  ``{"nestedStats": {"entries": {...}}}``;
* single object (v12+): one such key, with the name segment repeated
  (``.../virtual/~P~v/~P~v/stats``); before v12 the counters stand directly in ``entries``;
* a leaf is ``{"value": <int>}`` (counter) or ``{"description": <str>}`` (text);
* no objects at all: the answer has no ``entries``.

Objects are identified by their ``tmName`` when the entries carry one, else by the key, never
by rebuilding keys (member stats have no tmName, and newer firmware writes the route-domain
``%`` of a member name as ``%25`` in keys while older firmware does not).
"""

import re
import urllib.parse

from octavia_lib.common import constants as lib_consts

# Only what our names can contain is decoded: '%' of a route domain, and ':' for clients that
# quote it. Decoding everything would turn a raw '%12' (route domain 12) into a control char.
_ENCODED = re.compile(r'%(25|3[aA])')
_DECODED = {'25': '%', '3a': ':'}

BITS_IN = 'clientside.bitsIn'
BITS_OUT = 'clientside.bitsOut'
CURRENT_CONNECTIONS = 'clientside.curConns'
TOTAL_CONNECTIONS = 'clientside.totConns'
# A virtual server has no per-request error counter (HTTP status counts live in HTTP profile
# statistics, one more call per profile). What it has are the client-side connections the
# device cut short: slow connections killed and connections evicted under pressure. Those
# are the nearest match to HAProxy's "ereq" (requests that failed on the client side), which
# Octavia's amphora reports as request_errors.
REQUEST_ERRORS = ('clientside.slowKilled', 'clientside.evictedConns')


def _decode(segment):
    return _ENCODED.sub(lambda m: _DECODED[m.group(1).lower()], segment)


def object_path(key):
    """The fullPath ('/P/name') an entries key or selfLink stands for, or None.

    '.../ltm/virtual/~P~v/stats' -> '/P/v'; '.../virtual/~P~v/~P~v/stats' -> '/P/v';
    '.../pool/~P~p/members/~P~10.0.0.1%252:80/stats' -> '/P/10.0.0.1%2:80'.
    """
    if not isinstance(key, str):
        return None
    segments = urllib.parse.urlsplit(key).path.rstrip('/').split('/')
    if segments and segments[-1] == 'stats':
        segments.pop()
    if not segments or not segments[-1].startswith('~'):
        return None
    return _decode(segments[-1]).replace('~', '/')


def _leaves(entries):
    """{name: int or str} of one object's entries; nested groups and odd leaves are skipped."""
    values = {}
    for name, leaf in entries.items():
        if not isinstance(leaf, dict):
            continue
        if 'value' in leaf:
            values[name] = leaf['value']
        elif 'description' in leaf:
            values[name] = leaf['description']
    return values


def _identify(values, key):
    name = values.get('tmName')
    return name if isinstance(name, str) and name.startswith('/') else object_path(key)


def objects(answer):
    """{fullPath: {counter or text name: value}} of a stats answer; {} when it has no objects.

    Entries whose object cannot be named are left out: counters of an unknown object cannot
    be reported anywhere.
    """
    entries = (answer or {}).get('entries') or {}
    if entries and not any(isinstance(e, dict) and 'nestedStats' in e
                           for e in entries.values()):
        # The flat pre-v12 single-object shape.
        values = _leaves(entries)
        path = _identify(values, (answer or {}).get('selfLink'))
        return {path: values} if path else {}
    found = {}
    for key, entry in entries.items():
        nested = entry.get('nestedStats') if isinstance(entry, dict) else None
        if not isinstance(nested, dict):
            continue
        values = _leaves(nested.get('entries') or {})
        path = _identify(values, key)
        if path:
            found[path] = values
    return found


def counter(values, name):
    """A non-negative integer counter; 0 when absent or not a number (e.g. an older TMOS)."""
    value = values.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return 0
    return value


def listener_statistics(listener_id, values):
    """Octavia's statistics record of a listener from its virtual server's counters.

    Absolute values, as the driver agent stores them (it replaces, never adds). The device
    counts bits; Octavia counts bytes.
    """
    return {
        lib_consts.ID: listener_id,
        lib_consts.ACTIVE_CONNECTIONS: counter(values, CURRENT_CONNECTIONS),
        lib_consts.BYTES_IN: counter(values, BITS_IN) // 8,
        lib_consts.BYTES_OUT: counter(values, BITS_OUT) // 8,
        lib_consts.REQUEST_ERRORS: sum(counter(values, name) for name in REQUEST_ERRORS),
        lib_consts.TOTAL_CONNECTIONS: counter(values, TOTAL_CONNECTIONS),
    }
