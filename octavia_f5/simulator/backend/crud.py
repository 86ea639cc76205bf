# SPDX-License-Identifier: Apache-2.0
"""Create, read, update and delete of top-level objects and sub-collection items."""

from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import names
from octavia_f5.simulator.backend import store

FOLDERS = 'sys/folder'
# Every partition has the folder draft policies live in (BIG-IP 12.1+).
DRAFTS = 'Drafts'


def folder_exists(cfg, folder):
    if folder in cfg.items(FOLDERS):
        return True
    partition, sub, name = names.split(folder)
    return name == DRAFTS and sub is None and ('/' + partition) in cfg.items(FOLDERS)


def create(cfg, model, body, uri):
    if not isinstance(body, dict):
        raise errors.bad_request('Found invalid JSON body in the request.', 1)
    full_path, partition, _, _ = model.identify(None, body)
    if cfg.get(model.path, full_path) is not None:
        raise errors.already_exists(model.label, full_path, partition or 'Common')
    if model.partitioned and model.in_folder and \
            not folder_exists(cfg, names.folder_of(full_path)):
        raise errors.folder_not_found(names.folder_of(full_path))
    obj = model.build(cfg, body, uri=uri)
    cfg.put(model.path, obj)
    model.after_write(cfg, obj, None)
    return obj


def get(cfg, model, full_path):
    obj = cfg.get(model.path, full_path)
    if obj is None:
        raise model.missing_error(None, full_path)
    return obj


def update(cfg, model, full_path, body, replace, uri):
    old = get(cfg, model, full_path)
    obj = model.build(cfg, body, old=old, replace=replace, uri=uri)
    cfg.put(model.path, obj)
    model.after_write(cfg, obj, old)
    return obj


def delete(cfg, model, full_path):
    obj = get(cfg, model, full_path)
    model.check_delete(cfg, obj)
    cfg.remove(model.path, full_path)
    model.after_delete(cfg, obj)


class SubTarget:
    """A sub-collection below a top-level object: /ltm/pool/~P~p/members[/<key>]."""

    def __init__(self, top, top_path, chain, models, sub_name, key):
        self.top = top
        self.top_path = top_path
        self.chain = chain
        self.models = models
        self.sub_name = sub_name
        self.model = models[-1]
        self.key = key

    def parent(self, cfg):
        top = get(cfg, self.top, self.top_path)
        obj = top
        for (sub, key), model in zip(self.chain, self.models):
            found = store.sub_items(obj, sub).get(key)
            if found is None:
                raise model.missing_error(obj, key)
            obj = found
        return top, obj

    def scoped(self, parent):
        return dict(parent, _scope=self.top.folder_scope(self.top_path)
                    if self.top.partitioned else names.COMMON)

    def items(self, cfg):
        return store.sub_items(self.parent(cfg)[1], self.sub_name)

    def get(self, cfg):
        _, parent = self.parent(cfg)
        item = store.sub_items(parent, self.sub_name).get(self.key)
        if item is None:
            raise self.model.missing_error(parent, self.key)
        return parent, item

    def create(self, cfg, body, uri):
        _, parent = self.parent(cfg)
        if not isinstance(body, dict):
            raise errors.bad_request('Found invalid JSON body in the request.', 1)
        item = self.model.build(cfg, self.model.inline(body), parent=self.scoped(parent), uri=uri)
        if item['fullPath'] in store.sub_items(parent, self.sub_name):
            raise self.model.exists_error(parent, item)
        self._store(cfg, item['fullPath'], item)
        self.model.after_write(cfg, item, None)
        return item

    def update(self, cfg, body, replace, uri):
        parent, old = self.get(cfg)
        item = self.model.build(cfg, body, old=old, parent=self.scoped(parent), replace=replace,
                                uri=uri)
        self._store(cfg, self.key, item)
        self.model.after_write(cfg, item, old)
        return item

    def delete(self, cfg):
        parent, item = self.get(cfg)
        self._store(cfg, self.key, None)
        self.model.after_delete(cfg, item)

    def _store(self, cfg, key, item):
        cfg.put_sub(self.top.path, self.top_path, self.chain, self.sub_name, key, item)
        self.top.sub_changed(cfg, cfg.get(self.top.path, self.top_path))

    def link(self):
        link = self.top.item_link(self.top_path)
        for (sub, key), model in zip(self.chain, self.models):
            link = '%s/%s/%s' % (link, sub, names.path_to_segment(key)
                                 if model.partitioned else key)
        return '%s/%s' % (link, self.sub_name)
