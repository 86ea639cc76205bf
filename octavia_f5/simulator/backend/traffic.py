# SPDX-License-Identifier: Apache-2.0
"""SNAT translations and pools, iRules and internal data groups."""

import ipaddress

from octavia_f5.simulator.backend import addressing
from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import model
from octavia_f5.simulator.backend import names
from octavia_f5.simulator.backend import net

TRANSLATIONS = 'ltm/snat-translation'
# iRule events BIG-IP knows (a subset: those an Octavia driver can use, plus common ones).
EVENTS = frozenset((
    'RULE_INIT', 'CLIENT_ACCEPTED', 'CLIENT_CLOSED', 'CLIENT_DATA', 'SERVER_CONNECTED',
    'SERVER_CLOSED', 'SERVER_DATA', 'LB_SELECTED', 'LB_FAILED', 'LB_QUEUED', 'PERSIST_DOWN',
    'HTTP_REQUEST', 'HTTP_REQUEST_DATA', 'HTTP_REQUEST_RELEASE', 'HTTP_REQUEST_SEND',
    'HTTP_RESPONSE', 'HTTP_RESPONSE_DATA', 'HTTP_RESPONSE_RELEASE', 'HTTP_RESPONSE_CONTINUE',
    'CLIENTSSL_HANDSHAKE', 'CLIENTSSL_CLIENTCERT', 'CLIENTSSL_CLIENTHELLO',
    'CLIENTSSL_SERVERHELLO_SEND', 'SERVERSSL_HANDSHAKE', 'SERVERSSL_CLIENTHELLO_SEND',
    'SERVERSSL_SERVERHELLO', 'FLOW_INIT', 'CLIENT_RESOLVED'))


class SnatTranslation(model.Model):
    path = TRANSLATIONS
    kind = 'tm:ltm:snat-translation:snat-translationstate'
    label = 'SNAT Translation'
    noun = 'SNAT translation'
    plural = 'SNAT translations'
    addresses = True
    defaults = {'arp': 'enabled', 'connectionLimit': 0, 'enabled': True,
                'inheritedTrafficGroup': 'false', 'ipIdleTimeout': 'indefinite',
                'tcpIdleTimeout': 'indefinite', 'trafficGroup': '/Common/traffic-group-1',
                'udpIdleTimeout': 'indefinite', 'unit': 1}
    fields = frozenset(('description', 'address', 'ipIdleTimeout', 'tcpIdleTimeout',
                        'udpIdleTimeout', 'appService'))
    ints = frozenset(('connectionLimit',))
    enums = {'arp': model.ENABLED}
    handlers = {'trafficGroup': 'set_traffic_group', 'enabled': 'set_exclusive',
                'disabled': 'set_exclusive'}
    readonly = frozenset(('address',))

    def set_traffic_group(self, op, key, value):
        short = value.rsplit('/', 1)[-1] if isinstance(value, str) else value
        if short not in net.TRAFFIC_GROUPS:
            raise errors.not_found('traffic group', value, 400)
        op.obj[key] = net.TRAFFIC_GROUPS[short]

    def set_exclusive(self, op, key, value):
        if value is not True:
            raise errors.invalid_value(key, value)
        op.obj.pop('disabled' if key == 'enabled' else 'enabled', None)
        op.obj[key] = True

    def prepare(self, op):
        obj = op.obj
        if 'address' not in obj:
            obj['address'] = obj['name']
        _, obj['_rd'], _ = addressing.address(op.cfg, 'address', obj['address'], op.partition)
        obj['unit'] = 0 if obj['trafficGroup'].endswith('local-only') else 1


class Snatpool(model.Model):
    path = 'ltm/snatpool'
    kind = 'tm:ltm:snatpool:snatpoolstate'
    label = 'Snatpool'
    noun = 'SNAT pool'
    plural = 'SNAT pools'
    fields = frozenset(('description', 'appService'))
    handlers = {'members': 'set_members'}

    def set_members(self, op, key, value):
        if not isinstance(value, list) or not value:
            # [U] text: a SNAT pool needs at least one member.
            raise errors.config_error('The SNAT pool (%s) must have at least one member.'
                                      % op.obj['fullPath'])
        members = []
        for item in value:
            if not isinstance(item, str):
                raise errors.invalid_value(key, item)
            members.append(self.member_path(op, item) or op.scope + '/' + item)
        op.obj['members'] = members

    def member_path(self, op, item):
        """An existing translation; a raw IP may name none yet (it is then auto-created)."""
        for path in names.candidates(item, op.scope):
            if op.cfg.get(TRANSLATIONS, path) is not None:
                self.check_partition(op, TRANSLATIONS, path)
                return path
        if not names.is_ip(item.rsplit('/', 1)[-1]):
            raise errors.not_found('SNAT Translation', names.candidates(item, op.scope)[0], 400)
        addressing.address(op.cfg, 'members', item.rsplit('/', 1)[-1], op.partition)
        return None

    def prepare(self, op):
        if 'members' not in op.obj:
            self.set_members(op, 'members', None)

    def after_write(self, cfg, obj, old):
        mdl = cfg.models[TRANSLATIONS]
        for path in obj['members']:
            # Only an address names a missing translation: it is created, named by it.
            if cfg.get(TRANSLATIONS, path) is None:
                partition, _, name = names.split(path)
                item = mdl.fresh(path, partition, None, name)
                _, rd, _ = addressing.address(cfg, 'members', name, partition)
                item.update(address=name, _rd=rd, generation=cfg.bump())
                cfg.put(TRANSLATIONS, item)

    def references(self, cfg, obj):
        for path in obj['members']:
            yield (TRANSLATIONS,), path, 'SNAT pool', obj['fullPath']

    def decorate(self, cfg, obj, out):
        ver = '?ver=' + cfg.version
        out['membersReference'] = [{'link': self.link_of(cfg, (TRANSLATIONS,), p, ver)}
                                   for p in obj['members']]

    def check_delete(self, cfg, obj):
        for _, _, user in self.users(cfg, obj['fullPath']):
            raise errors.bad_request('01070320:3: Snatpool %s is still referenced by a virtual '
                                     'server.' % obj['fullPath'], errors.MCPD)


def tcl_events(full_path, text):
    """The events of an iRule; refuses text whose braces or quotes do not balance.

    Only the top level is read, as Tcl does: "when EVENT [priority N] { body }" blocks.
    """
    depth, quoted, escaped, word, tokens = 0, False, False, '', []
    for char in text:
        if escaped:
            escaped = False
        elif char == '\\':
            escaped = True
        elif char == '"' and not depth:
            quoted = not quoted
        elif char == '{' and not quoted:
            depth += 1
        elif char == '}' and not quoted:
            if not depth:
                raise tcl_error(full_path, 'extra characters after close-brace')
            depth -= 1
        if not depth and not quoted and char.isspace():
            if word:
                tokens.append(word)
            word = ''
        elif not depth and char not in '{}':
            word += char
    if depth or quoted:
        raise tcl_error(full_path, 'missing close-brace')
    events = []
    for i, token in enumerate(tokens):
        if token == 'when':
            event = tokens[i + 1] if i + 1 < len(tokens) else ''
            if event not in EVENTS:
                raise tcl_error(full_path, 'undefined event (%s)' % event)
            events.append(event)
    return events


def tcl_error(full_path, reason):
    # The 01070151 "Rule [...] error:" form is BIG-IP's; the reasons are [U].
    return errors.bad_request('01070151:3: Rule [%s] error: %s' % (full_path, reason),
                              errors.MCPD)


class Rule(model.Model):
    path = 'ltm/rule'
    kind = 'tm:ltm:rule:rulestate'
    label = 'iRule'
    noun = 'iRule'
    plural = 'rules'
    fields = frozenset(('apiAnonymous', 'description', 'appService', 'metadata',
                        'ignoreVerification'))

    def prepare(self, op):
        text = op.obj.get('apiAnonymous')
        if not isinstance(text, str):
            raise errors.config_error('The iRule (%s) requires apiAnonymous (its text).'
                                      % op.obj['fullPath'])
        op.obj['_events'] = tcl_events(op.obj['fullPath'], text)

    def after_write(self, cfg, obj, old):
        if old is not None:
            self.revalidate_virtuals(cfg, obj['fullPath'])


DG_TYPES = {'string': 'string', 'ip': 'ip', 'integer': 'integer'}


class DataGroup(model.Model):
    path = 'ltm/data-group/internal'
    kind = 'tm:ltm:data-group:internal:internalstate'
    label = 'value list'
    noun = 'data group'
    plural = 'data groups'
    defaults = {'type': 'string'}
    fields = frozenset(('description', 'appService', 'records'))
    enums = {'type': frozenset(DG_TYPES)}
    readonly = frozenset(('type',))

    def prepare(self, op):
        records = op.obj.get('records', [])
        if not isinstance(records, list):
            raise errors.invalid_value('records', records)
        seen = set()
        for record in records:
            if not isinstance(record, dict) or not isinstance(record.get('name'), str) or \
                    set(record) - {'name', 'data'}:
                raise errors.invalid_value('records', record)
            key = self.record_key(op.obj['type'], record['name'])
            if key in seen:
                raise errors.already_exists('class %s item' % op.obj['type'],
                                            '%s %s' % (op.obj['fullPath'], record['name']),
                                            op.partition)
            seen.add(key)
        if not records:
            op.obj.pop('records', None)

    @staticmethod
    def record_key(kind, name):
        try:
            if kind == 'ip':
                return ipaddress.ip_network(name.split('%')[0], strict=False)
            if kind == 'integer':
                return int(name)
        except ValueError:
            raise errors.invalid_value('records', name)
        return name


MODELS = (SnatTranslation(), Snatpool(), Rule(), DataGroup())
