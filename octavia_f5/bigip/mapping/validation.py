# SPDX-License-Identifier: Apache-2.0
"""Reading Octavia provider dicts: required fields, enums, addresses, ports, timeouts, PEM."""

import ipaddress

from cryptography.hazmat.primitives import serialization
from cryptography import x509

from octavia_f5.common import exceptions

# Octavia's largest timeout (one year in ms), the range of its four listener timeouts.
MAX_TIMEOUT_MS = 31536000000
_BROADCAST = ipaddress.ip_address('255.255.255.255')


def required(obj, key, field=None):
    """obj[key], or InvalidValue (naming ``field`` or ``key``) when it is missing or None."""
    value = obj.get(key)
    if value is None:
        raise exceptions.InvalidValue(field or key, 'is required')
    return value


def enabled(obj):
    """admin_state_up, which Octavia defaults to True when it was not given."""
    return obj.get('admin_state_up') is not False


def supported(field, value, choices, what=None):
    """Return ``value`` if it is one of ``choices``, else raise UnsupportedOption."""
    if value not in choices:
        raise exceptions.UnsupportedOption(
            field, '%r is not supported%s; supported: %s'
            % (value, (' ' + what) if what else '', ', '.join(sorted(str(c) for c in choices))))
    return value


def ip_address(field, value):
    """A unicast address a virtual server can listen on or a member can be reached at.

    Octavia lets any address through but its metadata address. A BIG-IP node at 0.0.0.0 or ::
    would be a wildcard, a loopback address reaches the BIG-IP's own services (127.0.0.0/8
    carries its internal traffic), multicast and broadcast addresses are no hosts, and an
    IPv4-mapped IPv6 address is an IPv4 host that BIG-IP would try to reach over IPv6.
    """
    try:
        address = ipaddress.ip_address(value)
    except (TypeError, ValueError):
        raise exceptions.InvalidValue(field, 'an IPv4 or IPv6 address is required, got %r'
                                      % (value,))
    if getattr(address, 'ipv4_mapped', None):
        raise exceptions.InvalidValue(field, 'IPv4-mapped IPv6 address %s: give the IPv4 '
                                             'address %s' % (value, address.ipv4_mapped))
    for kind in ('unspecified', 'loopback', 'multicast'):
        if getattr(address, 'is_' + kind):
            raise exceptions.InvalidValue(field, 'a unicast host address is required, got '
                                                 'the %s address %s' % (kind, value))
    if address == _BROADCAST:
        raise exceptions.InvalidValue(field, 'a unicast host address is required, got the '
                                             'broadcast address %s' % value)
    return address


def ip_network(field, value):
    try:
        return ipaddress.ip_network(value, strict=False)
    except (TypeError, ValueError):
        raise exceptions.InvalidValue(field, 'a CIDR is required, got %r' % (value,))


def port(field, value):
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise exceptions.InvalidValue(field, 'a port 1-65535 is required, got %r' % (value,))
    return value


def integer(field, value, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise exceptions.InvalidValue(field, 'an integer %d-%d is required, got %r'
                                      % (low, high, value))
    return value


def whole_seconds(field, milliseconds):
    """Octavia's millisecond timeouts as BIG-IP's whole seconds; other values are refused.

    Rounding would silently change what the user asked for.
    """
    integer(field, milliseconds, 0, MAX_TIMEOUT_MS)
    if milliseconds % 1000:
        raise exceptions.UnsupportedOption(
            field, 'BIG-IP timeouts are whole seconds; give a multiple of 1000 ms, got %d'
            % milliseconds)
    return milliseconds // 1000


def pem(field, value):
    """PEM text (str); bytes are decoded. Never echoes the value: it may be a private key."""
    if isinstance(value, bytes):
        try:
            value = value.decode('ascii')
        except UnicodeDecodeError:
            raise exceptions.InvalidValue(field, 'PEM data must be ASCII')
    if not isinstance(value, str) or '-----BEGIN ' not in value:
        raise exceptions.InvalidValue(field, 'PEM data is required')
    return value


def key_pair(field, container):
    """Refuse a TLS container whose private key is not its certificate's.

    Octavia checks that each parses, not that they belong together; BIG-IP refuses the
    client-ssl profile (01070317 "key and certificate do not match") after the files were
    uploaded. A pair that does not parse is left to the device (Octavia parsed both before).
    Neither is echoed: one is a private key.
    """
    if not isinstance(container, dict) or container.get('passphrase'):
        return
    certificate, key = container.get('certificate'), container.get('private_key')
    if not certificate or not key:
        return
    try:
        public = x509.load_pem_x509_certificate(_bytes(certificate)).public_key()
        # The key's own consistency checks are BIG-IP's; only which key it is matters here.
        private = serialization.load_pem_private_key(_bytes(key), password=None,
                                                     unsafe_skip_rsa_key_validation=True)
    except (TypeError, ValueError):
        return
    der = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if public.public_bytes(*der) != private.public_key().public_bytes(*der):
        raise exceptions.InvalidValue(field, 'the private key does not belong to the '
                                             'certificate')


def _bytes(value):
    return value.encode('ascii', 'replace') if isinstance(value, str) else value


def truthy(value):
    """Octavia's insert_headers values arrive as 'true'/'True'/'false' strings or booleans."""
    if isinstance(value, str):
        return value.strip().lower() == 'true'
    return bool(value)
