# SPDX-License-Identifier: Apache-2.0
"""ltm pool with its members sub-collection, and ltm node (auto-created by members)."""

from octavia_f5.simulator.backend import addressing
from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import model
from octavia_f5.simulator.backend import monitors
from octavia_f5.simulator.backend import names
from octavia_f5.simulator.backend import store

NODES = 'ltm/node'
POOLS = 'ltm/pool'
LB_MODES = frozenset((
    'dynamic-ratio-member', 'dynamic-ratio-node', 'fastest-app-response', 'fastest-node',
    'least-connections-member', 'least-connections-node', 'least-sessions', 'observed-member',
    'observed-node', 'predictive-member', 'predictive-node', 'ratio-least-connections-member',
    'ratio-least-connections-node', 'ratio-member', 'ratio-node', 'ratio-session',
    'round-robin', 'weighted-least-connections-member', 'weighted-least-connections-node'))
# Writable admin values; read values (up, unchecked, monitor-enabled...) are refused as input.
STATES = frozenset(('user-up', 'user-down'))
SESSIONS = frozenset(('user-enabled', 'user-disabled'))
AVAILABILITY = frozenset(('up', 'down', 'checking', 'unchecked'))


def set_monitor(self, op, key, value):
    monitors.assign_rule(self, op, key, value)


def monitor_references(obj, label, path):
    for monitor in obj.get('_monitors', ()):
        yield monitors.MONITORS, monitor, label, path


class Member(model.Model):
    path = 'ltm/pool/members'
    kind = 'tm:ltm:pool:members:membersstate'
    label = 'Pool Member'
    noun = 'pool member'
    plural = 'pool members'
    defaults = {'connectionLimit': 0, 'dynamicRatio': 1, 'ephemeral': 'false',
                'fqdn': {'autopopulate': 'disabled'}, 'inheritProfile': 'enabled',
                'logging': 'disabled', 'monitor': 'default', 'priorityGroup': 0,
                'rateLimit': 'disabled', 'ratio': 1, 'session': 'user-enabled',
                'state': 'user-up'}
    fields = frozenset(('description', 'address', 'appService', 'metadata', 'fqdn',
                        'rateLimit', 'profiles'))
    ints = frozenset(('connectionLimit', 'dynamicRatio', 'priorityGroup', 'ratio'))
    enums = {'state': STATES, 'session': SESSIONS, 'logging': model.ENABLED,
             'inheritProfile': model.ENABLED}
    handlers = {'monitor': 'set_monitor'}
    readonly = frozenset(('address',))
    set_monitor = set_monitor

    def identify(self, op, body):
        name = body.get('name')
        if not isinstance(name, str) or not name:
            raise errors.no_identifier()
        partition = body.get('partition') or op.parent['partition']
        return names.identity(dict(body, partition=partition))

    def prepare(self, op):
        obj, cfg = op.obj, op.cfg
        try:
            node_text, port = names.split_port(obj['name'])
            obj['_port'] = names.parse_port(port)
        except ValueError:
            raise errors.invalid_value('name', obj['name'])
        node_path = names.folder_of(obj['fullPath']) + '/' + node_text
        if names.partition_of(node_path) not in ('Common', op.parent['partition']):
            raise errors.cross_partition('pool', op.parent['fullPath'], 'nodes', node_path)
        node = cfg.get(NODES, node_path)
        address = obj.get('address')
        if node is not None:
            if address is not None and address != node['address']:
                raise errors.config_error('The member (%s) address (%s) differs from its node '
                                          '(%s) address.' % (obj['fullPath'], address,
                                                             node_path))
            address = node['address']
        elif address is None:
            address = node_text
        ip, rd, _ = addressing.address(cfg, 'address', address, op.partition)
        obj.update(address=address, _node=node_path, _rd=rd, _ip=str(ip),
                   _pool=op.parent['fullPath'])

    def after_write(self, cfg, obj, old):
        ensure_node(cfg, obj)

    def after_delete(self, cfg, obj):
        cfg.runtime.forget('member', obj['_pool'], obj['fullPath'])

    def sub_references(self, cfg, parent, item):
        yield (NODES,), item['_node'], 'member', parent['fullPath']
        yield from monitor_references(item, self.label, item['fullPath'])

    def decorate(self, cfg, obj, out):
        pool = cfg.get(POOLS, obj['_pool']) or {}
        out['state'], out['session'] = read_status(cfg, pool, obj)

    def missing_error(self, parent, full_path, status=404):
        return errors.not_found(self.label, spaced(parent, full_path), status)

    def exists_error(self, parent, obj):
        return errors.already_exists(self.label, spaced(parent, obj['fullPath']),
                                     obj['partition'])


def spaced(pool, member_path):
    """'/P/pool /P/10.0.0.1 80': how mcpd names a member in its messages (reference 3.9)."""
    try:
        node, port = names.split_port(member_path)
    except ValueError:
        return '%s %s' % (pool['fullPath'], member_path)
    return '%s %s %s' % (pool['fullPath'], node, port)


def read_status(cfg, pool, member):
    """(state, session) as a GET shows them: the admin values merged with the monitor result."""
    monitored = bool(pool.get('_monitors') or member.get('_monitors'))
    if member['state'] == 'user-down':
        state = 'user-down'
    elif not monitored:
        state = 'unchecked'
    else:
        state = cfg.runtime.availability.get((pool.get('fullPath'), member['fullPath']), 'up')
    if member['session'] == 'user-disabled':
        session = 'user-disabled'
    else:
        session = 'monitor-enabled' if monitored else 'user-enabled'
    return state, session


def ensure_node(cfg, member):
    """A member's node is created with it, named by the member's node part (reference 3.9)."""
    if cfg.get(NODES, member['_node']) is not None:
        return
    partition, _, name = names.split(member['_node'])
    node_model = cfg.models[NODES]
    node = node_model.fresh(member['_node'], partition, None, name)
    node.update(address=member['address'], _rd=member['_rd'], generation=cfg.bump())
    if ':' in member['address']:
        node['fqdn'] = dict(node['fqdn'], addressFamily='ipv6')
    cfg.put(NODES, node)


class Pool(model.Model):
    path = POOLS
    kind = 'tm:ltm:pool:poolstate'
    label = 'Pool'
    noun = 'pool'
    plural = 'pools'
    defaults = {'allowNat': 'yes', 'allowSnat': 'yes', 'ignorePersistedWeight': 'disabled',
                'ipTosToClient': 'pass-through', 'ipTosToServer': 'pass-through',
                'linkQosToClient': 'pass-through', 'linkQosToServer': 'pass-through',
                'loadBalancingMode': 'round-robin', 'minActiveMembers': 0, 'minUpMembers': 0,
                'minUpMembersAction': 'failover', 'minUpMembersChecking': 'disabled',
                'queueDepthLimit': 0, 'queueOnConnectionLimit': 'disabled', 'queueTimeLimit': 0,
                'reselectTries': 0, 'serviceDownAction': 'none', 'slowRampTime': 10}
    fields = frozenset(('description', 'appService', 'metadata', 'profiles'))
    ints = frozenset(('minActiveMembers', 'minUpMembers', 'queueDepthLimit', 'queueTimeLimit',
                      'reselectTries', 'slowRampTime'))
    enums = {'loadBalancingMode': LB_MODES, 'allowNat': model.YES_NO,
             'allowSnat': model.YES_NO, 'ignorePersistedWeight': model.ENABLED,
             'minUpMembersChecking': model.ENABLED, 'queueOnConnectionLimit': model.ENABLED,
             'minUpMembersAction': frozenset(('failover', 'reboot', 'restart-all')),
             'serviceDownAction': frozenset(('none', 'reset', 'drop', 'reselect'))}
    subs = {'members': Member()}
    handlers = {'monitor': 'set_monitor'}
    set_monitor = set_monitor

    def after_write(self, cfg, obj, old):
        old_members = store.sub_items(old, 'members') if old else {}
        for path, member in store.sub_items(obj, 'members').items():
            if path not in old_members:
                ensure_node(cfg, member)

    def after_delete(self, cfg, obj):
        cfg.runtime.forget('pool', obj['fullPath'])

    def references(self, cfg, obj):
        yield from super().references(cfg, obj)
        yield from monitor_references(obj, self.label, obj['fullPath'])


class Node(model.Model):
    path = NODES
    kind = 'tm:ltm:node:nodestate'
    label = 'Node'
    noun = 'node'
    plural = 'nodes'
    addresses = True
    defaults = {'connectionLimit': 0, 'dynamicRatio': 1, 'ephemeral': 'false',
                'fqdn': {'addressFamily': 'ipv4', 'autopopulate': 'disabled', 'downInterval': 5,
                         'interval': '3600'},
                'logging': 'disabled', 'monitor': 'default', 'rateLimit': 'disabled',
                'ratio': 1, 'session': 'user-enabled', 'state': 'user-up'}
    fields = frozenset(('description', 'address', 'appService', 'metadata', 'fqdn',
                        'rateLimit'))
    ints = frozenset(('connectionLimit', 'dynamicRatio', 'ratio'))
    enums = {'state': STATES, 'session': SESSIONS, 'logging': model.ENABLED}
    handlers = {'monitor': 'set_monitor'}
    readonly = frozenset(('address',))
    set_monitor = set_monitor

    def prepare(self, op):
        obj = op.obj
        if 'address' not in obj:
            obj['address'] = obj['name']
        ip, rd, _ = addressing.address(op.cfg, 'address', obj['address'], op.partition)
        obj['_rd'] = rd
        if ip.version == 6 and op.old is None:
            obj['fqdn'] = dict(obj['fqdn'], addressFamily='ipv6')

    def check_delete(self, cfg, obj):
        if obj.get('_builtin'):
            super().check_delete(cfg, obj)
        for _, label, pool_path in self.users(cfg, obj['fullPath']):
            raise errors.bad_request("01070110:3: Node address '%s' is referenced by a member "
                                     "of pool '%s'." % (obj['fullPath'], pool_path),
                                     errors.MCPD)

    def references(self, cfg, obj):
        yield from super().references(cfg, obj)
        yield from monitor_references(obj, self.label, obj['fullPath'])

    def decorate(self, cfg, obj, out):
        if obj['state'] == 'user-down':
            out['state'] = 'user-down'
        else:
            out['state'] = 'up' if obj.get('_monitors') else 'unchecked'


MODELS = (Pool(), Node())
