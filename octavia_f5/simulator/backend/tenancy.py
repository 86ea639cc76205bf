# SPDX-License-Identifier: Apache-2.0
"""Tenancy: partitions, folders and route domains."""

from octavia_f5.simulator.backend import addressing
from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import model
from octavia_f5.simulator.backend import names

TRAFFIC_GROUPS = frozenset(('/Common/traffic-group-1', '/Common/traffic-group-local-only',
                            'traffic-group-1', 'traffic-group-local-only'))


def contents(cfg, folder):
    """The first object (other than folders) inside folder, or None."""
    prefix = folder.rstrip('/') + '/'
    for path, mdl in cfg.models.items():
        if not mdl.partitioned or path == 'sys/folder':
            continue
        for full_path in cfg.items(path):
            if full_path.startswith(prefix):
                return full_path
    for full_path in cfg.items('sys/folder'):
        if full_path.startswith(prefix):
            return full_path
    return None


class Partition(model.Model):
    path = 'auth/partition'
    kind = 'tm:auth:partition:partitionstate'
    label = 'partition'
    noun = plural = 'partition'
    partitioned = False
    defaults = {'defaultRouteDomain': 0}
    fields = frozenset(('description',))
    ints = frozenset(('defaultRouteDomain',))

    def key_of(self, segment):
        return segment.strip('~')

    def identify(self, parent, body):
        name = body.get('name')
        if not isinstance(name, str) or not name.strip('/'):
            raise errors.no_identifier()
        name = name.strip('/')
        return name, None, None, name

    def prepare(self, op):
        rd = op.obj['defaultRouteDomain']
        if rd not in addressing.route_domain_ids(op.cfg):
            raise errors.not_found('route domain', rd, 400)

    def after_write(self, cfg, obj, old):
        if old is None and cfg.get('sys/folder', '/' + obj['name']) is None:
            cfg.put('sys/folder', cfg.models['sys/folder'].new_folder(cfg, obj['name'], '/'))

    def check_delete(self, cfg, obj):
        if obj.get('_builtin'):
            super().check_delete(cfg, obj)
        if contents(cfg, '/' + obj['name']):
            raise errors.bad_request('0107082a:3: All objects must be removed from a partition '
                                     '(%s) before the partition may be removed, type ID (467)'
                                     % obj['name'], errors.MCPD)

    def after_delete(self, cfg, obj):
        cfg.remove('sys/folder', '/' + obj['name'])

    def builtin_objects(self, cfg):
        yield {'name': 'Common', 'fullPath': 'Common', 'generation': cfg.bump(),
               'defaultRouteDomain': 0, 'description': 'Repository for system objects and '
               'shared objects.', '_builtin': True}


class Folder(model.Model):
    path = 'sys/folder'
    kind = 'tm:sys:folder:folderstate'
    label = noun = plural = 'folder'
    in_folder = False
    defaults = {'deviceGroup': 'none', 'hidden': 'false', 'inheritedDevicegroup': 'true',
                'inheritedTrafficGroup': 'true', 'noRefCheck': 'false',
                'trafficGroup': '/Common/traffic-group-1'}
    fields = frozenset(('description',))
    handlers = {'hidden': 'set_flag', 'inheritedDevicegroup': 'set_flag',
                'inheritedTrafficGroup': 'set_flag', 'noRefCheck': 'set_flag',
                'trafficGroup': 'set_traffic_group', 'deviceGroup': 'set_device_group'}

    def key_of(self, segment):
        return '/' + segment.strip('~').replace('~', '/') if segment != '~' else '/'

    def item_link(self, full_path):
        return '%s%s/%s' % (names.LINK, self.path, full_path.replace('/', '~'))

    def identify(self, parent, body):
        name = body.get('name')
        if not isinstance(name, str) or not name or '/' in name.strip('/'):
            raise errors.no_identifier()
        sub = str(body.get('subPath') or '/')
        full_path = sub.rstrip('/') + '/' + name.strip('/')
        return full_path, None, sub, name.strip('/')

    def fresh(self, full_path, partition, sub, name):
        obj = {'name': name, 'subPath': sub or '/', 'fullPath': full_path, 'generation': 0}
        obj.update(self.defaults)
        return obj

    def new_folder(self, cfg, name, sub):
        obj = self.fresh(sub.rstrip('/') + '/' + name, None, sub, name)
        obj['generation'] = cfg.bump()
        return obj

    def set_flag(self, op, key, value):
        op.obj[key] = model.to_flag(key, value)

    def set_traffic_group(self, op, key, value):
        if value not in TRAFFIC_GROUPS:
            raise errors.not_found('traffic group', value, 400)
        op.obj['trafficGroup'] = names.candidates(value, names.COMMON)[0]

    def set_device_group(self, op, key, value):
        if value != 'none':
            raise errors.not_found('device group', value, 400)

    def prepare(self, op):
        parent = names.folder_of(op.obj['fullPath']) or '/'
        if op.old is None and parent != '/' and op.cfg.get(self.path, parent) is None:
            raise errors.folder_not_found(parent)

    def after_write(self, cfg, obj, old):
        if old is None and obj['subPath'] == '/' and cfg.get(Partition.path, obj['name']) is None:
            cfg.put(Partition.path, {'name': obj['name'], 'fullPath': obj['name'],
                                     'generation': cfg.bump(), 'defaultRouteDomain': 0})

    def check_delete(self, cfg, obj):
        if obj.get('_builtin'):
            super().check_delete(cfg, obj)
        inside = contents(cfg, obj['fullPath'])
        if inside:
            raise errors.bad_request('010713f9:3: The folder %s cannot be deleted because it '
                                     'contains configuration item (%s)'
                                     % (obj['fullPath'], inside), errors.MCPD)

    def after_delete(self, cfg, obj):
        if obj['subPath'] == '/':
            cfg.remove(Partition.path, obj['name'])

    def builtin_objects(self, cfg):
        for name, sub in (('/', ''), ('Common', '/')):
            obj = self.new_folder(cfg, name.strip('/'), sub) if sub else dict(
                self.fresh('/', None, '/', '/'), generation=cfg.bump())
            obj['_builtin'] = True
            yield obj


class RouteDomain(model.Model):
    path = 'net/route-domain'
    kind = 'tm:net:route-domain:route-domainstate'
    label = noun = 'route domain'
    plural = 'route domains'
    defaults = {'connectionLimit': 0, 'strict': 'enabled', 'throughputCapacity': 0}
    fields = frozenset(('description', 'routingProtocol', 'fwEnforcedPolicy', 'servicePolicy',
                        'bwcPolicy', 'flowEvictionPolicy'))
    ints = frozenset(('id', 'connectionLimit', 'throughputCapacity'))
    enums = {'strict': model.ENABLED}
    refs = {'vlans': model.Ref('net/vlan', many=True), 'parent': model.Ref('net/route-domain')}
    readonly = frozenset(('id',))
    builtins = (('0', {'id': 0}),)

    def prepare(self, op):
        obj, cfg = op.obj, op.cfg
        if 'id' not in obj:
            raise errors.bad_request('01070734:3: Configuration error: The route domain (%s) '
                                     'needs an ID.' % obj['fullPath'], errors.MCPD)
        if not 0 <= obj['id'] <= 65534:
            raise errors.invalid_value('id', obj['id'])
        holder = addressing.route_domain_ids(cfg).get(obj['id'])
        if holder not in (None, obj['fullPath']):
            raise errors.config_error('The route domain ID (%d) is already used by the route '
                                      'domain (%s).' % (obj['id'], holder))
        if obj.get('parent') == obj['fullPath']:
            raise errors.invalid_value('parent', obj['parent'])
        for other in cfg.items(self.path).values():
            if other['fullPath'] == obj['fullPath'] or not other['id']:
                continue
            shared = set(obj.get('vlans', ())) & set(other.get('vlans', ()))
            if shared:
                raise errors.config_error('The VLAN (%s) is already a member of the route '
                                          'domain (%s).' % (sorted(shared)[0],
                                                            other['fullPath']))

    def check_delete(self, cfg, obj):
        super().check_delete(cfg, obj)
        rid = obj['id']
        defaults = sorted(name for name, p in cfg.items(addressing.PARTITIONS).items()
                          if p['defaultRouteDomain'] == rid)
        if defaults:
            raise errors.bad_request('0107097c:3: The specified route domain (%d) is the default '
                                     'route domain for one or more partitions (%s) and cannot '
                                     'be deleted.' % (rid, ', '.join(defaults)), errors.MCPD)
        for mdl in cfg.models.values():
            if getattr(mdl, 'addresses', False):
                for user in cfg.items(mdl.path).values():
                    if user.get('_rd') == rid:
                        raise errors.in_use(self.label, obj['fullPath'], mdl.label,
                                            user['fullPath'])


MODELS = (Partition(), Folder(), RouteDomain())
