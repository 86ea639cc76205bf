# SPDX-License-Identifier: Apache-2.0
"""A listener's L7 policies as one iRule: for what an LTM policy cannot express faithfully.

Used when any active policy has a REGEX or SSL_* rule, a REJECT (Octavia answers 403; an LTM
policy can only reset), a redirect code other than 302, a REDIRECT_PREFIX, or a value tmsh
would have to quote. Policies become one if/elseif chain in position order (first match
wins); every user value is a TCL literal from escape.tcl_quote, so no value can substitute a
variable or run a command.
"""

from octavia_f5.bigip.mapping import escape
from octavia_f5.bigip.mapping import l7rules
from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip import names

OPERATORS = {'EQUAL_TO': 'equals', 'STARTS_WITH': 'starts_with', 'ENDS_WITH': 'ends_with',
             'CONTAINS': 'contains', 'REGEX': 'matches_regex'}
_HAS_CERT = '[SSL::cert count] > 0'
REJECT_BODY = 'Forbidden'


def _subject(rule):
    kind = rule['type']
    if kind == 'HOST_NAME':
        if rule['compare_type'] == 'REGEX':
            return '[HTTP::host]'
        return '[string tolower [HTTP::host]]'
    if kind in ('PATH', 'FILE_TYPE'):
        return '[HTTP::path]'
    if kind == 'HEADER':
        return '[HTTP::header value %s]' % escape.tcl_quote(rule['key'])
    if kind == 'COOKIE':
        return '[HTTP::cookie value %s]' % escape.tcl_quote(rule['key'])
    # SSL_DN_FIELD: the field's text in the subject "CN=x,OU=y,...".
    field = rule['key'] + '='
    quoted = escape.tcl_quote(field)
    return '[findstr [X509::subject [SSL::cert 0]] %s %d ","]' % (quoted, len(field))


def _value(rule):
    value = rule['value']
    if rule['type'] == 'HOST_NAME':
        # Octavia matches host names case-insensitively.
        return '(?i)' + value if rule['compare_type'] == 'REGEX' else value.lower()
    if rule['type'] == 'FILE_TYPE' and rule['compare_type'] == 'EQUAL_TO':
        return '.' + l7rules.file_extension(value)
    return value


def condition(rule):
    """One rule as a TCL expression (inverted with '!' when the rule says so)."""
    kind = rule['type']
    if kind == 'SSL_CONN_HAS_CERT':
        text = _HAS_CERT
    elif kind == 'SSL_VERIFY_RESULT':
        text = '[SSL::verify_result] == %d' % int(rule['value'])
    else:
        operator = OPERATORS[rule['compare_type']]
        if kind == 'FILE_TYPE' and rule['compare_type'] == 'EQUAL_TO':
            operator = 'ends_with'
        text = '%s %s %s' % (_subject(rule), operator, escape.tcl_quote(_value(rule)))
        if kind == 'SSL_DN_FIELD':
            text = '%s && %s' % (_HAS_CERT, text)
    return '!(%s)' % text if rule.get('invert') else '(%s)' % text


def action(policy, ctx):
    """The TCL command(s) of a policy's action."""
    kind = policy['action']
    if kind == 'REJECT':
        return 'HTTP::respond 403 content %s' % escape.tcl_quote(REJECT_BODY)
    if kind == 'REDIRECT_TO_POOL':
        return 'pool %s' % names.full_path(ctx.partition,
                                           names.pool(policy['redirect_pool_id']))
    code = l7rules.redirect_code(policy)
    if kind == 'REDIRECT_TO_URL':
        return 'HTTP::respond %d Location %s' % (code, escape.tcl_quote(policy['redirect_url']))
    # REDIRECT_PREFIX: the prefix, then the request's own path and query.
    prefix = escape.tcl_escape(policy['redirect_prefix'])
    return 'HTTP::respond %d Location "%s[HTTP::uri]"' % (code, prefix)


def text(policies, ctx):
    lines = ['when HTTP_REQUEST {']
    for index, policy in enumerate(policies):
        keyword = 'if' if index == 0 else '} elseif'
        test = ' && '.join(condition(r) for r in policy['rules'])
        lines.append('    %s { %s } {' % (keyword, test))
        lines.append('        # %s' % names.l7rule(policy['l7policy_id']))
        lines.append('        %s' % action(policy, ctx))
    lines.append('    }')
    lines.append('}')
    return '\n'.join(lines) + '\n'


def resources(listener, policies, ctx):
    """[the iRule] holding ``policies`` (already active and ordered)."""
    name = names.listener_object(listener['listener_id'], 'l7')
    return [resource.make('ltm/rule', ctx.partition, name, apiAnonymous=text(policies, ctx))]
