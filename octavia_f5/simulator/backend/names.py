# SPDX-License-Identifier: Apache-2.0
"""Names, full paths, URL segments and route-domain addresses as a BIG-IP spells them."""

import ipaddress
import urllib.parse

LINK = 'https://localhost/mgmt/tm/'
COMMON = '/Common'


def decode(segment):
    """A URL path segment as received (%25 -> %, %3A -> :)."""
    return urllib.parse.unquote(segment) if '%' in segment else segment


def segment_to_path(segment):
    """'~P~sub~name' -> '/P/sub/name'; a bare name lives in /Common (reference 2.1)."""
    if segment.startswith('~'):
        return segment.replace('~', '/')
    return COMMON + '/' + segment


def path_to_segment(full_path):
    """'/P/10.0.0.1%2:80' -> '~P~10.0.0.1%252:80' (the % of a route domain is encoded)."""
    return full_path.replace('/', '~').replace('%', '%25')


def split(full_path):
    """'/P/sub/name' -> ('P', 'sub' or None, 'name')."""
    parts = full_path.split('/')
    if len(parts) < 3 or parts[0]:
        return None, None, full_path
    sub = '/'.join(parts[2:-1]) or None
    return parts[1], sub, parts[-1]


def folder_of(full_path):
    return full_path.rsplit('/', 1)[0]


def identity(body, partitioned=True):
    """(fullPath, partition, subPath, name) of a create body; the partition defaults to Common.

    A name may itself be a full path ('/P/Drafts/x'), as the policy publish command sends it.
    """
    name = body.get('name')
    if not isinstance(name, str) or not name:
        return None
    if not partitioned:
        return name, None, None, name
    if name.startswith('/'):
        partition, sub, short = split(name)
        if partition is None:
            return None
        return name, partition, sub, short
    partition = str(body.get('partition') or 'Common').strip('/')
    sub = body.get('subPath')
    sub = str(sub).strip('/') if sub else None
    folder = '/' + partition + ('/' + sub if sub else '')
    return folder + '/' + name, partition, sub, name


def candidates(name, folder):
    """Where BIG-IP looks for a relative name: the object's own folder, then /Common."""
    if name.startswith('/'):
        return (name,)
    own = folder + '/' + name
    return (own,) if folder == COMMON else (own, COMMON + '/' + name)


def partition_of(full_path):
    return full_path.split('/', 2)[1] if full_path.startswith('/') else full_path


# --- addresses ---------------------------------------------------------------------------------

def parse_ip(text, prefix=False):
    """'10.0.0.1%2/24' -> (IPv4Address, 2, 24); the route domain and prefix may be absent.

    Raises ValueError for anything that is not an address in BIG-IP notation.
    """
    if not isinstance(text, str):
        raise ValueError(text)
    length = None
    if prefix and '/' in text:
        text, _, bits = text.partition('/')
        length = int(bits)
    rd = None
    if '%' in text:
        text, _, rd_text = text.partition('%')
        if not rd_text.isdigit():
            raise ValueError(rd_text)
        rd = int(rd_text)
    ip = ipaddress.ip_address(text)
    if length is not None and not 0 <= length <= ip.max_prefixlen:
        raise ValueError(length)
    return ip, rd, length


def is_ip(text):
    try:
        parse_ip(text)
    except ValueError:
        return False
    return True


def split_port(text):
    """'10.0.0.1%2:80' -> ('10.0.0.1%2', '80'); IPv6 uses '.' ('2001:db8::1.80')."""
    if text.count(':') > 1:
        addr, sep, port = text.rpartition('.')
    else:
        addr, sep, port = text.rpartition(':')
    if not sep or not addr:
        raise ValueError(text)
    return addr, port


def parse_port(text):
    if isinstance(text, int) and not isinstance(text, bool):
        port = text
    elif text in ('any', '*'):
        return 0
    elif isinstance(text, str) and text.isdigit():
        port = int(text)
    else:
        raise ValueError(text)
    if not 0 <= port <= 65535:
        raise ValueError(text)
    return port


def join_port(addr, port):
    return '%s%s%d' % (addr, '.' if addr.count(':') > 1 else ':', port)


def host_mask(ip):
    return '255.255.255.255' if ip.version == 4 else 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'


def any_source(ip, rd):
    """The default `source` of a virtual: every client of the destination's family."""
    base = '0.0.0.0' if ip.version == 4 else '::'
    return '%s%s/0' % (base, '%%%d' % rd if rd else '')
