# SPDX-License-Identifier: Apache-2.0
"""The generic object type: defaults, property checks, references, rendering, users.

Each BIG-IP object type is a Model subclass holding tables (defaults, enums, references) and a
few hooks (prepare, after_write, after_delete) for the rules a table cannot say.
"""

from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import names
from octavia_f5.simulator.backend import store
from octavia_f5.simulator.backend import usage

IDENTITY = frozenset(('name', 'partition', 'subPath', 'fullPath'))
# Output-only properties clients echo back after a GET; BIG-IP ignores them on input.
IGNORED = frozenset(('kind', 'selfLink', 'generation'))
ENABLED = frozenset(('enabled', 'disabled'))
YES_NO = frozenset(('yes', 'no'))
TRUE_FALSE = frozenset(('true', 'false'))


class Ref:
    """A property naming other objects: target collections, one or a list, how "none" reads."""

    __slots__ = ('targets', 'many', 'keep_none')

    def __init__(self, *targets, many=False, keep_none=False):
        self.targets = targets
        self.many = many
        self.keep_none = keep_none


class Op:
    """One write in progress: the object being built, what it was, where it lives."""

    __slots__ = ('cfg', 'obj', 'old', 'parent', 'uri', 'scope')

    def __init__(self, cfg, obj, old, parent, uri, scope):
        self.cfg = cfg
        self.obj = obj
        self.old = old
        self.parent = parent
        self.uri = uri
        self.scope = scope

    @property
    def partition(self):
        return names.partition_of(self.scope)


class Model(usage.Usage):
    """An object type; subclasses set the tables and override hooks."""

    path = ''
    kind = ''
    label = ''
    noun = ''
    plural = ''
    partitioned = True
    in_folder = True
    defaults = {}
    fields = frozenset()
    ints = frozenset()
    strs = frozenset()
    enums = {}
    refs = {}
    readonly = frozenset()
    subs = {}
    handlers = {}
    secrets = frozenset()
    builtins = ()

    def __init__(self):
        self.known = (set(self.defaults) | set(self.fields) | set(self.ints) | set(self.strs)
                      | set(self.enums) | set(self.refs) | set(self.subs) | set(self.handlers))
        self.collection_kind = self.kind[:-len('state')] + 'collectionstate'

    # --- building ------------------------------------------------------------------------------

    def identify(self, op, body):
        ident = names.identity(body, self.partitioned)
        if ident is None:
            raise errors.no_identifier()
        return ident

    def fresh(self, full_path, partition, sub, name):
        obj = {'name': name}
        if partition is not None:
            obj['partition'] = partition
        if sub:
            obj['subPath'] = sub
        obj['fullPath'] = full_path
        obj['generation'] = 0
        obj.update(self.defaults)
        return obj

    def build(self, cfg, body, old=None, parent=None, replace=False, uri=''):
        """The object a create (old None), PATCH or PUT (replace) of body results in."""
        if not isinstance(body, dict):
            raise errors.bad_request('Found invalid JSON body in the request.', 1)
        op = Op(cfg, None, old, parent, uri, None)
        if old is None:
            full_path, partition, sub, name = self.identify(op, body)
            op.obj = self.fresh(full_path, partition, sub, name)
        elif replace:
            op.obj = self.fresh(old['fullPath'], old.get('partition'), old.get('subPath'),
                                old['name'])
            op.obj.update((k, old[k]) for k in self.readonly if k in old)
            if '_subs' in old:
                op.obj['_subs'] = old['_subs']
        else:
            op.obj = dict(old)
        op.scope = self.scope_of(op)
        for key, value in body.items():
            self.assign(op, key, value)
        self.prepare(op)
        op.obj['generation'] = cfg.bump()
        return op.obj

    def folder_scope(self, full_path):
        """The folder relative names in an object at full_path resolve in."""
        return names.folder_of(full_path)

    def scope_of(self, op):
        """The folder relative names resolve in and whose partition rules apply."""
        if self.partitioned and op.obj['fullPath'].startswith('/'):
            return self.folder_scope(op.obj['fullPath'])
        return op.parent['_scope'] if op.parent and '_scope' in op.parent else names.COMMON

    def assign(self, op, key, value):
        if key in IDENTITY or key in IGNORED or key.endswith('Reference'):
            return
        if key not in self.known:
            raise errors.unexpected_pair(op.uri, key, value)
        if op.old is not None and key in self.readonly:
            if value != op.old.get(key):
                raise errors.bad_request('01070712:3: The %s property of %s (%s) cannot be '
                                         'modified.' % (key, self.label, op.obj['fullPath']),
                                         errors.MCPD)
            return
        if key in self.handlers:
            getattr(self, self.handlers[key])(op, key, value)
        elif key in self.subs:
            self.assign_subs(op, key, value)
        elif key in self.refs:
            self.assign_ref(op, key, value, self.refs[key])
        elif value is None:
            self.unset(op.obj, key)
        elif key in self.enums:
            if value not in self.enums[key]:
                raise errors.invalid_value(key, value)
            op.obj[key] = value
        elif key in self.ints:
            op.obj[key] = to_int(key, value)
        elif key in self.strs:
            op.obj[key] = value if isinstance(value, str) else str(to_int(key, value))
        else:
            op.obj[key] = value

    def unset(self, obj, key):
        if key in self.defaults:
            obj[key] = self.defaults[key]
        else:
            obj.pop(key, None)

    def assign_ref(self, op, key, value, ref):
        if ref.many:
            if value is None:
                value = []
            if not isinstance(value, list):
                raise errors.invalid_value(key, value)
            op.obj[key] = [self.resolve(op, ref.targets, v) for v in value]
        elif value is None or value in ('', 'none'):
            if ref.keep_none:
                op.obj[key] = 'none'
            else:
                op.obj.pop(key, None)
        else:
            op.obj[key] = self.resolve(op, ref.targets, value)

    def resolve(self, op, targets, value):
        """The full path of an existing referenced object; relative names as BIG-IP finds them."""
        if isinstance(value, dict):
            partition, name = value.get('partition'), value.get('name')
            if partition and isinstance(name, str) and not name.startswith('/'):
                value = '/%s/%s' % (partition.strip('/'), name)
            else:
                value = name
        if not isinstance(value, str) or not value:
            raise errors.invalid_value(targets[0], value)
        paths = names.candidates(value, op.scope)
        for path in paths:
            coll, _ = op.cfg.find(targets, path)
            if coll is not None:
                self.check_partition(op, coll, path)
                return path
        raise errors.not_found(op.cfg.models[targets[0]].label, paths[0], 400)

    def check_partition(self, op, coll, path):
        target = names.partition_of(path)
        if target not in ('Common', op.partition):
            model = op.cfg.models[coll]
            owner = op.obj['fullPath'] if self.partitioned else op.scope
            raise errors.cross_partition(self.noun, owner, model.plural, path)

    def assign_subs(self, op, key, value):
        """An inline list replaces the whole sub-collection (reference 2.4)."""
        if value is None:
            value = []
        if not isinstance(value, list):
            raise errors.invalid_value(key, value)
        sub = self.subs[key]
        parent = dict(op.obj, _scope=op.scope)
        items = {}
        for body in value:
            item = sub.build(op.cfg, sub.inline(body), parent=parent, uri=op.uri)
            if item['fullPath'] in items:
                raise sub.exists_error(op.obj, item)
            items[item['fullPath']] = item
        subs = dict(op.obj.get('_subs', {}))
        subs[key] = items
        op.obj['_subs'] = subs

    def inline(self, body):
        """A sub-collection item given inline: bare strings are names."""
        return {'name': body} if isinstance(body, str) else body

    # --- hooks ---------------------------------------------------------------------------------

    def prepare(self, op):
        """Model-specific rules on the finished object; raise BigipError to refuse."""

    def after_write(self, cfg, obj, old):
        """Side effects once stored (auto-created nodes and virtual addresses)."""

    def after_delete(self, cfg, obj):
        """Side effects once removed (auto-deleted virtual addresses)."""

    def sub_changed(self, cfg, obj):
        """Rules of the parent to check again when one of its sub-collection items changed."""

    def exists_error(self, parent, obj):
        return errors.already_exists(self.label, obj['fullPath'], obj.get('partition', 'Common'))

    def missing_error(self, parent, full_path, status=404):
        return errors.not_found(self.label, full_path, status)

    def builtin_objects(self, cfg):
        """The /Common objects of a factory-default device (they cannot be deleted)."""
        for name, values in self.builtins:
            obj = self.fresh(names.COMMON + '/' + name, 'Common', None, name)
            for key, value in values.items():
                if value is None:
                    obj.pop(key, None)
                else:
                    obj[key] = value
            obj['_builtin'] = True
            obj['generation'] = cfg.bump()
            yield obj

    def command(self, cfg, body):
        """POST {"command": ...} to the collection (publish, install, save)."""
        raise errors.bad_request('The command (%s) is not supported on %s.'
                                 % (body.get('command'), self.path))

    def item_command(self, cfg, full_path, body):
        """A PATCH that is a command rather than a change (policy createDraft), else None."""
        return None

    # --- rendering -----------------------------------------------------------------------------

    def render(self, cfg, obj, link, expand=False, select=None):
        ver = '?ver=' + cfg.version
        out = {'kind': self.kind}
        for key, value in obj.items():
            if key[0] != '_':
                out[key] = value
        out['selfLink'] = link + ver
        for key in self.secrets:
            if key in out and out[key] not in ('', 'none', None):
                out[key] = mask(out[key])
        for key, ref in self.refs.items():
            value = obj.get(key)
            if value and value != 'none':
                if ref.many:
                    out[key + 'Reference'] = [{'link': self.link_of(cfg, ref.targets, v, ver)}
                                              for v in value]
                else:
                    out[key + 'Reference'] = {'link': self.link_of(cfg, ref.targets, value, ver)}
        for key, sub in self.subs.items():
            reference = {'link': '%s/%s%s' % (link, key, ver), 'isSubcollection': True}
            if expand:
                sub_link = '%s/%s' % (link, key)
                items = [sub.render(cfg, item, sub.link(sub_link, item), expand)
                         for item in store.sub_items(obj, key).values()]
                if items:
                    reference['items'] = items
            out[key + 'Reference'] = reference
        self.decorate(cfg, obj, out)
        return selected(out, select) if select else out

    def decorate(self, cfg, obj, out):
        """Model-specific read-only values (member state, policy status...)."""

    def key_of(self, segment):
        """The stored key of an item named in a URL segment."""
        return names.segment_to_path(segment) if self.partitioned else segment

    def link(self, parent_link, obj):
        segment = names.path_to_segment(obj['fullPath']) if self.partitioned else obj['name']
        return '%s/%s' % (parent_link, segment)

    @staticmethod
    def link_of(cfg, targets, full_path, ver):
        coll, _ = cfg.find(targets, full_path)
        return '%s%s/%s%s' % (names.LINK, coll or targets[0], names.path_to_segment(full_path),
                              ver)

    def item_link(self, full_path):
        if not self.partitioned:
            return '%s%s/%s' % (names.LINK, self.path, full_path)
        return '%s%s/%s' % (names.LINK, self.path, names.path_to_segment(full_path))


def selected(out, select):
    """$select: only the named properties, each with its *Reference (reference 2.3)."""
    picked = {}
    for key in select:
        if key in out:
            picked[key] = out[key]
            if key + 'Reference' in out:
                picked[key + 'Reference'] = out[key + 'Reference']
    return picked


def to_int(key, value):
    if isinstance(value, bool):
        raise errors.invalid_value(key, value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip('-').isdigit():
        return int(value)
    raise errors.invalid_value(key, value)


def to_flag(key, value, true='true', false='false'):
    """BIG-IP answers many booleans as strings; clients send either form."""
    if value is True or value == true:
        return true
    if value is False or value == false:
        return false
    raise errors.invalid_value(key, value)


def mask(value):
    """Secrets read back in BIG-IP's encrypted form, never as sent."""
    return '$M$Sm$' + 'x' * 22
