# SPDX-License-Identifier: Apache-2.0
"""ltm virtual-address: the VIP object a virtual server's destination points to."""

import ipaddress

from octavia_f5.simulator.backend import addressing
from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import model
from octavia_f5.simulator.backend import names
from octavia_f5.simulator.backend import net

PATH = 'ltm/virtual-address'


class VirtualAddress(model.Model):
    path = PATH
    kind = 'tm:ltm:virtual-address:virtual-addressstate'
    label = 'Virtual Address'
    noun = 'virtual address'
    plural = 'virtual addresses'
    addresses = True
    defaults = {'arp': 'enabled', 'autoDelete': 'true', 'connectionLimit': 0, 'enabled': 'yes',
                'floating': 'enabled', 'icmpEcho': 'enabled', 'inheritedTrafficGroup': 'false',
                'mask': '255.255.255.255', 'routeAdvertisement': 'disabled',
                'serverScope': 'any', 'spanning': 'disabled',
                'trafficGroup': '/Common/traffic-group-1', 'unit': 1}
    fields = frozenset(('description', 'address', 'mask', 'appService'))
    ints = frozenset(('connectionLimit',))
    enums = {'arp': model.ENABLED, 'floating': model.ENABLED, 'spanning': model.ENABLED,
             'icmpEcho': frozenset(('enabled', 'disabled', 'selective')),
             'routeAdvertisement': frozenset(('disabled', 'enabled', 'selective', 'always',
                                              'any', 'all')),
             'serverScope': frozenset(('any', 'all', 'none'))}
    handlers = {'autoDelete': 'set_flag', 'enabled': 'set_enabled',
                'trafficGroup': 'set_traffic_group', 'inheritedTrafficGroup': 'set_flag'}
    readonly = frozenset(('address',))

    def index_entries(self, cfg, obj):
        yield from super().index_entries(cfg, obj)
        yield ('address', obj['_ip'], obj['_rd']), obj['fullPath']

    def set_flag(self, op, key, value):
        op.obj[key] = model.to_flag(key, value)

    def set_enabled(self, op, key, value):
        op.obj[key] = model.to_flag(key, value, 'yes', 'no')

    def set_traffic_group(self, op, key, value):
        short = value.rsplit('/', 1)[-1] if isinstance(value, str) else value
        if short not in net.TRAFFIC_GROUPS:
            raise errors.not_found('traffic group', value, 400)
        op.obj[key] = net.TRAFFIC_GROUPS[short]

    def prepare(self, op):
        obj = op.obj
        if 'address' not in obj:
            if not names.is_ip(obj['name']):
                raise errors.config_error('The virtual address (%s) requires an address.'
                                          % obj['fullPath'])
            obj['address'] = obj['name']
        ip, rd, _ = addressing.address(op.cfg, 'address', obj['address'], op.partition)
        if ip.version == 6 and obj['mask'] == '255.255.255.255':
            obj['mask'] = names.host_mask(ip)
        check_mask(obj['mask'], ip)
        obj['_rd'] = rd
        obj['_ip'] = str(ip)
        obj['unit'] = 0 if obj['trafficGroup'].endswith('local-only') else 1
        if op.old is None:
            holder = find(op.cfg, str(ip), rd)
            if holder is not None:
                raise errors.config_error('The virtual address %s is already defined as (%s).'
                                          % (obj['address'], holder))


def check_mask(mask, ip):
    try:
        parsed = ipaddress.ip_address(mask)
    except ValueError:
        raise errors.invalid_value('mask', mask)
    if parsed.version != ip.version:
        raise errors.invalid_value('mask', mask)


def find(cfg, ip, rd, folders=None):
    """The full path of the virtual address for ip in route domain rd, or None."""
    for path in sorted(cfg.lookup(('address', ip, rd))):
        if folders is None or names.folder_of(path) in folders:
            return path
    return None


def auto_create(cfg, full_path, text, ip, rd):
    """The virtual address BIG-IP creates with a virtual server (autoDelete true)."""
    mdl = cfg.models[PATH]
    partition, _, name = names.split(full_path)
    obj = mdl.fresh(full_path, partition, None, name)
    obj.update(address=text, mask=names.host_mask(ip), _rd=rd, _ip=str(ip),
               generation=cfg.bump())
    cfg.put(PATH, obj)


def auto_delete(cfg, full_path):
    """Remove an autoDelete virtual address once no virtual server uses it."""
    obj = cfg.get(PATH, full_path)
    if obj is None or obj['autoDelete'] != 'true':
        return
    if any(PATH in entry[0] for entry in cfg.lookup(full_path)):
        return
    cfg.remove(PATH, full_path)


MODELS = (VirtualAddress(),)
