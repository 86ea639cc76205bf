# SPDX-License-Identifier: Apache-2.0
"""Listener protocols the API driver has seen, so that L7 requests can be refused in the call.

Octavia hands ``l7policy_create`` the policy with its ``listener_id`` only, and
``l7rule_create`` the rule with its ``l7policy_id`` only; whether BIG-IP can carry them
depends on the listener's protocol (L7 needs HTTP; SSL_* rules need TERMINATED_HTTPS). Asking
the driver agent would put its socket in the request path. A listener's protocol never
changes, and every listener and policy passes through this driver when it is created, so the
driver notes ``listener -> protocol`` and ``policy -> listener`` in the jobboard's Redis (one
hash each) and looks them up: one Redis round trip.

Unknown (created before this existed, or Redis trouble): the request is accepted, and the
worker applies the same rule; the object then ends ERROR with nothing written.
"""

import threading

from oslo_config import cfg
from oslo_log import log as logging
import redis

from octavia_f5.controller import jobboard

LOG = logging.getLogger(__name__)

_LOCK = threading.Lock()
_CLIENT = [None, None]    # [settings, redis.Redis]


def _redis():
    settings = jobboard.board_conf(cfg.CONF)
    with _LOCK:
        if _CLIENT[1] is None or _CLIENT[0] != settings:
            options = dict(settings)
            options.pop('namespace')
            _CLIENT[:] = [settings, redis.Redis(**options)]
        return _CLIENT[1], settings['namespace']


def _keys(namespace):
    return '%s:listener-protocol' % namespace, '%s:l7policy-listener' % namespace


def _safely(what, function):
    try:
        return function(*_redis())
    except redis.RedisError as error:
        LOG.warning('Cannot %s in Redis: %s', what, error)
        return None


def remember(listeners=(), policies=()):
    """Note listener dicts' protocols and L7 policy dicts' listeners."""
    protocols = {lst['listener_id']: lst['protocol'] for lst in listeners
                 if lst.get('listener_id') and lst.get('protocol')}
    owners = {p['l7policy_id']: p['listener_id'] for p in policies
              if p.get('l7policy_id') and p.get('listener_id')}

    def write(client, namespace):
        protocol_key, owner_key = _keys(namespace)
        with client.pipeline(transaction=False) as pipe:
            if protocols:
                pipe.hset(protocol_key, mapping=protocols)
            if owners:
                pipe.hset(owner_key, mapping=owners)
            pipe.execute()
    if protocols or owners:
        _safely('note listener protocols', write)


def forget(listener_ids=(), policy_ids=()):
    def delete(client, namespace):
        protocol_key, owner_key = _keys(namespace)
        with client.pipeline(transaction=False) as pipe:
            if listener_ids:
                pipe.hdel(protocol_key, *listener_ids)
            if policy_ids:
                pipe.hdel(owner_key, *policy_ids)
            pipe.execute()
    if listener_ids or policy_ids:
        _safely('forget listener protocols', delete)


def of_listener(listener_id):
    """The listener's protocol, or None when unknown."""
    def read(client, namespace):
        value = client.hget(_keys(namespace)[0], listener_id)
        return value.decode() if value is not None else None
    return _safely('read a listener protocol', read) if listener_id else None


def of_policy(l7policy_id):
    """The protocol of the policy's listener, or None when unknown."""
    def read(client, namespace):
        protocol_key, owner_key = _keys(namespace)
        listener_id = client.hget(owner_key, l7policy_id)
        if listener_id is None:
            return None
        value = client.hget(protocol_key, listener_id)
        return value.decode() if value is not None else None
    return _safely('read a policy\'s listener protocol', read) if l7policy_id else None


def reset():
    """Drop the process-wide connection (tests)."""
    with _LOCK:
        _CLIENT[:] = [None, None]
