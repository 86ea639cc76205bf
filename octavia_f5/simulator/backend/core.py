# SPDX-License-Identifier: Apache-2.0
"""Backend: one simulated BIG-IP's configuration behind handle(), thread-safe, no HTTP."""

import re
import threading
import time

from octavia_f5.simulator.backend import crud
from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import monitors
from octavia_f5.simulator.backend import names
from octavia_f5.simulator.backend import net
from octavia_f5.simulator.backend import policy
from octavia_f5.simulator.backend import pool
from octavia_f5.simulator.backend import profiles
from octavia_f5.simulator.backend import router
from octavia_f5.simulator.backend import ssl
from octavia_f5.simulator.backend import stats
from octavia_f5.simulator.backend import store
from octavia_f5.simulator.backend import system
from octavia_f5.simulator.backend import tenancy
from octavia_f5.simulator.backend import traffic
from octavia_f5.simulator.backend import transactions
from octavia_f5.simulator.backend import virtual

WRITES = frozenset(('POST', 'PUT', 'PATCH', 'DELETE'))
# restjavad refuses anything that looks like the start of an HTML tag in a URL or body
# (reference 0.2, [V] message); what counts as "tag-like" here is our reading [U].
TAG_LIKE = re.compile(r'<[A-Za-z!/?]')
_TYPE_MODULES = (tenancy, net, virtual, pool, monitors, profiles, ssl, policy, traffic)


def build_models():
    models = {}
    for module in _TYPE_MODULES:
        for model in module.MODELS:
            models[model.path] = model
    return models


class Backend:
    """The objects and rules of one BIG-IP; the HTTP layer calls handle() per request.

    monitor_transaction_bug: model the BIG-IP bug that refuses, inside one transaction, to
    delete a monitor that a pool of the same transaction stops using (reference 3.11).
    """

    def __init__(self, hostname='bigip1', version='17.1.1', clock=time.monotonic,
                 monitor_transaction_bug=True):
        self.hostname = hostname
        self.version = version
        self.clock = clock
        self.monitor_transaction_bug = monitor_transaction_bug
        self._lock = threading.RLock()
        self._models = build_models()
        self.reset()

    # --- the contract with the HTTP layer ------------------------------------------------------

    def handle(self, method, raw_path, query, body, transaction_id=None):
        """(status, body or None) of one iControl REST request below /mgmt/tm/."""
        with self._lock:
            try:
                return self._handle(method, raw_path, query or {}, body, transaction_id)
            except errors.BigipError as exc:
                return exc.status, exc.body

    def store_upload(self, name, data):
        with self._lock:
            self.runtime.uploads[name] = bytes(data)

    def snapshot(self):
        with self._lock:
            return self.cfg.snapshot()

    def restore(self, snapshot):
        with self._lock:
            self.cfg.restore(snapshot)

    @property
    def config_generation(self):
        return self.cfg.generation

    def set_stats(self, kind, full_path, counters, member=None):
        with self._lock:
            self.runtime.set_counters(self.cfg, kind, full_path, counters, member)

    def set_member_availability(self, pool_full_path, member_name, state):
        with self._lock:
            self.runtime.set_availability(self.cfg, pool_full_path, member_name, state)

    def dump(self):
        """{collection: {fullPath: object as a GET with expandSubcollections shows it}}."""
        with self._lock:
            out = {}
            for path, model in self._models.items():
                objs = self.cfg.items(path)
                if objs:
                    out[path] = {fp: model.render(self.cfg, obj, model.item_link(fp), True)
                                 for fp, obj in objs.items()}
            return out

    def reset(self):
        """Factory defaults: built-in /Common objects only, no uploads, no transactions."""
        with self._lock:
            self.cfg = store.Config(self.version)
            self.cfg.models = self._models
            self.runtime = stats.Runtime(self)
            self.cfg.runtime = self.runtime
            for model in self._models.values():
                for obj in model.builtin_objects(self.cfg):
                    self.cfg.put(model.path, obj)
            self.transactions = transactions.Transactions(self)

    # --- dispatch ------------------------------------------------------------------------------

    def _handle(self, method, raw_path, query, body, transaction_id):
        segs = router.segments(raw_path)
        if tag_like(segs) or tag_like(body):
            raise errors.bad_request('HTML Tag-like Content in the Request URL/Body')
        self.transactions.expire()
        if segs and segs[0] == 'transaction':
            return self.transactions.handle(method, raw_path, segs[1:], body, transaction_id)
        if transaction_id is not None and method in WRITES:
            self.route(method, raw_path, segs)
            return self.transactions.queue(transaction_id, method, raw_path, query, body)
        if method == 'GET':
            return 200, self._read(raw_path, segs, query)
        _allow(method, WRITES)
        self.cfg.begin()
        try:
            out = self.apply(method, raw_path, query, body)
            self.cfg.finish()
        except errors.BigipError:
            self.cfg.rollback()
            raise
        self.cfg.commit()
        return 200, out

    def route(self, method, raw_path, segs):
        """The Route or system handler of a URL; the 404 of BIG-IP for anything else."""
        handler = system.handler(segs)
        if handler is not None:
            return handler
        route = router.parse(self._models, raw_path, segs)
        if route is None or (route.stats and method != 'GET'):
            raise errors.unregistered(raw_path)
        return route

    def apply(self, method, raw_path, query, body):
        """One write on the live configuration (the caller owns the journal)."""
        segs = router.segments(raw_path)
        target = self.route(method, raw_path, segs)
        if not isinstance(target, router.Route):
            return target(self, method, segs, query, body)
        cfg = self.cfg
        if target.sub is not None:
            return self._write_sub(method, target, body)
        model = target.model
        if target.full_path is None:
            _allow(method, ('POST',))
            if isinstance(body, dict) and 'command' in body:
                return model.command(cfg, body)
            obj = crud.create(cfg, model, body, target.uri)
            return model.render(cfg, obj, model.item_link(obj['fullPath']))
        if method == 'DELETE':
            crud.delete(cfg, model, target.full_path)
            return None
        _allow(method, ('PUT', 'PATCH'))
        out = model.item_command(cfg, target.full_path, body)
        if out is not None:
            return out
        obj = crud.update(cfg, model, target.full_path, body, method == 'PUT', target.uri)
        return model.render(cfg, obj, model.item_link(obj['fullPath']))

    def _write_sub(self, method, route, body):
        sub, cfg = route.sub, self.cfg
        if sub.key is None:
            _allow(method, ('POST',))
            item = sub.create(cfg, body, route.uri)
        elif method == 'DELETE':
            sub.delete(cfg)
            return None
        else:
            _allow(method, ('PUT', 'PATCH'))
            item = sub.update(cfg, body, method == 'PUT', route.uri)
        return sub.model.render(cfg, item, sub.model.link(sub.link(), item))

    def _read(self, raw_path, segs, query):
        target = self.route('GET', raw_path, segs)
        if not isinstance(target, router.Route):
            return target(self, 'GET', segs, query, None)
        if target.stats:
            return stats.render(self, target)
        cfg = self.cfg
        select = query.get('$select')
        select = select.split(',') if select else None
        expand = query.get('expandSubcollections') == 'true'
        if target.sub is not None:
            sub = target.sub
            link = sub.link()
            if sub.key is not None:
                parent, item = sub.get(cfg)
                return sub.model.render(cfg, item, sub.model.link(link, item), expand, select)
            items = sub.items(cfg).values()
            return collection(cfg, sub.model, link, items, expand, select,
                              lambda item: sub.model.link(link, item))
        model = target.model
        if target.full_path is not None:
            obj = crud.get(cfg, model, target.full_path)
            return model.render(cfg, obj, model.item_link(target.full_path), expand, select)
        objs = cfg.items(model.path).values()
        wanted = partition_filter(query.get('$filter'))
        if wanted is not None:
            objs = [o for o in objs if o.get('partition', o.get('name')) == wanted]
        return collection(cfg, model, names_link(model), objs, expand, select,
                          lambda obj: model.item_link(obj['fullPath']))


def tag_like(value):
    """Whether a string anywhere in value (keys included) looks like an HTML tag."""
    if isinstance(value, str):
        return TAG_LIKE.search(value) is not None
    if isinstance(value, dict):
        return any(tag_like(k) or tag_like(v) for k, v in value.items())
    if isinstance(value, list):
        return any(tag_like(v) for v in value)
    return False


def collection(cfg, model, link, objs, expand, select, link_of):
    """A collection answer; an empty one has no "items" key (reference 2.3)."""
    out = {'kind': model.collection_kind, 'selfLink': link + '?ver=' + cfg.version}
    items = [model.render(cfg, obj, link_of(obj), expand, select) for obj in objs]
    if items:
        out['items'] = items
    return out


def names_link(model):
    return names.LINK + model.path


def partition_filter(value):
    """The X of $filter=partition eq X, the only filter clients use (reference 2.3)."""
    if value is None:
        return None
    parts = value.split()
    if len(parts) != 3 or parts[0] != 'partition' or parts[1] != 'eq':
        raise errors.bad_request('Query parameter $filter=%s is not supported.' % value)
    return parts[2].strip('/')


def _allow(method, allowed):
    if method not in allowed:
        raise errors.BigipError(405, 'Method %s is not allowed on this URI.' % method,
                                errors.FRAMEWORK)
