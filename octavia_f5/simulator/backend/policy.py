# SPDX-License-Identifier: Apache-2.0
"""LTM policies: drafts, publish, createDraft, legacy, and rules with conditions and actions.

BIG-IP 12.1+ creates policies as drafts in /<partition>/Drafts/ and publishes them; a
published policy cannot be changed in place; "legacy": true bypasses drafts (reference 3.16).
"""

import time

from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import model
from octavia_f5.simulator.backend import names
from octavia_f5.simulator.backend import store

POLICIES = 'ltm/policy'
DRAFTS = '/Drafts/'
CONTROLS = frozenset(('forwarding', 'caching', 'compression', 'acceleration', 'asm', 'avr',
                      'l7dos', 'classification', 'request-adaptation', 'response-adaptation',
                      'server-ssl', 'persistence', 'bot-defense', 'websocket'))
REQUIRES = frozenset(('http', 'tcp', 'client-ssl', 'server-ssl', 'ssl-persistence',
                      'http-connect', 'http-explicit', 'classification'))
CONDITION_OPERANDS = frozenset((
    'httpUri', 'httpHost', 'httpHeader', 'httpCookie', 'httpMethod', 'httpReferer',
    'httpUserAgent', 'httpVersion', 'httpStatus', 'httpBasicAuth', 'httpSetCookie', 'clientSsl',
    'serverSsl', 'sslCert', 'sslExtension', 'tcp', 'geoip', 'cpuUsage'))
CONDITION_OPERATORS = frozenset(('equals', 'startsWith', 'endsWith', 'contains', 'greater',
                                 'greaterOrEqual', 'less', 'lessOrEqual'))
CONDITION_KEYS = CONDITION_OPERANDS | CONDITION_OPERATORS | frozenset((
    'path', 'host', 'extension', 'queryString', 'queryParameter', 'all', 'scheme', 'port',
    'unnamedQueryParameter', 'pathSegment', 'major', 'minor', 'protocol', 'username',
    'password', 'version', 'cipher', 'cipherBits', 'commonName', 'address', 'mss', 'rtt',
    'not', 'caseInsensitive', 'caseSensitive', 'external', 'internal', 'present', 'missing',
    'remote', 'local', 'request', 'response', 'proxyConnect', 'proxyRequest', 'tmName',
    'values', 'datagroup', 'index', 'subject', 'issuer', 'serverName', 'continent',
    'countryCode'))
ACTION_OPERANDS = frozenset((
    'forward', 'redirect', 'shutdown', 'httpHeader', 'httpUri', 'httpCookie', 'httpHost',
    'httpReferer', 'httpSetCookie', 'log', 'persist', 'tcl', 'setVariable', 'serverSsl',
    'clientSsl', 'compress', 'decompress', 'cache', 'asm', 'l7dos', 'enable', 'disable',
    'tcpNagle', 'insert', 'remove', 'replace'))
ACTION_KEYS = ACTION_OPERANDS | frozenset((
    'pool', 'virtual', 'node', 'select', 'reset', 'location', 'connection', 'httpReply',
    'tmName', 'value', 'path', 'queryString', 'message', 'expression', 'variableName',
    'request', 'response', 'code', 'expirySecs', 'length', 'offset', 'port', 'status',
    'timeout', 'vlanId', 'sourceAddress', 'snat', 'snatpool'))
ACTION_DEFAULTS = {'code': 0, 'expirySecs': 0, 'length': 0, 'offset': 0, 'port': 0,
                   'status': 0, 'timeout': 0, 'vlanId': 0}
# Which control an action type needs and which profile requirement an operand needs. [U]
ACTION_CONTROL = {'forward': 'forwarding', 'redirect': 'forwarding', 'shutdown': 'forwarding',
                  'persist': 'persistence', 'compress': 'compression', 'cache': 'caching'}


def needed_profile(key):
    if key.startswith('http'):
        return 'http'
    return {'clientSsl': 'client-ssl', 'serverSsl': 'server-ssl', 'sslExtension': 'client-ssl',
            'sslCert': 'client-ssl', 'tcp': 'tcp'}.get(key)


def policy_error(path, reason):
    return errors.bad_request('01071734:3: Policy (%s) %s' % (path, reason), errors.MCPD)


class Condition(model.Model):
    path = 'ltm/policy/rules/conditions'
    kind = 'tm:ltm:policy:rules:conditions:conditionsstate'
    label = 'policy condition'
    partitioned = False

    def __init__(self):
        self.fields = CONDITION_KEYS
        super().__init__()

    def prepare(self, op):
        obj = op.obj
        operands = [k for k in CONDITION_OPERANDS if obj.get(k) is True]
        operators = [k for k in CONDITION_OPERATORS if obj.get(k) is True]
        if len(operands) != 1 or len(operators) > 1 or ('values' in obj and not operators):
            raise errors.config_error('The policy condition (%s) needs one operand and at most '
                                      'one comparison.' % obj['name'])
        if 'values' in obj and not (isinstance(obj['values'], list) and
                                    all(isinstance(v, str) for v in obj['values'])):
            raise errors.invalid_value('values', obj['values'])
        # Defaults a device shows on read (reference 3.16).
        if not obj.get('caseSensitive'):
            obj.setdefault('caseInsensitive', True)
        obj.setdefault('external', True)
        obj.setdefault('index', 0)
        obj.setdefault('present', True)
        obj.setdefault('remote', True)
        if not obj.get('response'):
            obj.setdefault('request', True)


class Action(model.Model):
    path = 'ltm/policy/rules/actions'
    kind = 'tm:ltm:policy:rules:actions:actionsstate'
    label = 'policy action'
    partitioned = False
    refs = {'pool': model.Ref('ltm/pool'), 'virtual': model.Ref('ltm/virtual'),
            'node': model.Ref('ltm/node')}

    def __init__(self):
        self.fields = ACTION_KEYS - set(self.refs)
        super().__init__()

    def prepare(self, op):
        obj = op.obj
        operands = [k for k in ACTION_OPERANDS if obj.get(k) is True]
        if not operands:
            raise errors.config_error('The policy action (%s) has no action type.'
                                      % obj['name'])
        targets = ('pool', 'virtual', 'node', 'reset', 'select')
        if obj.get('forward') and not any(obj.get(k) for k in targets):
            raise errors.config_error('The forward action (%s) needs a target.' % obj['name'])
        if obj.get('redirect') and not obj.get('location'):
            raise errors.config_error('The redirect action (%s) needs a location.'
                                      % obj['name'])
        for key, value in ACTION_DEFAULTS.items():
            obj.setdefault(key, value)
        if obj.get('forward'):
            obj.setdefault('select', True)
        if not obj.get('response'):
            obj.setdefault('request', True)


class Rule(model.Model):
    path = 'ltm/policy/rules'
    kind = 'tm:ltm:policy:rules:rulesstate'
    label = 'policy rule'
    partitioned = False
    defaults = {'ordinal': 0}
    fields = frozenset(('description',))
    ints = frozenset(('ordinal',))
    subs = {'conditions': Condition(), 'actions': Action()}

    def sub_references(self, cfg, policy, rule):
        for action in store.sub_items(rule, 'actions').values():
            for key, ref in Action.refs.items():
                if action.get(key):
                    yield (ref.targets, action[key], 'policy action',
                           '%s %s %s' % (policy['fullPath'], rule['name'], action['name']))

    def missing_error(self, parent, key, status=404):
        return errors.not_found(self.label, '%s %s' % (parent['fullPath'], key), status)


class Strategy(model.Model):
    path = 'ltm/policy-strategy'
    kind = 'tm:ltm:policy-strategy:policy-strategystate'
    label = noun = 'policy strategy'
    plural = 'policy strategies'
    fields = frozenset(('description', 'operands'))
    builtins = (('first-match', {}), ('best-match', {}), ('all-match', {}))


class Policy(model.Model):
    path = POLICIES
    kind = 'tm:ltm:policy:policystate'
    label = 'Policy'
    noun = 'policy'
    plural = 'policies'
    defaults = {'controls': [], 'requires': [], 'status': 'draft',
                'strategy': '/Common/first-match', 'references': {}}
    fields = frozenset(('description', 'appService', 'lastModified', 'status'))
    refs = {'strategy': model.Ref('ltm/policy-strategy')}
    subs = {'rules': Rule()}
    handlers = {'controls': 'set_list', 'requires': 'set_list', 'legacy': 'set_legacy',
                'createDraft': 'set_create_draft', 'status': 'ignore', 'lastModified': 'ignore'}

    def folder_scope(self, full_path):
        # Names in a draft resolve in its partition, not in the Drafts folder.
        folder = names.folder_of(full_path)
        return folder[:-len('/Drafts')] if folder.endswith('/Drafts') else folder

    def set_list(self, op, key, value):
        allowed = CONTROLS if key == 'controls' else REQUIRES
        if not isinstance(value, list) or any(v not in allowed for v in value):
            raise errors.invalid_value(key, value)
        op.obj[key] = list(value)

    def set_legacy(self, op, key, value):
        op.obj['_legacy'] = model.to_flag(key, value) == 'true'

    def set_create_draft(self, op, key, value):
        raise errors.invalid_value(key, value)

    def ignore(self, op, key, value):
        """Read-only properties a client echoes back from a GET."""

    def prepare(self, op):
        obj = op.obj
        legacy = obj.pop('_legacy', False)
        if DRAFTS in obj['fullPath']:
            obj['status'] = 'draft'
        elif op.old is None or op.old['status'] == 'legacy' or legacy:
            if not legacy and op.old is None:
                raise published_error(obj['fullPath'])
            obj['status'] = 'legacy'
        else:
            raise published_error(obj['fullPath'])
        obj['lastModified'] = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
        check_rules(obj)

    def sub_changed(self, cfg, obj):
        if obj['status'] == 'published':
            raise published_error(obj['fullPath'])
        check_rules(obj)

    def command(self, cfg, body):
        if body.get('command') != 'publish':
            return super().command(cfg, body)
        name = body.get('name')
        draft = cfg.get(self.path, name) if isinstance(name, str) else None
        if draft is None or draft['status'] != 'draft':
            raise errors.not_found(self.label, name, 400)
        published = names.folder_of(names.folder_of(name)) + '/' + draft['name']
        new = {k: v for k, v in draft.items() if k != 'subPath'}
        new.update(fullPath=published, status='published', generation=cfg.bump())
        cfg.put(self.path, new)
        cfg.remove(self.path, name)
        revalidate_users(cfg, published)
        return {'kind': self.kind, 'name': name, 'command': 'publish'}

    def item_command(self, cfg, full_path, body):
        if not isinstance(body, dict) or 'createDraft' not in body:
            return None
        if body.get('createDraft') is not True or len(body) != 1:
            raise errors.invalid_value('createDraft', body.get('createDraft'))
        obj = cfg.get(self.path, full_path)
        if obj is None:
            raise self.missing_error(None, full_path)
        partition, _, name = names.split(full_path)
        draft_path = '/%s/Drafts/%s' % (partition, name)
        if cfg.get(self.path, draft_path) is not None:
            raise errors.already_exists(self.label, draft_path, partition)
        draft = dict(obj, subPath='Drafts', fullPath=draft_path, status='draft',
                     generation=cfg.bump())
        draft = {k: draft[k] for k in ('name', 'partition', 'subPath')} | draft
        cfg.put(self.path, draft)
        return self.render(cfg, draft, self.item_link(draft_path))


def published_error(full_path):
    # The text BIG-IP 12.1+ answers (f5-common-python functional tests); the id is [U].
    return errors.bad_request('01071726:3: Cannot create/modify published policy %s in place. '
                              'Create a draft (subPath "Drafts") and publish it, or send '
                              '"legacy": true.' % full_path, errors.MCPD)


def check_rules(policy):
    """Actions need their control; operands need their profile in "requires". [U texts]"""
    for rule in store.sub_items(policy, 'rules').values():
        for action in store.sub_items(rule, 'actions').values():
            for key, control in ACTION_CONTROL.items():
                if action.get(key) and control not in policy['controls']:
                    raise policy_error(policy['fullPath'], 'rule %s action %s needs "%s" in '
                                       'controls.' % (rule['name'], key, control))
        for item in list(store.sub_items(rule, 'conditions').values()) + \
                list(store.sub_items(rule, 'actions').values()):
            for key in CONDITION_OPERANDS | ACTION_OPERANDS:
                need = needed_profile(key) if item.get(key) is True else None
                if need and need not in policy['requires']:
                    raise policy_error(policy['fullPath'], 'rule %s uses %s and needs "%s" in '
                                       'requires.' % (rule['name'], key, need))


def revalidate_users(cfg, policy_path):
    """A published policy may require profiles its virtual servers lack."""
    virtuals = cfg.models['ltm/virtual']
    for vs in list(cfg.items('ltm/virtual').values()):
        if policy_path in store.sub_items(vs, 'policies'):
            virtuals.sub_changed(cfg, vs)


MODELS = (Strategy(), Policy())
