# SPDX-License-Identifier: Apache-2.0
"""The errors a BIG-IP answers with, as one exception carrying the status and the exact body.

Message texts follow /work/shared/reference/icontrol-rest.md section 0.2; where the reference
has no capture the text is marked [U] in docs/simulator.md ("Backend rules").
"""

import json

# apiError values (reference section 0.1).
MCPD = 3
TRANSACTION = 2
FRAMEWORK = 26214401
SECRETS = frozenset(('passphrase', 'password', 'encryptionPassphrase',
                     'cookieEncryptionPassphrase', 'encryptCookieSecret'))


class BigipError(Exception):
    """A refusal: HTTP status plus the body {"code","message","errorStack","apiError"}."""

    def __init__(self, status, message, api_error=MCPD):
        super().__init__(message)
        self.status = status
        self.message = message
        self.api_error = api_error

    @property
    def body(self):
        return {'code': self.status, 'message': self.message, 'errorStack': [],
                'apiError': self.api_error}


class RestError(BigipError):
    """A restjavad refusal (kind ":resterrorresponse"), e.g. a URI no worker serves."""

    @property
    def body(self):
        return {'code': self.status, 'message': self.message, 'referer': 'localhost',
                'restOperationId': 0, 'kind': ':resterrorresponse'}


def not_found(label, path, status=404):
    """01020036: the object named in the URL (404) or referenced by a body (400) is missing."""
    return BigipError(status, '01020036:3: The requested %s (%s) was not found.' % (label, path))


def already_exists(label, path, partition):
    return BigipError(409, '01020066:3: The requested %s (%s) already exists in partition %s.'
                      % (label, path, partition))


def in_use(label, path, user_label, user_path):
    """01070265, the generic "cannot be deleted because it is in use" of mcpd."""
    return BigipError(400, '01070265:3: The %s (%s) cannot be deleted because it is in use by '
                      'a %s (%s).' % (label, path, user_label, user_path))


def invalid_value(key, value):
    """icrd's answer to a value outside a property's enumeration (reference 0.2)."""
    return BigipError(400, 'invalid property value "%s":%s' % (key, _json(value, key)),
                      FRAMEWORK)


def unexpected_pair(item, key, value):
    """icrd's answer to a property the object type does not have. [U text]"""
    return BigipError(400, 'Found unexpected json pair at configuration item %s. The json pair '
                      'is "%s":%s.' % (item, key, _json(value, key)), FRAMEWORK)


def no_identifier():
    """A create without a name (text from an f5-ansible capture, BIG-IP 12.1)."""
    return BigipError(400, 'one or more configuration identifiers must be provided', FRAMEWORK)


def folder_not_found(path, status=400):
    return not_found('folder', path, status)


def cross_partition(user_noun, user_path, target_plural, target_path):
    """01070726: objects may reference their own partition or /Common only (BIG-IP capture)."""
    return BigipError(400, '01070726:3: A %s may only reference %s in the same partition or the '
                      'common partition (%s:%s)' % (user_noun, target_plural, user_path,
                                                    target_path))


def config_error(text):
    """01070734, mcpd's generic "Configuration error". [U for the individual texts]"""
    return BigipError(400, '01070734:3: Configuration error: %s' % text)


def bad_request(text, api_error=FRAMEWORK):
    return BigipError(400, text, api_error)


def unregistered(path):
    """restjavad's 404 for a URI that no worker serves; the path is shown without /mgmt."""
    if path.startswith('/mgmt/'):
        path = path[len('/mgmt'):]
    return RestError(404, 'Public URI path not registered: %s' % path)


def _json(value, key=None):
    return json.dumps(_masked(value, key), separators=(',', ':'))


def _masked(value, key=None):
    """Secrets are never echoed in an error text, however deep they sit in the value."""
    if key in SECRETS:
        return '***'
    if isinstance(value, dict):
        return {k: _masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value
