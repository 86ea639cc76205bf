# SPDX-License-Identifier: Apache-2.0
"""URL parsing: /mgmt/tm/<collection>[/<item>[/<sub>[/<item>...]]][/stats] to a Route."""

from octavia_f5.simulator.backend import crud
from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import names

PREFIX = '/mgmt/tm/'


class Route:
    """What a URL addresses: a collection, an item, or a sub-collection (item)."""

    __slots__ = ('model', 'full_path', 'sub', 'stats', 'segments')

    def __init__(self, model, full_path, sub, stats, segments):
        self.model = model
        self.full_path = full_path
        self.sub = sub
        self.stats = stats
        self.segments = segments

    @property
    def uri(self):
        """The item or collection as icrd names it in its messages: '/ltm/pool/~P~p'."""
        return '/' + '/'.join(self.segments)


def segments(raw_path):
    """The decoded path segments below /mgmt/tm/ (raises the 404 of an unknown URI)."""
    if not raw_path.startswith(PREFIX):
        raise errors.unregistered(raw_path)
    rest = raw_path[len(PREFIX):].strip('/')
    return [names.decode(s) for s in rest.split('/')] if rest else []


def parse(models, raw_path, segs):
    """The Route of a model URL, or None when no model serves it."""
    for n in (3, 2, 1):
        model = models.get('/'.join(segs[:n]))
        if model is not None:
            break
    else:
        return None
    rest = segs[n:]
    stats = bool(rest) and rest[-1] == 'stats'
    if stats:
        rest = rest[:-1]
    if not rest:
        return Route(model, None, None, stats, segs)
    top_path = model.key_of(rest[0])
    rest = rest[1:]
    chain, chain_models, current = [], [], model
    while rest:
        sub = current.subs.get(rest[0])
        if sub is None:
            raise errors.unregistered(raw_path)
        chain_models.append(sub)
        key = sub.key_of(rest[1]) if len(rest) > 1 else None
        if len(rest) <= 2:
            target = crud.SubTarget(model, top_path, chain, chain_models, rest[0], key)
            return Route(model, top_path, target, stats, segs)
        chain.append((rest[0], key))
        current, rest = sub, rest[2:]
    return Route(model, top_path, None, stats, segs)
