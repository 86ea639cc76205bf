# SPDX-License-Identifier: Apache-2.0
"""When a failed request may be sent again, and how long to wait before it.

The one place that decides retries. Not urllib3's Retry: whether an answer means "device busy"
depends on its body (404 'not registered' is a restarting REST stack, other 404s are real), and a
401 is cured by a new login rather than by waiting.

The rule: a request that was not applied may always be sent again: it never left
(RequestNotSent), or the device refused it while restarting (DeviceRestarting: mcpd lost, REST
API not registered or restarting). A request that may have been applied is sent again only if
repeating it cannot change the outcome: GET, PUT, PATCH, DELETE, and POSTs the caller marks
idempotent (commands such as save or config-sync, file-upload chunks). A plain POST that may
have been applied is never repeated; see Device.create() for the read-back that resolves it.

A 401 is not a retry: the device refuses before it processes, so the client logs in again (one
login shared by all threads) and re-sends (resend_after_401).
"""

import dataclasses

from octavia_f5.common import exceptions

IDEMPOTENT_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'))
# Re-sends after a 401, each with the token of a new login. More than one: tokens can be
# revoked (expired, deleted by an administrator) again while a new one is on its way, and a
# thread can learn of a revocation from a request carrying an older token, so the token it
# re-sends with may be dead too. Bounded: a 401 that no login cures must end.
TOKEN_RESENDS = 3


@dataclasses.dataclass(frozen=True)
class RetryPolicy(object):
    """Exponential back-off: backoff, 2*backoff, 4*backoff ... capped at max_backoff."""

    max_retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 8.0

    def delay(self, retry_number):
        """Seconds to wait before retry number ``retry_number`` (0-based)."""
        return min(self.backoff * (2 ** retry_number), self.max_backoff)

    def with_max_retries(self, max_retries):
        """The same back-off with another retry budget (0 = fail fast)."""
        return dataclasses.replace(self, max_retries=max_retries)


def is_idempotent(method, idempotent=None):
    """Whether repeating ``method`` cannot change the outcome; ``idempotent`` overrides."""
    return method.upper() in IDEMPOTENT_METHODS if idempotent is None else idempotent


def resend_after_401(resends, token_unknown):
    """Whether to log in again and re-send a request answered 401 after ``resends`` re-sends.

    The first 401 always (its text varies by version); later ones only while the device says
    the token does not exist: any other 401 to a fresh token is about the user, not the token.
    """
    return resends == 0 or (token_unknown and resends < TOKEN_RESENDS)


def not_applied(error):
    """Whether ``error`` proves the device did not act on the request."""
    return isinstance(error, (exceptions.RequestNotSent, exceptions.DeviceRestarting))


def may_retry(error, idempotent):
    """Whether a request that failed with ``error`` may be sent again."""
    if isinstance(error, exceptions.CertificateRefused):
        return False
    if not_applied(error):
        return True
    return idempotent and isinstance(error, exceptions.DeviceUnavailable)
