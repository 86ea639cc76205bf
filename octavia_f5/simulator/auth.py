# SPDX-License-Identifier: Apache-2.0
"""BIG-IP authentication: Basic credentials, login tokens and their REST API (reference 1)."""

import base64
import binascii
import datetime
import os
import threading
import time

from octavia_f5.simulator import errors
from octavia_f5.simulator import http

DEFAULT_TIMEOUT = 1200
MAX_TIMEOUT = 36000
MAX_TOKENS_PER_USER = 100
ADMIN = 'admin'
LOGIN_PATH = '/mgmt/shared/authn/login'
TOKENS_PATH = '/mgmt/shared/authz/tokens'
TOKEN_LINK = 'https://localhost/mgmt/shared/authz/tokens'
LOGIN_PROVIDERS = ('tmos', 'local')
# The login reference of the local "tmos" provider; the id is fixed on a device.
LOGIN_REFERENCE = ('https://localhost/mgmt/cm/system/authn/providers/tmos/'
                   '1f44a60e-11a7-3c51-a49f-82983026b41b/login')


class AuthSettings:
    """Users and token policy, shared by the devices of a group (users are synced config)."""

    def __init__(self, username='admin', password='admin'):
        self.initial_users = {username: password}
        self.reset()

    def reset(self):
        self.users = dict(self.initial_users)
        self.token_lifetime = None   # seconds; overrides every token's timeout when set
        self.max_tokens = MAX_TOKENS_PER_USER
        self.limit_admin = False     # BIG-IP exempts admin from the token limit

    def describe(self):
        """The settings without the passwords."""
        return {'users': sorted(self.users), 'token_lifetime': self.token_lifetime,
                'max_tokens': self.max_tokens, 'limit_admin': self.limit_admin}


class Token:
    """One login token and its lifetime, in microseconds of the wall clock."""

    __slots__ = ('token', 'user', 'address', 'provider', 'timeout', 'start', 'updated',
                 'generation')

    def __init__(self, user, address, provider, now):
        # 26 upper-case base32 characters, like FZ42XIKJMI6UGXDD7I3VU52EUY.
        self.token = base64.b32encode(os.urandom(20)).decode('ascii')[:26]
        self.user = user
        self.address = address
        self.provider = provider
        self.timeout = DEFAULT_TIMEOUT
        self.start = self.updated = int(now * 1e6)
        self.generation = 1

    def expires(self, lifetime=None):
        seconds = self.timeout if lifetime is None else min(self.timeout, lifetime)
        return self.updated + int(seconds * 1e6)

    def item(self):
        start = datetime.datetime.fromtimestamp(self.start / 1e6).astimezone()
        return {
            'token': self.token, 'name': self.token, 'userName': self.user,
            'authProviderName': self.provider,
            'user': {'link': 'https://localhost/mgmt/shared/authz/users/' + self.user},
            'groupReferences': [], 'timeout': self.timeout,
            'startTime': start.strftime('%Y-%m-%dT%H:%M:%S.') +
            '%03d' % (start.microsecond // 1000) + start.strftime('%z'),
            'address': self.address, 'partition': '[All]', 'generation': self.generation,
            'lastUpdateMicros': self.updated, 'expirationMicros': self.expires(),
            'kind': 'shared:authz:tokens:authtokenitemstate',
            'selfLink': TOKEN_LINK + '/' + self.token}


def _error(code, message, request):
    return http.Response(code, errors.rest_error(code, message, request.client))


class AuthStore:
    """The tokens of one device; answers login, checks each request's credentials."""

    def __init__(self, settings, clock=time.time):
        self.settings = settings
        self.clock = clock
        self._tokens = {}
        self._lock = threading.Lock()

    def clear(self):
        with self._lock:
            self._tokens.clear()

    def expire(self, token=None):
        """Forget one token (or all): its next use gets the expired-token 401."""
        with self._lock:
            if token is None:
                self._tokens.clear()
            else:
                self._tokens.pop(token, None)

    def _alive(self, token):
        return token.expires(self.settings.token_lifetime) > self.clock() * 1e6

    def _check_password(self, user, password):
        expected = self.settings.users.get(user)
        return expected is not None and expected == password

    def authenticate(self, request):
        """The user a request acts as, or the 401 Response to answer it with."""
        value = request.headers.get('x-f5-auth-token')
        if value is not None:
            token = self._tokens.get(value)
            if token is not None and self._alive(token):
                return token.user, None
            self.expire(value)
            return None, _error(401, errors.TOKEN_UNKNOWN, request)
        user, password = _basic_credentials(request)
        if user is not None:
            if self._check_password(user, password):
                return user, None
            return None, _error(401, errors.AUTH_FAILED, request)
        path = request.path[len('/mgmt'):] if request.path.startswith('/mgmt/') else request.path
        return None, _error(401, errors.NO_AUTH % (path, request.client, request.client),
                            request)

    def login(self, request):
        """POST /mgmt/shared/authn/login: a new token (credentials in the body or Basic)."""
        try:
            body = request.json() or {}
        except ValueError:
            return http.Response(400, errors.tm_error(400, errors.INVALID_JSON,
                                                      errors.API_ERROR_PARSE))
        user, password = body.get('username'), body.get('password')
        if user is None:
            user, password = _basic_credentials(request)
        provider = body.get('loginProviderName', 'tmos')
        if provider not in LOGIN_PROVIDERS or not self._check_password(user, password):
            return _error(401, errors.AUTH_FAILED, request)
        with self._lock:
            self._purge()
            if self._limited(user):
                return _error(400, errors.TOKEN_LIMIT % user, request)
            token = Token(user, request.client, provider, self.clock())
            self._tokens[token.token] = token
        return http.Response(200, {'username': user,
                                   'loginReference': {'link': LOGIN_REFERENCE},
                                   'loginProviderName': provider, 'token': token.item(),
                                   'generation': 0, 'lastUpdateMicros': 0})

    def _purge(self):
        for value in [t.token for t in self._tokens.values() if not self._alive(t)]:
            del self._tokens[value]

    def _limited(self, user):
        if user == ADMIN and not self.settings.limit_admin:
            return False
        count = sum(1 for t in self._tokens.values() if t.user == user)
        return count >= self.settings.max_tokens

    def tokens_api(self, request, user):
        """GET/PATCH/DELETE /mgmt/shared/authz/tokens[/<token>] for the caller's tokens."""
        rest = request.path[len(TOKENS_PATH):].strip('/')
        if not rest:
            return self._collection(request, user)
        with self._lock:
            token = self._tokens.get(rest)
            if token is None or not self._alive(token):
                return _error(404, 'The token does not exist.', request)
            if token.user != user and user != ADMIN:
                # Users can only see and change their own tokens (reference 1.2).
                return _error(400, 'User %s may not access a token of another user.' % user,
                              request)
            if request.method == 'GET':
                return http.Response(200, token.item())
            if request.method == 'DELETE':
                del self._tokens[rest]
                return http.Response(200, token.item())
            if request.method == 'PATCH':
                return self._patch(request, token)
        return _error(405, 'Method %s is not supported.' % request.method, request)

    def _collection(self, request, user):
        with self._lock:
            self._purge()
            mine = [t for t in self._tokens.values() if t.user == user]
            if request.method == 'DELETE':
                for token in mine:
                    del self._tokens[token.token]
            elif request.method != 'GET':
                return _error(405, 'Method %s is not supported.' % request.method, request)
            items = [t.item() for t in mine]
        body = {'kind': 'shared:authz:tokens:authtokencollectionstate',
                'selfLink': TOKEN_LINK, 'generation': len(items),
                'lastUpdateMicros': int(self.clock() * 1e6)}
        if items:
            body['items'] = items
        return http.Response(200, body)

    def _patch(self, request, token):
        try:
            timeout = int((request.json() or {}).get('timeout', token.timeout))
        except (ValueError, TypeError):
            return _error(400, 'Invalid timeout value.', request)
        if timeout > MAX_TIMEOUT:
            return _error(406, errors.TOKEN_TIMEOUT_EXCEEDED, request)
        if timeout <= 0:
            return _error(400, 'Invalid timeout value.', request)
        token.timeout = timeout
        token.updated = int(self.clock() * 1e6)
        token.generation += 1
        return http.Response(200, token.item())


def _basic_credentials(request):
    """(user, password) from an Authorization: Basic header, or (None, None)."""
    value = request.headers.get('authorization', '')
    if value[:6].lower() != 'basic ':
        return None, None
    try:
        decoded = base64.b64decode(value[6:].strip(), validate=True).decode('utf-8')
    except (binascii.Error, UnicodeDecodeError):
        return '', None
    user, _, password = decoded.partition(':')
    return user, password
