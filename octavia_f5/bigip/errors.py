# SPDX-License-Identifier: Apache-2.0
"""Turning a device's error answers and transport failures into typed exceptions.

A BIG-IP answers errors in three shapes (icontrol-rest.md 0.1): mcpd's
{"code","message","errorStack","apiError"}, restjavad's {"code","message",...,"kind":
":resterrorresponse"}, and HTML pages from httpd or Jetty while the REST stack restarts. All
three become one exception class chosen by status and message, never carrying the request body.
"""

import re
import ssl

import requests
from urllib3 import exceptions as urllib3_exceptions

from octavia_f5.common import exceptions

# mcpd messages start with an 8-hex-digit id and the severity: '01020036:3: The requested...'.
# Inside a failed commit the id follows 'transaction failed:'.
_MESSAGE_ID = re.compile(r'\b([0-9a-fA-F]{8}):[0-9]:')
_HTML_TITLE = re.compile(r'<title[^>]*>(.*?)</title>', re.I | re.S)
_HTML_TAG = re.compile(r'<[^>]+>')
_SPACES = re.compile(r'\s+')
MESSAGE_LIMIT = 500

# 400 answers that refuse a deletion because another object refers to the target (0.2).
# 400 texts that mean "something still refers to it": 01070265/01070083/01070110 and the
# tenancy refusals 0107082a (partition not empty), 010713f9 (folder not empty) and 0107097c
# (route domain is a partition's default).
_IN_USE = ('in use', 'referenced', 'cannot be deleted because',
           'must be removed from a partition', 'is the default route domain')
# Answers of a restarting device, given before the request is processed (0.2, 8): restjavad's
# 404 'Public URI path not registered' (or 'URI path ... not registered'; the object may well
# exist, the REST stack is just not ready), icrd's 500 'The connection to mcpd has been lost,
# try again.' (apiError 32768001) and httpd's 503 page 'Configuration Utility restarting...'.
_NOT_REGISTERED = 'not registered'
_MCPD_LOST = 'connection to mcpd has been lost'
_RESTARTING_PAGE = 'configuration utility restarting'
# The 401 for an expired, deleted or unknown token (1.2); other 401s (wrong credentials, a
# role without the right) do not go away with a new token.
_TOKEN_UNKNOWN = 'x-f5-auth-token does not exist'


def error_message(response):
    """The device's error text from any of its three error shapes."""
    try:
        data = response.json()
    except ValueError:
        return _html_text(response.text) or response.reason or ''
    if isinstance(data, dict) and data.get('message'):
        return str(data['message'])
    return _html_text(response.text) or response.reason or ''


def _html_text(text):
    title = _HTML_TITLE.search(text or '')
    body = title.group(1) if title else _HTML_TAG.sub(' ', text or '')
    return _SPACES.sub(' ', body).strip()[:MESSAGE_LIMIT]


def token_unknown(response):
    """Whether a 401 answer says the token is expired or unknown (a new login may cure it)."""
    return response.status_code == 401 and _TOKEN_UNKNOWN in error_message(response).lower()


def message_id(message):
    """The F5 message id ('01020036') of a device message, or None."""
    match = _MESSAGE_ID.search(message or '')
    return match.group(1).lower() if match else None


def error_class(status, message):
    """The exception class for an error answer (a refused commit is re-typed by the caller)."""
    text = (message or '').lower()
    if ((status == 404 and _NOT_REGISTERED in text) or (status == 500 and _MCPD_LOST in text)
            or (status == 503 and _RESTARTING_PAGE in text)):
        return exceptions.DeviceRestarting
    if status >= 500:
        return exceptions.DeviceUnavailable
    if status in (401, 403):
        return exceptions.AuthenticationFailed
    if status == 404:
        return exceptions.NotFound
    if status == 409:
        return exceptions.AlreadyExists
    if status == 400 and any(p in text for p in _IN_USE):
        return exceptions.InUse
    return exceptions.InvalidRequest


def from_response(response, device, method, path, redactor, extra_secrets=()):
    """The typed exception for an error answer, with every secret masked."""
    raw = error_message(response)
    # Masked before it is shortened: a cut through a secret would leave its start unmasked.
    message = redactor.text(raw, extra_secrets)[:MESSAGE_LIMIT]
    cls = error_class(response.status_code, raw)
    return cls(message, status=response.status_code, message_id=message_id(raw),
               device=device, method=method, path=redactor.path(path))


def _cause(exc):
    """The innermost reason of a requests exception (urllib3 wraps it in MaxRetryError)."""
    reason = exc.args[0] if exc.args else exc
    return getattr(reason, 'reason', None) or reason


def _never_sent(exc):
    """True if the connection failed before any byte of the request left.

    A refused connection, a failed name lookup or a connect timeout cannot have reached the
    device; a read timeout or a reset connection may have, after the device acted.
    """
    if isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.SSLError)):
        return True
    return isinstance(_cause(exc), urllib3_exceptions.ConnectTimeoutError)


def _describe(exc):
    if isinstance(exc, requests.exceptions.SSLError):
        return 'TLS handshake failed (check [f5_bigip] verify)'
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return 'connection timed out'
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return 'no answer within the read timeout'
    return 'connection failed'


def _certificate_refused(exc):
    """True if the device's certificate failed verification: no retry can change that."""
    seen = set()
    while isinstance(exc, BaseException) and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ssl.SSLCertVerificationError):
            return True
        # requests wraps urllib3's MaxRetryError, whose ``reason`` wraps the ssl error.
        inner = exc.args[0] if exc.args else None
        exc = (getattr(exc, 'reason', None) or
               (inner if isinstance(inner, BaseException) else None) or exc.__cause__)
    return False


def from_transport_error(exc, device, method, path, redactor):
    """DeviceUnavailable (or RequestNotSent) for a requests exception, secrets masked."""
    if _certificate_refused(exc):
        cls = exceptions.CertificateRefused
    elif _never_sent(exc):
        cls = exceptions.RequestNotSent
    else:
        cls = exceptions.DeviceUnavailable
    detail = redactor.text('%s (%s)' % (_describe(exc), _cause(exc)))
    return cls(detail[:MESSAGE_LIMIT], device=device, method=method, path=redactor.path(path))
