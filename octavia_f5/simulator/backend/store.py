# SPDX-License-Identifier: Apache-2.0
"""The running configuration: copy-on-write objects, an undo journal and deferred checks.

Stored objects are never changed in place: a change stores a new dict. That makes the undo
journal a list of references (no copies per request) and lets a failed request or transaction
roll back exactly, as mcpd discards a refused change.
"""


class Config:
    """{collection path: {fullPath: object}} plus the global generation counter of mcpd."""

    def __init__(self, version):
        self.version = version
        self.models = {}
        self.data = {}
        self.generation = 0
        self.in_transaction = False
        # key -> {entry: count}: who refers to a path, virtuals by destination, addresses.
        self.index = {}
        self._journal = None
        self._start_generation = 0
        self._deferred = {}

    # --- reading -------------------------------------------------------------------------------

    def items(self, coll):
        return self.data.get(coll, {})

    def get(self, coll, full_path):
        return self.data.get(coll, {}).get(full_path)

    def find(self, colls, full_path):
        """(collection, object) of the first collection holding full_path, else (None, None)."""
        for coll in colls:
            obj = self.data.get(coll, {}).get(full_path)
            if obj is not None:
                return coll, obj
        return None, None

    def lookup(self, key):
        """The index entries under key (see Model.index_entries)."""
        return self.index.get(key, {})

    def touched(self, coll):
        """The objects of coll as they were before this request or transaction changed them."""
        seen = set()
        for jcoll, jpath, old in self._journal or ():
            if jcoll == coll and jpath not in seen:
                seen.add(jpath)
                if old is not None:
                    yield old

    # --- writing -------------------------------------------------------------------------------

    def bump(self):
        self.generation += 1
        return self.generation

    def put(self, coll, obj):
        self._replace(coll, obj['fullPath'], obj, True)

    def remove(self, coll, full_path):
        self._replace(coll, full_path, None, True)

    def _replace(self, coll, key, obj, journal):
        objs = self.data.setdefault(coll, {})
        old = objs.get(key)
        if journal and self._journal is not None:
            self._journal.append((coll, key, old))
        self._index(coll, old, -1)
        if obj is None:
            objs.pop(key, None)
        else:
            objs[key] = obj
        self._index(coll, obj, 1)

    def _index(self, coll, obj, sign):
        model = self.models.get(coll)
        if obj is None or model is None:
            return
        for key, entry in model.index_entries(self, obj):
            bucket = self.index.setdefault(key, {})
            count = bucket.get(entry, 0) + sign
            if count:
                bucket[entry] = count
            else:
                del bucket[entry]
                if not bucket:
                    del self.index[key]

    def put_sub(self, coll, top_path, chain, sub, key, item):
        """Store (or with item None remove) a sub-collection item below a top-level object.

        chain lists the (sub-collection, key) steps from the top object to the item's parent,
        e.g. [('rules', 'r1')] for a condition of policy rule r1.
        """
        top = self.get(coll, top_path)
        self.put(coll, _with_sub(top, chain, sub, key, item))

    # --- atomicity -----------------------------------------------------------------------------

    def begin(self):
        self._journal = []
        self._start_generation = self.generation
        self._deferred = {}

    def defer(self, key, check):
        """Run check() once before the change is committed: mcpd checks these rules last."""
        self._deferred.setdefault(key, check)

    def finish(self):
        """Run the deferred checks; a refusal propagates and the caller rolls back."""
        while self._deferred:
            checks, self._deferred = list(self._deferred.values()), {}
            for check in checks:
                check()

    def commit(self):
        self._journal = None
        self._deferred = {}

    def rollback(self):
        for coll, key, old in reversed(self._journal or ()):
            self._replace(coll, key, old, False)
        self.generation = self._start_generation
        self._journal = None
        self._deferred = {}

    # --- whole configuration -------------------------------------------------------------------

    def snapshot(self):
        # Stored objects are never changed in place, so sharing them is a copy.
        return {coll: dict(objs) for coll, objs in self.data.items()}, self.generation

    def restore(self, snapshot):
        data, generation = snapshot
        self.data = {}
        self.index = {}
        for coll, objs in data.items():
            for obj in objs.values():
                self._replace(coll, obj['fullPath'], obj, False)
        # The peer's counter keeps growing: "changed since" must stay true after a sync.
        self.generation = max(self.generation, generation) + 1


def sub_items(obj, sub):
    return obj.get('_subs', {}).get(sub, {})


def nested(top, chain):
    """The sub-collection item reached from a top-level object by chain, or None."""
    obj = top
    for sub, key in chain:
        obj = sub_items(obj, sub).get(key) if obj is not None else None
    return obj


def with_subs(obj, subs):
    new = dict(obj)
    new['_subs'] = subs
    return new


def _with_sub(obj, chain, sub, key, item):
    subs = dict(obj.get('_subs', {}))
    if chain:
        (step, step_key), rest = chain[0], chain[1:]
        items = dict(subs[step])
        items[step_key] = _with_sub(items[step_key], rest, sub, key, item)
        subs[step] = items
    else:
        items = dict(subs.get(sub, {}))
        if item is None:
            items.pop(key, None)
        else:
            items[key] = item
        subs[sub] = items
    return with_subs(obj, subs)
