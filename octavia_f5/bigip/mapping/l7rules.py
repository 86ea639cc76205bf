# SPDX-License-Identifier: Apache-2.0
"""L7 policies and rules: validation and the Octavia semantics both L7 generators share.

Octavia's semantics (as its amphora driver renders them): policies are tried by ``position``,
the first whose rules ALL match wins; a policy or rule with admin_state_up false is skipped,
and a policy left without enabled rules never matches. HOST_NAME compares case-insensitively,
everything else case-sensitively.
"""

import re
import urllib.parse

from octavia_f5.bigip.mapping import escape
from octavia_f5.bigip.mapping import validation
from octavia_f5.bigip import names
from octavia_f5.common import exceptions

ACTIONS = ('REJECT', 'REDIRECT_TO_URL', 'REDIRECT_TO_POOL', 'REDIRECT_PREFIX')
RULE_TYPES = ('HOST_NAME', 'PATH', 'FILE_TYPE', 'HEADER', 'COOKIE', 'SSL_CONN_HAS_CERT',
              'SSL_VERIFY_RESULT', 'SSL_DN_FIELD')
COMPARE_TYPES = ('REGEX', 'STARTS_WITH', 'ENDS_WITH', 'CONTAINS', 'EQUAL_TO')
SSL_TYPES = ('SSL_CONN_HAS_CERT', 'SSL_VERIFY_RESULT', 'SSL_DN_FIELD')
# Rule types that compare in only some ways (Octavia's own restrictions).
ONLY_COMPARE = {'FILE_TYPE': ('EQUAL_TO', 'REGEX'), 'SSL_CONN_HAS_CERT': ('EQUAL_TO',),
                'SSL_VERIFY_RESULT': ('EQUAL_TO',)}
REDIRECT_CODES = (301, 302, 303, 307, 308)
DEFAULT_REDIRECT_CODE = 302
_DN_FIELD = re.compile(r'\A[a-zA-Z][A-Za-z0-9-]{0,63}\Z')  # octavia-lib's DN field regex


def validate_rule(rule):
    """Refuse an L7 rule that BIG-IP cannot evaluate or that is unsafe to put on a device."""
    names.check_id('l7rule_id', rule.get('l7rule_id'))
    kind = validation.supported('type', rule.get('type'), RULE_TYPES)
    compare = validation.supported('compare_type', rule.get('compare_type'), COMPARE_TYPES)
    if compare not in ONLY_COMPARE.get(kind, COMPARE_TYPES):
        raise exceptions.UnsupportedOption(
            'compare_type', '%s rules compare only with %s' % (kind,
                                                               ', '.join(ONLY_COMPARE[kind])))
    value = rule.get('value')
    if compare == 'REGEX':
        escape.check_regex('value', value)
    else:
        escape.check_text('value', value)
    if kind in ('HEADER', 'COOKIE'):
        escape.check_token('key', rule.get('key'))
    elif kind == 'SSL_DN_FIELD':
        if not isinstance(rule.get('key'), str) or not _DN_FIELD.match(rule['key']):
            raise exceptions.InvalidValue('key', 'a distinguished-name field such as CN or OU '
                                                 'is required')
    if kind == 'SSL_CONN_HAS_CERT' and value.lower() != 'true':
        raise exceptions.InvalidValue('value', 'SSL_CONN_HAS_CERT takes the value "True" '
                                               '(invert it to match connections without one)')
    if kind == 'SSL_VERIFY_RESULT' and not value.isdigit():
        raise exceptions.InvalidValue('value', 'SSL_VERIFY_RESULT takes an OpenSSL verify '
                                               'result code (an integer)')


def _check_url(field, value, prefix):
    escape.check_text(field, value, 2048)
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ('http', 'https') or not parts.netloc or ' ' in value:
        raise exceptions.InvalidValue(field, 'an absolute http or https URL is required')
    if prefix and (parts.query or parts.fragment):
        raise exceptions.InvalidValue(field, 'a prefix carries no query or fragment')


def validate_policy(policy):
    """Refuse an L7 policy (and its rules) that BIG-IP cannot express."""
    names.check_id('l7policy_id', policy.get('l7policy_id'))
    action = validation.supported('action', policy.get('action'), ACTIONS)
    if action == 'REDIRECT_TO_URL':
        _check_url('redirect_url', policy.get('redirect_url'), False)
    elif action == 'REDIRECT_PREFIX':
        _check_url('redirect_prefix', policy.get('redirect_prefix'), True)
    elif action == 'REDIRECT_TO_POOL':
        names.check_id('redirect_pool_id', policy.get('redirect_pool_id'))
    code = policy.get('redirect_http_code')
    if code is not None and action in ('REDIRECT_TO_URL', 'REDIRECT_PREFIX'):
        validation.supported('redirect_http_code', code, REDIRECT_CODES)
    for rule in policy.get('rules') or ():
        validate_rule(rule)


def redirect_code(policy):
    return policy.get('redirect_http_code') or DEFAULT_REDIRECT_CODE


def active(listener):
    """The policies that can match, by position, each with only its enabled rules."""
    result = []
    for policy in listener.get('l7policies') or ():
        validate_policy(policy)
        rules = [r for r in policy.get('rules') or () if validation.enabled(r)]
        if validation.enabled(policy) and rules:
            result.append(dict(policy, rules=rules))
    result.sort(key=lambda p: (p.get('position') or 0, p['l7policy_id']))
    return result


def check_listener(listener, policies):
    """L7 needs HTTP; SSL_* rules need the client-side TLS of TERMINATED_HTTPS.

    Every condition an LTM policy or the L7 iRule evaluates is an HTTP one (host, URI,
    header, cookie: the policy ``requires http``, the iRule runs in HTTP_REQUEST), which
    BIG-IP allows only on a virtual server with an http profile; TCP, UDP, SCTP and HTTPS
    (passed through, so encrypted) listeners have none.
    """
    if not policies:
        return
    protocol = listener.get('protocol')
    if protocol not in ('HTTP', 'TERMINATED_HTTPS'):
        raise exceptions.UnsupportedOption(
            'l7policies', 'L7 policies need an HTTP or TERMINATED_HTTPS listener; a %s '
                          'listener has no HTTP to match on' % protocol)
    for policy in policies:
        for rule in policy.get('rules') or ():
            if rule['type'] in SSL_TYPES and protocol != 'TERMINATED_HTTPS':
                raise exceptions.UnsupportedOption(
                    'type', '%s rules need a TERMINATED_HTTPS listener' % rule['type'])


def redirect_pool_ids(listener):
    """Ids of the pools the listener's active policies send requests to, in policy order."""
    ids = []
    for policy in active(listener):
        pool_id = policy.get('redirect_pool_id')
        if policy['action'] == 'REDIRECT_TO_POOL' and pool_id not in ids:
            ids.append(pool_id)
    return ids


def file_extension(value):
    """FILE_TYPE values name an extension; "jpg" and ".jpg" mean the same."""
    return value[1:] if value.startswith('.') else value
