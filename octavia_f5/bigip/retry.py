# SPDX-License-Identifier: Apache-2.0
"""When a failed request may be sent again, and how long to wait before it.

The one place that decides retries. Not urllib3's Retry: whether an answer means "device busy"
depends on its body (404 'not registered' is a restarting REST stack, other 404s are real), and a
401 is cured by a new login rather than by waiting.

The rule: a request that never left (RequestNotSent) may always be sent again. A request that
may have reached the device is sent again only if repeating it cannot change the outcome: GET,
PUT, PATCH, DELETE, and POSTs the caller marks idempotent (commands such as save or config-sync,
file-upload chunks). A plain POST that may have been applied is never repeated; see
Device.create() for the read-back that resolves it.
"""

import dataclasses

from octavia_f5.common import exceptions

IDEMPOTENT_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'))


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


def may_retry(error, idempotent):
    """Whether a request that failed with ``error`` may be sent again."""
    if isinstance(error, exceptions.CertificateRefused):
        return False
    if isinstance(error, exceptions.RequestNotSent):
        return True
    return idempotent and isinstance(error, exceptions.DeviceUnavailable)
