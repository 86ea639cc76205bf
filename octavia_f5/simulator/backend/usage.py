# SPDX-License-Identifier: Apache-2.0
"""Who refers to whom: the references an object holds and the delete refusals they cause."""

import functools

from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import store


class Usage:
    """Mixed into Model: references, users, in-use refusals, re-checks of virtual servers."""

    def references(self, cfg, obj):
        """(target collections, full path, user label, user path) of each reference held."""
        for key, ref in self.refs.items():
            value = obj.get(key)
            if not value or value == 'none':
                continue
            for path in (value if ref.many else (value,)):
                yield ref.targets, path, self.label, obj['fullPath']
        for key, sub in self.subs.items():
            for item in store.sub_items(obj, key).values():
                for ref in sub.sub_references(cfg, obj, item):
                    yield ref

    def sub_references(self, cfg, parent, item):
        return self.references(cfg, item)

    def index_entries(self, cfg, obj):
        """(key, entry) pairs the configuration indexes obj under: its references here."""
        for targets, path, label, user_path in self.references(cfg, obj):
            yield path, (targets, label, user_path, self.path)

    def users(self, cfg, full_path):
        """(model, label, path) of every object referring to full_path in this collection."""
        for targets, label, user_path, user_coll in sorted(cfg.lookup(full_path)):
            if self.path in targets:
                yield cfg.models[user_coll], label, user_path

    def revalidate_virtuals(self, cfg, full_path):
        """Changing an object a virtual server uses re-checks that virtual at commit."""
        for user_model, _, user_path in self.users(cfg, full_path):
            if user_model.path == 'ltm/virtual':
                # A virtual's profile reference names "<virtual> <profile>".
                vs_path = user_path.split(' ')[0]
                cfg.defer(('virtual', vs_path),
                          functools.partial(_recheck, cfg, user_model, vs_path))

    def check_delete(self, cfg, obj):
        if obj.get('_builtin'):
            raise errors.bad_request('01070712:3: Cannot delete the system default %s (%s).'
                                     % (self.label, obj['fullPath']), errors.MCPD)
        for _, label, path in self.users(cfg, obj['fullPath']):
            raise errors.in_use(self.label, obj['fullPath'], label, path)


def _recheck(cfg, virtuals, vs_path):
    vs = cfg.get(virtuals.path, vs_path)
    if vs is not None:
        virtuals.sub_changed(cfg, vs)
