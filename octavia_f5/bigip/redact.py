# SPDX-License-Identifier: Apache-2.0
"""Masking of secrets (passwords, tokens, private keys) in anything the client logs or raises.

Every log line and exception text of the client passes through a Redactor. It masks three
things: values it was told about (the device password, every token it received), structured
secrets wherever they appear (PEM private-key blocks, "password"/"passphrase"/"token" fields),
and token values inside URL paths (/mgmt/shared/authz/tokens/<token>).
"""

import json
import logging
import re
import threading

MASK = '***'
# Field names whose values are secret, compared in lower case. 'key' is not among them: on a
# BIG-IP it names a key object (/Common/x.key), which is useful in a log; key *material* is
# caught by the PEM pattern instead.
SECRET_FIELDS = frozenset(('password', 'passphrase', 'token', 'oldpassword', 'newpassword',
                           'secret', 'privatekey', 'private_key'))
# A secret shorter than this is only masked inside structured fields: masking 'ab' in free
# text would destroy every log line without protecting anything.
MIN_FREE_TEXT_SECRET = 4
LOG_BODY_LIMIT = 2000

# An unterminated block (a truncated body) is masked up to the end of the text.
_PEM_KEY = re.compile(r'-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----.*?'
                      r'(?:-----END \1PRIVATE KEY-----|\Z)', re.S)
_TOKEN_PATH = re.compile(r'(/mgmt/shared/authz/tokens/)[^/?#\s\'"]+')
_JSON_FIELD = re.compile(r'("(?:%s)"\s*:\s*)"(?:[^"\\]|\\.)*"' % '|'.join(SECRET_FIELDS),
                         re.I)
_PEM_MASK = '-----BEGIN PRIVATE KEY----- %s -----END PRIVATE KEY-----' % MASK
# urllib3 logs request lines with their URL, which for token release holds the token.
_THIRD_PARTY_LOGGERS = ('urllib3.connectionpool', 'urllib3.util.retry')
_filter_lock = threading.Lock()


def patterns(text):
    """Mask PEM private keys, secret JSON fields and token paths in ``text``."""
    text = _PEM_KEY.sub(_PEM_MASK, text)
    text = _JSON_FIELD.sub(r'\1"%s"' % MASK, text)
    return _TOKEN_PATH.sub(r'\1%s' % MASK, text)


def body(value):
    """A copy of a JSON body with secret fields and private keys masked."""
    if isinstance(value, dict):
        return {k: (MASK if _is_secret_field(k, v) else body(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [body(v) for v in value]
    if isinstance(value, str):
        return _PEM_KEY.sub(_PEM_MASK, value)
    return value


def secrets_in(value):
    """The secret strings a body carries: values of secret fields and whole PEM key blocks.

    Used to mask a device's error message that echoes part of the request.
    """
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if _is_secret_field(key, item) and isinstance(item, str):
                found.append(item)
            else:
                found.extend(secrets_in(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(secrets_in(item))
    elif isinstance(value, str):
        found.extend(m.group(0) for m in _PEM_KEY.finditer(value))
    return found


def _is_secret_field(key, value):
    # A {"token": {...}} object is walked into, so that its inner fields are judged one by one.
    return key.lower() in SECRET_FIELDS and not isinstance(value, (dict, list))


class Redactor(object):
    """Masks the secrets one device client knows of, plus the structured patterns."""

    def __init__(self, secrets=()):
        self._lock = threading.Lock()
        self._secrets = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret):
        """Remember a secret (a password, a token) so that it is masked wherever it appears."""
        if not secret:
            return
        # Inside JSON text a secret with quotes or backslashes appears escaped.
        forms = {secret, json.dumps(secret)[1:-1]}
        with self._lock:
            self._secrets.update(f for f in forms if len(f) >= MIN_FREE_TEXT_SECRET)

    def text(self, value, extra=()):
        """``value`` as a string with every known secret (and ``extra`` ones) masked."""
        text = patterns(str(value))
        with self._lock:
            known = set(self._secrets)
        known.update(s for s in extra if s and len(s) >= MIN_FREE_TEXT_SECRET)
        # Longest first, so that a secret containing another one is masked whole.
        for secret in sorted(known, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text

    def path(self, path):
        """A URL path fit for a log line or an exception."""
        return self.text(path)

    def body_text(self, value, limit=LOG_BODY_LIMIT):
        """A JSON body as a masked, length-capped string for a debug log line."""
        text = self.text(json.dumps(body(value), sort_keys=True))
        return text if len(text) <= limit else text[:limit] + '...'


class _PatternFilter(logging.Filter):
    """Masks secrets in records of third-party loggers that the client cannot format itself."""

    def filter(self, record):
        message = record.getMessage()
        masked = patterns(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def install_log_filter():
    """Attach the masking filter to urllib3's loggers (once per process)."""
    with _filter_lock:
        for name in _THIRD_PARTY_LOGGERS:
            logger = logging.getLogger(name)
            if not any(isinstance(f, _PatternFilter) for f in logger.filters):
                logger.addFilter(_PatternFilter())
