# SPDX-License-Identifier: Apache-2.0
"""A listener's L7 policies as one LTM policy, or as an iRule where a policy falls short.

The LTM policy (strategy first-match, requires http, controls forwarding) has one rule per
Octavia L7 policy, ``ordinal`` by position, whose conditions are the Octavia rules (all must
match) and whose action forwards to a pool or answers a 302 redirect. It is used when every
active policy fits (see ``_fits``): native policies are evaluated without TCL and are visible
as such to operators. Otherwise the whole listener's L7 goes into one iRule (l7irule), never a
mix, because LTM policies run before iRules and a mix would break position order.

Writing it (the client's concern): on BIG-IP 12.1+ a policy is created as a draft
(POST with ``subPath`` "Drafts", then POST {"command": "publish", "name": "/P/Drafts/<name>"})
and changed by re-drafting (PATCH the published policy {"createDraft": true}, PUT the draft's
``rules``, publish again). The body here is the draft's body without ``subPath``.
"""

from octavia_f5.bigip.mapping import escape
from octavia_f5.bigip.mapping import l7irule
from octavia_f5.bigip.mapping import l7rules
from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip import names

CONDITIONS = {
    'HOST_NAME': {'httpHost': True, 'host': True},
    'PATH': {'httpUri': True, 'path': True},
    'FILE_TYPE': {'httpUri': True, 'extension': True},
    'HEADER': {'httpHeader': True},
    'COOKIE': {'httpCookie': True},
}
OPERATORS = {'EQUAL_TO': 'equals', 'STARTS_WITH': 'startsWith', 'ENDS_WITH': 'endsWith',
             'CONTAINS': 'contains'}


def _rule_fits(rule):
    return (rule['type'] in CONDITIONS and rule['compare_type'] in OPERATORS
            and escape.policy_safe(rule['value'])
            and (rule.get('key') is None or escape.policy_safe(rule['key'])))


def _fits(policy):
    kind = policy['action']
    if kind == 'REDIRECT_TO_URL':
        ok = (l7rules.redirect_code(policy) == 302
              and escape.policy_safe(policy['redirect_url']))
    else:
        ok = kind == 'REDIRECT_TO_POOL'
    return ok and all(_rule_fits(r) for r in policy['rules'])


def _condition(index, rule):
    kind = rule['type']
    value = rule['value']
    if kind == 'FILE_TYPE':
        value = l7rules.file_extension(value)
    fields = {'name': str(index)}
    fields.update(CONDITIONS[kind])
    if kind in ('HEADER', 'COOKIE'):
        fields['tmName'] = rule['key']
    fields[OPERATORS[rule['compare_type']]] = True
    # BIG-IP compares case-insensitively unless told otherwise; Octavia only for host names.
    fields['caseInsensitive' if kind == 'HOST_NAME' else 'caseSensitive'] = True
    if rule.get('invert'):
        fields['not'] = True
    fields.update(request=True, values=[value])
    return fields


def _action(policy, ctx):
    if policy['action'] == 'REDIRECT_TO_POOL':
        return {'name': '0', 'forward': True, 'request': True,
                'pool': names.full_path(ctx.partition, names.pool(policy['redirect_pool_id']))}
    return {'name': '0', 'httpReply': True, 'redirect': True, 'request': True,
            'location': policy['redirect_url']}


def _policy(listener, policies, ctx):
    rules = [{'name': names.l7rule(p['l7policy_id']), 'ordinal': ordinal,
              'description': escape.description(p.get('name')),
              'conditions': [_condition(i, r) for i, r in enumerate(p['rules'])],
              'actions': [_action(p, ctx)]}
             for ordinal, p in enumerate(policies)]
    return resource.make('ltm/policy', ctx.partition,
                         names.listener_object(listener['listener_id'], 'l7'),
                         strategy='/Common/first-match', requires=['http'],
                         controls=['forwarding'], rules=rules)


def validate(listener):
    """Check every L7 policy of the listener (also the API driver's check).

    Disabled policies and policies without rules count too: the listener's protocol can never
    carry them, whatever their state.
    """
    l7rules.active(listener)
    l7rules.check_listener(listener, listener.get('l7policies') or ())


def resources(listener, ctx):
    """(resources, virtual ``policies`` list, iRule paths) of the listener's L7 policies."""
    policies = l7rules.active(listener)
    l7rules.check_listener(listener, policies)
    if not policies:
        return [], [], []
    if all(_fits(p) for p in policies):
        item = _policy(listener, policies, ctx)
        return [item], [{'name': item.name, 'partition': ctx.partition}], []
    items = l7irule.resources(listener, policies, ctx)
    return items, [], [items[0].full_path]
