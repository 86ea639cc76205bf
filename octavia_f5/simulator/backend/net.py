# SPDX-License-Identifier: Apache-2.0
"""L2/L3 objects: VLANs (with their interfaces), self IPs and routes."""

from octavia_f5.simulator.backend import addressing
from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import model

TRAFFIC_GROUPS = {'traffic-group-1': '/Common/traffic-group-1',
                  'traffic-group-local-only': '/Common/traffic-group-local-only'}


class VlanInterface(model.Model):
    path = 'net/vlan/interfaces'
    kind = 'tm:net:vlan:interfaces:interfacesstate'
    label = noun = 'interface'
    plural = 'interfaces'
    partitioned = False
    defaults = {'tagMode': 'none'}
    enums = {'tagMode': frozenset(('none', 'service', 'customer', 'double'))}
    handlers = {'tagged': 'set_tagging', 'untagged': 'set_tagging'}

    def fresh(self, full_path, partition, sub, name):
        obj = super().fresh(full_path, partition, sub, name)
        obj['untagged'] = True
        return obj

    def set_tagging(self, op, key, value):
        # Like enabled/disabled on a virtual: only the true one of the pair is present.
        if value is not True:
            raise errors.invalid_value(key, value)
        op.obj.pop('tagged', None)
        op.obj.pop('untagged', None)
        op.obj[key] = True


class Vlan(model.Model):
    path = 'net/vlan'
    kind = 'tm:net:vlan:vlanstate'
    label = noun = 'VLAN'
    plural = 'VLANs'
    defaults = {'autoLasthop': 'default', 'cmpHash': 'default', 'dagRoundRobin': 'disabled',
                'failsafe': 'disabled', 'failsafeAction': 'failover-restart-tm',
                'failsafeTimeout': 90, 'ifIndex': 0, 'learning': 'enable-forward', 'mtu': 1500,
                'sourceChecking': 'disabled', 'tag': 4094}
    fields = frozenset(('description', 'hardwareSyncookie', 'customerTag', 'dagTunnel'))
    ints = frozenset(('tag', 'mtu', 'failsafeTimeout', 'synFloodRateLimit',
                      'syncacheThreshold'))
    enums = {'failsafe': model.ENABLED, 'sourceChecking': model.ENABLED,
             'learning': frozenset(('enable-forward', 'enable-drop', 'disable-forward',
                                    'disable-drop'))}
    subs = {'interfaces': VlanInterface()}

    def prepare(self, op):
        if not 1 <= op.obj['tag'] <= 4094:
            raise errors.invalid_value('tag', op.obj['tag'])
        if not 576 <= op.obj['mtu'] <= 9198:
            raise errors.invalid_value('mtu', op.obj['mtu'])
        if op.old is None:
            op.obj['ifIndex'] = 96 + 16 * len(op.cfg.items(self.path))


class SelfIp(model.Model):
    path = 'net/self'
    kind = 'tm:net:self:selfstate'
    label = noun = 'self IP'
    plural = 'self IPs'
    addresses = True
    defaults = {'addressSource': 'from-user', 'allowService': 'none', 'floating': 'disabled',
                'inheritedTrafficGroup': 'false',
                'trafficGroup': '/Common/traffic-group-local-only', 'unit': 0}
    fields = frozenset(('description', 'address', 'allowService', 'fwEnforcedPolicy',
                        'serviceRegistry'))
    enums = {'floating': model.ENABLED}
    refs = {'vlan': model.Ref('net/vlan')}
    handlers = {'trafficGroup': 'set_traffic_group', 'inheritedTrafficGroup': 'set_inherited'}
    readonly = frozenset(('address',))

    def set_traffic_group(self, op, key, value):
        short = value.rsplit('/', 1)[-1] if isinstance(value, str) else value
        if short not in TRAFFIC_GROUPS:
            raise errors.not_found('traffic group', value, 400)
        op.obj['trafficGroup'] = TRAFFIC_GROUPS[short]
        op.obj['_tg_set'] = True

    def set_inherited(self, op, key, value):
        op.obj[key] = model.to_flag(key, value)

    def prepare(self, op):
        obj = op.obj
        for key in ('address', 'vlan'):
            if key not in obj:
                raise errors.config_error('The self IP (%s) requires a %s.'
                                          % (obj['fullPath'], key))
        _, rd, length = addressing.address(op.cfg, 'address', obj['address'], op.partition,
                                           prefix=True)
        if length is None:
            raise errors.invalid_value('address', obj['address'])
        obj['_rd'] = rd
        if obj['floating'] == 'enabled' and not obj.pop('_tg_set', False):
            obj['trafficGroup'] = TRAFFIC_GROUPS['traffic-group-1']
        obj.pop('_tg_set', None)
        obj['unit'] = 0 if obj['trafficGroup'].endswith('local-only') else 1
        check_vlan_in_domain(op.cfg, obj['vlan'], rd, obj['fullPath'])


def check_vlan_in_domain(cfg, vlan, rd, user):
    """An address in route domain N may only sit on a VLAN of route domain N. [U text]"""
    for domain in cfg.items(addressing.ROUTE_DOMAINS).values():
        if vlan in domain.get('vlans', ()):
            if domain['id'] != rd:
                break
            return
    else:
        if rd == 0:
            return
    raise errors.config_error('The VLAN (%s) of %s is not in route domain %d.'
                              % (vlan, user, rd))


class Route(model.Model):
    path = 'net/route'
    kind = 'tm:net:route:routestate'
    label = noun = 'route'
    plural = 'routes'
    addresses = True
    defaults = {'mtu': 0}
    fields = frozenset(('description', 'network', 'gw', 'blackhole'))
    ints = frozenset(('mtu',))
    refs = {'tmInterface': model.Ref('net/vlan'), 'pool': model.Ref('ltm/pool')}

    def prepare(self, op):
        obj = op.obj
        if 'network' not in obj:
            raise errors.config_error('The route (%s) requires a network.' % obj['fullPath'])
        family, rd = addressing.network(op.cfg, 'network', obj['network'], op.partition)
        hops = [key for key in ('gw', 'tmInterface', 'pool', 'blackhole') if obj.get(key)]
        if len(hops) != 1:
            raise errors.config_error('The route (%s) needs exactly one of gw, tmInterface, '
                                      'pool or blackhole.' % obj['fullPath'])
        if 'gw' in obj:
            ip, gw_rd, _ = addressing.address(op.cfg, 'gw', obj['gw'], op.partition)
            if gw_rd != rd or ip.version != family:
                raise errors.config_error('The gateway (%s) of route (%s) is not in the '
                                          'route domain and family of its network (%s).'
                                          % (obj['gw'], obj['fullPath'], obj['network']))
        if 'tmInterface' in obj:
            check_vlan_in_domain(op.cfg, obj['tmInterface'], rd, obj['fullPath'])
        obj['_rd'] = rd


MODELS = (Vlan(), SelfIp(), Route())
