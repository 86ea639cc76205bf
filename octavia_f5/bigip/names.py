# SPDX-License-Identifier: Apache-2.0
"""Every BIG-IP object name the driver uses, derived from Octavia ids and nothing else.

Rules that make names safe and recognisable:

* Only ids reach a name, and every id is checked against ``_ID`` first: a name can then never
  carry characters that BIG-IP, a URL or a generated iRule would misread (the L7 and PROXY
  iRules quote pool paths built here without further escaping).
* Everything an Octavia object owns starts with ``<kind>_<id>`` (``listener_<id>_http``,
  ``hm_<id>_<member id>``), so the reconciler can tell an obsolete object of an existing owner
  from an object of a deleted owner by name alone.
* Certificate and key objects are named by TLS container id (``tls_<container id>.crt``):
  listeners that use the same container share them, which is why their deletion must tolerate
  "in use".
"""

import ipaddress
import re

from octavia_f5.common import exceptions

# Octavia ids are UUIDs, Keystone project ids 32 hex digits, TLS container ids hex digests.
_ID = re.compile(r'\A[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z')
# Partition names become folder names and URL segments ('~' and '/' would split them).
_PREFIX = re.compile(r'\A[A-Za-z0-9_.-]{0,32}\Z')

LOADBALANCER = 'lb'
LISTENER = 'listener'
POOL = 'pool'
HEALTHMONITOR = 'hm'
L7POLICY = 'l7policy'
TLS = 'tls'

# BIG-IP writes file-transfer uploads here; ssl-cert/ssl-key/ssl-crl install from it.
UPLOAD_DIR = '/var/config/rest/downloads'


def check_id(field, value):
    """Return ``value`` if it is a safe Octavia id, else raise InvalidValue naming ``field``."""
    if not isinstance(value, str) or not _ID.match(value):
        raise exceptions.InvalidValue(
            field, 'an id of 1-64 letters, digits, "_", "." or "-" is required, got %r'
            % (value,))
    return value


def check_prefix(value):
    """Return a partition prefix if it is safe, else raise InvalidValue."""
    if not isinstance(value, str) or not _PREFIX.match(value):
        raise exceptions.InvalidValue(
            'partition_prefix', 'up to 32 letters, digits, "_", "." or "-" are allowed')
    return value


def partition(prefix, project_id):
    """The partition of a project: ``<prefix><project_id>``."""
    return check_prefix(prefix) + check_id('project_id', project_id)


def route_domain(prefix, project_id):
    """The route domain of a project's partition lives in /Common under the partition's name."""
    return partition(prefix, project_id)


def virtual_address(loadbalancer_id):
    return '%s_%s' % (LOADBALANCER, check_id('loadbalancer_id', loadbalancer_id))


def virtual(listener_id):
    return '%s_%s' % (LISTENER, check_id('listener_id', listener_id))


def listener_object(listener_id, role):
    """A profile, iRule, policy, data group or file owned by one listener."""
    return '%s_%s' % (virtual(listener_id), role)


def pool(pool_id):
    return '%s_%s' % (POOL, check_id('pool_id', pool_id))


def monitor(healthmonitor_id):
    return '%s_%s' % (HEALTHMONITOR, check_id('healthmonitor_id', healthmonitor_id))


def member_monitor(healthmonitor_id, member_id):
    """The monitor probing one member at its monitor_address / monitor_port."""
    return '%s_%s' % (monitor(healthmonitor_id), check_id('member_id', member_id))


def l7rule(l7policy_id):
    """The rule of an LTM policy (or iRule branch) that stands for one Octavia L7 policy."""
    return '%s_%s' % (L7POLICY, check_id('l7policy_id', l7policy_id))


def certificate(container_id):
    return '%s_%s.crt' % (TLS, check_id('tls container id', container_id))


def key(container_id):
    return '%s_%s.key' % (TLS, check_id('tls container id', container_id))


def chain(container_id):
    return '%s_%s_chain.crt' % (TLS, check_id('tls container id', container_id))


def upload_path(partition_name, name):
    """The sourcePath from which an uploaded file is installed (one upload per object)."""
    return 'file:%s/%s_%s' % (UPLOAD_DIR, partition_name, name)


def full_path(partition_name, name):
    return '/%s/%s' % (partition_name, name)


def address(ip, route_domain_id):
    """An address with its route-domain suffix: ``10.0.0.1%2``; none in route domain 0.

    The address is written in canonical form because BIG-IP compares (and names nodes by) the
    text, so ``2001:DB8:0::1`` and ``2001:db8::1`` must not become two nodes.
    """
    text = ipaddress.ip_address(ip).compressed
    return '%s%%%d' % (text, route_domain_id) if route_domain_id else text


def address_port(ip, route_domain_id, port):
    """``10.0.0.1%2:80`` or, IPv6, ``2001:db8::1%2.80`` (':' is part of the address there)."""
    separator = '.' if ipaddress.ip_address(ip).version == 6 else ':'
    return '%s%s%d' % (address(ip, route_domain_id), separator, port)


def member(ip, route_domain_id, port):
    """A pool member's name: its node (the address) and port."""
    return address_port(ip, route_domain_id, port)


def node(ip, route_domain_id):
    """The node BIG-IP creates for a member (named by address; removed by the flows)."""
    return address(ip, route_domain_id)
