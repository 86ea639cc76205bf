# SPDX-License-Identifier: Apache-2.0
"""Fernet encryption of certificate and key material inside job payloads.

The rule, applied recursively to every dict of a payload (also inside lists):

* a *secret field* is a key that ends in ``_container_data`` (TLS containers, SNI container
  lists, client CA and CRL PEMs of listeners and pools) or is one of ``certificate``,
  ``private_key``, ``intermediates``, ``passphrase`` (the fields of a TLS container dict);
* the whole value of a secret field, unless it is None, is serialised as JSON (bytes become
  UTF-8 text) and replaced by an envelope ``{"__f5_encrypted__": "<Fernet token>"}``;
* everything else is copied unchanged, and the input is never modified;
* encrypting an envelope again leaves it as it is, so encrypting twice is harmless.

Decryption replaces every envelope by its original value (bytes come back as text). The key is
``[f5_jobboard] secret_key``; it is needed only when a payload holds secret fields.
"""

import functools

from cryptography import fernet
from oslo_config import cfg
from oslo_serialization import jsonutils

from octavia_f5.common import config
from octavia_f5.common import exceptions

ENVELOPE = '__f5_encrypted__'
SECRET_SUFFIX = '_container_data'
# The fields of octavia-lib's TLS container dict (cert_parser._map_cert_tls_container); Octavia
# masks the same names in its own TaskFlow logs.
SECRET_FIELDS = frozenset(['certificate', 'private_key', 'intermediates', 'passphrase'])


def is_secret_field(name):
    """Whether the value under this dict key is certificate or key material."""
    return isinstance(name, str) and (name.endswith(SECRET_SUFFIX) or name in SECRET_FIELDS)


def is_envelope(value):
    """Whether ``value`` is an encrypted envelope made by this module."""
    return isinstance(value, dict) and len(value) == 1 and ENVELOPE in value


@functools.lru_cache(maxsize=4)
def _fernet(key):
    try:
        return fernet.Fernet(key)
    except (ValueError, TypeError):
        # The exception text of cryptography may quote the key: say only where to look.
        raise exceptions.SecretError(
            '[%s] secret_key is not a valid Fernet key (urlsafe base64 of 32 bytes); '
            'create one with: python3 -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"' % config.JOBBOARD_GROUP) from None


def _configured_fernet(key):
    key = key if key is not None else cfg.CONF[config.JOBBOARD_GROUP].secret_key
    if not key:
        raise exceptions.SecretError(
            'The payload holds certificate or key material but [%s] secret_key is not set; '
            'set the same Fernet key on every API node and worker' % config.JOBBOARD_GROUP)
    return _fernet(key)


def _walk(value, on_secret):
    if isinstance(value, dict):
        return {k: (on_secret(v) if is_secret_field(k) and v is not None
                    else _walk(v, on_secret))
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_walk(v, on_secret) for v in value]
    return value


def contains_secrets(payload):
    """Whether any secret field of ``payload`` holds a value that is not yet encrypted."""
    found = []

    def _note(value):
        if not is_envelope(value):
            found.append(True)
        return value

    _walk(payload, _note)
    return bool(found)


def encrypt_payload(payload, key=None):
    """A copy of ``payload`` with every secret field's value in an encrypted envelope.

    :param payload: plain types only (dict, list, str, bytes, numbers, bool, None)
    :param key: Fernet key; default ``[f5_jobboard] secret_key``
    :raises SecretError: secrets present and no usable key
    """
    # One walk: the key is looked up at the first secret, so a payload without any needs
    # none (this runs in the API request path, where a second walk showed in the p99).
    box = []

    def _seal(value):
        if is_envelope(value):
            return value
        if not box:
            box.append(_configured_fernet(key))
        token = box[0].encrypt(jsonutils.dump_as_bytes(value))
        return {ENVELOPE: token.decode('ascii')}

    return _walk(payload, _seal)


def decrypt_payload(payload, key=None):
    """A copy of ``payload`` with every envelope replaced by the value it holds.

    Call it inside a task, at the point of use, and never return its result from a task:
    task results are stored in the persistence database.

    :raises SecretError: no key, or the token was made with another key
    """
    box = []

    def _open(value):
        if not is_envelope(value):
            return value
        if not box:
            box.append(_configured_fernet(key))
        try:
            return jsonutils.loads(box[0].decrypt(value[ENVELOPE].encode('ascii')))
        except fernet.InvalidToken:
            raise exceptions.SecretError(
                'Cannot decrypt certificate or key material of a job: [%s] secret_key '
                'differs between the API node that posted it and this worker'
                % config.JOBBOARD_GROUP) from None

    return _walk(payload, _open)
