# SPDX-License-Identifier: Apache-2.0
"""Authentication to one device: a shared, self-renewing login token, or HTTP Basic.

Both kinds offer the same small surface to the device client: headers() for the next request,
invalidate(sent_headers) after a 401, close() when the client is done, and ``renewable``
(whether a 401 is worth a new login and one re-send). After close(), headers() raises
ClientClosed: a closed client sends nothing more and never logs in again.
"""

import base64
import threading
import time

from oslo_log import log as logging

from octavia_f5.bigip import errors
from octavia_f5.common import exceptions

LOG = logging.getLogger(__name__)

LOGIN_PATH = '/mgmt/shared/authn/login'
TOKENS_PATH = '/mgmt/shared/authz/tokens'
TOKEN_HEADER = 'X-F5-Auth-Token'
BASIC_HEADER = 'Authorization'
# A token is replaced this long before the device would expire it (ICR uses 60 s too), so that
# a request sent just before expiry does not arrive just after it. Short test lifetimes use a
# quarter of the lifetime instead.
RENEW_MARGIN = 60.0
# The device's own default lifetime, used when an answer does not state one (1.2).
DEFAULT_LIFETIME = 1200.0
# How long to fall back to Basic after the device refused a login for too many tokens.
TOKEN_LIMIT_BACKOFF = 300.0
_TOKEN_LIMIT = 'maximum active login tokens'
# Logins in a row whose token was revoked before its lifetime PATCH (tokens deleted or expired
# by an administrator meanwhile); bounded, like retry.TOKEN_RESENDS: revocations that no login
# outruns must end.
LOGINS_PER_RENEWAL = 3


def basic_header(username, password):
    """The value of an HTTP Basic Authorization header."""
    raw = ('%s:%s' % (username, password)).encode('utf-8')
    return 'Basic ' + base64.b64encode(raw).decode('ascii')


def token_lifetime(item):
    """Seconds a token item (login or PATCH answer) stays valid.

    The device states it twice: ``timeout`` (sent back as a string by some versions) and
    ``expirationMicros - lastUpdateMicros``. The difference of two device timestamps needs no
    clock agreement with the device; the shorter of both is trusted.
    """
    candidates = []
    expires, updated = item.get('expirationMicros'), item.get('lastUpdateMicros')
    if isinstance(expires, int) and isinstance(updated, int) and expires > updated:
        candidates.append((expires - updated) / 1e6)
    try:
        candidates.append(float(item['timeout']))
    except (KeyError, TypeError, ValueError):
        pass
    return min(candidates) if candidates else DEFAULT_LIFETIME


def _json(answer):
    try:
        data = answer.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _closed(device):
    return exceptions.ClientClosed('the client is closed; nothing is sent after close()',
                                   device=device)


class _Revoked(Exception):
    """A new token was revoked before its lifetime PATCH; carries the PATCH's error."""

    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


class BasicAuth(object):
    """HTTP Basic credentials on every request; a 401 is final."""

    renewable = False

    def __init__(self, username, password, redactor, device=''):
        self._header = basic_header(username, password)
        self._device = device
        self._open = True
        redactor.add(self._header.split(' ', 1)[1])

    def headers(self):
        if not self._open:
            raise _closed(self._device)
        return {BASIC_HEADER: self._header}

    def invalidate(self, sent_headers):
        """Nothing to renew: wrong Basic credentials stay wrong."""

    def close(self):
        """Basic auth holds nothing on the device; later requests are refused all the same."""
        self._open = False


class TokenAuth(object):
    """One login token per device, shared by all threads and renewed before it expires."""

    renewable = True

    def __init__(self, send, username, password, lifetime, redactor, device='',
                 clock=time.monotonic):
        """Token authentication.

        ``send(method, path, body=None, headers=None)`` performs one unauthenticated exchange
        with the device and returns the requests.Response (or raises DeviceUnavailable);
        ``lifetime`` is the token timeout to request, in seconds.
        """
        self._send = send
        self._username = username
        self._password = password
        self._lifetime = lifetime
        self._redactor = redactor
        self._device = device
        self._clock = clock
        self._basic = basic_header(username, password)
        redactor.add(password)
        redactor.add(self._basic.split(' ', 1)[1])
        self._lock = threading.Lock()
        self._token = None
        self._renew_at = 0.0
        self._basic_until = None
        self._open = True

    def headers(self):
        """Headers that authenticate the next request; logs in when needed."""
        with self._lock:
            # Checked under the lock: a thread that waited here while close() ran must not
            # log in again (its token would stay behind on the device).
            if not self._open:
                raise _closed(self._device)
            now = self._clock()
            if self._basic_until is not None and now < self._basic_until:
                return {BASIC_HEADER: self._basic}
            if self._token is None or now >= self._renew_at:
                # The old token is left to expire by itself (within RENEW_MARGIN): other
                # threads may have requests in flight that carry it.
                self._renew(now)
            if self._token is None:
                return {BASIC_HEADER: self._basic}
            return {TOKEN_HEADER: self._token}

    def invalidate(self, sent_headers):
        """Forget the credentials a request was refused with, unless another thread already did."""
        with self._lock:
            if self._token and sent_headers.get(TOKEN_HEADER) == self._token:
                self._token = None
            elif BASIC_HEADER in sent_headers:
                self._basic_until = None

    def close(self):
        """Release the token on the device (it would otherwise count against the limit).

        Threads still using the client get ClientClosed from their next headers() (a request
        in flight with the released token is refused, and must not log in again).
        """
        with self._lock:
            self._open = False
            token, self._token = self._token, None
        if not token:
            return
        path = '%s/%s' % (TOKENS_PATH, token)
        try:
            answer = self._send('DELETE', path, headers={TOKEN_HEADER: token})
        except exceptions.DeviceUnavailable as exc:
            LOG.warning('%s: could not release the login token: %s', self._device, exc)
            return
        if not answer.ok and answer.status_code != 404:
            LOG.warning('%s: could not release the login token: %s', self._device,
                        errors.from_response(answer, self._device, 'DELETE', path,
                                             self._redactor))

    def _renew(self, now):
        """Log in; again if the new token was revoked before its lifetime could be extended."""
        for _ in range(LOGINS_PER_RENEWAL):
            try:
                self._login(now)
                return
            except _Revoked as revoked:
                # Kept, the dead token would only cost the next request a refusal and one of
                # its re-sends; the lock makes this one login serve every waiting thread.
                self._token = None
                error = revoked.error
                LOG.warning('%s: the new login token was revoked before it could be '
                            'extended; logging in again', self._device)
        raise error

    def _login(self, now):
        body = {'username': self._username, 'password': self._password,
                'loginProviderName': 'tmos'}
        answer = self._send('POST', LOGIN_PATH, body=body)
        if answer.status_code == 400 and _TOKEN_LIMIT in errors.error_message(answer).lower():
            self._fall_back_to_basic(now)
            return
        if not answer.ok:
            raise errors.from_response(answer, self._device, 'POST', LOGIN_PATH, self._redactor)
        item = _json(answer).get('token') or {}
        token = item.get('token') if isinstance(item, dict) else None
        if not token:
            raise exceptions.AuthenticationFailed(
                'the login answer carries no token', status=answer.status_code,
                device=self._device, method='POST', path=LOGIN_PATH)
        self._redactor.add(token)
        lifetime = self._extend(token) or token_lifetime(item)
        self._token = token
        self._renew_at = now + lifetime - min(RENEW_MARGIN, lifetime / 4)
        LOG.info('%s: logged in as %s; token valid for %d s', self._device, self._username,
                 lifetime)

    def _extend(self, token):
        """Ask for the configured lifetime; a login token lives 1200 s by default."""
        path = '%s/%s' % (TOKENS_PATH, token)
        try:
            answer = self._send('PATCH', path, body={'timeout': self._lifetime},
                                headers={TOKEN_HEADER: token})
        except exceptions.DeviceUnavailable as exc:
            LOG.warning('%s: could not extend the token lifetime: %s', self._device, exc)
            return None
        if errors.token_unknown(answer):
            raise _Revoked(errors.from_response(answer, self._device, 'PATCH', path,
                                                self._redactor))
        if not answer.ok:
            # Other refusals (e.g. a user who may not change tokens) leave a working token.
            LOG.warning('%s: could not extend the token lifetime: %s', self._device,
                        errors.from_response(answer, self._device, 'PATCH', path,
                                             self._redactor))
            return None
        return token_lifetime(_json(answer))

    def _fall_back_to_basic(self, now):
        # The user holds 100 live tokens (the per-user cap, 1.2): other processes with the same
        # user, or tokens of crashed processes that have not expired yet. Deleting "all tokens
        # of the user" (as SAP's driver does) would cut off every other worker mid-request, so
        # instead this client uses Basic credentials (accepted for local users) for a while and
        # then tries to log in again. Remote (LDAP/RADIUS) users will see a 401 and the warning.
        self._token = None
        self._basic_until = now + TOKEN_LIMIT_BACKOFF
        LOG.warning('%s: user %s has reached the maximum number of active login tokens; '
                    'using Basic authentication for %d s. Tokens expire after their '
                    'timeout ([f5_bigip] token_timeout); stale ones can be removed on the '
                    'device with DELETE /mgmt/shared/authz/tokens/<token>.',
                    self._device, self._username, TOKEN_LIMIT_BACKOFF)
