# SPDX-License-Identifier: Apache-2.0
"""The iControl REST client of one BIG-IP device: one keep-alive requests.Session, typed errors.

What a task sees (paths come from octavia_f5.bigip.paths):

    device.get(path, params) -> dict        device.get_or_none(path) -> dict or None
    device.items(path, params) -> list      device.exists(path) -> bool
    device.post / put / patch(path, body) -> dict
    device.delete(path, missing_ok=False) -> bool (True: deleted, False: was missing)
    device.create(collection_path, body)    POST that resolves an ambiguous failure by reading back
    device.upload(file_name, data) -> path of the file on the device
    with device.transaction() as tx: tx.post(...); tx.patch(...)

Errors are the DeviceError classes of octavia_f5.common.exceptions. Which failures are retried
is decided in octavia_f5.bigip.retry.
"""

import dataclasses
import itertools
import os
import time
import urllib.parse

from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import strutils
import requests
from requests import adapters

from octavia_f5.bigip import auth
from octavia_f5.bigip import errors
from octavia_f5.bigip import paths
from octavia_f5.bigip import redact
from octavia_f5.bigip import retry
from octavia_f5.bigip import transaction
from octavia_f5.common import config
from octavia_f5.common import exceptions

LOG = logging.getLogger(__name__)

# The SDK uploads in 512 KiB chunks; certificates and keys fit in one.
UPLOAD_CHUNK = 512 * 1024
# Successful requests to these paths do not change the device's configuration.
_NOT_CHANGES = ('/mgmt/tm/sys/config', '/mgmt/tm/cm')


def parse_verify(value):
    """[f5_bigip] verify: 'true' -> True, 'false' -> False, anything else a CA bundle path."""
    flag = strutils.bool_from_string(value, default=None)
    if flag is not None:
        return flag
    if not os.path.isfile(value):
        raise ValueError('[f5_bigip] verify is neither true, false nor an existing CA bundle '
                         'file: %s' % value)
    return value


@dataclasses.dataclass(frozen=True)
class DeviceOptions(object):
    """How to reach and authenticate to a device; defaults equal the [f5_bigip] defaults."""

    username: str = 'admin'
    password: str = dataclasses.field(default=None, repr=False)
    auth_method: str = 'token'
    token_timeout: int = 36000
    verify: object = True
    connect_timeout: float = 5.0
    read_timeout: float = 60.0
    retry_policy: retry.RetryPolicy = retry.RetryPolicy()
    pool_size: int = 8

    @classmethod
    def from_conf(cls, conf=cfg.CONF):
        """Options from the [f5_bigip] group."""
        opts = conf[config.BIGIP_GROUP]
        return cls(username=opts.username, password=opts.password,
                   auth_method=opts.auth_method, token_timeout=opts.token_timeout,
                   verify=parse_verify(opts.verify), connect_timeout=opts.connect_timeout,
                   read_timeout=opts.read_timeout,
                   retry_policy=retry.RetryPolicy(opts.max_retries, opts.retry_backoff,
                                                  opts.retry_max_backoff),
                   pool_size=opts.connection_pool_size)


def _session(options):
    session = requests.Session()
    # Proxy variables and ~/.netrc must not reroute management traffic or add credentials.
    session.trust_env = False
    session.verify = options.verify
    # max_retries=0: retries are decided by octavia_f5.bigip.retry, never by urllib3.
    adapter = adapters.HTTPAdapter(pool_connections=1, pool_maxsize=options.pool_size,
                                   max_retries=0)
    session.mount('https://', adapter)
    session.mount('http://', adapter)
    session.headers['Accept'] = 'application/json'
    return session


def _answer_body(answer):
    if not answer.content:
        return {}
    try:
        return answer.json()
    except ValueError:
        return None


class Device(object):
    """One BIG-IP reached at one management URL; thread-safe."""

    def __init__(self, url, options, clock=time.monotonic, sleep=time.sleep):
        if not options.password:
            raise ValueError('[f5_bigip] password is not set')
        self.url = url.rstrip('/')
        self.name = urllib.parse.urlsplit(self.url).netloc or self.url
        # Called as on_unavailable(device, error) when a request finally fails with
        # DeviceUnavailable; the cluster uses it to look for another active device.
        self.on_unavailable = None
        self._options = options
        self._sleep = sleep
        self._writes = itertools.count(1)
        self._last_write = 0
        self._redactor = redact.Redactor([options.password])
        self._session = _session(options)
        if options.auth_method == 'basic':
            self._auth = auth.BasicAuth(options.username, options.password, self._redactor,
                                        device=self.name)
        else:
            self._auth = auth.TokenAuth(self._send, options.username, options.password,
                                        options.token_timeout, self._redactor,
                                        device=self.name, clock=clock)
        redact.install_log_filter()

    @classmethod
    def from_conf(cls, url, conf=cfg.CONF, **kwargs):
        """The device at ``url`` with the [f5_bigip] options."""
        return cls(url, DeviceOptions.from_conf(conf), **kwargs)

    def __repr__(self):
        return '<Device %s>' % self.name

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    @property
    def writes(self):
        """How many successful configuration changes this client made (for save scheduling)."""
        return self._last_write

    # --- the surface for tasks -----------------------------------------------------------

    def get(self, path, params=None):
        """GET an object or collection; params from paths.query()."""
        return self.request('GET', path, params=params)

    def get_or_none(self, path, params=None):
        """GET an object, or None if it does not exist."""
        try:
            return self.get(path, params)
        except exceptions.NotFound:
            return None

    def exists(self, path):
        """Whether the object at ``path`` exists."""
        return self.get_or_none(path) is not None

    def items(self, path, params=None):
        """The items of a collection; a BIG-IP omits "items" when a collection is empty."""
        return self.get(path, params).get('items', [])

    def post(self, path, body):
        """POST, never repeated after a failure that may have reached the device."""
        return self.request('POST', path, body=body)

    def put(self, path, body):
        """PUT: replace the whole object."""
        return self.request('PUT', path, body=body)

    def patch(self, path, body):
        """PATCH: merge top-level properties; lists are replaced whole."""
        return self.request('PATCH', path, body=body)

    def delete(self, path, missing_ok=False):
        """DELETE; True when deleted, False when missing and ``missing_ok`` (else NotFound)."""
        try:
            self.request('DELETE', path)
        except exceptions.NotFound:
            if not missing_ok:
                raise
            return False
        return True

    def create(self, collection_path, body):
        """POST a new object to a collection; resolve an ambiguous failure by reading back.

        A POST the device refused while restarting (DeviceRestarting) was not applied and is
        sent again within the retry budget; a 409 to such a re-send means the refused attempt
        was applied after all, so the object is read back and returned. If the POST failed in a
        way that may have reached the device (read timeout, reset connection, other 5xx), the
        object is looked up by the name, partition and subPath of ``body``: found, it is
        returned (device names derive from Octavia ids, so it is ours); not found, the original
        DeviceUnavailable is raised. A 409 to the first attempt raises AlreadyExists.
        """
        try:
            return self.post(collection_path, body)
        except exceptions.AlreadyExists as error:
            if not any(isinstance(e, exceptions.DeviceRestarting) for e in error.earlier):
                raise
            return self._read_back(collection_path, body, error)
        except exceptions.DeviceUnavailable as error:
            if retry.not_applied(error):
                raise
            return self._read_back(collection_path, body, error)

    def _read_back(self, collection_path, body, error):
        """The object ``body`` describes, after ``error`` left unknown whether it was made."""
        partition = (body.get('partition') or '').strip('/') or None
        path = '%s/%s' % (collection_path,
                          paths.uri_name(body['name'], partition, body.get('subPath')))
        LOG.warning('%s; reading %s back to learn whether it was created', error,
                    self._redactor.path(path))
        found = self.get_or_none(path)
        if found is None:
            raise error
        return found

    def upload(self, file_name, data, chunk_size=UPLOAD_CHUNK):
        """Upload bytes (e.g. a certificate) for a later install; returns the device file path."""
        if not data:
            raise ValueError('nothing to upload as %s' % file_name)
        path = paths.upload(file_name)
        answer = {}
        for start in range(0, len(data), chunk_size):
            chunk = data[start:start + chunk_size]
            headers = {'Content-Type': 'application/octet-stream',
                       'Content-Range': '%d-%d/%d' % (start, start + len(chunk) - 1, len(data))}
            # A chunk names its byte range and the device writes it there (its answer lists
            # usedChunks by offset): sending it again rewrites the same bytes.
            answer = self.request('POST', path, data=chunk, headers=headers, idempotent=True)
        remaining = answer.get('remainingByteCount') or 0
        if remaining:
            # The device lost earlier chunks (its REST API restarted in between): installing
            # the file would install a truncated certificate or key.
            raise exceptions.DeviceUnavailable(
                'the device misses %d of the %d bytes of the uploaded file' % (
                    remaining, len(data)), device=self.name, method='POST', path=path)
        return answer.get('localFilePath') or '%s/%s' % (paths.UPLOAD_DIR, file_name)

    def transaction(self):
        """A context manager that applies the requests queued in it all at once, or none."""
        return transaction.Transaction(self)

    def mask(self, text):
        """``text`` with every secret this client knows of masked."""
        return self._redactor.text(text)

    def close(self):
        """Release the login token and the pooled connections."""
        self._auth.close()
        self._session.close()

    # --- one request, with authentication and retries -----------------------------------

    def request(self, method, path, params=None, body=None, data=None, headers=None,
                idempotent=None, retries=None):
        """Send a request; the answer's JSON (empty dict for an empty answer).

        ``idempotent`` overrides whether the request may be repeated after a failure that may
        have reached the device (default: by method); ``retries`` overrides the retry budget.
        """
        policy = self._options.retry_policy
        if retries is not None:
            policy = policy.with_max_retries(retries)
        safe = retry.is_idempotent(method, idempotent)
        earlier = []
        for attempt in itertools.count():
            try:
                return self._exchange(method, path, params, body, data, headers or {})
            except exceptions.DeviceError as error:
                error.earlier = tuple(earlier)
                if (isinstance(error, exceptions.NotFound) and method == 'DELETE'
                        and not all(retry.not_applied(e) for e in earlier)):
                    # A DELETE whose earlier attempt may have been applied finds nothing: done.
                    LOG.info('%s: DELETE %s: gone after a retry', self.name,
                             self._redactor.path(path))
                    return {}
                if not isinstance(error, exceptions.DeviceUnavailable):
                    raise
                if attempt >= policy.max_retries or not retry.may_retry(error, safe):
                    if self.on_unavailable is not None:
                        self.on_unavailable(self, error)
                    raise
                earlier.append(error)
                delay = policy.delay(attempt)
                LOG.warning('%s; retry %d of %d in %.1f s', error, attempt + 1,
                            policy.max_retries, delay)
                self._sleep(delay)

    def _exchange(self, method, path, params, body, data, headers):
        sent = self._auth_headers(method, path)
        answer = self._send(method, path, params, body, data, {**headers, **sent})
        resends = 0
        while answer.status_code == 401 and self._auth.renewable and retry.resend_after_401(
                resends, errors.token_unknown(answer)):
            # A 401 is given before the request is processed (expired or released token), so
            # re-sending it, even a POST, cannot apply it twice. invalidate() drops the token
            # only if no other thread replaced it yet: one new login serves them all.
            resends += 1
            LOG.info('%s: %s %s: login token refused; logging in again (%d of %d)', self.name,
                     method, self._redactor.path(path), resends, retry.TOKEN_RESENDS)
            self._auth.invalidate(sent)
            sent = self._auth_headers(method, path)
            answer = self._send(method, path, params, body, data, {**headers, **sent})
        if not answer.ok:
            extra = redact.secrets_in(body)
            if data:
                extra += redact.secrets_in(data.decode('utf-8', 'replace'))
            raise errors.from_response(answer, self.name, method, path, self._redactor,
                                       extra_secrets=extra)
        result = _answer_body(answer)
        if result is None:
            # A 200 page that is not JSON comes from something in front of the REST API.
            raise exceptions.DeviceUnavailable(
                'the answer is not JSON', status=answer.status_code, device=self.name,
                method=method, path=self._redactor.path(path))
        self._count_write(method, path, headers)
        return result

    def _auth_headers(self, method, path):
        try:
            return self._auth.headers()
        except exceptions.ClientClosed as error:
            raise exceptions.ClientClosed(error.message, device=self.name, method=method,
                                          path=self._redactor.path(path)) from None
        except exceptions.RequestNotSent:
            raise
        except exceptions.DeviceUnavailable as error:
            raise exceptions.RequestNotSent(
                'not sent, login failed: %s' % error.message, status=error.status,
                message_id=error.message_id, device=self.name, method=method,
                path=self._redactor.path(path)) from error

    def _count_write(self, method, path, headers):
        # Queued commands, opening and aborting a transaction change nothing; only its commit
        # (a PATCH of the transaction) does.
        if (method == 'GET' or transaction.COORDINATION_HEADER in headers
                or (method != 'PATCH' and path.startswith(transaction.TRANSACTIONS_PATH))):
            return
        if path.startswith(paths.TM_ROOT) and not path.startswith(_NOT_CHANGES):
            self._last_write = next(self._writes)

    def _send(self, method, path, params=None, body=None, data=None, headers=None):
        """One HTTP exchange, unauthenticated unless ``headers`` say so; logs one line."""
        query = ''
        if params:
            query = '?' + (params if isinstance(params, str) else paths.encode_query(params))
        shown = self._redactor.path(path + query)
        started = time.monotonic()
        try:
            answer = self._session.request(
                method, self.url + path + query, json=body, data=data, headers=headers,
                timeout=(self._options.connect_timeout, self._options.read_timeout))
        except requests.RequestException as exc:
            error = errors.from_transport_error(exc, self.name, method, path, self._redactor)
            LOG.debug('%s %s %s -> %s (%.0f ms)%s', self.name, method, shown, error.message,
                      (time.monotonic() - started) * 1000, self._shown_body(body, data))
            raise error
        LOG.debug('%s %s %s -> %d (%.0f ms)%s', self.name, method, shown, answer.status_code,
                  (time.monotonic() - started) * 1000, self._shown_body(body, data))
        return answer

    def _shown_body(self, body, data):
        if data is not None:
            return ' body: %d bytes' % len(data)
        if body is None:
            return ''
        return ' body: %s' % self._redactor.body_text(body)
