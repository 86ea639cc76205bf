# SPDX-License-Identifier: Apache-2.0
"""Members -> the inline ``members`` list of a pool body (one PATCH replaces the whole list).

* weight 0 means drain: BIG-IP's "disabled" member (session user-disabled) keeps its
  connections and persisted clients but gets no new ones; ratio is the weight otherwise.
* admin_state_up false (of the member or of its pool) is "forced offline": state user-down.
* backup members use priority groups: normal members are group 1, backups group 0, and the
  pool's minActiveMembers 1 sends traffic to group 0 only when no group-1 member is up.
* The Octavia member id is the description: the poller maps member statistics back by it.
* Nodes: BIG-IP creates a member's node (named by its address) but never deletes it, and a
  partition with a node left cannot be deleted. The flows delete the nodes no member uses any
  more; ``nodes`` gives the node objects of a pool's members for that.
"""

from octavia_f5.bigip.mapping import monitor
from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip.mapping import validation
from octavia_f5.bigip import names

PRIORITY_NORMAL = 1
PRIORITY_BACKUP = 0


def validate(member):
    names.check_id('member_id', member.get('member_id'))
    validation.ip_address('address', validation.required(member, 'address'))
    validation.port('protocol_port', validation.required(member, 'protocol_port'))
    weight = member.get('weight')
    if weight is not None:
        validation.integer('weight', weight, 0, 256)
    if member.get('monitor_address') is not None:
        validation.ip_address('monitor_address', member['monitor_address'])
    if member.get('monitor_port') is not None:
        validation.port('monitor_port', member['monitor_port'])


def weight(member):
    value = member.get('weight')
    return 1 if value is None else value


def uses_priority_groups(members):
    return any(m.get('backup') for m in members)


def body(member, pool, ctx):
    """One member as it appears in the pool's ``members`` list."""
    validate(member)
    rd = ctx.route_domain
    up = validation.enabled(member) and validation.enabled(pool)
    draining = weight(member) == 0
    fields = {
        'name': names.member(member['address'], rd, member['protocol_port']),
        'partition': ctx.partition,
        'address': names.address(member['address'], rd),
        'description': member['member_id'],
        'ratio': weight(member) or 1,
        'priorityGroup': 0,
        'state': 'user-up' if up else 'user-down',
        'session': 'user-enabled' if up and not draining else 'user-disabled',
        'monitor': monitor.member_monitor_reference(pool.get('healthmonitor'), member, ctx),
    }
    if uses_priority_groups(pool.get('members') or ()):
        fields['priorityGroup'] = PRIORITY_BACKUP if member.get('backup') else PRIORITY_NORMAL
    return fields


def bodies(pool, ctx):
    """The pool's ``members`` list, ordered as Octavia listed them."""
    return [body(m, pool, ctx) for m in pool.get('members') or ()]


def nodes(pool, ctx):
    """The nodes of the pool's members, once per address, in member order."""
    items = []
    for item in pool.get('members') or ():
        validate(item)
        name = names.node(item['address'], ctx.route_domain)
        if all(n.name != name for n in items):
            items.append(resource.make('ltm/node', ctx.partition, name, address=name))
    return items
