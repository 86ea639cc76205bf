# SPDX-License-Identifier: Apache-2.0
"""URLs that are not object collections: module listings, sys version, config save and the
sys crypto install/list view of certificates and keys.
"""

from octavia_f5.simulator.backend import crud
from octavia_f5.simulator.backend import errors
from octavia_f5.simulator.backend import model
from octavia_f5.simulator.backend import names
from octavia_f5.simulator.backend import ssl

MODULES = frozenset(('ltm', 'net', 'sys', 'auth'))
CRYPTO = {'cert': ssl.CERT_FILE, 'key': ssl.KEY_FILE}
INSTALL_KEYS = frozenset(('command', 'name', 'partition', 'from-local-file', 'securityType',
                          'passphrase'))


def handler(segs):
    """The function serving segs, or None when a model collection does."""
    if len(segs) == 1 and segs[0] in MODULES:
        return module_listing
    if segs == ['sys', 'version']:
        return version
    if segs == ['sys', 'config']:
        return save_config
    if segs[:2] == ['sys', 'crypto'] and len(segs) in (3, 4) and segs[2] in CRYPTO:
        return crypto
    return None


def _allow(method, *allowed):
    if method not in allowed:
        raise errors.BigipError(405, 'Method %s is not allowed on this URI.' % method,
                                errors.FRAMEWORK)


def module_listing(backend, method, segs, query, body):
    """GET /mgmt/tm/sys: clients read the TMOS version from its selfLink (reference 2.2)."""
    _allow(method, 'GET')
    ver = '?ver=' + backend.version
    module = segs[0]
    links = sorted({path.split('/')[1] for path in backend.cfg.models
                    if path.startswith(module + '/')})
    if module == 'sys':
        links = sorted(set(links) | {'config', 'crypto', 'version'})
    return {'kind': 'tm:%s:%scollectionstate' % (module, module),
            'selfLink': '%s%s%s' % (names.LINK, module, ver),
            'items': [{'reference': {'link': '%s%s/%s%s' % (names.LINK, module, link, ver)}}
                      for link in links]}


def version(backend, method, segs, query, body):
    _allow(method, 'GET')
    ver = backend.version
    parts = ver.split('.')
    edition = 'Final' if len(parts) < 3 or parts[2] == '0' else 'Point Release %s' % parts[2]
    entries = {'Build': '0.0.6', 'Date': 'Thu Oct 12 12:00:00 PDT 2023', 'Edition': edition,
               'Product': 'BIG-IP', 'Title': 'Main Package', 'Version': ver}
    return {'kind': 'tm:sys:version:versionstats',
            'selfLink': '%ssys/version?ver=%s' % (names.LINK, ver),
            'entries': {names.LINK + 'sys/version/0': {'nestedStats': {'entries': {
                key: {'description': value} for key, value in entries.items()}}}}}


def save_config(backend, method, segs, query, body):
    _allow(method, 'POST')
    if not isinstance(body, dict) or body.get('command') != 'save':
        raise errors.bad_request('The command (%s) is not supported on sys/config.'
                                 % (body or {}).get('command'))
    backend.runtime.saves += 1
    return {'kind': 'tm:sys:config:savestate', 'command': 'save'}


def crypto(backend, method, segs, query, body):
    """sys crypto cert|key: a view on the sys file objects, plus the install command."""
    mdl = CRYPTO[segs[2]]
    cfg = backend.cfg
    kind = 'tm:sys:crypto:%s:%sstate' % (segs[2], segs[2])
    link = '%ssys/crypto/%s' % (names.LINK, segs[2])
    if len(segs) == 3:
        if method == 'GET':
            out = {'kind': kind.replace('state', 'collectionstate'),
                   'selfLink': link + '?ver=' + cfg.version}
            items = [crypto_item(cfg, mdl, obj, kind, link)
                     for obj in cfg.items(mdl.path).values()]
            if items:
                out['items'] = items
            return out
        _allow(method, 'POST')
        return install(cfg, mdl, body, kind, '/' + '/'.join(segs))
    full_path = names.segment_to_path(segs[3])
    if method == 'GET':
        return crypto_item(cfg, mdl, crud.get(cfg, mdl, full_path), kind, link)
    _allow(method, 'DELETE')
    crud.delete(cfg, mdl, full_path)
    return None


def crypto_item(cfg, mdl, obj, kind, link):
    out = {'kind': kind}
    out.update((k, obj[k]) for k in ('name', 'partition', 'fullPath', 'generation'))
    out['selfLink'] = '%s/%s?ver=%s' % (link, names.path_to_segment(obj['fullPath']),
                                        cfg.version)
    if 'expirationString' in obj:
        out['expiration'] = obj['expirationString']
    for key in ('fingerprint', 'issuer', 'keySize', 'keyType', 'securityType', 'serialNumber',
                'subject', 'version'):
        if key in obj:
            out[key] = obj[key]
    return out


def install(cfg, mdl, body, kind, uri):
    """POST {"command":"install","name":"x.crt","from-local-file":"/var/config/rest/..."}."""
    if not isinstance(body, dict) or body.get('command') != 'install':
        raise errors.bad_request('The command (%s) is not supported on %s.'
                                 % ((body or {}).get('command'), uri))
    for key in body:
        if key not in INSTALL_KEYS:
            raise errors.unexpected_pair(uri, key, body[key])
    source = body.get('from-local-file')
    if not isinstance(source, str):
        raise errors.bad_request('The install command needs from-local-file.')
    full_path = ssl.crypto_name(body)
    spec = {'name': names.split(full_path)[2], 'partition': names.partition_of(full_path),
            'sourcePath': 'file:' + source}
    if 'passphrase' in body:
        spec['passphrase'] = body['passphrase']
    if cfg.get(mdl.path, full_path) is None:
        crud.create(cfg, mdl, spec, uri)
    else:
        # Installing over an existing name replaces it, as renewing a certificate does.
        crud.update(cfg, mdl, full_path, {'sourcePath': spec['sourcePath'],
                                          'passphrase': spec.get('passphrase')}, False, uri)
    out = {'kind': kind}
    out.update((k, v) for k, v in body.items() if k != 'passphrase')
    if 'passphrase' in body:
        out['passphrase'] = model.mask(body['passphrase'])
    return out
