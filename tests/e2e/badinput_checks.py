# SPDX-License-Identifier: Apache-2.0
"""Checks of the bad-input corpus: device text inert, device unchanged, no job left running.

Written independently of octavia_f5.bigip.mapping.escape (which they judge): TCL literals are
decoded by TCL's own rules, descriptions and LTM-policy values checked against what bigip.conf
and iControl REST take without quoting.
"""

import re
import time

from oslo_serialization import msgpackutils
import redis

# Fields that count or date changes rather than describe configuration.
VOLATILE = frozenset(('generation', 'lastUpdateMicros', 'revision', 'vsIndex', 'createTime',
                      'lastUpdateTime', 'creationTime', 'lastModifiedTime', 'lastModified'))
# TCL commands and variables the driver's own iRules use: anything else live in an iRule
# came from user text.
IRULE_COMMANDS = re.compile(r'\A([A-Z0-9]+::[a-z_]+|string|findstr|class|expr|binary|'
                            r'getfield|lindex|llength|list|split|concat|call|scan)\Z')
IRULE_VARIABLES = re.compile(r'\A(oct_[a-z_]+|addr|group|groups|halves|head|i|out|tail)\Z')
# Printable ASCII without what tmsh would have to quote or REST would refuse as HTML.
INERT_DESCRIPTION = re.compile(r'\A[ !#-Z^-z|~]*\Z')
INERT_POLICY_VALUE = re.compile(r'\A[A-Za-z0-9._~:/?@!&()*+,;=%-]+\Z')
TAG_LIKE = re.compile(r'<[A-Za-z!/?]')
_SIMPLE_ESCAPES = {'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t',
                   'v': '\v'}
_VAR_NAME = re.compile(r'[A-Za-z0-9_]+(?:::[A-Za-z0-9_]+)*|::[A-Za-z0-9_:]+')
_BRACED_VAR = re.compile(r'\{([^}]*)\}')
_WORD = re.compile(r'[^\s\[\];"]+')
_HEX = re.compile(r'[0-9a-fA-F]+')


def clean(value):
    """A dumped object without the fields that change on every write."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def snapshot(partition):
    """What a device.Partition holds, comparable across time: {(collection, name): body}."""
    found = {(collection, name): clean(body)
             for collection, items in partition.objects.items() for name, body in items.items()}
    found[('net/route-domain', partition.name)] = clean(partition.route_domain)
    return found


def differences(before, after):
    """Sentences naming what appeared, disappeared or changed between two snapshots."""
    out = ['%s %s appeared' % k for k in sorted(set(after) - set(before))]
    out += ['%s %s disappeared' % k for k in sorted(set(before) - set(after))]
    out += ['%s %s changed' % k for k in sorted(set(before) & set(after))
            if before[k] != after[k]]
    return out


# --- TCL ----------------------------------------------------------------------------------------

def _backslash(text, index):
    """(character, next index) of the backslash sequence at ``text[index]`` (TCL 8.4 rules)."""
    char = text[index + 1:index + 2]
    if char in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[char], index + 2
    if char in ('u', 'x'):
        digits = _HEX.match(text, index + 2)
        if digits:
            # \u takes at most four hex digits; \x every one (the low byte counts).
            span = digits.group()[:4] if char == 'u' else digits.group()
            return chr(int(span, 16) & (0xFFFF if char == 'u' else 0xFF)), index + 2 + len(span)
    if char.isdigit() and char < '8':
        octal = re.match(r'[0-7]{1,3}', text[index + 1:]).group()
        return chr(int(octal, 8) & 0xFF), index + 1 + len(octal)
    return char, index + 2


def scan(text):
    """TCL text as TCL reads it: (literal runs, live command names, live variable names).

    Conservative: every unescaped ``[`` and ``$name`` counts as live wherever it stands (an
    iRule's braced bodies are evaluated later), and it cuts the double-quoted literal it
    stands in, so a value can only be found whole in a literal run if nothing in it is live.
    """
    literals, commands, variables = [], set(), set()
    index, in_quotes, run = 0, False, []

    def cut():
        if in_quotes:
            literals.append(''.join(run))
        run.clear()

    while index < len(text):
        char = text[index]
        if char == '\\':
            decoded, index = _backslash(text, index)
            run.append(decoded)
            continue
        name = _VAR_NAME.match(text, index + 1) if char == '$' else None
        if char == '$' and text[index + 1:index + 2] == '{':
            name = _BRACED_VAR.match(text, index + 1)
        if char == '[' or char == ']' or name:
            if char == '[':
                word = _WORD.match(text, index + 1)
                commands.add(word.group() if word else '')
            if name:
                variables.add(name.group(name.lastindex or 0))
            cut()
            index = name.end() if name else index + 1
            continue
        if char == '"':
            cut()
            in_quotes = not in_quotes
        else:
            run.append(char)
        index += 1
    return literals, commands, variables


def live_injections(text):
    """Commands and variables an iRule would evaluate that the driver's templates never use."""
    _literals, commands, variables = scan(text)
    return sorted('[%s]' % c for c in commands if not IRULE_COMMANDS.match(c)) + sorted(
        '$%s' % v for v in variables if not IRULE_VARIABLES.match(v))


def literal_holds(text, value, fold_case=False):
    """Whether ``value`` stands whole, with nothing substituted, in one literal of ``text``."""
    literals, _commands, _variables = scan(text)
    if fold_case:
        return any(value.lower() in literal.lower() for literal in literals)
    return any(value in literal for literal in literals)


# --- the device's text ------------------------------------------------------------------------

def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def not_inert(partition):
    """Sentences naming device text that tmsh, REST or an iRule could misread."""
    found = []
    for collection, items in partition.objects.items():
        for name, body in items.items():
            where = '%s %s' % (collection, name)
            description = body.get('description')
            if description is not None and (len(description) > 255 or
                                            not INERT_DESCRIPTION.match(description)):
                found.append('%s: description %r' % (where, description))
            if any(TAG_LIKE.search(s) for s in _strings(body)):
                found.append('%s: HTML-tag-like text' % where)
            if collection == 'ltm/rule':
                for injected in live_injections(body.get('apiAnonymous', '')):
                    found.append('%s: %s is live' % (where, injected))
            if collection == 'ltm/policy':
                for value in policy_values(body):
                    if not INERT_POLICY_VALUE.match(value):
                        found.append('%s: policy value %r' % (where, value))
    return found


def _items(body, key):
    """A subcollection as a list, whether inline (``rules``) or expanded (``rulesReference``)."""
    value = body.get(key) or body.get(key + 'Reference') or []
    return value.get('items', []) if isinstance(value, dict) else value


def policy_values(body):
    """Every user value of an LTM policy: condition values and redirect locations."""
    values = []
    for rule in _items(body, 'rules'):
        for item in _items(rule, 'conditions') + _items(rule, 'actions'):
            values += item.get('values') or []
            if item.get('location'):
                values.append(item['location'])
    return values


# --- the jobboard ---------------------------------------------------------------------------

class Jobboard:
    """The worker's jobboard in the cloud's Redis, read to know that no job is still running."""

    def __init__(self, conf):
        group = conf['f5_jobboard']
        self.key = '%s:listings' % group.get('board_name', 'octavia_f5_jobs')
        self.redis = redis.Redis(host=group.get('redis_host', '127.0.0.1'),
                                 port=int(group.get('redis_port', '6379')),
                                 password=group.get('redis_password') or None,
                                 socket_timeout=10)

    def close(self):
        self.redis.close()

    def job_names(self):
        return [msgpackutils.loads(data).get('name', '')
                for data in self.redis.hgetall(self.key).values()]

    def wait_idle(self, ids, timeout):
        """Wait until no listed job names one of ``ids``; the names still listed, or []."""
        deadline = time.monotonic() + timeout
        while True:
            busy = [n for n in self.job_names() if any(i in n for i in ids)]
            if not busy or time.monotonic() > deadline:
                return busy
            time.sleep(0.1)
