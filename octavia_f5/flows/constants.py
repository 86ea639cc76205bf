# SPDX-License-Identifier: Apache-2.0
"""Names of stored values, Octavia object kinds and operations, shared by flows and tasks."""

# Object kinds: octavia-lib's own words, also the payload keys of single-object operations.
LOADBALANCER = 'loadbalancer'
LISTENER = 'listener'
POOL = 'pool'
MEMBER = 'member'
HEALTHMONITOR = 'healthmonitor'
L7POLICY = 'l7policy'
L7RULE = 'l7rule'
KINDS = (LOADBALANCER, LISTENER, POOL, MEMBER, HEALTHMONITOR, L7POLICY, L7RULE)

# Payload keys beyond the kinds (see docs/flows.md for each operation's payload).
UPDATES_SUFFIX = '_updates'
CASCADE = 'cascade'
LOADBALANCER_ID = 'loadbalancer_id'
POOL_ID = 'pool_id'
MEMBERS = 'members'

# Values tasks provide.
GRAPH = 'graph'          # the load balancer as Octavia shows it, secrets encrypted
TENANCY = 'tenancy'      # {'project_id': ..., 'route_domain': ...} of the load balancer

# Verbs of an operation.
CREATE = 'create'
UPDATE = 'update'
DELETE = 'delete'
BATCH = 'batch_update'
FAILOVER = 'failover'


def updates_key(kind):
    """The payload key of an update's changed fields: 'listener' -> 'listener_updates'."""
    return kind + UPDATES_SUFFIX


def id_key(kind):
    """The id field of an object of ``kind`` in octavia-lib dicts: 'pool' -> 'pool_id'."""
    return kind + '_id'


class Operation(object):
    """One Octavia operation: its name (the ProviderDriver method), kind and verb."""

    def __init__(self, name, kind, verb):
        self.name = name
        self.kind = kind
        self.verb = verb

    def __repr__(self):
        return '<Operation %s>' % self.name

    @property
    def payload_keys(self):
        """The payload's top-level keys, which the engine store holds."""
        if self.verb == UPDATE:
            return [self.kind, updates_key(self.kind)]
        if self.verb == BATCH:
            return [POOL_ID, MEMBERS]
        if self.verb == FAILOVER:
            return [LOADBALANCER_ID]
        if self.kind == LOADBALANCER and self.verb == DELETE:
            return [self.kind, CASCADE]
        return [self.kind]


def _operations():
    table = {}
    for kind in KINDS:
        # The ProviderDriver spells the health monitor's methods with an underscore.
        prefix = 'health_monitor' if kind == HEALTHMONITOR else kind
        for verb in (CREATE, UPDATE, DELETE):
            name = '%s_%s' % (prefix, verb)
            table[name] = Operation(name, kind, verb)
    table['member_batch_update'] = Operation('member_batch_update', MEMBER, BATCH)
    table['loadbalancer_failover'] = Operation('loadbalancer_failover', LOADBALANCER,
                                               FAILOVER)
    return table


OPERATIONS = _operations()
