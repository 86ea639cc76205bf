# SPDX-License-Identifier: Apache-2.0
"""ltm virtual: the virtual server with its profiles and policies sub-collections."""

from octavia_f5.simulator.backend import addressing
from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import model
from octavia_f5.simulator.backend import names
from octavia_f5.simulator.backend import profiles
from octavia_f5.simulator.backend import vaddress
from octavia_f5.simulator.backend import virtual_rules

SNAT_TYPES = frozenset(('automap', 'snat', 'lsn', 'none'))
IP_PROTOCOLS = frozenset(('tcp', 'udp', 'sctp', 'any', 'icmp', 'ipv6-icmp', 'gre', 'esp',
                          'ah', 'ipip'))
# Without profiles a virtual gets the default transport profile of its protocol. [U]
DEFAULT_TRANSPORT = {'tcp': '/Common/tcp', 'udp': '/Common/udp', 'sctp': '/Common/sctp'}


class VirtualProfile(model.Model):
    path = 'ltm/virtual/profiles'
    kind = 'tm:ltm:virtual:profiles:profilesstate'
    label = 'Profile'
    noun = 'virtual server'
    defaults = {'context': 'all'}
    enums = {'context': frozenset(('all', 'clientside', 'serverside'))}

    def identify(self, op, body):
        name = body.get('name')
        if not isinstance(name, str) or not name:
            raise errors.no_identifier()
        if body.get('partition') and not name.startswith('/'):
            name = '/%s/%s' % (str(body['partition']).strip('/'), name)
        scope = op.parent['_scope']
        for path in names.candidates(name, scope):
            coll, _ = op.cfg.find(profiles.PROFILES, path)
            if coll is not None:
                if names.partition_of(path) not in ('Common', names.partition_of(scope)):
                    raise errors.cross_partition('virtual server', op.parent['fullPath'],
                                                 'profiles', path)
                partition, _, short = names.split(path)
                return path, partition, None, short
        raise errors.not_found('profile', names.candidates(name, scope)[0], 400)

    def prepare(self, op):
        coll, _ = op.cfg.find(profiles.PROFILES, op.obj['fullPath'])
        op.obj['_type'] = coll
        side = profiles.SIDE.get(coll)
        if side is not None:
            # An SSL profile has one side; "all" is stored as that side.
            if op.obj['context'] == 'all':
                op.obj['context'] = side
            elif op.obj['context'] != side:
                raise errors.invalid_value('context', op.obj['context'])

    def sub_references(self, cfg, parent, item):
        yield (profiles.PROFILES, item['fullPath'], 'virtual server profile',
               '%s %s' % (parent['fullPath'], item['fullPath']))

    def decorate(self, cfg, obj, out):
        out['nameReference'] = {'link': self.link_of(cfg, profiles.PROFILES, obj['fullPath'],
                                                     '?ver=' + cfg.version)}

    def missing_error(self, parent, full_path, status=404):
        return errors.not_found('profile', '%s %s' % (parent['fullPath'], full_path), status)


class VirtualPolicy(model.Model):
    path = 'ltm/virtual/policies'
    kind = 'tm:ltm:virtual:policies:policiesstate'
    label = 'Policy'
    noun = 'virtual server'

    def identify(self, op, body):
        if not body.get('name'):
            raise errors.no_identifier()
        # Resolved as the virtual's own reference (its partition rules and messages).
        probe = model.Op(op.cfg, {'fullPath': op.parent['fullPath']}, None, None, '',
                         op.parent['_scope'])
        path = self.resolve(probe, ('ltm/policy',), body)
        if '/Drafts/' in path:
            raise errors.config_error('The draft policy (%s) cannot be attached to the virtual '
                                      'server (%s); publish it first.'
                                      % (path, op.parent['fullPath']))
        partition, _, short = names.split(path)
        return path, partition, None, short

    def sub_references(self, cfg, parent, item):
        yield ('ltm/policy',), item['fullPath'], 'Virtual Server', parent['fullPath']

    def decorate(self, cfg, obj, out):
        out['nameReference'] = {'link': self.link_of(cfg, ('ltm/policy',), obj['fullPath'],
                                                     '?ver=' + cfg.version)}


class Virtual(model.Model):
    path = 'ltm/virtual'
    kind = 'tm:ltm:virtual:virtualstate'
    label = 'Virtual Server'
    noun = 'virtual server'
    plural = 'virtual servers'
    defaults = {'addressStatus': 'yes', 'autoLasthop': 'default', 'cmpEnabled': 'yes',
                'connectionLimit': 0, 'enabled': True, 'evictionProtected': 'disabled',
                'gtmScore': 0, 'ipProtocol': 'tcp', 'mirror': 'disabled',
                'mobileAppTunnel': 'disabled', 'nat64': 'disabled', 'rateLimit': 'disabled',
                'rateLimitDstMask': 0, 'rateLimitMode': 'object', 'rateLimitSrcMask': 0,
                'serviceDownImmediateAction': 'none', 'sourceAddressTranslation': {'type': 'none'},
                'sourcePort': 'preserve', 'synCookieStatus': 'not-activated',
                'translateAddress': 'enabled', 'translatePort': 'enabled', 'vlansDisabled': True,
                'vsIndex': 0}
    fields = frozenset(('description', 'rateLimit', 'appService', 'metadata',
                        'creationTime', 'lastModifiedTime'))
    ints = frozenset(('connectionLimit', 'gtmScore', 'rateLimitDstMask', 'rateLimitSrcMask'))
    enums = {'ipProtocol': IP_PROTOCOLS, 'mirror': model.ENABLED, 'nat64': model.ENABLED,
             'translateAddress': model.ENABLED, 'translatePort': model.ENABLED,
             'addressStatus': model.YES_NO, 'cmpEnabled': model.YES_NO,
             'autoLasthop': frozenset(('default', 'enabled', 'disabled')),
             'sourcePort': frozenset(('preserve', 'preserve-strict', 'change')),
             'serviceDownImmediateAction': frozenset(('none', 'reset', 'drop'))}
    refs = {'pool': model.Ref('ltm/pool'), 'rules': model.Ref('ltm/rule', many=True),
            'vlans': model.Ref('net/vlan', many=True),
            'fallbackPersistence': model.Ref(*profiles.PERSISTENCE),
            'lastHopPool': model.Ref('ltm/pool')}
    subs = {'profiles': VirtualProfile(), 'policies': VirtualPolicy()}
    handlers = {'destination': 'set_destination', 'source': 'set_source', 'mask': 'set_mask',
                'enabled': 'set_exclusive', 'disabled': 'set_exclusive',
                'vlansEnabled': 'set_exclusive', 'vlansDisabled': 'set_exclusive',
                'persist': 'set_persist', 'sourceAddressTranslation': 'set_snat'}

    def set_destination(self, op, key, value):
        if not isinstance(value, str):
            raise errors.invalid_value(key, value)
        folder, text = None, value
        if value.startswith('/'):
            folder = names.folder_of(value)
            text = value[len(folder) + 1:]
        try:
            addr, port = names.split_port(text)
            port = names.parse_port(port)
        except ValueError:
            raise errors.invalid_value(key, value)
        where = folder or op.scope
        if names.is_ip(addr):
            ip, rd, _ = addressing.address(op.cfg, key, addr, op.partition)
            va_path = vaddress.find(op.cfg, str(ip), rd, {where, names.COMMON})
            va_path = va_path or where + '/' + addr
        else:
            va_path = self.resolve(op, (vaddress.PATH,), folder + '/' + addr if folder else addr)
            va = op.cfg.get(vaddress.PATH, va_path)
            ip, rd = names.parse_ip(va['_ip'])[0], va['_rd']
        self.check_partition(op, vaddress.PATH, va_path)
        op.obj['destination'] = names.join_port(va_path, port)
        op.obj.update(_va=va_path, _ip=str(ip), _rd=rd, _port=port, _family=ip.version)

    def set_source(self, op, key, value):
        try:
            names.parse_ip(value, prefix=True)
        except ValueError:
            raise errors.invalid_value(key, value)
        op.obj[key] = value

    def set_mask(self, op, key, value):
        op.obj[key] = value

    def set_exclusive(self, op, key, value):
        # enabled/disabled and vlansEnabled/vlansDisabled: only the true key of a pair exists.
        if value is not True:
            raise errors.invalid_value(key, value)
        pair = virtual_rules.EXCLUSIVE[key]
        op.obj.pop(pair, None)
        op.obj[key] = True

    def set_persist(self, op, key, value):
        if value is None or value == []:
            op.obj.pop('persist', None)
            op.obj.pop('_persist', None)
            return
        if not isinstance(value, list) or len(value) != 1:
            raise errors.config_error('The virtual server (%s) can have one persistence '
                                      'profile.' % op.obj['fullPath'])
        path = self.resolve(op, profiles.PERSISTENCE, value[0])
        partition, _, name = names.split(path)
        op.obj['persist'] = [{'name': name, 'partition': partition, 'tmDefault': 'yes'}]
        op.obj['_persist'] = path

    def set_snat(self, op, key, value):
        if not isinstance(value, dict) or value.get('type') not in SNAT_TYPES:
            raise errors.invalid_value(key, value)
        extra = set(value) - {'type', 'pool'}
        if extra:
            raise errors.unexpected_pair(op.uri, sorted(extra)[0], value)
        if value['type'] == 'snat':
            pool = self.resolve(op, ('ltm/snatpool',), value.get('pool'))
            op.obj[key] = {'type': 'snat', 'pool': pool}
        elif value.get('pool'):
            raise errors.config_error('A SNAT pool is only used with type snat (%s).'
                                      % op.obj['fullPath'])
        else:
            op.obj[key] = {'type': value['type']}

    def prepare(self, op):
        obj = op.obj
        if 'destination' not in obj:
            raise errors.config_error('The virtual server (%s) requires a destination.'
                                      % obj['fullPath'])
        ip = names.parse_ip(obj['_ip'])[0]
        if 'mask' not in obj or (op.old and obj['mask'] == op.old['mask']
                                 and obj['_family'] != op.old['_family']):
            obj['mask'] = names.host_mask(ip)
        vaddress.check_mask(obj['mask'], ip)
        if 'source' not in obj:
            obj['source'] = names.any_source(ip, obj['_rd'])
        if op.old is None:
            # A unique, growing index; BIG-IP numbers virtuals in creation order too.
            obj['vsIndex'] = op.cfg.generation + 1
        if not obj.get('_subs', {}).get('profiles'):
            self.default_profiles(op)
        virtual_rules.check(op.cfg, obj)

    def default_profiles(self, op):
        name = DEFAULT_TRANSPORT.get(op.obj['ipProtocol'], '/Common/fastL4')
        self.assign_subs(op, 'profiles', [name])

    def after_write(self, cfg, obj, old):
        if cfg.get(vaddress.PATH, obj['_va']) is None:
            # Only an address names a missing virtual address: it is created, named by it.
            vaddress.auto_create(cfg, obj['_va'], names.split(obj['_va'])[2],
                                 names.parse_ip(obj['_ip'])[0], obj['_rd'])
        if old is not None and old['_va'] != obj['_va']:
            vaddress.auto_delete(cfg, old['_va'])

    def after_delete(self, cfg, obj):
        vaddress.auto_delete(cfg, obj['_va'])
        cfg.runtime.forget('virtual', obj['fullPath'])

    def sub_changed(self, cfg, obj):
        virtual_rules.check(cfg, obj)

    def index_entries(self, cfg, obj):
        yield from super().index_entries(cfg, obj)
        yield virtual_rules.destination_key(obj), obj['fullPath']

    def references(self, cfg, obj):
        yield from super().references(cfg, obj)
        yield (vaddress.PATH,), obj['_va'], self.label, obj['fullPath']
        if '_persist' in obj:
            yield profiles.PERSISTENCE, obj['_persist'], self.label, obj['fullPath']
        snat = obj['sourceAddressTranslation'].get('pool')
        if snat:
            yield ('ltm/snatpool',), snat, self.label, obj['fullPath']

    def decorate(self, cfg, obj, out):
        ver = '?ver=' + cfg.version
        if '_persist' in obj:
            out['persist'] = [dict(obj['persist'][0], nameReference={'link': self.link_of(
                cfg, profiles.PERSISTENCE, obj['_persist'], ver)})]
        snat = obj['sourceAddressTranslation']
        if 'pool' in snat:
            out['sourceAddressTranslation'] = dict(snat, poolReference={'link': self.link_of(
                cfg, ('ltm/snatpool',), snat['pool'], ver)})


MODELS = (Virtual(),) + vaddress.MODELS
