# SPDX-License-Identifier: Apache-2.0
"""TLS: certificate/key/CRL files, client-ssl profiles of a listener, server-ssl of its pool.

* One client-ssl profile per certificate (the default container and each SNI container), all
  with the listener's client authentication, versions and ciphers; only the default one is
  ``sniDefault`` (BIG-IP refuses two: 01071809). Each SNI profile answers for its
  certificate's primary CN (``serverName``).
* client_authentication NONE/OPTIONAL/MANDATORY -> peerCertMode ignore/request/require, with
  the client CA as caFile and the client CRL as crlFile.
* tls_versions -> ``options``: "no-<version>" for each version not listed; tls_ciphers (an
  OpenSSL cipher string, whose names BIG-IP shares) -> ``ciphers``.
* alpn_protocols with h2 -> BIG-IP's http2 profile on the client side (HTTP/2 is negotiated
  by ALPN); HTTP/1.x needs nothing.
* A pool with tls_enabled -> a server-ssl profile on the virtual servers that use it: the
  pool's certificate as client certificate, its CA (peerCertMode require) and CRL.
* Both kinds inherit from the flavor's client_ssl_profile / server_ssl_profile, if given,
  else from BIG-IP's /Common/clientssl / serverssl; the fields set here override the parent.
"""

import re

from octavia_f5.bigip.mapping import resource
from octavia_f5.bigip.mapping import validation
from octavia_f5.bigip import names
from octavia_f5.common import exceptions

TLS_VERSIONS = {'SSLv3': 'no-sslv3', 'TLSv1': 'no-tlsv1', 'TLSv1.1': 'no-tlsv1.1',
                'TLSv1.2': 'no-tlsv1.2', 'TLSv1.3': 'no-tlsv1.3'}
CLIENT_AUTHENTICATION = {'NONE': 'ignore', 'OPTIONAL': 'request', 'MANDATORY': 'require'}
ALPN_PROTOCOLS = ('http/1.0', 'http/1.1', 'h2')
HTTP2_PROFILE = {'name': '/Common/http2', 'context': 'clientside'}
_CIPHERS = re.compile(r'\A[A-Za-z0-9:+!@=_.,-]{1,1024}\Z')
_SERVER_NAME = re.compile(r'\A(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?\Z')
# BIG-IP keeps this option in its own client-ssl defaults (a CBC countermeasure that breaks
# old clients); listing versions must not drop it.
_BASE_OPTIONS = ['dont-insert-empty-fragments']


def options(field, versions):
    """tls_versions -> the profile's ``options`` list, or None to keep the parent's."""
    if versions is None:
        return None
    for version in versions:
        validation.supported(field, version, TLS_VERSIONS)
    if not versions:
        raise exceptions.InvalidValue(field, 'at least one TLS version is required')
    return _BASE_OPTIONS + [flag for version, flag in TLS_VERSIONS.items()
                            if version not in versions]


def ciphers(field, value):
    if value is None:
        return 'DEFAULT'
    if not isinstance(value, str) or not _CIPHERS.match(value):
        raise exceptions.InvalidValue(field, 'an OpenSSL cipher string is required')
    return value


def _container(field, container):
    if not isinstance(container, dict):
        raise exceptions.InvalidValue(field, 'TLS container data is required')
    names.check_id(field + '.id', container.get('id'))
    validation.pem(field + '.certificate', container.get('certificate'))
    validation.pem(field + '.private_key', container.get('private_key'))
    if container.get('passphrase'):
        raise exceptions.UnsupportedOption(
            field + '.passphrase', 'the private key must arrive decrypted (Octavia removes '
                                   'passphrases); an encrypted key is not installed')
    for intermediate in container.get('intermediates') or ():
        validation.pem(field + '.intermediates', intermediate)
    return container


def _pem(value):
    return validation.pem('pem', value)


def container_resources(container, ctx):
    """[certificate, key, chain?] of a TLS container, named by its id."""
    cid = container['id']
    items = [
        resource.file_object('sys/file/ssl-cert', ctx.partition, names.certificate(cid),
                             _pem(container['certificate'])),
        resource.file_object('sys/file/ssl-key', ctx.partition, names.key(cid),
                             _pem(container['private_key'])),
    ]
    intermediates = [_pem(i) for i in container.get('intermediates') or ()]
    if intermediates:
        items.append(resource.file_object(
            'sys/file/ssl-cert', ctx.partition, names.chain(cid),
            '\n'.join(i.strip() for i in intermediates) + '\n'))
    return items


def _cert_key_chain(container, ctx):
    cid = container['id']
    entry = {'name': 'default',
             'cert': names.full_path(ctx.partition, names.certificate(cid)),
             'key': names.full_path(ctx.partition, names.key(cid))}
    if container.get('intermediates'):
        entry['chain'] = names.full_path(ctx.partition, names.chain(cid))
    return entry


def _trust(ctx, listener_id, prefix, ca_pem, crl_pem):
    """Files of a CA bundle and CRL, and the profile fields that refer to them."""
    items, fields = [], {'caFile': 'none', 'crlFile': 'none'}
    if ca_pem:
        name = names.listener_object(listener_id, prefix + '_ca.crt')
        items.append(resource.file_object('sys/file/ssl-cert', ctx.partition, name,
                                          _pem(ca_pem)))
        fields['caFile'] = names.full_path(ctx.partition, name)
    if crl_pem:
        name = names.listener_object(listener_id, prefix + '.crl')
        items.append(resource.file_object('sys/file/ssl-crl', ctx.partition, name,
                                          _pem(crl_pem)))
        fields['crlFile'] = names.full_path(ctx.partition, name)
    return items, fields


def validate_listener(listener):
    if listener.get('protocol') != 'TERMINATED_HTTPS':
        return
    _container('default_tls_container_data',
               validation.required(listener, 'default_tls_container_data'))
    for container in listener.get('sni_container_data') or ():
        _container('sni_container_data', container)
        if not _SERVER_NAME.match(container.get('primary_cn') or ''):
            raise exceptions.InvalidValue('sni_container_data.primary_cn',
                                          'an SNI certificate needs a DNS name as primary CN')
    mode = listener.get('client_authentication') or 'NONE'
    validation.supported('client_authentication', mode, CLIENT_AUTHENTICATION)
    if mode != 'NONE' and not listener.get('client_ca_tls_container_data'):
        raise exceptions.InvalidValue('client_ca_tls_container_ref',
                                      'client authentication needs a client CA')
    if listener.get('client_crl_container_data') and not listener.get(
            'client_ca_tls_container_data'):
        raise exceptions.InvalidValue('client_crl_container_ref', 'a CRL needs a client CA')
    options('tls_versions', listener.get('tls_versions'))
    ciphers('tls_ciphers', listener.get('tls_ciphers'))
    for protocol in listener.get('alpn_protocols') or ():
        validation.supported('alpn_protocols', protocol, ALPN_PROTOCOLS)


def listener_resources(listener, ctx):
    """(resources, profile references) for a TERMINATED_HTTPS listener; ([], []) otherwise."""
    if listener.get('protocol') != 'TERMINATED_HTTPS':
        return [], []
    validate_listener(listener)
    lid = listener['listener_id']
    containers = [listener['default_tls_container_data']]
    for container in listener.get('sni_container_data') or ():
        if container['id'] not in [c['id'] for c in containers]:
            containers.append(container)
    items = []
    for container in containers:
        items.extend(container_resources(container, ctx))
    trust_items, trust = _trust(ctx, lid, 'client', listener.get('client_ca_tls_container_data'),
                                listener.get('client_crl_container_data'))
    items.extend(trust_items)
    common = dict(trust, peerCertMode=CLIENT_AUTHENTICATION[
        listener.get('client_authentication') or 'NONE'],
        ciphers=ciphers('tls_ciphers', listener.get('tls_ciphers')))
    versions = options('tls_versions', listener.get('tls_versions'))
    if versions is not None:
        common['options'] = versions
    refs = []
    for index, container in enumerate(containers):
        name = names.listener_object(lid, 'tls_%s' % container['id'])
        items.append(resource.make(
            'ltm/profile/client-ssl', ctx.partition, name, defaultsFrom=ctx.parent('client-ssl'),
            certKeyChain=[_cert_key_chain(container, ctx)], sniDefault=index == 0,
            serverName=container.get('primary_cn') or 'none', **common))
        refs.append({'name': names.full_path(ctx.partition, name), 'context': 'clientside'})
    if 'h2' in (listener.get('alpn_protocols') or ()):
        refs.append(dict(HTTP2_PROFILE))
    return items, refs


def validate_pool(pool):
    if not pool.get('tls_enabled'):
        return
    if pool.get('tls_container_data') is not None:
        _container('tls_container_data', pool['tls_container_data'])
    if pool.get('crl_container_data') and not pool.get('ca_tls_container_data'):
        raise exceptions.InvalidValue('crl_container_ref', 'a CRL needs a CA certificate')
    options('tls_versions', pool.get('tls_versions'))
    ciphers('tls_ciphers', pool.get('tls_ciphers'))
    for protocol in pool.get('alpn_protocols') or ():
        validation.supported('alpn_protocols', protocol, ALPN_PROTOCOLS)
    alpn = pool.get('alpn_protocols')
    if alpn and not set(alpn) & {'http/1.0', 'http/1.1'}:
        # HTTP/2 towards members is BIG-IP's HTTP/2 full-proxy mode (serverside http2 plus
        # httprouter profiles), which this provider does not configure. A server-ssl profile
        # offers no ALPN, so members are spoken to in HTTP/1.x: acceptable while the list
        # allows HTTP/1.x (the members then serve as they would to a client without ALPN),
        # refused when it asks for h2 only.
        raise exceptions.UnsupportedOption(
            'alpn_protocols', 'BIG-IP talks HTTP/1.x to pool members; a list without '
                              'http/1.1 or http/1.0 cannot be honoured')


def pool_resources(listener_id, pool, ctx):
    """(resources, profile references) of the server-ssl profile for a TLS pool."""
    if not pool or not pool.get('tls_enabled'):
        return [], []
    validate_pool(pool)
    items, trust = _trust(ctx, listener_id, 'server', pool.get('ca_tls_container_data'),
                          pool.get('crl_container_data'))
    fields = dict(trust, peerCertMode='require' if pool.get('ca_tls_container_data')
                  else 'ignore', cert='none', key='none',
                  ciphers=ciphers('tls_ciphers', pool.get('tls_ciphers')))
    container = pool.get('tls_container_data')
    if container:
        items = container_resources(container, ctx) + items
        fields.update(cert=names.full_path(ctx.partition, names.certificate(container['id'])),
                      key=names.full_path(ctx.partition, names.key(container['id'])))
        if container.get('intermediates'):
            fields['chain'] = names.full_path(ctx.partition, names.chain(container['id']))
    versions = options('tls_versions', pool.get('tls_versions'))
    if versions is not None:
        fields['options'] = versions
    name = names.listener_object(listener_id, 'serverssl')
    items.append(resource.make('ltm/profile/server-ssl', ctx.partition, name,
                               defaultsFrom=ctx.parent('server-ssl'), **fields))
    return items, [{'name': names.full_path(ctx.partition, name), 'context': 'serverside'}]
