# SPDX-License-Identifier: Apache-2.0
"""Reading Octavia provider dicts: required fields, enums, addresses, ports, timeouts, PEM."""

import ipaddress

from octavia_f5.common import exceptions

# Octavia's largest timeout (one year in ms), the range of its four listener timeouts.
MAX_TIMEOUT_MS = 31536000000


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
    try:
        return ipaddress.ip_address(value)
    except (TypeError, ValueError):
        raise exceptions.InvalidValue(field, 'an IPv4 or IPv6 address is required, got %r'
                                      % (value,))


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


def truthy(value):
    """Octavia's insert_headers values arrive as 'true'/'True'/'false' strings or booleans."""
    if isinstance(value, str):
        return value.strip().lower() == 'true'
    return bool(value)
