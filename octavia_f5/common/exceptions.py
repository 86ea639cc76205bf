# SPDX-License-Identifier: Apache-2.0
"""All exceptions of octavia_f5: device (iControl REST) errors and driver errors.

Device errors carry the HTTP status, the F5 message id (the ``01020036`` of
``01020036:3: The requested Pool (/P/x) was not found.``) and the device's message, so that callers
decide by type, never by parsing text. Their string form never contains request bodies, which may
hold keys or passwords.
"""


class F5Error(Exception):
    """Base of every octavia_f5 error."""


class UnsupportedOption(F5Error):
    """An Octavia option the BIG-IP cannot express; names the field and the reason.

    Raised by the mapping (the one source of truth for what is supported) and turned by the API
    driver into octavia-lib's UnsupportedOptionError (HTTP 501 to the user).
    """

    def __init__(self, field, reason):
        self.field = field
        self.reason = reason
        super().__init__('%s: %s' % (field, reason))


class InvalidValue(F5Error):
    """A user-supplied value that is well-formed for Octavia but unsafe or invalid for a BIG-IP."""

    def __init__(self, field, reason):
        self.field = field
        self.reason = reason
        super().__init__('%s: %s' % (field, reason))


# --- iControl REST ------------------------------------------------------------------------------

class DeviceError(F5Error):
    """An error answer (or no answer) from a BIG-IP device."""

    # The errors of the earlier attempts of the same request, oldest first, when the client
    # retried it before giving up with this one.
    earlier = ()

    def __init__(self, message, status=None, message_id=None, device=None, method=None,
                 path=None):
        self.message = message
        self.status = status
        self.message_id = message_id
        self.device = device
        self.method = method
        self.path = path
        super().__init__(message)

    def __str__(self):
        where = ' '.join(p for p in (self.method, self.path) if p)
        parts = [p for p in (self.device, where) if p]
        prefix = ('%s: ' % ' '.join(parts)) if parts else ''
        status = ('%s ' % self.status) if self.status is not None else ''
        return '%s%s%s' % (prefix, status, self.message)


class NotFound(DeviceError):
    """404: the object does not exist (01020036)."""


class AlreadyExists(DeviceError):
    """409: an object of that name exists already (01020066)."""


class InUse(DeviceError):
    """400: the object cannot be deleted because another object refers to it."""


class InvalidRequest(DeviceError):
    """400: the device refused a value, a reference or the JSON of the request."""


class TransactionFailed(DeviceError):
    """400 on commit: the whole transaction was rolled back by the device."""


class AuthenticationFailed(DeviceError):
    """401/403 that a fresh login did not cure: wrong credentials or no permission."""


class ClientClosed(DeviceError):
    """The device client was closed: after close() it sends nothing and logs in no more.

    Not a DeviceUnavailable: sending again cannot help, so it is never retried.
    """


class DeviceUnavailable(DeviceError):
    """The device cannot serve the request now.

    Connection errors, timeouts, mcpd or restjavad restarting ("connection to mcpd has been
    lost", "Public URI path not registered"), 5xx answers. Safe requests are retried before this
    is raised.
    """


class DeviceRestarting(DeviceUnavailable):
    """The device refused the request while mcpd or its REST API restarts: nothing was applied.

    500 "The connection to mcpd has been lost, try again.", 404 "... not registered" and the
    503 "Configuration Utility restarting" page are answered before the request is processed,
    so even a POST may be sent again.
    """


class NoActiveDevice(DeviceUnavailable):
    """None of the configured devices reports itself active."""


class ActiveDeviceChanged(DeviceUnavailable):
    """The device written to is no longer the active one (a failover happened meanwhile).

    Its configuration must not be config-synced to the group; the writes are made again on
    the new active device.
    """


class RequestNotSent(DeviceUnavailable):
    """The request never reached the device: no connection, or the client could not log in.

    Nothing can have changed on the device, so even a POST may be sent again.
    """


class CertificateRefused(RequestNotSent):
    """The device's TLS certificate failed verification ([f5_bigip] verify).

    Nothing was sent, and sending again cannot help: this is a configuration error.
    """


# --- worker and jobboard ------------------------------------------------------------------------

class UnknownOperation(F5Error):
    """A job names an operation that has no flow factory."""

    def __init__(self, operation, reason='no flow is registered under this name'):
        self.operation = operation
        super().__init__('Unknown operation %r: %s' % (operation, reason))


class JobPostFailed(F5Error):
    """The jobboard (Redis) could not take a job; nothing was posted."""


class SecretError(F5Error):
    """Certificate or key material could not be encrypted or decrypted.

    The message names the option to fix ([f5_jobboard] secret_key), never a key or a token.
    """


class ObjectNotCommitted(F5Error):
    """Octavia did not show an object within the wait: its API transaction never committed."""

    def __init__(self, kind, object_id, timeout):
        self.kind = kind
        self.object_id = object_id
        super().__init__('%s %s not visible in Octavia after %s s; the API request that '
                         'created it was probably rolled back' % (kind, object_id, timeout))


class OctaviaObjectMissing(F5Error):
    """Octavia does not show an object a flow needs (a parent of the operation's object)."""

    def __init__(self, kind, object_id):
        self.kind = kind
        self.object_id = object_id
        super().__init__('%s %s is not known to Octavia (deleted, or never committed); the '
                         'operation cannot find its load balancer' % (kind, object_id))


class JobGivenUp(F5Error):
    """A job failed outside its flow too often; the worker moves it to the trash."""


# --- mapping ------------------------------------------------------------------------------------

class RouteDomainsExhausted(F5Error):
    """Every route-domain id in [f5_network] route_domain_min..route_domain_max is taken."""

    def __init__(self, low, high):
        self.low = low
        self.high = high
        super().__init__('No free route-domain id in %d-%d: widen [f5_network] '
                         'route_domain_min/route_domain_max or remove unused route domains'
                         % (low, high))


# --- reconciler ---------------------------------------------------------------------------------

class OctaviaApiError(F5Error):
    """Octavia's API could not be read; nothing is repaired or removed without its answer."""


class ReconcilerNotConfigured(F5Error):
    """[f5_reconciler] lacks what is needed to reach Octavia's API."""
