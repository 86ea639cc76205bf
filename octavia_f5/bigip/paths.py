# SPDX-License-Identifier: Apache-2.0
"""iControl REST URL paths, object names with route domains and ports, and query parameters."""

import ipaddress
import urllib.parse

TM_ROOT = '/mgmt/tm'
UPLOAD_ROOT = '/mgmt/shared/file-transfer/uploads'
# BIG-IP writes files uploaded through file-transfer here; install commands refer to them.
UPLOAD_DIR = '/var/config/rest/downloads'

# Characters that keep their meaning in a BIG-IP URL segment. '%' is not among them: the
# route-domain suffix of '10.0.0.1%2:80' must travel as '%25' (icontrol-rest.md 2.1).
_SEGMENT_SAFE = "~:.-_@!$&'()*+,;="
# '~' separates the partition, sub-path and name in a URL; '/' separates them in a fullPath.
_ILLEGAL_IN_NAMES = ('~', '/')


def _check_part(kind, value):
    if not value:
        raise ValueError('empty BIG-IP %s' % kind)
    for char in _ILLEGAL_IN_NAMES:
        if char in value:
            raise ValueError('BIG-IP %s %r must not contain %r' % (kind, value, char))


def encode_segment(segment):
    """Percent-encode one URL segment as BIG-IP expects ('%' -> '%25', ':' and '~' kept)."""
    return urllib.parse.quote(segment, safe=_SEGMENT_SAFE)


def full_path(partition, name, sub_path=None):
    """The fullPath of an object: '/Partition/name' or '/Partition/subPath/name'."""
    _check_part('partition', partition)
    _check_part('name', name)
    if sub_path:
        _check_part('sub-path', sub_path)
        return '/%s/%s/%s' % (partition, sub_path, name)
    return '/%s/%s' % (partition, name)


def uri_name(name, partition=None, sub_path=None):
    """The item segment of a URL: '~Partition~name', '~P~subPath~name', or a bare name.

    A name that is already a fullPath ('/P/name') is converted as it stands. A bare name
    addresses an object in /Common (icontrol-rest.md 2.1).
    """
    if name.startswith('/'):
        return encode_segment(name.replace('/', '~'))
    if partition is None:
        _check_part('name', name)
        return encode_segment(name)
    return encode_segment(full_path(partition, name, sub_path).replace('/', '~'))


def collection(name):
    """The URL path of a collection: 'ltm/pool' -> '/mgmt/tm/ltm/pool'."""
    return '%s/%s' % (TM_ROOT, name.strip('/'))


def item(collection_name, name, partition=None, sub_path=None):
    """The URL path of one object, e.g. '/mgmt/tm/ltm/pool/~P~pool_1'."""
    return '%s/%s' % (collection(collection_name), uri_name(name, partition, sub_path))


def sub_item(parent, sub_collection, name, partition=None):
    """The URL path of an item of a sub-collection, e.g. a member of a pool.

    ``parent`` is the URL path of the parent object:
    sub_item(item('ltm/pool', 'pool_1', 'P'), 'members', '10.0.0.1%2:80', 'P') ->
    '/mgmt/tm/ltm/pool/~P~pool_1/members/~P~10.0.0.1%252:80'.
    """
    return '%s/%s/%s' % (parent, sub_collection, uri_name(name, partition))


def upload(file_name):
    """The URL path that receives the bytes of an uploaded file."""
    _check_part('file name', file_name)
    return '%s/%s' % (UPLOAD_ROOT, encode_segment(file_name))


def address(ip, route_domain=None):
    """An address in a route domain: '10.0.0.1%2'; route domain 0 or None is the default."""
    text = str(ipaddress.ip_address(ip))
    return '%s%%%d' % (text, route_domain) if route_domain else text


def address_port(ip, port, route_domain=None):
    """A virtual destination or member name: '10.0.0.1%2:80', '2001:db8::1%2.80'.

    BIG-IP separates the port of an IPv6 address with '.', because ':' is part of the address.
    """
    separator = '.' if ipaddress.ip_address(ip).version == 6 else ':'
    return '%s%s%d' % (address(ip, route_domain), separator, int(port))


def split_address_port(text):
    """Parse a destination or member name back into (ip, route_domain or None, port).

    Accepts the forms address_port() builds, with or without a leading '/Partition/'.
    """
    text = text.rsplit('/', 1)[-1]
    separator = '.' if text.count(':') > 1 else ':'
    host, _sep, port = text.rpartition(separator)
    ip, _pct, domain = host.partition('%')
    return (str(ipaddress.ip_address(ip)), int(domain) if domain else None, int(port))


def query(select=None, partition=None, expand=False):
    """Query parameters for a GET: $select, $filter=partition eq X, expandSubcollections."""
    params = {}
    if select:
        params['$select'] = ','.join(select)
    if partition:
        params['$filter'] = 'partition eq %s' % partition
    if expand:
        params['expandSubcollections'] = 'true'
    return params


def encode_query(params):
    """Encode query parameters the way BIG-IP documents them: '$select=a,b&$filter=partition+eq+P'.

    Older TMOS versions (before 11.6) understand the $filter only with literal '+' for spaces
    (icontrol-rest.md 2.3), and '$' and ',' are kept readable in logs.
    """
    return urllib.parse.urlencode(params, safe='$,~/:', quote_via=urllib.parse.quote_plus)
